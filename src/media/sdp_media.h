#pragma once
// Where a call's RTCP will flow, read from the SDP of its offer and answer (RFC 4566): each
// m= line with a port other than 0 gives an endpoint whose address is the media-level c= line,
// else the session-level one, and whose RTCP port is a=rtcp's (RFC 3605), the RTP port itself
// with a=rtcp-mux (RFC 5761), else the RTP port + 1 (RFC 3550 §11). The agent watches those
// endpoints to capture the call's RTCP (source/media_tracker.h).
//
// Lines end in CRLF or LF; anything that does not parse (an address that is not IPv4 or IPv6,
// a port that is not a number) leaves that media line out. Nothing is allocated.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/ip_address.h"

namespace siphon::media {

struct MediaEndpoint {
  core::IpAddress address;
  uint16_t rtp_port = 0;
  uint16_t rtcp_port = 0;
};

/// Fills `out` with the endpoints of `sdp`, in m= line order; returns how many (at most
/// out.size()).
[[nodiscard]] size_t sdpMediaEndpoints(std::string_view sdp, std::span<MediaEndpoint> out);

}  // namespace siphon::media
