#include "process/capture_rules.h"

#include <charconv>

namespace siphon::process {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <class T>
bool parseNumber(std::string_view text, T max, T& out) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > max) return false;
  out = static_cast<T>(v);
  return true;
}

}  // namespace

bool CaptureRule::matches(const core::CaptureMeta& meta, size_t listener_index) const {
  if (capture_id && meta.capture_id != *capture_id) return false;
  if (node && meta.node_name != *node) return false;
  if (payload_type && meta.payload_type != *payload_type) return false;
  if (listener && listener_index != *listener) return false;
  return true;
}

core::Result<CaptureRule, core::Failure> parseCaptureRule(std::string_view text,
                                                          const std::vector<core::Endpoint>& listeners,
                                                          const std::vector<std::string>& modes) {
  auto bad = [&](const std::string& why) {
    return core::unexpected(core::Failure{"capture_mode_rule: '" + std::string(text) + "': " + why, 2});
  };
  auto arrow = text.rfind("=>");
  if (arrow == std::string_view::npos) return bad("expected CONDITION;... => MODE");
  CaptureRule rule;
  rule.mode = std::string(trim(text.substr(arrow + 2)));
  size_t m = 0;
  while (m < modes.size() && modes[m] != rule.mode) ++m;
  if (m == modes.size()) return bad("no capture_mode is named '" + rule.mode + "'");
  rule.mode_index = m;
  std::string_view conditions = text.substr(0, arrow);
  size_t count = 0;
  while (!conditions.empty()) {
    auto semi = conditions.find(';');
    auto item = trim(conditions.substr(0, semi));
    conditions = semi == std::string_view::npos ? std::string_view{} : conditions.substr(semi + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return bad("condition without '='");
    auto key = trim(item.substr(0, eq));
    auto value = trim(item.substr(eq + 1));
    ++count;
    if (key == "capture_id") {
      uint32_t v = 0;
      if (!parseNumber<uint32_t>(value, UINT32_MAX, v)) return bad("capture_id is not a number");
      rule.capture_id = v;
    } else if (key == "node") {
      rule.node = std::string(value);
    } else if (key == "payload_type") {
      uint8_t v = 0;
      if (!parseNumber<uint8_t>(value, 255, v)) return bad("payload_type is not 0-255");
      rule.payload_type = v;
    } else if (key == "listen") {
      auto ep = core::Endpoint::parse(value);
      if (!ep) return bad("listen: " + ep.error().message);
      size_t i = 0;
      while (i < listeners.size() && !(listeners[i] == *ep)) ++i;
      if (i == listeners.size()) return bad("listen " + std::string(value) + " is not one of the listeners");
      rule.listener = i;
    } else {
      return bad("unknown condition '" + std::string(key) + "' (capture_id, node, payload_type, listen)");
    }
  }
  if (count == 0) return bad("no condition");
  return rule;
}

}  // namespace siphon::process
