// Fuzz target for the RTCP readers: binary compounds, the JSON agents send, RFC 6035
// vq-rtcpxr report bodies, and the JSON QoS reports of HEP types 32/34/35/99. Any input: no
// crash, no read out of bounds, the CNAME views the input, counts stay within what the bytes
// can hold, and the per-stream summary of what was read is finite.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "media/qos_report.h"
#include "media/rtcp_json.h"
#include "media/rtcp_packet.h"
#include "media/stream_quality.h"
#include "media/vq_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<siphon::media::RtcpObservation> observations;
  if (auto r = siphon::media::decodeRtcp(bytes)) {
    const auto& cname = r->cname;
    if (!cname.empty() && (cname.data() < text.data() || cname.data() + cname.size() > text.data() + size)) {
      std::abort();  // the CNAME must view the input
    }
    if (r->blocks.size() * 24 > size || r->packets * 4 > size || r->trailing_bytes > size) std::abort();
    if (!siphon::media::looksLikeRtcp(bytes)) std::abort();  // it accepts every decodable compound
    observations.push_back({1, "a:1", "b:2", *r});
  }
  if (auto j = siphon::media::decodeRtcpPayload(text)) observations.push_back({2, "b:2", "a:1", *j});
  if (auto vq = siphon::media::parseVqReport(text)) {  // RFC 6035 bodies: views inside the input
    for (std::string_view v : {vq->call_id, vq->kind, vq->local.ip, vq->remote.ip}) {
      if (!v.empty() && (v.data() < text.data() || v.data() + v.size() > text.data() + size)) std::abort();
    }
    for (const auto& s : siphon::media::streamsFromVq(*vq, 1)) {
      if (!std::isfinite(s.mos) || !std::isfinite(s.loss_pct)) std::abort();
    }
  }
  if (auto q = siphon::media::parseQosReport(text)) {
    const siphon::media::QosObservation one[] = {{1, *q}, {2, *q}};
    for (const auto& s : siphon::media::streamsFromQos(one)) {
      if (!std::isfinite(s.mos) || !std::isfinite(s.loss_pct) || !std::isfinite(s.avg_jitter_ms)) std::abort();
    }
  }
  for (const auto& s : siphon::media::summarizeStreams(observations)) {
    if (!std::isfinite(s.loss_pct) || !std::isfinite(s.mos) || s.mos < 1.0 || s.mos > 5.0) std::abort();
  }
  return 0;
}
