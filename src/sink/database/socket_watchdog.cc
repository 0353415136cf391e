#include "sink/database/socket_watchdog.h"

#include <sys/socket.h>

namespace siphon::sink {

SocketWatchdog::SocketWatchdog() : thread_([this] { run(); }) {}

SocketWatchdog::~SocketWatchdog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

SocketWatchdog::Guard SocketWatchdog::arm(int fd, std::chrono::milliseconds limit) {
  {
    std::lock_guard lock(mu_);
    fd_ = fd;
    deadline_ = std::chrono::steady_clock::now() + limit;
    fired_ = false;
    if (interrupted_) shutDownLocked();
  }
  cv_.notify_one();
  return Guard(this);
}

void SocketWatchdog::interrupt() {
  std::lock_guard lock(mu_);
  interrupted_ = true;
  if (fd_ >= 0) shutDownLocked();
}

bool SocketWatchdog::interrupted() const {
  std::lock_guard lock(mu_);
  return interrupted_;
}

void SocketWatchdog::shutDownLocked() {
  ::shutdown(fd_, SHUT_RDWR);
  fired_ = true;
  fd_ = -1;
}

void SocketWatchdog::disarm() {
  {
    std::lock_guard lock(mu_);
    fd_ = -1;
  }
  cv_.notify_one();
}

SocketWatchdog::Guard::~Guard() {
  if (dog_ != nullptr) dog_->disarm();
}

bool SocketWatchdog::Guard::fired() const {
  if (dog_ == nullptr) return false;
  std::lock_guard lock(dog_->mu_);
  return dog_->fired_;
}

void SocketWatchdog::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (fd_ < 0) {
      cv_.wait(lock);
      continue;
    }
    // Woken early by disarm(), a new arm() or the destructor: look again.
    if (cv_.wait_until(lock, deadline_) == std::cv_status::no_timeout) continue;
    if (fd_ >= 0 && !stop_ && std::chrono::steady_clock::now() >= deadline_) shutDownLocked();
  }
}

}  // namespace siphon::sink
