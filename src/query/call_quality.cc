#include "query/call_quality.h"

#include <fmt/format.h>

#include "media/qos_report.h"
#include "media/rtcp_json.h"
#include "media/vq_report.h"
#include "query/ladder.h"

namespace siphon::query {

CallQuality callQuality(const CallResult& call) {
  CallQuality out;
  std::vector<media::RtcpObservation> observations;
  for (const auto& r : call.reports) {
    if (r.kind != record::RowKind::Rtcp) continue;
    ++out.rtcp_records;
    auto report = media::decodeRtcpPayload(r.payload());
    if (!report) {
      ++out.unreadable;
      continue;
    }
    observations.push_back(media::RtcpObservation{r.micros(), endpointText(r.meta.src_ip, r.meta.src_port),
                                                  endpointText(r.meta.dst_ip, r.meta.dst_port),
                                                  std::move(*report)});
  }
  out.streams = media::summarizeStreams(observations);
  // The JSON QoS reports of RTP agents (HEP types 32/34/35/99, stored as report rows).
  std::vector<media::QosObservation> qos;
  for (const auto& r : call.reports) {
    if (r.kind != record::RowKind::Report || !media::isQosPayloadType(r.meta.payload_type)) continue;
    ++out.qos_reports;
    auto report = media::parseQosReport(r.payload());
    if (!report) {
      ++out.unreadable;
      continue;
    }
    qos.push_back({r.micros(), std::move(*report)});
  }
  for (auto& s : media::streamsFromQos(qos)) out.streams.push_back(std::move(s));
  // RFC 6035 reports a phone sent in SIP PUBLISH (application/vq-rtcpxr), joined to the call
  // like its other messages (their Call-ID, or the correlation id the agent gave them).
  for (const auto& m : call.messages) {
    if (!m.sip.isSip() || !media::isVqContentType(m.sip.fields.content_type)) continue;
    ++out.vq_reports;
    auto report = media::parseVqReport(m.sip.body);
    if (!report) {
      ++out.unreadable;
      continue;
    }
    for (auto& s : media::streamsFromVq(*report, m.micros())) out.streams.push_back(std::move(s));
  }
  return out;
}

std::string streamSummaryLine(const media::StreamQuality& s) {
  std::string line = s.ssrc == 0 && !s.name.empty() ? "stream " + s.name : fmt::format("stream 0x{:08x}", s.ssrc);
  if (s.origin != "rtcp") line += " (" + s.origin + ")";
  if (!s.from.empty() || !s.to.empty()) {
    line += fmt::format(" {} -> {}", s.from.empty() ? "?" : s.from, s.to.empty() ? "?" : s.to);
  }
  line += fmt::format("  packets {}  lost {} ({:.1f}%)  jitter avg {:.1f} ms max {:.1f} ms  MOS {:.1f} ({})  reports {}",
                      s.packets, s.lost, s.loss_pct, s.avg_jitter_ms, s.max_jitter_ms, s.mos,
                      s.mos_from_xr ? (s.origin == "rtcp" ? "RTCP XR" : "reported") : "estimated", s.reports);
  return line;
}

}  // namespace siphon::query
