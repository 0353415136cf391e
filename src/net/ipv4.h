#pragma once
// IPv4 header (RFC 791).

#include <cstddef>
#include <span>

#include "core/result.h"
#include "net/decoded_packet.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kIpv4MinHeaderBytes = 20;

/// Decodes the IPv4 header at the front of `bytes` into `out` (addresses, protocol, TTL,
/// fragment fields, ip_packet, l4). Bytes after the total length (Ethernet padding) are
/// ignored. Options are skipped, not interpreted.
/// Errors: Truncated (header or total length past the bytes), BadIpHeader (version not 4,
/// IHL < 5, total length below the header length).
[[nodiscard]] core::Result<void, NetError> decodeIpv4(std::span<const std::byte> bytes,
                                                      DecodedPacket& out);

}  // namespace siphon::net
