#include "sink/hep_out/hep_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace siphon::sink {
namespace {

core::Unexpected<core::Failure> socketFailure(const std::string& what) {
  return core::unexpected(core::Failure{errnoText(what), 1});
}

void setTimeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace

socklen_t toSockaddr(const core::IpAddress& ip, uint16_t port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (ip.isV6()) {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    std::memcpy(&sin6.sin6_addr, ip.bytes().data(), 16);
    std::memcpy(&ss, &sin6, sizeof sin6);
    return sizeof sin6;
  }
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  if (ip.isV4()) std::memcpy(&sin.sin_addr, ip.bytes().data(), 4);
  std::memcpy(&ss, &sin, sizeof sin);
  return sizeof sin;
}

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

core::Result<int, core::Failure> openUdpSender(const core::Endpoint& destination,
                                               const core::Endpoint* source) {
  const int family = destination.ip.isV6() ? AF_INET6 : AF_INET;
  if (source != nullptr && !source->ip.empty() && source->ip.isV6() != destination.ip.isV6()) {
    return core::unexpected(core::Failure{"force_send_sock " + source->toString() +
                                              ": address family differs from " +
                                              destination.toString(), 2});
  }
  int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return socketFailure("socket");
  sockaddr_storage ss;
  if (source != nullptr && !source->ip.empty()) {
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = toSockaddr(source->ip, source->port, ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      auto f = socketFailure("bind " + source->toString());
      ::close(fd);
      return f;
    }
  }
  socklen_t len = toSockaddr(destination.ip, destination.port, ss);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    auto f = socketFailure("connect " + destination.toString());
    ::close(fd);
    return f;
  }
  return fd;
}

core::Result<int, core::Failure> connectTcp(const core::Endpoint& destination,
                                            std::chrono::milliseconds timeout) {
  const int family = destination.ip.isV6() ? AF_INET6 : AF_INET;
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return socketFailure("socket");
  sockaddr_storage ss;
  socklen_t len = toSockaddr(destination.ip, destination.port, ss);
  const std::string what = "connect " + destination.toString();
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (errno != EINPROGRESS) {
      auto f = socketFailure(what);
      ::close(fd);
      return f;
    }
    pollfd p{fd, POLLOUT, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    int err = 0;
    socklen_t err_len = sizeof err;
    if (ready <= 0) {
      err = ready == 0 ? ETIMEDOUT : errno;
    } else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) {
      err = errno;
    }
    if (err != 0) {
      errno = err;
      auto f = socketFailure(what);
      ::close(fd);
      return f;
    }
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  setTimeouts(fd, timeout);
  return fd;
}

PeerState peekPeer(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return PeerState::Quiet;
  if ((p.revents & (POLLHUP | POLLERR)) != 0) return PeerState::HungUp;
  std::byte b{};
  ssize_t n = ::recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return PeerState::HasData;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return PeerState::Quiet;
  return PeerState::HungUp;  // 0: orderly EOF; <0: reset and the like
}

}  // namespace siphon::sink
