#pragma once
// TCP header (RFC 9293). Only the header: stream reassembly is a later stage (tcp_stream).

#include <cstddef>
#include <span>

#include "core/result.h"
#include "net/decoded_packet.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kTcpMinHeaderBytes = 20;

/// Decodes the TCP header at the front of `segment` (the IP payload) into out.src_port,
/// dst_port, tcp (seq, ack, flags) and payload (the bytes after the header and its options).
/// Errors: Truncated (fewer than 20 bytes), BadTcpHeader (data offset below 5 or past the
/// segment).
[[nodiscard]] core::Result<void, NetError> decodeTcp(std::span<const std::byte> segment,
                                                     DecodedPacket& out);

}  // namespace siphon::net
