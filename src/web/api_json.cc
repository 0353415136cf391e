#include "web/api_json.h"

#include <fmt/format.h>

#include "record/record_json.h"
#include "record/utf8.h"
#include "web/message_id.h"

namespace siphon::web {

nlohmann::ordered_json recordWithId(const core::CaptureMeta& meta, const record::ParsedSip& sip,
                                    const std::string& id, bool with_message,
                                    const record::CaptureRowOptions& options) {
  nlohmann::ordered_json out;
  out["id"] = id;
  auto record = record::recordJson(meta, sip, options, with_message);
  for (auto& [key, value] : record.items()) out[key] = std::move(value);
  return out;
}

nlohmann::ordered_json callJson(const query::CallResult& call, const std::string& call_id,
                                const record::CaptureRowOptions& options) {
  std::vector<size_t> per_leg(call.legs.size(), 0);
  auto messages = nlohmann::ordered_json::array();
  for (const auto& m : call.messages) {
    if (m.leg < per_leg.size()) ++per_leg[m.leg];
    messages.push_back(
        recordWithId(m.meta, m.sip,
                     messageIdOf(m.table, m.block_id, m.record_index, m.micros()), true, options));
  }
  auto legs = nlohmann::ordered_json::array();
  for (size_t i = 0; i < call.legs.size(); ++i) {
    legs.push_back({{"call_id", call.legs[i]}, {"messages", per_leg[i]}});
  }
  nlohmann::ordered_json out;
  out["call_id"] = call_id;
  out["legs"] = std::move(legs);
  out["truncated"] = call.truncated;
  out["truncated_reason"] = call.truncated_reason;
  out["messages"] = std::move(messages);
  out["media"] = mediaJson(query::callQuality(call));
  return out;
}

nlohmann::ordered_json mediaJson(const query::CallQuality& quality) {
  auto streams = nlohmann::ordered_json::array();
  for (const auto& s : quality.streams) {
    auto samples = nlohmann::ordered_json::array();
    for (const auto& p : s.samples) {
      samples.push_back({{"micro_ts", p.micros},
                         {"fraction_lost_pct", p.fraction_lost_pct},
                         {"cumulative_lost", p.cumulative_lost},
                         {"highest_seq", p.highest_seq},
                         {"jitter_ms", p.jitter_ms},
                         {"mos", p.mos}});
    }
    nlohmann::ordered_json j;
    j["ssrc"] = s.ssrc;
    j["ssrc_hex"] = fmt::format("0x{:08x}", s.ssrc);
    j["from"] = s.from;
    j["to"] = s.to;
    // An SDES CNAME is any bytes on the wire; JSON text must be UTF-8.
    j["cname"] = record::isValidUtf8(s.cname) ? s.cname : std::string();
    j["packets"] = s.packets;
    j["octets"] = s.octets;
    j["lost"] = s.lost;
    j["loss_pct"] = s.loss_pct;
    j["avg_jitter_ms"] = s.avg_jitter_ms;
    j["max_jitter_ms"] = s.max_jitter_ms;
    j["mos"] = s.mos;
    j["mos_source"] = s.mos_from_xr ? (s.origin == "rtcp" ? "rtcp_xr" : "reported") : "estimated";
    j["origin"] = s.origin;
    if (!s.name.empty()) j["name"] = record::isValidUtf8(s.name) ? s.name : std::string();
    j["reports"] = s.reports;
    j["first_micro_ts"] = s.first_micros;
    j["last_micro_ts"] = s.last_micros;
    j["samples"] = std::move(samples);
    streams.push_back(std::move(j));
  }
  nlohmann::ordered_json out;
  out["rtcp_records"] = quality.rtcp_records;
  out["vq_reports"] = quality.vq_reports;
  out["qos_reports"] = quality.qos_reports;
  out["unreadable"] = quality.unreadable;
  out["streams"] = std::move(streams);
  return out;
}

nlohmann::ordered_json ladderJson(const query::Ladder& ladder, const query::CallResult& call) {
  auto columns = nlohmann::ordered_json::array();
  for (size_t i = 0; i < ladder.columns.size(); ++i) {
    columns.push_back({{"index", i},
                       {"label", ladder.columns[i].address},
                       {"node", ladder.columns[i].label}});
  }
  auto arrows = nlohmann::ordered_json::array();
  for (size_t i = 0; i < ladder.arrows.size(); ++i) {
    const auto& a = ladder.arrows[i];
    std::string id;
    if (a.message < call.messages.size()) {
      const auto& m = call.messages[a.message];
      id = messageIdOf(m.table, m.block_id, m.record_index, m.micros());
    }
    nlohmann::ordered_json arrow;
    arrow["index"] = i;
    arrow["from"] = a.from;
    arrow["to"] = a.to;
    arrow["micro_ts"] = a.ts_us;
    arrow["delta_prev_us"] = a.delta_prev_us;
    arrow["delta_first_us"] = a.delta_first_us;
    arrow["label"] = a.label;
    arrow["cseq"] = a.cseq;
    arrow["leg"] = a.leg;
    arrow["transaction"] = a.transaction;
    arrow["retransmission"] = a.retransmission;
    arrow["message_id"] = id;
    arrow["nodes"] = a.capture_points;
    arrow["has_sdp"] = a.has_sdp;
    arrows.push_back(std::move(arrow));
  }
  nlohmann::ordered_json out;
  out["columns"] = std::move(columns);
  out["arrows"] = std::move(arrows);
  out["legs"] = ladder.legs;
  out["truncated"] = ladder.truncated;
  out["truncated_reason"] = ladder.truncated_reason;
  return out;
}

}  // namespace siphon::web
