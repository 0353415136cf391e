#include "sink/database/writer_crew.h"

#include "core/result.h"

namespace siphon::sink {

WriterCrew::WriterCrew(size_t helpers) {
  for (size_t i = 1; i <= helpers; ++i) threads_.emplace_back([this, i] { loop(i); });
}

WriterCrew::~WriterCrew() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  start_.notify_all();
  for (auto& t : threads_) t.join();
}

void WriterCrew::run(size_t n, const std::function<void(size_t)>& job) {
  SIPHON_ASSERT(n >= 1 && n <= size(), "more parts than connections");
  {
    std::lock_guard lock(mutex_);
    job_ = &job;
    parts_ = n;
    pending_ = n - 1;
    ++generation_;
  }
  if (n > 1) start_.notify_all();
  job(0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  job_ = nullptr;
}

void WriterCrew::loop(size_t index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(size_t)>* job = nullptr;
    {
      std::unique_lock lock(mutex_);
      start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (index >= parts_) continue;  // this round has fewer parts than helpers
      job = job_;
    }
    (*job)(index);
    {
      std::lock_guard lock(mutex_);
      --pending_;
    }
    done_.notify_one();
  }
}

}  // namespace siphon::sink
