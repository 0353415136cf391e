#pragma once
// Small POSIX socket helpers shared by the network sources.

#include <sys/socket.h>

#include <string>

#include "core/endpoint.h"
#include "core/result.h"

namespace siphon::source {

/// Fills `ss` from an endpoint; returns the address length.
socklen_t toSockaddr(const core::Endpoint& ep, sockaddr_storage& ss);
/// Opens, configures and binds a socket for `ep` (SO_REUSEADDR, optionally SO_REUSEPORT).
[[nodiscard]] core::Result<int, core::Failure> bindSocket(const core::Endpoint& ep, int type,
                                                         bool reuse_port);
/// A bound, listening TCP socket for `ep`.
[[nodiscard]] core::Result<int, core::Failure> listenSocket(const core::Endpoint& ep);
/// The port a bound socket got (for port 0).
[[nodiscard]] uint16_t boundPort(int fd);
/// "what: strerror(errno)".
[[nodiscard]] std::string errnoText(const std::string& what);

}  // namespace siphon::source
