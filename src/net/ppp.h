#pragma once
// A PPP frame's IP datagram (RFC 1661 §2), as PPPoE (RFC 2516) and PPTP's enhanced GRE
// (RFC 2637 §4.1) carry it: without HDLC flags and FCS, with the Address and Control fields
// 0xFF 0x03 present or compressed away (ACFC, RFC 1661 §6.6), and the Protocol field in two
// bytes or, compressed, one (PFC, §6.5: a protocol number's low byte is odd and its high byte
// even, so an odd first byte is a one-byte field).

#include <span>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/net_error.h"

namespace siphon::net {

/// The IP datagram in `bytes`, reported with the equivalent EtherType.
/// Errors: Truncated; UnsupportedEtherType for what is not IPv4 or IPv6 (LCP, IPCP, CCP,
/// an MPPE-compressed or encrypted payload, ...).
[[nodiscard]] core::Result<EtherPayload, NetError> decodePppFrame(std::span<const std::byte> bytes);

}  // namespace siphon::net
