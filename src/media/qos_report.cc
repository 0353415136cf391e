#include "media/qos_report.h"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/endpoint.h"

namespace siphon::media {
namespace {

using Json = nlohmann::json;

// The member `key` in upper case, or in lower case.
const Json* member(const Json& o, std::string_view key) {
  if (auto it = o.find(key); it != o.end()) return &*it;
  std::string lower(key);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (auto it = o.find(lower); it != o.end()) return &*it;
  return nullptr;
}

std::optional<double> number(const Json& o, std::string_view key) {
  const Json* v = member(o, key);
  if (v == nullptr) return std::nullopt;
  double d = 0;
  if (v->is_number()) {
    d = v->get<double>();
  } else if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<int64_t> integer(const Json& o, std::string_view key) {
  const auto d = number(o, key);
  if (!d || *d < -9e18 || *d > 9e18) return std::nullopt;
  return static_cast<int64_t>(*d);
}

std::string text(const Json& o, std::string_view key) {
  const Json* v = member(o, key);
  if (v == nullptr) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_integer()) return std::to_string(v->get<int64_t>());
  return {};
}

std::string endpoint(const Json& o, std::string_view ip_key, std::string_view port_key) {
  const std::string ip = text(o, ip_key);
  if (ip.empty()) return {};
  const auto port = integer(o, port_key);
  if (!port || *port <= 0 || *port > 65535) return core::bracketedHost(ip);
  return core::hostPortText(ip, static_cast<uint16_t>(*port));
}

}  // namespace

std::string QosReport::streamKey() const {
  if (!source.empty() && !destination.empty()) return source + " -> " + destination;
  return name + "#" + std::to_string(direction);
}

core::Result<QosReport, MediaError> parseQosReport(std::string_view json) {
  const Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return core::unexpected(MediaError{MediaErrc::BadJson, "QoS report is not a JSON object"});
  }
  QosReport out;
  out.call_id = text(doc, "RTP_SIP_CALL_ID");
  if (out.call_id.empty()) out.call_id = text(doc, "CORRELATION_ID");
  out.name = text(doc, "REPORT_NAME");
  out.source = endpoint(doc, "SRC_IP", "SRC_PORT");
  out.destination = endpoint(doc, "DST_IP", "DST_PORT");
  out.codec = text(doc, "CODEC_NAME");
  out.type = text(doc, "TYPE");
  out.direction = static_cast<int>(integer(doc, "DIR").value_or(0));
  out.report_time_s = number(doc, "REPORT_TS");
  out.mos = number(doc, "MOS");
  out.min_mos = number(doc, "MIN_MOS");
  out.mean_mos = number(doc, "MEAN_MOS");
  out.r_factor = number(doc, "RFACTOR");
  out.jitter_ms = number(doc, "JITTER");
  out.max_jitter_ms = number(doc, "MAX_JITTER");
  out.mean_jitter_ms = number(doc, "MEAN_JITTER");
  out.packets = integer(doc, "TOTAL_PK");
  out.expected = integer(doc, "EXPECTED_PK");
  out.lost = integer(doc, "PACKET_LOSS");
  if (!out.mos && !out.r_factor && !out.jitter_ms && !out.packets) {
    return core::unexpected(MediaError{MediaErrc::Empty, "QoS report has no MOS, R-factor, jitter or packets"});
  }
  return out;
}

}  // namespace siphon::media
