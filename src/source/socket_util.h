#pragma once
// Small POSIX socket helpers shared by the network sources.

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "core/endpoint.h"
#include "core/result.h"

namespace siphon::source {

/// Fills `ss` from an endpoint; returns the address length.
socklen_t toSockaddr(const core::Endpoint& ep, sockaddr_storage& ss);
/// How a bound address may be shared.
enum class AddressSharing : uint8_t {
  Exclusive,  ///< nothing else may bind it (no SO_REUSEADDR / SO_REUSEPORT)
  ListenReuse,  ///< TCP listeners: SO_REUSEADDR, so a restart binds past TIME_WAIT sockets
  PortGroup,  ///< SO_REUSEPORT only: this process's UDP workers share the port
};

/// Opens, configures and binds a socket for `ep`. An address another socket holds is an
/// error whose message says "address in use".
[[nodiscard]] core::Result<int, core::Failure> bindSocket(const core::Endpoint& ep, int type,
                                                         AddressSharing sharing);
/// Proves that no other socket holds UDP `ep` (an exclusive bind, released at once) and
/// returns the port (the kernel's choice for port 0). Linux lets any process of the same user
/// join an SO_REUSEPORT group, so the workers' group is only formed on a port found free this
/// way: a second collector started on the same port fails here instead of silently taking
/// part of the first one's traffic.
[[nodiscard]] core::Result<uint16_t, core::Failure> claimUdpPort(const core::Endpoint& ep);
/// The IP address of a socket address (IPv4 or IPv6).
[[nodiscard]] core::IpAddress addressOf(const sockaddr_storage& ss);
/// The port of a socket address (IPv4 or IPv6), host order.
[[nodiscard]] uint16_t portOf(const sockaddr_storage& ss);
/// Sets O_NONBLOCK.
void setNonBlocking(int fd);
/// A bound, listening TCP socket for `ep` (backlog SOMAXCONN: a burst of senders connecting
/// at once is queued by the kernel, not refused).
[[nodiscard]] core::Result<int, core::Failure> listenSocket(const core::Endpoint& ep);
/// The local address of a bound or connected socket (an accepted connection: the address the
/// peer connected to); the unspecified address when it cannot be read.
[[nodiscard]] core::IpAddress localAddressOf(int fd);
/// The port a bound socket got (for port 0).
[[nodiscard]] uint16_t boundPort(int fd);
/// "what: strerror(errno)".
[[nodiscard]] std::string errnoText(const std::string& what);

}  // namespace siphon::source
