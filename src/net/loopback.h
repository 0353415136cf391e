#pragma once
// BSD loopback headers: LINKTYPE_NULL (0), a 4-byte address family in the byte order of the
// host that captured, and LINKTYPE_LOOP (108, OpenBSD), the same in network byte order.

#include <cstddef>
#include <span>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kLoopbackHeaderBytes = 4;

enum class LoopbackOrder : uint8_t {
  CapturingHost,  ///< LINKTYPE_NULL: either order; detected from the value
  Network,        ///< LINKTYPE_LOOP
};

/// Maps the family to an EtherType. Errors: Truncated, UnsupportedLinkFamily.
[[nodiscard]] core::Result<EtherPayload, NetError> decodeLoopback(std::span<const std::byte> frame,
                                                                  LoopbackOrder order);

}  // namespace siphon::net
