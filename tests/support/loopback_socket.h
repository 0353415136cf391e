#pragma once
// LoopbackSocket: a socket bound to 127.0.0.1 on a port the kernel chose, closed when dropped.
// The tests' stand-ins for peers: a UDP receiver, a TCP server that listens and never answers,
// a destination nobody reads.

#include <cstdint>

namespace siphon::support {

class LoopbackSocket {
 public:
  /// `type` is SOCK_DGRAM or SOCK_STREAM; a stream socket also listens (backlog `backlog`), so
  /// that connections complete in the kernel whether or not anyone accepts them.
  explicit LoopbackSocket(int type, int backlog = 4);
  ~LoopbackSocket();
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  /// -1 when the socket could not be made or bound (port() is 0 then).
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace siphon::support
