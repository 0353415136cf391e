#pragma once
// WriterCrew: a few threads that run the parts of one batch at the same time, each part on a
// database connection of its own (DatabaseSink with db_connections > 1). A PostgreSQL backend
// is one process on one core: a batch split over two connections keeps two cores busy where
// one connection leaves the second idle (bench/load/db_ingest.sh).
//
// run(n, job) calls job(0) on the calling thread and job(1) ... job(n-1) on the helpers, and
// returns once every call has returned: the lane thread stays the one that decides what
// happens to each part (stored, retried, spooled). Jobs must not throw.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace siphon::sink {

class WriterCrew {
 public:
  /// Starts `helpers` threads (0: run() calls job(0) only).
  explicit WriterCrew(size_t helpers);
  ~WriterCrew();
  WriterCrew(const WriterCrew&) = delete;
  WriterCrew& operator=(const WriterCrew&) = delete;

  /// n <= helpers + 1. One caller at a time (the lane thread).
  void run(size_t n, const std::function<void(size_t)>& job);
  [[nodiscard]] size_t size() const { return threads_.size() + 1; }

 private:
  void loop(size_t index);

  std::mutex mutex_;
  std::condition_variable start_, done_;
  const std::function<void(size_t)>* job_ = nullptr;  ///< guarded by mutex_
  size_t parts_ = 0;                                   ///< guarded by mutex_
  size_t pending_ = 0;                                 ///< guarded by mutex_
  uint64_t generation_ = 0;                            ///< guarded by mutex_
  bool stopping_ = false;                              ///< guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace siphon::sink
