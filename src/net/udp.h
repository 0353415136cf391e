#pragma once
// UDP header (RFC 768).

#include <cstddef>
#include <span>

#include "core/result.h"
#include "net/decoded_packet.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kUdpHeaderBytes = 8;

/// Decodes the UDP header at the front of `segment` (the IP payload) into out.src_port,
/// dst_port and payload (bounded by the UDP length; bytes after it are ignored).
/// Errors: Truncated (fewer than 8 bytes), BadUdpHeader (length below 8 or past the segment).
[[nodiscard]] core::Result<void, NetError> decodeUdp(std::span<const std::byte> segment,
                                                     DecodedPacket& out);

}  // namespace siphon::net
