#pragma once
// GRE header (RFC 2784, with the key and sequence number fields of RFC 2890).

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kGreMinHeaderBytes = 4;

struct GreHeader {
  uint16_t protocol = 0;  ///< the payload's EtherType (0x0800, 0x86DD, 0x6558, 0x88BE, ...)
  bool has_checksum = false;
  bool has_key = false;
  bool has_sequence = false;
  uint32_t key = 0;       ///< valid when has_key
  uint32_t sequence = 0;  ///< valid when has_sequence
  /// The bytes after the GRE header (a view into the input).
  std::span<const std::byte> payload;

  /// The payload with its EtherType, ready for the next layer.
  [[nodiscard]] EtherPayload inner() const { return EtherPayload{protocol, payload}; }
};

/// Decodes the GRE header at the front of `bytes` (the IP payload of protocol 47). The
/// checksum is skipped, not verified (a capture reports what was on the wire).
/// Errors: Truncated; UnsupportedTunnel (version other than 0, e.g. PPTP's enhanced GRE);
/// BadGreHeader (routing bit set: RFC 2784 §2.5.1 receivers discard it).
[[nodiscard]] core::Result<GreHeader, NetError> decodeGre(std::span<const std::byte> bytes);

}  // namespace siphon::net
