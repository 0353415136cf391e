#include "media/vq_report.h"

#include <charconv>
#include <cstdlib>
#include <string>

#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::media {
namespace {

using core::equalsIgnoreCase;
using core::trimLws;

std::optional<double> number(std::string_view v) {
  if (v.empty() || v.size() > 32) return std::nullopt;
  const std::string text(v);  // strtod needs a terminated string
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || d != d) return std::nullopt;  // not a number, or NaN
  return d;
}

// Calls f(key, value) for each "KEY=VALUE" (or "KEY:VALUE") token of a line's value.
template <class F>
void tokens(std::string_view value, F&& f) {
  while (!value.empty()) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    const size_t end = std::min(value.find(' '), value.size());
    const std::string_view token = value.substr(0, end);
    value.remove_prefix(end);
    size_t sep = token.find('=');
    if (sep == std::string_view::npos) sep = token.find(':');
    if (sep == std::string_view::npos || sep == 0) continue;
    f(token.substr(0, sep), token.substr(sep + 1));
  }
}

void readAddress(std::string_view value, VqAddress& out) {
  tokens(value, [&](std::string_view k, std::string_view v) {
    if (equalsIgnoreCase(k, "IP")) {
      out.ip = v;
    } else if (equalsIgnoreCase(k, "PORT")) {
      uint16_t p = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), p);
      if (ec == std::errc{} && ptr == v.data() + v.size()) out.port = p;
    } else if (equalsIgnoreCase(k, "SSRC")) {
      std::string_view hex = v;
      if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
      uint32_t s = 0;
      auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), s, 16);
      if (!hex.empty() && ec == std::errc{} && ptr == hex.data() + hex.size()) out.ssrc = s;
    }
  });
}

void readMetric(std::string_view name, std::string_view value, VqMetrics& m) {
  tokens(value, [&](std::string_view k, std::string_view v) {
    auto set = [&](std::optional<double>& field) {
      if (auto d = number(v)) {
        field = d;
        m.present = true;
      }
    };
    if (equalsIgnoreCase(name, "PacketLoss") && equalsIgnoreCase(k, "NLR")) set(m.loss_pct);
    if (equalsIgnoreCase(name, "PacketLoss") && equalsIgnoreCase(k, "JDR")) set(m.discard_pct);
    if (equalsIgnoreCase(name, "Delay") && equalsIgnoreCase(k, "RTD")) set(m.rtt_ms);
    if (equalsIgnoreCase(name, "Delay") && equalsIgnoreCase(k, "IAJ")) set(m.jitter_ms);
    if (equalsIgnoreCase(name, "QualityEst") && equalsIgnoreCase(k, "RLQ")) set(m.r_factor);
    if (equalsIgnoreCase(name, "QualityEst") && equalsIgnoreCase(k, "MOSLQ")) set(m.mos_lq);
  });
}

}  // namespace

bool isVqContentType(std::string_view content_type) {
  const std::string_view type = trimLws(content_type.substr(0, content_type.find(';')));
  return equalsIgnoreCase(type, "application/vq-rtcpxr");
}

core::Result<VqReport, MediaError> parseVqReport(std::string_view body) {
  VqReport out;
  VqMetrics* section = nullptr;
  bool first = true;
  while (!body.empty()) {
    const size_t nl = body.find('\n');
    const std::string_view line = trimLws(body.substr(0, nl));
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    if (line.empty()) continue;
    const size_t colon = line.find(':');
    const std::string_view name = trimLws(line.substr(0, colon));
    const std::string_view value = colon == std::string_view::npos ? std::string_view{} : trimLws(line.substr(colon + 1));
    if (first) {
      first = false;
      if (!name.starts_with("VQ") || !name.ends_with("Report")) {
        return core::unexpected(MediaError{MediaErrc::NotRtcp, "not a VQ report (RFC 6035)"});
      }
      out.kind = name;
      continue;
    }
    if (equalsIgnoreCase(name, "LocalMetrics")) {
      section = &out.local_metrics;
    } else if (equalsIgnoreCase(name, "RemoteMetrics")) {
      section = &out.remote_metrics;
    } else if (equalsIgnoreCase(name, "CallID")) {
      out.call_id = value;
    } else if (equalsIgnoreCase(name, "LocalAddr")) {
      readAddress(value, out.local);
    } else if (equalsIgnoreCase(name, "RemoteAddr")) {
      readAddress(value, out.remote);
    } else if (section != nullptr) {
      readMetric(name, value, *section);
    }
  }
  if (first) return core::unexpected(MediaError{MediaErrc::Empty, "empty VQ report"});
  if (!out.local_metrics.present && !out.remote_metrics.present) {
    return core::unexpected(MediaError{MediaErrc::Empty, "VQ report without metrics"});
  }
  return out;
}

}  // namespace siphon::media
