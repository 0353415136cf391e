#pragma once
// GRE header (RFC 2784, with the key and sequence number fields of RFC 2890), and PPTP's
// enhanced GRE (version 1, RFC 2637 §4.1) that carries PPP frames.

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kGreMinHeaderBytes = 4;

inline constexpr uint16_t kGreProtocolPpp = 0x880B;  ///< PPP, as PPTP sends it

struct GreHeader {
  uint8_t version = 0;    ///< 0: RFC 2784; 1: PPTP (RFC 2637)
  uint16_t protocol = 0;  ///< the payload's EtherType (0x0800, 0x86DD, 0x6558, 0x88BE, ...)
  bool has_checksum = false;
  bool has_key = false;
  bool has_sequence = false;
  uint32_t key = 0;       ///< valid when has_key
  uint32_t sequence = 0;  ///< valid when has_sequence
  /// Version 1 only: the key field is Payload Length (high 16 bits) and the peer's Call ID
  /// (low 16 bits), and an acknowledgement number may follow the sequence number.
  bool has_ack = false;
  uint32_t ack = 0;  ///< valid when has_ack
  [[nodiscard]] uint16_t pptpCallId() const { return static_cast<uint16_t>(key & 0xFFFF); }
  /// The bytes after the GRE header (a view into the input).
  std::span<const std::byte> payload;

  /// The payload with its EtherType, ready for the next layer.
  [[nodiscard]] EtherPayload inner() const { return EtherPayload{protocol, payload}; }
};

/// Decodes the GRE header at the front of `bytes` (the IP payload of protocol 47). The
/// checksum is skipped, not verified (a capture reports what was on the wire).
/// Version 1 is accepted as RFC 2637 defines it: protocol 0x880B with the key bit set; its
/// payload is the Payload Length bytes that follow (what lies beyond is padding).
/// Errors: Truncated (also a Payload Length past the packet); UnsupportedTunnel (a version
/// other than 0 and 1, a version 1 header that is not PPTP's, or a PPTP packet that only
/// acknowledges and carries no payload); BadGreHeader (routing bit set: RFC 2784 §2.5.1
/// receivers discard it).
[[nodiscard]] core::Result<GreHeader, NetError> decodeGre(std::span<const std::byte> bytes);

}  // namespace siphon::net
