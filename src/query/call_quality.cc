#include "query/call_quality.h"

#include <fmt/format.h>

#include "media/rtcp_json.h"
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
  return out;
}

std::string streamSummaryLine(const media::StreamQuality& s) {
  std::string line = fmt::format("stream 0x{:08x}", s.ssrc);
  if (!s.from.empty() || !s.to.empty()) {
    line += fmt::format(" {} -> {}", s.from.empty() ? "?" : s.from, s.to.empty() ? "?" : s.to);
  }
  line += fmt::format("  packets {}  lost {} ({:.1f}%)  jitter avg {:.1f} ms max {:.1f} ms  MOS {:.1f} ({})  reports {}",
                      s.packets, s.lost, s.loss_pct, s.avg_jitter_ms, s.max_jitter_ms, s.mos,
                      s.mos_from_xr ? "RTCP XR" : "estimated", s.reports);
  return line;
}

}  // namespace siphon::query
