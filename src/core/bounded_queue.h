#pragma once
// A bounded multi-producer queue between pipeline stages. A full queue refuses the item and
// the producer counts the drop: sources are never blocked (ARCHITECTURE.md, Threads).

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
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  /// Moves `item` in unless the queue is full or closed; false means the caller drops it.
  [[nodiscard]] bool tryPush(T&& item) {
    {
      std::lock_guard lock(mu_);
      if (closed_ || items_.size() >= capacity_) return false;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  /// Moves up to `max` items into `out`. Waits up to `wait` for the first one; returns the
  /// number moved (0 on timeout, or when closed and drained).
  size_t popBatch(std::vector<T>& out, size_t max, std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    ready_.wait_for(lock, wait, [&] { return closed_ || !items_.empty(); });
    size_t n = 0;
    while (n < max && !items_.empty()) {
      out.push_back(std::move(items_.front()));
      items_.pop_front();
      ++n;
    }
    return n;
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
  [[nodiscard]] size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace siphon::core
