#pragma once
// RelaxedCounter: a count that one thread writes and any thread reads. A plain uint64_t would
// be a data race when another thread reads it (the live agent's `ctl stats`); an atomic
// fetch_add costs a locked instruction per increment on the hot path. With a single writer a
// relaxed load + store is enough: readers see some recent value, never a torn one.

#include <atomic>
#include <cstdint>

namespace siphon::core {

class RelaxedCounter {
 public:
  RelaxedCounter() = default;
  RelaxedCounter(const RelaxedCounter&) = delete;
  RelaxedCounter& operator=(const RelaxedCounter&) = delete;

  /// Writer thread only.
  void add(uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  RelaxedCounter& operator++() {
    add();
    return *this;
  }
  /// Writer thread only.
  void set(uint64_t v) { v_.store(v, std::memory_order_relaxed); }
  /// Any thread.
  [[nodiscard]] uint64_t get() const { return v_.load(std::memory_order_relaxed); }
  operator uint64_t() const { return get(); }  // NOLINT: reads like the plain count it replaces

 private:
  std::atomic<uint64_t> v_{0};
};

}  // namespace siphon::core
