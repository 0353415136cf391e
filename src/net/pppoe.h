#pragma once
// PPPoE session stage (RFC 2516 §4) carrying PPP (RFC 1661), as seen on DSL access links.

#include <cstddef>
#include <span>

#include "core/result.h"
#include "net/ether_type.h"
#include "net/net_error.h"

namespace siphon::net {

/// The IP packet inside a PPPoE session frame, reported with the equivalent EtherType.
/// Errors: Truncated; UnsupportedEtherType for PPP control protocols (LCP, IPCP, ...).
[[nodiscard]] core::Result<EtherPayload, NetError> decodePppoeSession(
    std::span<const std::byte> bytes);

}  // namespace siphon::net
