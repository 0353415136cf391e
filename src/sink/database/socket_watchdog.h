#pragma once
// SocketWatchdog: a time limit, and an interrupt, for a database client's blocking waits on a
// server that stopped answering.
//
// Why. A server that stops answering without closing its connection (a stopped process, a
// paused VM, a host behind a partition) holds the client's blocking call, and the sink's
// thread with it: nothing fails, so nothing is spooled, and what the collector's queue cannot
// hold is dropped as queue_full. TCP keepalives and tcp_user_timeout do not help with a stopped
// process: its kernel still acknowledges. libpq has no I/O timeout at all; MariaDB
// Connector/C has one (60 s here) but no way to cut a wait short when the collector stops.
//
// How. libpq's documented cure is its asynchronous API with a poll() around every step; every
// COPY, DDL and retention statement would need that loop, and Connector/C's prepared
// statements have none. Instead a second thread keeps the clock: while a Guard is held it
// waits for the limit, and when the limit passes, or interrupt() is called, it shuts the
// connection's socket down (shutdown(2), not close: the descriptor stays the client's, so no
// other file can take its number while the client still uses it). The blocked call returns
// with the client's "server closed the connection" error, and the write fails as with any
// broken connection: retried, then spooled (database_sink.h).
//
// A COMMIT cut off this way may have committed: a replay of its batch then stores it twice.
// The alternative, waiting for ever, loses what the queue cannot hold.
//
// arm() and the Guard belong to the one thread that uses the connection; interrupt() and
// interrupted() may be called from any.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace siphon::sink {

class SocketWatchdog {
 public:
  SocketWatchdog();
  ~SocketWatchdog();
  SocketWatchdog(const SocketWatchdog&) = delete;
  SocketWatchdog& operator=(const SocketWatchdog&) = delete;

  /// Holds the clock running for one socket; dropping it stops the clock.
  class Guard {
   public:
    Guard(Guard&& other) noexcept : dog_(other.dog_) { other.dog_ = nullptr; }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    Guard& operator=(Guard&&) = delete;
    ~Guard();
    /// True once the limit passed and the socket was shut down.
    [[nodiscard]] bool fired() const;

   private:
    friend class SocketWatchdog;
    explicit Guard(SocketWatchdog* dog) : dog_(dog) {}
    SocketWatchdog* dog_;
  };

  /// Starts the clock: `limit` from now, `fd` (PQsocket) is shut down unless the Guard is
  /// dropped first. One Guard at a time. After interrupt(), shuts `fd` down at once.
  [[nodiscard]] Guard arm(int fd, std::chrono::milliseconds limit);

  /// Any thread: the armed socket is shut down now, and every later arm() too (the collector
  /// is stopping and the server does not answer).
  void interrupt();
  [[nodiscard]] bool interrupted() const;

 private:
  void run();
  void disarm();

  void shutDownLocked();  // mu_ held

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int fd_ = -1;  ///< the armed socket, -1 when no Guard is held
  std::chrono::steady_clock::time_point deadline_;
  bool fired_ = false;
  bool interrupted_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: started once the members it reads exist
};

}  // namespace siphon::sink
