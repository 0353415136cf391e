#include "web/drop_history.h"

namespace siphon::web {

DropHistory::DropHistory(Reader read, Wall wall, std::chrono::milliseconds period, size_t samples)
    : read_(std::move(read)), wall_(std::move(wall)), samples_(std::max<size_t>(samples, 2)) {
  sample();  // the baseline: drops before the history began are not in it
  thread_ = std::thread([this, period] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
      lock.unlock();
      sample();
      lock.lock();
    }
  });
}

DropHistory::~DropHistory() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DropHistory::sample() {
  Sample s;
  s.at = wall_();
  for (auto& [reason, n] : read_()) s.drops[reason] = n;
  std::lock_guard lock(mu_);
  history_.push_back(std::move(s));
  while (history_.size() > samples_) history_.pop_front();
}

std::map<std::string, std::vector<int64_t>> DropHistory::series(int64_t first, int64_t interval, size_t n) const {
  std::map<std::string, std::vector<int64_t>> out;
  std::lock_guard lock(mu_);
  for (size_t i = 1; i < history_.size(); ++i) {
    const Sample& prev = history_[i - 1];
    const Sample& cur = history_[i];
    const int64_t b = interval > 0 ? (cur.at - first) / interval : -1;
    if (b < 0 || static_cast<size_t>(b) >= n) continue;
    for (const auto& [reason, count] : cur.drops) {
      auto it = prev.drops.find(reason);
      const uint64_t before = it == prev.drops.end() ? 0 : it->second;
      if (count <= before) continue;
      auto& v = out[reason];
      if (v.empty()) v.assign(n, 0);
      v[static_cast<size_t>(b)] += static_cast<int64_t>(count - before);
    }
  }
  return out;
}

}  // namespace siphon::web
