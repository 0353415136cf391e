#pragma once
// IEEE 802.1Q / 802.1ad VLAN tags, including QinQ stacks.

#include <cstddef>
#include <cstdint>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/net_error.h"

namespace siphon::net {

/// Bounds the work per frame: real networks stack two tags, rarely three.
inline constexpr size_t kDefaultMaxVlanTags = 8;

struct VlanTags {
  EtherPayload inner;     ///< the EtherType and bytes after the last tag
  uint8_t depth = 0;      ///< tags removed
  uint16_t outer_id = 0;  ///< VLAN id (low 12 bits of the TCI) of the outermost tag
};

[[nodiscard]] bool isVlanTpid(uint16_t ether_type);

/// Removes every VLAN tag at the front of `outer` (none is fine). Errors: Truncated,
/// TooManyVlanTags (more than `max_tags`).
[[nodiscard]] core::Result<VlanTags, NetError> stripVlanTags(EtherPayload outer, size_t max_tags);

}  // namespace siphon::net
