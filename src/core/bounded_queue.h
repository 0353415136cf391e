#pragma once
// A bounded multi-producer queue between pipeline stages. A full queue refuses the item and
// the producer counts the drop: sources are never blocked (ARCHITECTURE.md, Threads).
//
// Two bounds: a number of items and, optionally, a number of bytes. Records differ in size by
// two orders of magnitude (a 300-byte OPTIONS, a 60 KB INVITE with a multipart body), so a
// count alone does not bound memory under overload; the byte bound does. The producer says
// what an item weighs; the queue remembers it until the item leaves.
//
// Waking the consumer. A producer wakes the consumer only when what it waits for is there: one
// item for popBatch(), a whole batch (or half the queue) for popBatchFilling(), whose consumer
// otherwise looks again every kIdleGap. Why: a store lane is faster than the traffic, so it
// drained the queue and slept after nearly every record, and each record then cost a futex
// wake, a futex wait and two context switches: 20 % of the collector's CPU at 100k msg/s
// (perf, bench/load/ingest_soak.sh). One consumer per queue (a lane's thread, a source's).

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace siphon::core {

template <class T>
class BoundedQueue {
 public:
  /// `byte_capacity` 0: bounded by count only.
  explicit BoundedQueue(size_t capacity, size_t byte_capacity = 0)
      : capacity_(capacity), byte_capacity_(byte_capacity) {}

  /// Moves `item` (weighing `bytes`) in unless the queue is full or closed; false means the
  /// caller drops it.
  [[nodiscard]] bool tryPush(T&& item, size_t bytes = 0) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      if (closed_ || items_.size() >= capacity_) return false;
      if (byte_capacity_ != 0 && bytes_ + bytes > byte_capacity_ && !items_.empty()) return false;
      items_.push_back(Entry{std::move(item), bytes});
      bytes_ += bytes;
      if (bytes_ > peak_bytes_) peak_bytes_ = bytes_;
      wake = waiting_ && holdsEnough(wake_at_);
      if (wake) {
        waiting_ = false;  // one wake per wait
        ++wakeups_;
      }
    }
    if (wake) ready_.notify_one();
    return true;
  }

  /// Moves up to `max` items into `out`. Waits up to `wait` for the first one; returns the
  /// number moved (0 on timeout, on interrupt(), or when closed and drained).
  size_t popBatch(std::vector<T>& out, size_t max, std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    waitUntil(lock, 1, std::chrono::steady_clock::now() + wait);
    interrupted_ = false;
    return takeLocked(out, max);
  }

  /// A sink's batch: waits up to `interval` for a first item, then for more while they keep
  /// coming (kIdleGap without a new one ends the batch), until `max` are there or `interval`
  /// has passed since the first. Returns the count moved.
  size_t popBatchFilling(std::vector<T>& out, size_t max, std::chrono::milliseconds interval) {
    using std::chrono::steady_clock;
    std::unique_lock lock(mu_);
    waitUntil(lock, 1, steady_clock::now() + interval);
    if (!items_.empty()) {
      const auto deadline = steady_clock::now() + interval;
      size_t seen = items_.size();
      for (;;) {
        if (seen >= max || closed_ || interrupted_) break;
        const auto now = steady_clock::now();
        if (now >= deadline) break;
        waitUntil(lock, max, std::min(deadline, now + kIdleGap));
        if (items_.size() == seen) break;  // none came in the gap: the traffic paused
        seen = items_.size();
      }
    }
    interrupted_ = false;
    return takeLocked(out, max);
  }

  /// Ends the consumer's current (or next) wait at once, as if it had timed out: the owner
  /// asks the consumer thread to look at something else (a sync request).
  void interrupt() {
    {
      std::lock_guard lock(mu_);
      interrupted_ = true;
    }
    ready_.notify_all();
  }

  /// No more pushes; consumers drain what is left.
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  [[nodiscard]] bool closedAndEmpty() const {
    std::lock_guard lock(mu_);
    return closed_ && items_.empty();
  }
  [[nodiscard]] size_t size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }
  /// Bytes held, as weighed by the producers.
  [[nodiscard]] size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }
  /// The most bytes held at once so far: the heap the allocator keeps after they left.
  [[nodiscard]] size_t peakBytes() const {
    std::lock_guard lock(mu_);
    return peak_bytes_;
  }
  /// How many times a producer woke the consumer.
  [[nodiscard]] uint64_t wakeups() const {
    std::lock_guard lock(mu_);
    return wakeups_;
  }
  [[nodiscard]] size_t capacity() const { return capacity_; }
  [[nodiscard]] size_t byteCapacity() const { return byte_capacity_; }

 private:
  struct Entry {
    T item;
    size_t bytes;
  };

  static constexpr std::chrono::milliseconds kIdleGap{20};

  // Sleeps (mu_ held by `lock`) until `want` items are queued (or half the queue's capacity,
  // so that a batch larger than the queue cannot hold the consumer back while producers are
  // refused), the queue is closed or interrupted, or `deadline`.
  void waitUntil(std::unique_lock<std::mutex>& lock, size_t want,
                 std::chrono::steady_clock::time_point deadline) {
    const size_t enough = std::max<size_t>(1, std::min(want, capacity_ / 2));
    while (!closed_ && !interrupted_ && !holdsEnough(enough)) {
      wake_at_ = enough;
      waiting_ = true;
      if (ready_.wait_until(lock, deadline) == std::cv_status::timeout) break;
    }
    waiting_ = false;
  }

  // What ends a wait for `count` items (mu_ held): that many queued, or half the byte bound
  // used. The producer's test for a wake and the consumer's for waking up, so that they agree.
  [[nodiscard]] bool holdsEnough(size_t count) const {
    return items_.size() >= count ||
           (byte_capacity_ != 0 && 2 * bytes_ >= byte_capacity_ && !items_.empty());
  }

  size_t takeLocked(std::vector<T>& out, size_t max) {
    size_t n = 0;
    while (n < max && !items_.empty()) {
      out.push_back(std::move(items_.front().item));
      bytes_ -= items_.front().bytes;
      items_.pop_front();
      ++n;
    }
    return n;
  }

  const size_t capacity_;
  const size_t byte_capacity_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Entry> items_;
  size_t bytes_ = 0;
  size_t peak_bytes_ = 0;
  bool closed_ = false;
  bool interrupted_ = false;
  bool waiting_ = false;  ///< the consumer sleeps until wake_at_ items are queued
  size_t wake_at_ = 1;
  uint64_t wakeups_ = 0;
};

}  // namespace siphon::core
