#include "sink/record_json.h"

#include <ctime>
#include <string_view>

#include <fmt/format.h>

#include "core/byte_reader.h"
#include "sink/base64.h"
#include "sink/utf8.h"
#include "sip/sip_error.h"

namespace siphon::sink {

namespace {

constexpr uint8_t kPayloadTypeSip = 1;  // HEP 0x000b: 1 = SIP

std::string str(std::string_view v) { return std::string(v); }

}  // namespace

std::string formatRfc3339Micros(int64_t micros_since_epoch) {
  // Floor division, so that times before 1970 still get a 0..999999 fraction.
  int64_t secs = micros_since_epoch / 1'000'000;
  int64_t frac = micros_since_epoch % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

std::string hexBytes(std::span<const std::byte> bytes) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::byte b : bytes) {
    auto v = std::to_integer<uint8_t>(b);
    out += kDigits[v >> 4];
    out += kDigits[v & 0x0F];
  }
  return out;
}

nlohmann::ordered_json recordJson(const core::CaptureMeta& meta, const CaptureRowOptions& options) {
  CaptureRow row;
  buildCaptureRow(meta, options, row);
  const sip::SipCaptureFields& f = row.sip;

  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["date"] = formatRfc3339Micros(row.micro_ts);
  j["micro_ts"] = row.micro_ts;
  j["method"] = str(f.method);
  j["reply_reason"] = str(f.reply_reason);
  j["ruri"] = str(f.ruri);
  j["ruri_user"] = str(f.ruri_user);
  j["ruri_domain"] = str(f.ruri_domain);
  j["from_user"] = str(f.from_user);
  j["from_domain"] = str(f.from_domain);
  j["from_tag"] = str(f.from_tag);
  j["to_user"] = str(f.to_user);
  j["to_domain"] = str(f.to_domain);
  j["to_tag"] = str(f.to_tag);
  j["pid_user"] = str(f.pid_user);
  j["contact_user"] = str(f.contact_user);
  j["contact_ip"] = str(f.contact_ip);
  j["contact_port"] = f.contact_port;
  j["auth_user"] = str(f.auth_user);
  j["callid"] = str(f.callid);
  j["callid_aleg"] = str(f.callid_aleg);
  j["via_1"] = str(f.via_1);
  j["via_1_branch"] = str(f.via_1_branch);
  j["cseq"] = str(f.cseq);
  j["diversion"] = str(f.diversion);
  j["reason"] = str(f.reason);
  j["content_type"] = str(f.content_type);
  j["user_agent"] = str(f.user_agent);
  j["source_ip"] = row.source_ip;
  j["source_port"] = row.source_port;
  j["destination_ip"] = row.destination_ip;
  j["destination_port"] = row.destination_port;
  j["originator_ip"] = str(f.originator_ip);
  j["originator_port"] = f.originator_port;
  j["correlation_id"] = str(row.correlation_id);
  j["custom_field1"] = str(f.custom_field1);
  j["custom_field2"] = str(f.custom_field2);
  j["custom_field3"] = str(f.custom_field3);
  j["proto"] = row.proto;
  j["family"] = row.family;
  j["rtp_stat"] = str(f.rtp_stat);
  j["type"] = row.type;
  j["node"] = row.node;

  j["hep_version"] = meta.hep_version;
  j["capture_id"] = meta.capture_id;
  j["payload_type"] = meta.payload_type;
  j["has_auth_key"] = meta.has_auth_key;  // the key itself is a secret: presence only
  nlohmann::ordered_json chunks = nlohmann::ordered_json::array();
  for (const core::ChunkView& c : meta.other_chunks) {
    chunks.push_back({{"vendor", c.vendor}, {"type", c.type}, {"hex", hexBytes(c.value)}});
  }
  j["chunks"] = std::move(chunks);

  // Header values are views into the payload; when the payload is not UTF-8 they may not be
  // either, and nlohmann::json would throw on dump(). Such values are replaced by "".
  if (std::string_view text = core::asText(meta.payload); isValidUtf8(text)) {
    j["msg"] = std::string(text);
  } else {
    for (auto& [key, value] : j.items()) {
      if (value.is_string() && !isValidUtf8(value.get_ref<const std::string&>())) {
        value = "";
      }
    }
    j["msg_b64"] = base64Encode(meta.payload);
  }
  if (meta.payload_type == kPayloadTypeSip && row.parse_error) {
    j["parse_error"] = str(sip::sipErrcName(*row.parse_error));
  }
  return j;
}

}  // namespace siphon::sink
