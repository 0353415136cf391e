#pragma once
// RtcpReport: what one RTCP datagram says about the RTP streams of a call, whether it came as
// binary RTCP (an agent that forwards the packet as HEP payload type 5) or as the JSON
// rendering captagent and heplify send (rtcp_json.h).
//
// Binary RTCP is a compound packet (RFC 3550 §6.1): several RTCP packets back to back, each
// with a 4-byte common header (V=2, P, count, PT, length in 32-bit words minus one, §6.4.1).
// decodeRtcp() reads:
//   SR  (200)  the sender's SSRC, its sender info (NTP time, RTP time, packets, octets) and
//              its report blocks (§6.4.1)
//   RR  (201)  the reporter's SSRC and report blocks (§6.4.2)
//   SDES(202)  the CNAME of the first chunk (§6.5)
//   BYE (203)  that the source left (§6.6)
//   XR  (207)  VoIP Metrics blocks, block type 7 (RFC 3611 §4.7): loss, discard, burst/gap,
//              delay, R factor and MOS as the endpoint computed them
// and steps over APP (204), transport and payload feedback (205, 206, RFC 4585) and any other
// XR block. Every length is checked against the bytes present; nothing outside the input is
// read. A compound whose first packet is not a report is refused (NotRtcp): RTP, STUN or DTLS
// on the same port never becomes a report. Bytes after the last whole packet (the SRTCP index
// and tag of an encrypted packet) end the compound without an error; `trailing_bytes` counts
// them.
//
// Lifetime: `cname` views the decoded bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "media/media_error.h"

namespace siphon::media {

/// One reception report block (RFC 3550 §6.4.1): what the reporter received of `source_ssrc`.
struct RtcpReportBlock {
  uint32_t source_ssrc = 0;
  uint8_t fraction_lost = 0;    ///< lost since the previous report, in 1/256
  int32_t cumulative_lost = 0;  ///< 24-bit signed: duplicates can make it negative
  uint32_t highest_seq = 0;     ///< extended highest sequence number received
  uint32_t jitter = 0;          ///< interarrival jitter, RTP timestamp units
  uint32_t lsr = 0;             ///< middle 32 bits of the last SR's NTP time
  uint32_t dlsr = 0;            ///< delay since that SR, 1/65536 s
};

/// Sender info of an SR (RFC 3550 §6.4.1).
struct RtcpSenderInfo {
  uint32_t ntp_seconds = 0;
  uint32_t ntp_fraction = 0;
  uint32_t rtp_timestamp = 0;
  uint32_t packets = 0;  ///< RTP packets sent since the stream started
  uint32_t octets = 0;   ///< payload octets sent
};

/// RFC 3611 §4.7 VoIP Metrics, as the endpoint measured `source_ssrc`. Values as sent: rates
/// in 1/256, delays in ms, R factors 0..100 (127: unavailable), MOS times 10 (127: unavailable).
struct RtcpVoipMetrics {
  uint32_t source_ssrc = 0;
  uint8_t loss_rate = 0;
  uint8_t discard_rate = 0;
  uint8_t burst_density = 0;
  uint8_t gap_density = 0;
  uint16_t burst_duration = 0;
  uint16_t gap_duration = 0;
  uint16_t round_trip_delay = 0;
  uint16_t end_system_delay = 0;
  uint8_t r_factor = 127;
  uint8_t mos_lq = 127;
  uint8_t mos_cq = 127;
};

inline constexpr uint8_t kXrUnavailable = 127;

struct RtcpReport {
  uint32_t ssrc = 0;        ///< the sender of the compound (SSRC of its first SR or RR)
  uint8_t first_type = 0;   ///< packet type of the first packet (200 SR, 201 RR, ...)
  std::optional<RtcpSenderInfo> sender;  ///< present for an SR
  std::vector<RtcpReportBlock> blocks;
  std::vector<RtcpVoipMetrics> voip_metrics;
  std::string_view cname;   ///< SDES CNAME of the first chunk; empty when absent
  bool bye = false;
  size_t packets = 0;       ///< RTCP packets in the compound
  size_t trailing_bytes = 0;
};

/// Decodes one compound RTCP packet. The error names the first thing that is not RTCP when
/// nothing could be read; a compound that breaks after its first packet keeps what was read.
[[nodiscard]] core::Result<RtcpReport, MediaError> decodeRtcp(std::span<const std::byte> bytes);

/// True when `bytes` starts like an RTCP compound (version 2, an RTCP packet type 200..207,
/// a length that fits): the cheap test an agent uses to tell RTCP from RTP on a port.
[[nodiscard]] bool looksLikeRtcp(std::span<const std::byte> bytes);

}  // namespace siphon::media
