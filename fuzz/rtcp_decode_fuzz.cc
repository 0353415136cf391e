// Fuzz target for the RTCP readers: binary compounds and the JSON agents send. Any input: no
// crash, no read out of bounds, the CNAME views the input, counts stay within what the bytes
// can hold, and the per-stream summary of what was read is finite.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "media/rtcp_json.h"
#include "media/rtcp_packet.h"
#include "media/stream_quality.h"

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
  for (const auto& s : siphon::media::summarizeStreams(observations)) {
    if (!std::isfinite(s.loss_pct) || !std::isfinite(s.mos) || s.mos < 1.0 || s.mos > 5.0) std::abort();
  }
  return 0;
}
