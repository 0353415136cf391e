#pragma once
// IPv6 header (RFC 8200) and its extension-header chain.

#include <cstddef>
#include <span>

#include "core/result.h"
#include "net/decoded_packet.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kIpv6HeaderBytes = 40;
/// Bounds the work per packet; RFC 8200 §4.1 expects at most a handful.
inline constexpr size_t kDefaultMaxIpv6ExtensionHeaders = 8;

/// Decodes the fixed header and walks Hop-by-Hop, Routing, Destination Options, AH, Mobility,
/// HIP and Shim6 headers to the transport header; ip_proto is the protocol after them.
/// A Fragment header sets the fragment fields and ends the walk (an atomic fragment, offset 0
/// with M clear, RFC 6946, is not a fragment and the walk goes on). ESP (50) ends the walk too:
/// what follows is encrypted. Bytes after the payload length are ignored.
/// Errors: Truncated, BadIpHeader (version not 6), TooManyExtensionHeaders.
[[nodiscard]] core::Result<void, NetError> decodeIpv6(
    std::span<const std::byte> bytes, DecodedPacket& out,
    size_t max_extension_headers = kDefaultMaxIpv6ExtensionHeaders);

}  // namespace siphon::net
