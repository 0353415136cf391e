#pragma once
// RTCP XR quality reports sent in SIP PUBLISH bodies (RFC 6035, Content-Type
// application/vq-rtcpxr): what a phone measured of a call's media, one report per interval or
// at the end of the session. The body is text lines "Name: value", values being space-separated
// "KEY=VALUE" tokens:
//
//   VQSessionReport: CallTerm
//   CallID: 6dwd2cdp01c9@sip.example.com
//   LocalAddr: IP=10.10.1.100 PORT=5000 SSRC=0x2468abcd
//   RemoteAddr: IP=11.1.1.150 PORT=5002 SSRC=0x1357ace0
//   LocalMetrics:
//   PacketLoss: NLR=5.0 JDR=2.0
//   Delay: RTD=200 ESD=140 SOWD=200 IAJ=2 MAJ=10
//   QualityEst: RLQ=90 RCQ=85 MOSLQ=4.2 MOSCQ=4.3
//   RemoteMetrics:
//   ...
//
// LocalMetrics describe the stream the reporter received (from RemoteAddr), RemoteMetrics the
// one its peer received. Tolerated: "KEY:VALUE" tokens ("LocalAddr:IP:192.168.1.55
// PORT:30539", as HEPGEN writes them), CRLF or LF, a truncated body (what is there is read).
// Views point into the body.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.h"
#include "media/media_error.h"

namespace siphon::media {

struct VqMetrics {
  bool present = false;
  std::optional<double> loss_pct;     ///< PacketLoss NLR: network loss rate, percent
  std::optional<double> discard_pct;  ///< PacketLoss JDR: jitter buffer discard rate, percent
  std::optional<double> rtt_ms;       ///< Delay RTD: round trip delay
  std::optional<double> jitter_ms;    ///< Delay IAJ: mean interarrival jitter
  std::optional<double> r_factor;     ///< QualityEst RLQ
  std::optional<double> mos_lq;       ///< QualityEst MOSLQ
};

struct VqAddress {
  std::string_view ip;
  uint16_t port = 0;
  std::optional<uint32_t> ssrc;
};

struct VqReport {
  std::string_view kind;     ///< VQSessionReport, VQIntervalReport, VQAlertReport
  std::string_view call_id;  ///< CallID: the call the media belongs to
  VqAddress local, remote;
  VqMetrics local_metrics, remote_metrics;
};

/// Reads a vq-rtcpxr body. NotRtcp when it does not start with a VQ...Report line, Empty when
/// it has no metrics at all.
[[nodiscard]] core::Result<VqReport, MediaError> parseVqReport(std::string_view body);

/// True for the Content-Type of such a body ("application/vq-rtcpxr", parameters and case
/// ignored).
[[nodiscard]] bool isVqContentType(std::string_view content_type);

}  // namespace siphon::media
