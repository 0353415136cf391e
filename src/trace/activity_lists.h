#pragma once
// ActivityLists: the tracker's entries (sip_tracker.h), kept in lists by last activity so that
// expiring them is popping fronts, without a heap allocation per entry and without writing an
// entry's neighbours when a message refreshes it.
//
// Why not std::list. With it, every new scope was a node from the heap (a malloc, and a free
// when it ended), and every message a scope held moved its entry to its list's end (splice),
// which writes the two neighbours it leaves and the tail it joins. With 100,000 live dialogs
// those neighbours are cold: a held message paid cache misses for entries it has nothing to do
// with (agent_bench, BM_ExtractTraced/3/2).
//
// Design. Entries live in chunks of kChunk slots, allocated as the peak grows and never moved
// (growth copies nothing, an Id stays valid until its entry is erased); erased slots go to a
// free list and are reused first. Each list is doubly linked through 32-bit ids. An entry has
// two times: `last_us`, its last activity, and `queued_us`, where it stands in its list
// (non-decreasing from the front to the back). A refresh raises last_us only. expire() looks
// at the front while its queued time is due: an entry whose last activity is due too is idle
// and erased; one refreshed since goes to the back, queued at its last activity (at the
// back's time if that is later, which keeps the order). So a refresh costs at most one move,
// made when its entry reaches the front, and an entry is erased exactly when it has been idle
// for the list's timeout, as with a list kept in order on every message: the second chance of
// CLOCK page replacement (Corbató, 1968), with the exact idle times kept.
//
// Bounds: the caller bounds the entries (the tracker refuses past its maximum); the chunks
// follow the peak and are not given back. Not thread-safe: the tracker holds its mutex.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace siphon::trace {

template <class T, size_t kLists>
class ActivityLists {
 public:
  using Id = uint32_t;
  static constexpr Id kNone = UINT32_MAX;

  struct Entry {
    T value{};
    int64_t last_us = 0;    ///< the last activity
    int64_t queued_us = 0;  ///< the time it stands at in its list
    Id prev = kNone, next = kNone;
    uint8_t list = 0;
  };

  /// Appends a new entry with `value` to `list`; its last activity is `now_us`.
  Id add(size_t list, T value, int64_t now_us) {
    const Id id = allocate();
    Entry& e = at(id);
    e.value = std::move(value);
    e.last_us = now_us;
    append(id, list);
    ++size_;
    return id;
  }

  [[nodiscard]] Entry& at(Id id) { return chunks_[id / kChunk][id % kChunk]; }
  [[nodiscard]] const Entry& at(Id id) const { return chunks_[id / kChunk][id % kChunk]; }

  /// A message for the entry at `now_us` (one older than its last activity changes nothing:
  /// two sources, or reordering).
  void refresh(Id id, int64_t now_us) {
    Entry& e = at(id);
    e.last_us = std::max(e.last_us, now_us);
  }

  /// refresh(), and the entry moves to the back of `list` (its timeout may differ).
  void move(Id id, size_t list, int64_t now_us) {
    refresh(id, now_us);
    if (at(id).list == list) return;
    unlink(id);
    append(id, list);
  }

  /// Erases the entries of `list` idle for more than `age_us` at `now_us`, calling
  /// `on_idle(Entry&)` on each before; moves the refreshed ones it meets at the front to the
  /// back. Returns the time before which nothing in the list is due (INT64_MAX when empty).
  template <class OnIdle>
  int64_t expire(size_t list, int64_t age_us, int64_t now_us, OnIdle&& on_idle) {
    Ends& ends = lists_[list];
    while (ends.front != kNone) {
      const Id id = ends.front;
      Entry& e = at(id);
      if (e.queued_us + age_us >= now_us) return e.queued_us + age_us;
      unlink(id);
      if (e.last_us + age_us < now_us) {
        on_idle(e);
        release(id);
      } else {
        append(id, list);  // refreshed since it was queued
      }
    }
    return INT64_MAX;
  }

  /// Erases the entry (its id may be reused by the next add).
  void erase(Id id) {
    unlink(id);
    release(id);
  }

  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty(size_t list) const { return lists_[list].front == kNone; }

  /// Slots allocated (the memory held is this times sizeof(Entry)).
  [[nodiscard]] size_t capacity() const { return chunks_.size() * kChunk; }

 private:
  static constexpr size_t kChunk = 1024;  // 64 to 96 KiB for the tracker's entries
  struct Ends {
    Id front = kNone, back = kNone;
  };

  Id allocate() {
    if (free_ != kNone) {
      const Id id = free_;
      free_ = at(id).next;
      return id;
    }
    if (used_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<Entry[]>(kChunk));
    return static_cast<Id>(used_++);
  }

  void release(Id id) {
    Entry& e = at(id);
    e.value = T{};  // drops what it holds (a scope's reference) now, not on reuse
    e.next = free_;
    free_ = id;
    --size_;
  }

  void append(Id id, size_t list) {
    Entry& e = at(id);
    Ends& ends = lists_[list];
    e.list = static_cast<uint8_t>(list);
    e.next = kNone;
    e.prev = ends.back;
    e.queued_us = e.last_us;
    if (ends.back == kNone) {
      ends.front = id;
    } else {
      Entry& back = at(ends.back);
      e.queued_us = std::max(e.queued_us, back.queued_us);
      back.next = id;
    }
    ends.back = id;
  }

  void unlink(Id id) {
    Entry& e = at(id);
    Ends& ends = lists_[e.list];
    (e.prev == kNone ? ends.front : at(e.prev).next) = e.next;
    (e.next == kNone ? ends.back : at(e.next).prev) = e.prev;
  }

  std::vector<std::unique_ptr<Entry[]>> chunks_;
  std::array<Ends, kLists> lists_{};
  size_t used_ = 0;  ///< slots handed out at least once
  size_t size_ = 0;
  Id free_ = kNone;
};

}  // namespace siphon::trace
