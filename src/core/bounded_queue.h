#pragma once
// A bounded multi-producer queue between pipeline stages. A full queue refuses the item and
// the producer counts the drop: sources are never blocked (ARCHITECTURE.md, Threads).
//
// Two bounds: a number of items and, optionally, a number of bytes. Records differ in size by
// two orders of magnitude (a 300-byte OPTIONS, a 60 KB INVITE with a multipart body), so a
// count alone does not bound memory under overload; the byte bound does. The producer says
// what an item weighs; the queue remembers it until the item leaves.

#include <chrono>
#include <condition_variable>
#include <cstddef>
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
    {
      std::lock_guard lock(mu_);
      if (closed_ || items_.size() >= capacity_) return false;
      if (byte_capacity_ != 0 && bytes_ + bytes > byte_capacity_ && !items_.empty()) return false;
      items_.push_back(Entry{std::move(item), bytes});
      bytes_ += bytes;
      if (bytes_ > peak_bytes_) peak_bytes_ = bytes_;
    }
    ready_.notify_one();
    return true;
  }

  /// Moves up to `max` items into `out`. Waits up to `wait` for the first one; returns the
  /// number moved (0 on timeout, on interrupt(), or when closed and drained).
  size_t popBatch(std::vector<T>& out, size_t max, std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    ready_.wait_for(lock, wait, [&] { return closed_ || interrupted_ || !items_.empty(); });
    interrupted_ = false;
    size_t n = 0;
    while (n < max && !items_.empty()) {
      out.push_back(std::move(items_.front().item));
      bytes_ -= items_.front().bytes;
      items_.pop_front();
      ++n;
    }
    return n;
  }

  /// A sink's batch: waits up to `interval` for a first item, then keeps taking items while
  /// they come, until `max` or until `interval` has passed since the first. Returns the count.
  size_t popBatchFilling(std::vector<T>& out, size_t max, std::chrono::milliseconds interval) {
    size_t n = popBatch(out, max, interval);
    auto deadline = std::chrono::steady_clock::now() + interval;
    while (n > 0 && n < max && std::chrono::steady_clock::now() < deadline) {
      size_t more = popBatch(out, max - n, std::chrono::milliseconds(20));
      if (more == 0) break;
      n += more;
    }
    return n;
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
  [[nodiscard]] size_t capacity() const { return capacity_; }
  [[nodiscard]] size_t byteCapacity() const { return byte_capacity_; }

 private:
  struct Entry {
    T item;
    size_t bytes;
  };

  const size_t capacity_;
  const size_t byte_capacity_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Entry> items_;
  size_t bytes_ = 0;
  size_t peak_bytes_ = 0;
  bool closed_ = false;
  bool interrupted_ = false;
};

}  // namespace siphon::core
