#pragma once
// DropHistory: the collector's drops by reason over time, for the dashboard. The pipeline only
// counts drops since it started (PipelineTotals); this samples those counts every `period`
// on a thread of its own and keeps the last `samples` of them in memory (24 h at 10 s), so
// that GET /api/v1/stats/series?by=drops can answer how many of each reason fell into each
// interval. Restarting the collector starts the history afresh.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace siphon::web {

class DropHistory {
 public:
  /// `read` gives the cumulative drops by reason now; `wall` the time (seconds since epoch).
  using Reader = std::function<std::vector<std::pair<std::string, uint64_t>>()>;
  using Wall = std::function<int64_t()>;
  DropHistory(Reader read, Wall wall, std::chrono::milliseconds period = std::chrono::seconds(10),
              size_t samples = 8640);
  ~DropHistory();
  DropHistory(const DropHistory&) = delete;
  DropHistory& operator=(const DropHistory&) = delete;

  /// Takes a sample now (the thread does every `period`; tests call it).
  void sample();
  /// Drops per reason per bucket [first + i * interval, + interval), i < n: each sample's
  /// increase over the previous one goes to the bucket of the sample's time.
  [[nodiscard]] std::map<std::string, std::vector<int64_t>> series(int64_t first, int64_t interval, size_t n) const;

 private:
  struct Sample {
    int64_t at = 0;
    std::map<std::string, uint64_t> drops;
  };
  Reader read_;
  Wall wall_;
  size_t samples_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Sample> history_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace siphon::web
