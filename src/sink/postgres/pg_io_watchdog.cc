#include "sink/postgres/pg_io_watchdog.h"

#include <sys/socket.h>

namespace siphon::sink {

PgIoWatchdog::PgIoWatchdog() : thread_([this] { run(); }) {}

PgIoWatchdog::~PgIoWatchdog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

PgIoWatchdog::Guard PgIoWatchdog::arm(int fd, std::chrono::milliseconds limit) {
  {
    std::lock_guard lock(mu_);
    fd_ = fd;
    deadline_ = std::chrono::steady_clock::now() + limit;
    fired_ = false;
  }
  cv_.notify_one();
  return Guard(this);
}

void PgIoWatchdog::disarm() {
  {
    std::lock_guard lock(mu_);
    fd_ = -1;
  }
  cv_.notify_one();
}

PgIoWatchdog::Guard::~Guard() {
  if (dog_ != nullptr) dog_->disarm();
}

bool PgIoWatchdog::Guard::fired() const {
  if (dog_ == nullptr) return false;
  std::lock_guard lock(dog_->mu_);
  return dog_->fired_;
}

void PgIoWatchdog::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (fd_ < 0) {
      cv_.wait(lock);
      continue;
    }
    // Woken early by disarm(), a new arm() or the destructor: look again.
    if (cv_.wait_until(lock, deadline_) == std::cv_status::no_timeout) continue;
    if (fd_ >= 0 && !stop_ && std::chrono::steady_clock::now() >= deadline_) {
      ::shutdown(fd_, SHUT_RDWR);
      fired_ = true;
      fd_ = -1;
    }
  }
}

}  // namespace siphon::sink
