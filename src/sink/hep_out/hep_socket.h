#pragma once
// Small POSIX socket helpers of the output sinks (HEP out, SIP duplicate). The sources have
// their own (source/socket_util.h); sinks sit beside sources in the dependency order and do
// not include from them.

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "core/endpoint.h"
#include "core/result.h"

namespace siphon::sink {

/// Fills `ss` from an address and port; returns the address length.
socklen_t toSockaddr(const core::IpAddress& ip, uint16_t port, sockaddr_storage& ss);
/// "what: strerror(errno)" for the errno of the last call.
[[nodiscard]] std::string errnoText(const std::string& what);

/// A UDP socket of `destination`'s family, bound to `source` when it has an address (port 0
/// lets the kernel pick), and connected to `destination` so that send errors such as
/// ECONNREFUSED come back on later sends. The caller owns the returned descriptor.
[[nodiscard]] core::Result<int, core::Failure> openUdpSender(const core::Endpoint& destination,
                                                            const core::Endpoint* source);

/// A connected TCP socket, or an error naming `destination`. The connect waits at most
/// `timeout` (non-blocking connect + poll) so that an unreachable collector cannot stall the
/// sink thread; afterwards the socket is blocking with send/receive timeouts of `timeout`.
[[nodiscard]] core::Result<int, core::Failure> connectTcp(const core::Endpoint& destination,
                                                         std::chrono::milliseconds timeout);

enum class PeerState : uint8_t {
  Quiet,    ///< nothing to read: the connection looks alive
  HungUp,   ///< EOF or an error (reset): the collector went away
  HasData,  ///< bytes to read (a TLS peer's post-handshake message, or a chatty collector)
};

/// What a connected stream socket has pending, without blocking and without consuming it.
/// A send() into a socket whose peer closed still succeeds once, so the sink asks this before
/// writing to notice a collector that went away.
[[nodiscard]] PeerState peekPeer(int fd);

}  // namespace siphon::sink
