#include "core/rate_limited_log.h"

#include <cstdio>

namespace siphon::core {

void RateLimitedLog::event(const std::string& detail) {
  std::lock_guard lock(mu_);
  const auto now = clock_.steadyNow();
  if (logged_once_ && now - last_ < interval_) {
    ++suppressed_;
    return;
  }
  if (suppressed_ > 0) {
    std::fprintf(stderr, "siphon: %s (%s; %llu more since the last line)\n", what_.c_str(),
                 detail.c_str(), static_cast<unsigned long long>(suppressed_));
  } else {
    std::fprintf(stderr, "siphon: %s (%s)\n", what_.c_str(), detail.c_str());
  }
  logged_once_ = true;
  last_ = now;
  suppressed_ = 0;
}

}  // namespace siphon::core
