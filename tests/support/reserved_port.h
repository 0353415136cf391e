#pragma once
// ReservedPort: a loopback TCP port that nobody listens on and that no other test can take.
//
// "Bind port 0, read the number, close, hand it on" races with every other process that binds
// port 0 meanwhile. This keeps the bound socket instead, without listening: connecting to the
// port is refused (a collector that is down), and the test's own server can still bind and
// listen on it later, because both sockets set SO_REUSEADDR and ours never listens (Linux
// allows that pair). Drop the reservation once the server holds the port.

#include <cstdint>

namespace siphon::support {

class ReservedPort {
 public:
  ReservedPort();
  ~ReservedPort();
  ReservedPort(const ReservedPort&) = delete;
  ReservedPort& operator=(const ReservedPort&) = delete;

  [[nodiscard]] uint16_t port() const { return port_; }
  /// Closes the placeholder socket.
  void release();

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace siphon::support
