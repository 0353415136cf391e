#pragma once
// Which side of the traced server a message is on, for the flags C (caller side only) and c
// (callee side only) of a rule (docs/HEP-AND-MODULES.md §5.3).
//
// OpenSIPS assigns legs from inside the proxy: a request it received from the caller and
// the reply it sent back are the caller side, what it relayed downstream and the replies
// from there the callee side, flipped for in-dialog requests the callee sends. In words:
// the caller side is the hop between the server and the UA that sent the initial INVITE.
// A passive tracer sees hops directly, so that is what it compares: the hop a scope's first
// request was seen on (the first-seen leg of the INVITE) is the caller side, and any
// message on the same hop, whichever way it goes and whoever sent it, is the caller side;
// every other hop of the scope (the relayed copies, the downstream replies, a fork) is the
// callee side. This needs no knowledge of the server's own addresses.
//
// A hop is the unordered pair of endpoints. Ports count on datagram transports; on stream
// transports (TCP, TLS, WS) only addresses do, because a reply or a later request may come
// over another connection with another ephemeral port (RFC 3261 §18.2.2, §18.1.1).

#include <cstdint>

#include "core/capture.h"
#include "core/ip_address.h"

namespace siphon::trace {

struct Hop {
  core::IpAddress a, b;
  uint16_t a_port = 0, b_port = 0;

  [[nodiscard]] static Hop of(const core::CaptureMeta& meta);
  /// Whether `meta` travelled on this hop, in either direction.
  [[nodiscard]] bool carries(const core::CaptureMeta& meta) const;
};

}  // namespace siphon::trace
