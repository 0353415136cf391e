#include "record/record_json.h"

#include <charconv>
#include <cstring>
#include <ctime>
#include <iterator>
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
  int64_t days = secs / 86400, in_day = secs % 86400;
  if (in_day < 0) {
    in_day += 86400;
    --days;
  }
  // The civil date of a day count since 1970-01-01 (proleptic Gregorian), by 400-year eras
  // counted from 0000-03-01, so that the leap day ends a year (H. Hinnant's days-to-civil).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                  // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                // [0, 11], March first
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", year, month, day, in_day / 3600,
                       in_day / 60 % 60, in_day % 60, frac);
  }
  char text[] = "0000-00-00T00:00:00.000000Z";
  auto put = [&](size_t at, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      text[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, year, 4);
  put(5, month, 2);
  put(8, day, 2);
  put(11, in_day / 3600, 2);
  put(14, in_day / 60 % 60, 2);
  put(17, in_day % 60, 2);
  put(20, frac, 6);
  return std::string(text, sizeof text - 1);
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

namespace {

// `v` as a JSON string, escaped as nlohmann::json's dump() escapes (ensure_ascii off): the
// two-character escapes it has, \u00xx for the other control characters, the rest as is.
void appendJsonString(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t plain = 0;  // start of the run not yet copied
  constexpr uint64_t kOnes = ~uint64_t{0} / 255, kHighs = kOnes * 0x80;
  for (size_t i = 0; i < v.size(); ++i) {
    // Eight bytes at a time while none can need an escape: no byte below 0x20 and none equal
    // to '"' or '\\' (the SWAR "has less" and "has zero" tests; a false alarm only sends the
    // word through the byte loop).
    while (i + 8 <= v.size()) {
      uint64_t w;
      std::memcpy(&w, v.data() + i, 8);
      const uint64_t quote = w ^ (kOnes * '"'), slash = w ^ (kOnes * '\\');
      const uint64_t flags = ((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash);
      if ((flags & kHighs) != 0) break;
      i += 8;
    }
    if (i >= v.size()) break;
    const auto c = static_cast<unsigned char>(v[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(v.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(v.data() + plain, v.size() - plain);
  out += '"';
}

// Keys are the column table's names: identifiers, nothing to escape.
void appendKey(std::string& out, std::string_view key, bool& first) {
  out.append(first ? "\"" : ",\"");
  first = false;
  out.append(key);
  out.append("\":");
}

void appendInteger(std::string& out, int64_t v) {
  char buffer[24];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, static_cast<size_t>(r.ptr - buffer));
}

}  // namespace

bool appendRecordJson(std::string& out, const core::CaptureMeta& meta, const ParsedSip& parsed,
                      const CaptureRowOptions& options, bool with_message) {
  CaptureRow row;
  buildCaptureRow(meta, parsed, options, row);
  const size_t start = out.size();
  const bool payload_is_text = isValidUtf8(core::asText(meta.payload));
  bool first = true;
  // A text column; one that is not UTF-8 is "" when the payload is not text either
  // (recordJson's rule), the caller's decision otherwise: false.
  auto appendText = [&](std::string_view key, std::string_view v) {
    if (!isValidUtf8(v)) {
      if (payload_is_text) return false;
      v = {};
    }
    appendKey(out, key, first);
    appendJsonString(out, v);
    return true;
  };
  out.reserve(out.size() + 1536 + (with_message ? meta.payload.size() * 2 : 0));
  out += '{';
  for (const CaptureColumn& c : sipCaptureColumns()) {
    if (!c.in(kInJson)) continue;
    const std::string_view key = c.jsonName();
    switch (c.type) {
      case ColumnType::Timestamp:
        appendKey(out, key, first);
        appendJsonString(out, formatRfc3339Micros(c.value(meta, row).integer));
        break;
      case ColumnType::Text:
      case ColumnType::OptionalText: {
        // parse_error: present only when a SIP payload (type 1) did not parse.
        const ColumnValue v = c.value(meta, row);
        if (c.type == ColumnType::OptionalText && (v.null || meta.payload_type != kPayloadTypeSip)) break;
        if (!appendText(key, v.text)) {
          out.resize(start);
          return false;
        }
        break;
      }
      case ColumnType::Integer:
        appendKey(out, key, first);
        appendInteger(out, c.value(meta, row).integer);
        break;
      case ColumnType::Boolean:
        appendKey(out, key, first);
        out += c.value(meta, row).integer != 0 ? "true" : "false";
        break;
      case ColumnType::Payload:
        if (!with_message) break;
        if (payload_is_text) {
          appendKey(out, "msg", first);
          appendJsonString(out, core::asText(meta.payload));
        } else {
          appendKey(out, "msg_b64", first);
          appendJsonString(out, base64Encode(meta.payload));
        }
        break;
      case ColumnType::Chunks: {
        appendKey(out, key, first);
        out += '[';
        bool first_chunk = true;
        for (const core::ChunkView& chunk : meta.other_chunks) {
          if (!first_chunk) out += ',';
          first_chunk = false;
          fmt::format_to(std::back_inserter(out), "{{\"vendor\":{},\"type\":{},\"hex\":\"{}\"}}", chunk.vendor,
                         chunk.type, hexBytes(chunk.value));
        }
        out += ']';
        break;
      }
    }
  }
  out += '}';
  return true;
}

std::string recordJsonText(const core::CaptureMeta& meta, const ParsedSip& parsed,
                           const CaptureRowOptions& options, bool with_message) {
  std::string out;
  if (appendRecordJson(out, meta, parsed, options, with_message)) return out;
  return recordJson(meta, parsed, options, with_message)
      .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json recordJson(const core::CaptureMeta& meta, const CaptureRowOptions& options) {
  ParsedSip parsed;
  parseSip(meta, options.fields, parsed);
  return recordJson(meta, parsed, options);
}

}  // namespace siphon::record
