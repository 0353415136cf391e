#pragma once
// Ethernet II header (DLT_EN10MB): destination MAC, source MAC, EtherType.

#include <cstddef>
#include <span>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kEthernetHeaderBytes = 14;

/// The EtherType and the bytes after the 14-byte header (VLAN tags not yet removed).
/// Errors: Truncated. An 802.3 length field comes back as is (<= 1500); the caller rejects it.
[[nodiscard]] core::Result<EtherPayload, NetError> decodeEthernet(std::span<const std::byte> frame);

}  // namespace siphon::net
