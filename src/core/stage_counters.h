#pragma once
// The one shape of every stage's counters (sources, processors, lanes, sinks): what the stage
// did, as named counts, and what it lost, as named drops by reason. `siphon ctl stats`,
// /metrics and the agent's summary line all print StageSnapshot lists, so a counter added to
// a stage shows up everywhere at once.
//
// A stage declares its names once, in static tables indexed by its own enums:
//
//   enum class StoreCount : uint8_t { Stored, Batches, kCount };
//   constexpr std::string_view kStoreCounts[] = {"stored", "batches"};
//   StageCounters counters{"store sqlite:x.db", "sink", {kStoreCounts, kStoreDrops}};
//   counters.count(StoreCount::Stored, n);
//
// The counters are atomics (relaxed): the stage's own thread adds, any thread reads.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siphon::core {

/// The names of a stage's counts and drop reasons; the spans must outlive the counters
/// (static tables).
struct CounterNames {
  std::span<const std::string_view> counts;
  std::span<const std::string_view> drops;
};

/// A point-in-time copy of one stage's counters, for printing.
struct StageSnapshot {
  std::string stage;  ///< what it is: "udp:0.0.0.0:9060", "store sqlite:siphon.db"
  std::string kind;   ///< source, processor, lane, sink
  std::vector<std::pair<std::string, uint64_t>> counts;
  std::vector<std::pair<std::string, uint64_t>> drops;

  /// The named count (0 when the stage has none of that name).
  [[nodiscard]] uint64_t count(std::string_view name) const;
  [[nodiscard]] uint64_t dropped(std::string_view reason) const;
  [[nodiscard]] uint64_t droppedTotal() const;
};

class StageCounters {
 public:
  StageCounters(std::string stage, std::string kind, CounterNames names);
  StageCounters(const StageCounters&) = delete;
  StageCounters& operator=(const StageCounters&) = delete;

  template <class E>
  void count(E which, uint64_t n = 1) {
    counts_[index(which)].fetch_add(n, std::memory_order_relaxed);
  }
  template <class E>
  void drop(E reason, uint64_t n = 1) {
    drops_[index(reason)].fetch_add(n, std::memory_order_relaxed);
  }
  /// Sets a count that is a level rather than a sum (a gauge, e.g. bytes held). One writer.
  template <class E>
  void set(E which, uint64_t v) {
    counts_[index(which)].store(v, std::memory_order_relaxed);
  }
  /// Raises a count to `v` if it is lower (a maximum, e.g. the longest batch). One writer.
  template <class E>
  void raise(E which, uint64_t v) {
    auto& c = counts_[index(which)];
    if (v > c.load(std::memory_order_relaxed)) c.store(v, std::memory_order_relaxed);
  }
  template <class E>
  [[nodiscard]] uint64_t countOf(E which) const {
    return counts_[index(which)].load(std::memory_order_relaxed);
  }
  template <class E>
  [[nodiscard]] uint64_t droppedBy(E reason) const {
    return drops_[index(reason)].load(std::memory_order_relaxed);
  }
  [[nodiscard]] uint64_t droppedTotal() const;

  [[nodiscard]] const std::string& stage() const { return stage_; }
  [[nodiscard]] const std::string& kind() const { return kind_; }
  [[nodiscard]] StageSnapshot snapshot() const;

 private:
  template <class E>
  static constexpr size_t index(E e) {
    return static_cast<size_t>(e);
  }

  std::string stage_;
  std::string kind_;
  CounterNames names_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::unique_ptr<std::atomic<uint64_t>[]> drops_;
};

/// Sums every stage's count `name` (e.g. "received" over all sources of `kind`); an empty
/// `kind` matches every stage.
[[nodiscard]] uint64_t sumCount(std::span<const StageSnapshot> stages, std::string_view kind,
                                std::string_view name);
/// Every drop reason over all stages, summed by name, in the order first seen.
[[nodiscard]] std::vector<std::pair<std::string, uint64_t>> dropsByReason(
    std::span<const StageSnapshot> stages);

}  // namespace siphon::core
