#pragma once
// EtherType values and the (type, bytes) pair every link layer hands to the next layer.

#include <cstddef>
#include <cstdint>
#include <span>

namespace siphon::net {

inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86DD;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;     ///< IEEE 802.1Q C-tag
inline constexpr uint16_t kEtherTypeQinQ = 0x88A8;     ///< IEEE 802.1ad S-tag
inline constexpr uint16_t kEtherTypeQinQOld = 0x9100;  ///< pre-802.1ad vendor S-tag
inline constexpr uint16_t kEtherTypePppoeSession = 0x8864;
/// GRE protocol types (they share the EtherType registry, RFC 2784 §2.4).
inline constexpr uint16_t kEtherTypeTransparentEthernet = 0x6558;  ///< an Ethernet frame follows
inline constexpr uint16_t kEtherTypeErspanII = 0x88BE;  ///< ERSPAN type I (no GRE S bit) and II
inline constexpr uint16_t kEtherTypeErspanIII = 0x22EB;
/// IEEE 802.3: a type field at or below 1500 is a length (LLC frame), not an EtherType.
inline constexpr uint16_t kEtherTypeMaxLength = 1500;

/// The bytes after a link-layer header and the EtherType that says what they are.
struct EtherPayload {
  uint16_t ether_type = 0;
  std::span<const std::byte> bytes;
};

}  // namespace siphon::net
