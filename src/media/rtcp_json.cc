#include "media/rtcp_json.h"

#include <nlohmann/json.hpp>

#include "core/byte_reader.h"

namespace siphon::media {
namespace {

using Json = nlohmann::json;

// The value of `key` as the low 32 bits of an integer (negative ones wrap, as the 32-bit wire
// field they print does); 0 when absent or not a number.
uint32_t u32(const Json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) return 0;
  if (it->is_number_unsigned()) return static_cast<uint32_t>(it->get<uint64_t>());
  if (it->is_number_integer()) return static_cast<uint32_t>(it->get<int64_t>());
  if (it->is_number_float()) {
    const double d = it->get<double>();
    return d >= 0 && d < 4294967296.0 ? static_cast<uint32_t>(d) : 0;
  }
  return 0;
}

uint8_t u8(const Json& o, const char* key) { return static_cast<uint8_t>(u32(o, key) & 0xFFu); }
uint16_t u16(const Json& o, const char* key) {
  return static_cast<uint16_t>(u32(o, key) & 0xFFFFu);
}

const Json* object(const Json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_object() ? &*it : nullptr;
}

RtcpReportBlock block(const Json& b) {
  RtcpReportBlock out;
  out.source_ssrc = u32(b, "source_ssrc");
  out.fraction_lost = u8(b, "fraction_lost");
  // Wire field: 24-bit signed. Agents print the decoded number; keep its sign.
  const uint32_t lost = b.contains("packets_lost") ? u32(b, "packets_lost") : u32(b, "packet_lost");
  out.cumulative_lost = static_cast<int32_t>(lost);
  out.highest_seq = u32(b, "highest_seq_no");
  out.jitter = u32(b, "ia_jitter");
  out.lsr = u32(b, "lsr");
  out.dlsr = u32(b, "dlsr");
  return out;
}

}  // namespace

core::Result<RtcpReport, MediaError> decodeRtcpJson(std::string_view json) {
  const Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return core::unexpected(MediaError{MediaErrc::BadJson, "RTCP report is not a JSON object"});
  }
  RtcpReport out;
  out.ssrc = u32(doc, "ssrc");
  out.first_type = u8(doc, "type");
  const Json* sender = object(doc, "sender_information");
  if (sender != nullptr && out.first_type == 200) {
    RtcpSenderInfo s;
    s.ntp_seconds = u32(*sender, "ntp_timestamp_sec");
    s.ntp_fraction = u32(*sender, "ntp_timestamp_usec");
    s.rtp_timestamp = u32(*sender, "rtp_timestamp");
    s.packets = u32(*sender, "packets");
    s.octets = u32(*sender, "octets");
    out.sender = s;
  }
  if (const auto it = doc.find("report_blocks"); it != doc.end() && it->is_array()) {
    for (const auto& b : *it) {
      if (b.is_object()) out.blocks.push_back(block(b));
    }
  }
  // heplify always sends report_blocks_xr; type 0 there means "no XR block".
  if (const Json* xr = object(doc, "report_blocks_xr"); xr != nullptr && u32(*xr, "type") == 7) {
    RtcpVoipMetrics m;
    m.source_ssrc = u32(*xr, "id");
    m.loss_rate = u8(*xr, "fraction_lost");
    m.discard_rate = u8(*xr, "fraction_discard");
    m.burst_density = u8(*xr, "burst_density");
    m.gap_density = u8(*xr, "gap_density");
    m.burst_duration = u16(*xr, "burst_duration");
    m.gap_duration = u16(*xr, "gap_duration");
    m.round_trip_delay = u16(*xr, "round_trip_delay");
    m.end_system_delay = u16(*xr, "end_system_delay");
    out.voip_metrics.push_back(m);
  }
  if (out.ssrc == 0 && out.blocks.empty() && !out.sender && !doc.contains("ssrc")) {
    return core::unexpected(MediaError{MediaErrc::Empty, "JSON report without ssrc or report blocks"});
  }
  out.packets = 1;
  return out;
}

core::Result<RtcpReport, MediaError> decodeRtcpPayload(std::string_view payload) {
  const size_t first = payload.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && payload[first] == '{') return decodeRtcpJson(payload);
  return decodeRtcp(core::asBytes(payload));
}

}  // namespace siphon::media
