#pragma once
// waitFor: polls a condition that another process or thread makes true (a packet crossing a
// socket, a peer reconnecting), bounded in time. Not for waiting on the pipeline's own flush
// intervals: those tests move a FakeClock and call sync().

#include <chrono>
#include <thread>

namespace siphon::support {

/// True as soon as `done()` holds; false after `limit`.
template <class F>
bool waitFor(F done, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace siphon::support
