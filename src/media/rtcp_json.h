#pragma once
// The JSON rendering of an RTCP packet that captagent and heplify send as HEP payload type 5
// (docs/HEP-AND-MODULES.md §1.4: "RTCP JSON"), read into the same RtcpReport as binary RTCP:
//
//   {"ssrc":451916597,"type":200,
//    "sender_information":{"ntp_timestamp_sec":..,"ntp_timestamp_usec":..,"rtp_timestamp":..,
//                          "packets":106,"octets":16960},
//    "report_count":1,
//    "report_blocks":[{"source_ssrc":..,"highest_seq_no":..,"fraction_lost":0,"ia_jitter":1,
//                      "packets_lost":0,"lsr":..,"dlsr":..}],
//    "report_blocks_xr":{"type":7,"id":..,"fraction_lost":..,"fraction_discard":..,
//                        "burst_density":..,"gap_density":..,"burst_duration":..,
//                        "gap_duration":..,"round_trip_delay":..,"end_system_delay":..},
//    "sdes_ssrc":..}
//
// Numbers are taken modulo 2^32 where the wire field is 32 bits (captagent prints `lsr` as a
// signed int, so -1097006646 is 0xBE9D0A4A), and "packet_lost" (Homer's spelling) is read as
// well as "packets_lost". The sender info counts only for an SR (type 200): heplify fills it
// with zeros for every type. Missing fields are zero; a field of the wrong JSON type is zero.

#include <string_view>

#include "core/result.h"
#include "media/media_error.h"
#include "media/rtcp_packet.h"

namespace siphon::media {

/// Reads one JSON RTCP report. BadJson when the text is not a JSON object, Empty when it has
/// neither an SSRC nor report blocks nor sender info.
[[nodiscard]] core::Result<RtcpReport, MediaError> decodeRtcpJson(std::string_view json);

/// A HEP payload type 5 body either way: JSON when its first non-blank byte is '{', binary
/// RTCP otherwise.
[[nodiscard]] core::Result<RtcpReport, MediaError> decodeRtcpPayload(std::string_view payload);

}  // namespace siphon::media
