#pragma once
// Sends datagrams or one stream to a loopback port, as an agent would; closes on destruction.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/endpoint.h"

namespace siphon::support {

class LoopbackSender {
 public:
  /// `host`: a loopback address in host order (127.0.0.0/8), 127.0.0.1 by default.
  LoopbackSender(core::EndpointProto proto, uint16_t port, uint32_t host = INADDR_LOOPBACK) {
    fd_ = ::socket(AF_INET, proto == core::EndpointProto::Udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(host);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~LoopbackSender() { ::close(fd_); }
  LoopbackSender(const LoopbackSender&) = delete;
  LoopbackSender& operator=(const LoopbackSender&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }
  /// Writes all of `p` (a stream) or one datagram; gives up quietly on an error.
  void send(const std::vector<std::byte>& p) {
    size_t off = 0;
    while (off < p.size()) {
      ssize_t n = ::send(fd_, p.data() + off, p.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace siphon::support
