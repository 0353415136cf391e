#include "record/record_json.h"

#include <ctime>
#include <string_view>

#include <fmt/format.h>

#include "core/byte_reader.h"
#include "record/base64.h"
#include "record/capture_columns.h"
#include "record/utf8.h"

namespace siphon::record {

namespace {

constexpr uint8_t kPayloadTypeSip = 1;  // HEP 0x000b: 1 = SIP

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

nlohmann::ordered_json recordJson(const core::CaptureMeta& meta, const ParsedSip& parsed,
                                  const CaptureRowOptions& options, bool with_message) {
  CaptureRow row;
  buildCaptureRow(meta, parsed, options, row);

  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  bool payload_is_text = isValidUtf8(core::asText(meta.payload));
  for (const CaptureColumn& c : sipCaptureColumns()) {
    if (!c.in(kInJson)) continue;
    const std::string key(c.jsonName());
    switch (c.type) {
      case ColumnType::Timestamp:
        j[key] = formatRfc3339Micros(c.value(meta, row).integer);
        break;
      case ColumnType::Text:
        j[key] = std::string(c.value(meta, row).text);
        break;
      case ColumnType::OptionalText: {
        // parse_error: present only when a SIP payload (type 1) did not parse.
        ColumnValue v = c.value(meta, row);
        if (!v.null && meta.payload_type == kPayloadTypeSip) j[key] = std::string(v.text);
        break;
      }
      case ColumnType::Integer:
        j[key] = c.value(meta, row).integer;
        break;
      case ColumnType::Boolean:
        j[key] = c.value(meta, row).integer != 0;
        break;
      case ColumnType::Payload:
        if (!with_message) break;
        if (payload_is_text) {
          j["msg"] = std::string(core::asText(meta.payload));
        } else {
          j["msg_b64"] = base64Encode(meta.payload);
        }
        break;
      case ColumnType::Chunks: {
        nlohmann::ordered_json chunks = nlohmann::ordered_json::array();
        for (const core::ChunkView& chunk : meta.other_chunks) {
          chunks.push_back(
              {{"vendor", chunk.vendor}, {"type", chunk.type}, {"hex", hexBytes(chunk.value)}});
        }
        j[key] = std::move(chunks);
        break;
      }
    }
  }
  // Header values are views into the payload; when the payload is not UTF-8 they may not be
  // either, and nlohmann::json would throw on dump(). Such values are replaced by "".
  if (!payload_is_text) {
    for (auto& [key, value] : j.items()) {
      if (value.is_string() && !isValidUtf8(value.get_ref<const std::string&>())) value = "";
    }
  }
  return j;
}

nlohmann::ordered_json recordJson(const core::CaptureMeta& meta, const CaptureRowOptions& options) {
  ParsedSip parsed;
  parseSip(meta, options.fields, parsed);
  return recordJson(meta, parsed, options);
}

}  // namespace siphon::record
