#include "source/socket_util.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace siphon::source {

socklen_t toSockaddr(const core::Endpoint& ep, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (ep.ip.isV6()) {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(ep.port);
    std::memcpy(&sin6.sin6_addr, ep.ip.bytes().data(), 16);
    std::memcpy(&ss, &sin6, sizeof sin6);
    return sizeof sin6;
  }
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(ep.port);
  std::memcpy(&sin.sin_addr, ep.ip.bytes().data(), 4);
  std::memcpy(&ss, &sin, sizeof sin);
  return sizeof sin;
}

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

core::Result<int, core::Failure> bindSocket(const core::Endpoint& ep, int type,
                                            AddressSharing sharing) {
  int family = ep.ip.isV6() ? AF_INET6 : AF_INET;
  int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return core::unexpected(core::Failure{errnoText("socket"), 1});
  int one = 1;
  if (sharing == AddressSharing::ListenReuse) {
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  if (sharing == AddressSharing::PortGroup) {
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  }
  sockaddr_storage ss;
  socklen_t len = toSockaddr(ep, ss);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    const bool in_use = errno == EADDRINUSE;
    auto failure = core::Failure{
        in_use ? "bind " + ep.toString() + ": address in use (another process holds it)"
               : errnoText("bind " + ep.toString()),
        1};
    ::close(fd);
    return core::unexpected(std::move(failure));
  }
  return fd;
}

core::Result<uint16_t, core::Failure> claimUdpPort(const core::Endpoint& ep) {
  auto fd = bindSocket(ep, SOCK_DGRAM, AddressSharing::Exclusive);
  if (!fd.has_value()) return core::unexpected(std::move(fd).error());
  const uint16_t port = boundPort(*fd);
  ::close(*fd);
  return port;
}

core::Result<int, core::Failure> listenSocket(const core::Endpoint& ep) {
  auto fd = bindSocket(ep, SOCK_STREAM, AddressSharing::ListenReuse);
  if (!fd.has_value()) return fd;
  if (::listen(*fd, SOMAXCONN) != 0) {
    auto failure = core::Failure{errnoText("listen " + ep.toString()), 1};
    ::close(*fd);
    return core::unexpected(std::move(failure));
  }
  return fd;
}

uint16_t portOf(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET6) {
    sockaddr_in6 a;
    std::memcpy(&a, &ss, sizeof a);
    return ntohs(a.sin6_port);
  }
  sockaddr_in a;
  std::memcpy(&a, &ss, sizeof a);
  return ntohs(a.sin_port);
}

core::IpAddress addressOf(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET6) {
    sockaddr_in6 a;
    std::memcpy(&a, &ss, sizeof a);
    return core::IpAddress::v6(
        std::span<const std::byte, 16>(reinterpret_cast<const std::byte*>(&a.sin6_addr), 16));
  }
  sockaddr_in a;
  std::memcpy(&a, &ss, sizeof a);
  return core::IpAddress::v4(
      std::span<const std::byte, 4>(reinterpret_cast<const std::byte*>(&a.sin_addr), 4));
}

void setNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

core::IpAddress localAddressOf(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return {};
  return addressOf(ss);
}

uint16_t boundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

}  // namespace siphon::source
