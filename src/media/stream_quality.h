#pragma once
// Call quality per RTP stream, from the RTCP reports stored with a call.
//
// An RTP stream is named by its SSRC. What is known of it comes from two kinds of report
// (RFC 3550 §6.4):
//   * its sender's SR: RTP packets and octets sent so far;
//   * the report blocks its receiver sends about it (in SR or RR): fraction lost since the
//     previous report, cumulative packets lost, interarrival jitter.
// The RTCP of a report block travels from the receiver to the stream's sender, so the stream
// flows the other way: `from` is the RTCP packet's destination and `to` its source. (Those
// are the RTCP addresses, normally the RTP port plus one: RFC 3550 §11.)
//
// Figures per stream:
//   packets     the last SR packet count of the SSRC (0 when no SR of it was stored)
//   lost        the last cumulative loss a receiver reported
//   loss_pct    lost / (packets + lost) when the packet count is known, else the mean of the
//               reported fractions
//   jitter      interarrival jitter in ms: RTP timestamp units over the clock rate (8000 Hz
//               unless the caller knows better: G.711, G.729 and telephone-event use 8000)
//   mos         the MOS-LQ of an RTCP XR VoIP Metrics block (RFC 3611 §4.7) when an endpoint
//               sent one (a value outside 1.0..5.0 counts as unavailable); otherwise an estimate (estimateMos) from loss, jitter and the XR
//               round trip delay if any. `mos_from_xr` says which.
// Each report block is also a sample over time, for the call page's charts.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "media/qos_report.h"
#include "media/rtcp_packet.h"
#include "media/vq_report.h"

namespace siphon::media {

/// One stored RTCP report with where and when it was captured.
struct RtcpObservation {
  int64_t micros = 0;        ///< capture time, µs since the epoch
  std::string source;        ///< "ip:port" the RTCP came from
  std::string destination;   ///< "ip:port" it went to
  RtcpReport report;
};

struct QualitySample {
  int64_t micros = 0;
  double fraction_lost_pct = 0;  ///< loss since the previous report, percent
  int32_t cumulative_lost = 0;
  uint32_t highest_seq = 0;
  double jitter_ms = 0;
  double mos = 0;                ///< MOS for this interval (XR, else estimated)
};

struct StreamQuality {
  uint32_t ssrc = 0;
  std::string from;     ///< the sender's RTCP address ("ip:port"), when known
  std::string to;       ///< the receiver's RTCP address, when known
  std::string cname;    ///< SDES CNAME of the sender, when it sent one
  uint32_t packets = 0;
  uint64_t octets = 0;
  int32_t lost = 0;
  double loss_pct = 0;
  double max_jitter_ms = 0;
  double avg_jitter_ms = 0;
  double mos = 0;
  bool mos_from_xr = false;   ///< the endpoint's own MOS (RTCP XR, or MOSLQ of a VQ report)
  /// "rtcp"; "vq-rtcpxr" for a SIP PUBLISH report (RFC 6035); "hep-qos" for an agent's JSON
  /// QoS report (HEP types 32/34/35/99, qos_report.h)
  std::string origin = "rtcp";
  std::string name;     ///< the agent's name of the stream (a QoS report's REPORT_NAME)
  size_t reports = 0;   ///< report blocks (and XR blocks) about this stream
  int64_t first_micros = 0;
  int64_t last_micros = 0;
  std::vector<QualitySample> samples;
};

/// Streams in the order they were first reported. `observations` may be in any order; at most
/// `max_streams` streams are kept (a call rarely has more than four).
[[nodiscard]] std::vector<StreamQuality> summarizeStreams(std::span<const RtcpObservation> observations,
                                                          uint32_t clock_rate = 8000,
                                                          size_t max_streams = 64);

/// The streams of an RFC 6035 report (vq_report.h) sent at `micros`: LocalMetrics describe the
/// stream from RemoteAddr to LocalAddr (the reporter received it), RemoteMetrics the other
/// way. Each is one sample; its MOS is MOSLQ when given, else estimateMos from NLR, IAJ, RTD.
[[nodiscard]] std::vector<StreamQuality> streamsFromVq(const VqReport& report, int64_t micros);

/// One stored JSON QoS report (qos_report.h) with its capture time.
struct QosObservation {
  int64_t micros = 0;
  QosReport report;
};

/// The streams of an agent's JSON QoS reports, in the order they were first reported, a stream
/// per QosReport::streamKey(). Packets, expected and lost are the last report's (a HANGUP one
/// sums the call); jitter is the mean of the reports' mean (or current) jitter and the largest
/// maximum; MOS the last one reported (mos_from_xr: the agent's own), or estimateMos when no
/// report had one. Each report is a sample, at its REPORT_TS when it has one.
[[nodiscard]] std::vector<StreamQuality> streamsFromQos(std::span<const QosObservation> observations,
                                                        size_t max_streams = 64);

/// MOS (1..4.5) from packet loss in percent, jitter and round trip time in ms, by the
/// simplified E-model that monitoring tools use: effective latency = rtt/2 + 2*jitter + 10 ms,
/// R = 93.2 - latency penalty - 2.5 * loss, then ITU-T G.107 Annex B's R-to-MOS mapping.
/// An estimate: codec impairments beyond G.711's are not known here.
[[nodiscard]] double estimateMos(double loss_pct, double jitter_ms, double rtt_ms);

}  // namespace siphon::media
