#pragma once
// Linux "cooked" capture headers (tcpdump.org LINKTYPE_LINUX_SLL 113 and LINUX_SLL2 276):
// what libpcap writes for captures on "any" and on devices without a link-layer header.

#include <cstddef>
#include <span>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kLinuxSllHeaderBytes = 16;
inline constexpr size_t kLinuxSll2HeaderBytes = 20;

/// SLL v1: packet type, ARPHRD type, address length, 8 address bytes, protocol (EtherType).
[[nodiscard]] core::Result<EtherPayload, NetError> decodeLinuxSll(std::span<const std::byte> frame);
/// SLL v2: protocol (EtherType), reserved, ifindex, ARPHRD type, packet type, address length,
/// 8 address bytes.
[[nodiscard]] core::Result<EtherPayload, NetError> decodeLinuxSll2(
    std::span<const std::byte> frame);

}  // namespace siphon::net
