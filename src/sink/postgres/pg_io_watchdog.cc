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
    if (interrupted_) shutDownLocked();
  }
  cv_.notify_one();
  return Guard(this);
}

void PgIoWatchdog::interrupt() {
  std::lock_guard lock(mu_);
  interrupted_ = true;
  if (fd_ >= 0) shutDownLocked();
}

bool PgIoWatchdog::interrupted() const {
  std::lock_guard lock(mu_);
  return interrupted_;
}

void PgIoWatchdog::shutDownLocked() {
  ::shutdown(fd_, SHUT_RDWR);
  fired_ = true;
  fd_ = -1;
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
    if (fd_ >= 0 && !stop_ && std::chrono::steady_clock::now() >= deadline_) shutDownLocked();
  }
}

}  // namespace siphon::sink
