#include "route/route_config.h"

#include <algorithm>

#include "core/char_class.h"
#include "core/number_text.h"
#include "core/text_cursor.h"

namespace siphon::route {
namespace {

using core::trimBlanks;

template <class T>
bool parseNumber(std::string_view text, T max, T& out) {
  auto v = core::parseUnsigned(text, max);
  if (!v) return false;
  out = static_cast<T>(*v);
  return true;
}

// Payload type names of §1.6 that rules use most, as in hep_set's proto_type.
std::optional<uint8_t> payloadTypeByName(std::string_view s) {
  struct Named {
    std::string_view name;
    uint8_t value;
  };
  static constexpr Named kNames[] = {{"sip", 1},       {"xmpp", 2}, {"sdp", 3},    {"rtp", 4},
                                     {"rtcp", 5},      {"mgcp", 6}, {"megaco", 7}, {"qos", 32},
                                     {"sip_json", 50}, {"dns", 53}, {"log", 100}};
  for (const auto& n : kNames) {
    if (core::equalsIgnoreCase(n.name, s)) return n.value;
  }
  return std::nullopt;
}

class RuleReader {
 public:
  RuleReader(core::ConfigFile& t, std::string label, const RuleScope& scope)
      : t_(t), label_(std::move(label)), scope_(scope) {}

  core::Result<RouteRule, core::Failure> read();

 private:
  core::Failure bad(std::string_view key, const std::string& why) const {
    return core::Failure{label_ + ": " + std::string(key) + ": " + why, 2};
  }
  core::Result<TextTest, core::Failure> textTest(std::string_view key, std::string_view text,
                                                 std::string& name) const;
  core::Result<Template, core::Failure> value(std::string_view key, std::string_view text) const;
  core::Result<hep::ChunkId, core::Failure> chunkId(std::string_view key,
                                                    std::string_view text) const {
    auto id = hep::parseChunkId(trimBlanks(text));
    if (!id.has_value()) return core::unexpected(bad(key, id.error()));
    return *id;
  }
  core::Result<void, core::Failure> readMatch(RouteRule& rule);
  core::Result<void, core::Failure> readActions(RouteRule& rule);
  core::Result<void, core::Failure> check(const RouteRule& rule) const;

  core::ConfigFile& t_;
  std::string label_;
  const RuleScope& scope_;
};

#define SIPHON_RULE_GET(lhs, expr) \
  auto lhs = (expr);               \
  if (!lhs.has_value())            \
  return core::unexpected(core::Failure{label_ + ": " + lhs.error().message, 2})

core::Result<TextTest, core::Failure> RuleReader::textTest(std::string_view key,
                                                           std::string_view text,
                                                           std::string& name) const {
  auto parsed = core::parseNamedTextTest(text);
  if (!parsed.has_value()) return core::unexpected(bad(key, parsed.error()));
  name = std::move(parsed->name);
  return std::move(parsed->test);
}

core::Result<Template, core::Failure> RuleReader::value(std::string_view key,
                                                        std::string_view text) const {
  auto t = Template::parse(text);
  if (!t.has_value()) return core::unexpected(bad(key, t.error()));
  return std::move(*t);
}

core::Result<void, core::Failure> RuleReader::readMatch(RouteRule& rule) {
  RouteMatch& m = rule.match;
  SIPHON_RULE_GET(version, t_.getInt("hep_version", 1, 3));
  if (*version) m.hep_version = static_cast<uint8_t>(**version);
  if (auto pt = t_.getInt("payload_type", 0, 255); pt.has_value()) {
    if (*pt) m.payload_type = static_cast<uint8_t>(**pt);
  } else {
    SIPHON_RULE_GET(name, t_.getString("payload_type"));
    auto v = payloadTypeByName(name->value_or(""));
    if (!v)
      return core::unexpected(
          bad("payload_type", "expected 0-255 or a name (sip, rtcp, qos, log, ...)"));
    m.payload_type = *v;
  }
  SIPHON_RULE_GET(capture_id, t_.getInt("capture_id", 0, UINT32_MAX));
  if (*capture_id) m.capture_id = static_cast<uint32_t>(**capture_id);
  SIPHON_RULE_GET(node, t_.getString("node"));
  if (*node) m.node = **node;
  SIPHON_RULE_GET(chunks, t_.getStrings("chunk"));
  for (const auto& text : chunks->value_or(std::vector<std::string>{})) {
    std::string name;
    auto test = textTest("chunk", text, name);
    if (!test.has_value()) return core::unexpected(std::move(test).error());
    auto id = chunkId("chunk", name);
    if (!id.has_value()) return core::unexpected(std::move(id).error());
    m.chunks.push_back({*id, std::move(*test)});
  }
  SIPHON_RULE_GET(received_on, t_.getString("received_on"));
  if (*received_on) {
    auto ep = core::Endpoint::parse(**received_on);
    if (!ep.has_value()) return core::unexpected(bad("received_on", ep.error().message));
    const auto& ls = *scope_.listeners;
    auto it = std::find(ls.begin(), ls.end(), *ep);
    if (it == ls.end())
      return core::unexpected(
          bad("received_on", **received_on + " is not one of the listeners (listen)"));
    m.listener = static_cast<size_t>(it - ls.begin());
    m.received_on = *ep;
  }
  SIPHON_RULE_GET(sender, t_.getString("sender"));
  if (*sender) {
    auto a = core::AddressMatch::parse(**sender);
    if (!a.has_value()) return core::unexpected(bad("sender", a.error()));
    m.sender = *a;
  }
  SIPHON_RULE_GET(methods, t_.getStrings("method"));
  if (*methods) m.methods = **methods;
  if (auto code = t_.getInt("status", 100, 699); code.has_value()) {
    if (*code) m.status = static_cast<uint16_t>(**code);
  } else {
    SIPHON_RULE_GET(text, t_.getString("status"));
    const std::string& s = text->value_or("");
    if (s.size() != 3 || s[0] < '1' || s[0] > '6' || (s[1] | 0x20) != 'x' || (s[2] | 0x20) != 'x') {
      return core::unexpected(bad("status", "expected a code (100-699) or a class (\"4xx\")"));
    }
    m.status = static_cast<uint16_t>(s[0] - '0');
    m.status_class = true;
  }
  for (auto [key, out] : {std::pair{"from_user", &m.from_user}, std::pair{"to_user", &m.to_user},
                          std::pair{"ruri_user", &m.ruri_user}}) {
    SIPHON_RULE_GET(v, t_.getString(key));
    if (*v) *out = **v;
  }
  SIPHON_RULE_GET(header, t_.getString("header"));
  if (*header) {
    HeaderCondition h;
    auto test = textTest("header", **header, h.name);
    if (!test.has_value()) return core::unexpected(std::move(test).error());
    h.test = std::move(*test);
    m.header = std::move(h);
  }
  return {};
}

core::Result<void, core::Failure> RuleReader::readActions(RouteRule& rule) {
  RouteActions& a = rule.actions;
  SIPHON_RULE_GET(gets, t_.getStrings("get_chunk"));
  for (const auto& text : gets->value_or(std::vector<std::string>{})) {
    auto eq = text.find('=');
    if (eq == std::string::npos)
      return core::unexpected(bad("get_chunk", "'" + text + "': expected ID=FIELD"));
    auto id = chunkId("get_chunk", std::string_view(text).substr(0, eq));
    if (!id.has_value()) return core::unexpected(std::move(id).error());
    const std::string_view target = trimBlanks(std::string_view(text).substr(eq + 1));
    GetTarget where;
    if (target == "custom_field1") {
      where = GetTarget::CustomField1;
    } else if (target == "custom_field2") {
      where = GetTarget::CustomField2;
    } else if (target == "custom_field3") {
      where = GetTarget::CustomField3;
    } else if (target == "correlation" || target == "correlation_id") {
      where = GetTarget::Correlation;
    } else {
      return core::unexpected(
          bad("get_chunk",
              "'" + std::string(target) + "': unknown field (custom_field1..3, correlation)"));
    }
    a.get.push_back({*id, where});
  }
  SIPHON_RULE_GET(sets, t_.getStrings("set_chunk"));
  for (const auto& text : sets->value_or(std::vector<std::string>{})) {
    auto eq = text.find('=');
    if (eq == std::string::npos)
      return core::unexpected(bad("set_chunk", "'" + text + "': expected ID=VALUE"));
    auto id = chunkId("set_chunk", std::string_view(text).substr(0, eq));
    if (!id.has_value()) return core::unexpected(std::move(id).error());
    if (auto why = hep::checkSettable(*id)) return core::unexpected(bad("set_chunk", *why));
    auto v = value("set_chunk", std::string_view(text).substr(eq + 1));
    if (!v.has_value()) return core::unexpected(std::move(v).error());
    if (v->isLiteral() && !hep::valueConverts(*id, v->literal())) {
      return core::unexpected(bad(
          "set_chunk",
          "'" + std::string(v->literal()) + "' is not a value of chunk " + hep::chunkIdText(*id)));
    }
    a.set.push_back({*id, std::move(*v)});
  }
  SIPHON_RULE_GET(dels, t_.getStrings("del_chunk"));
  for (const auto& text : dels->value_or(std::vector<std::string>{})) {
    auto id = chunkId("del_chunk", text);
    if (!id.has_value()) return core::unexpected(std::move(id).error());
    if (auto why = hep::checkDeletable(*id)) return core::unexpected(bad("del_chunk", *why));
    a.del.push_back(*id);
  }
  SIPHON_RULE_GET(table, t_.getString("table"));
  if (*table) {
    if (table->value().empty()) return core::unexpected(bad("table", "empty table name"));
    a.table = **table;
  }
  for (int n = 0; n < 3; ++n) {
    const std::string key = "custom_field" + std::to_string(n + 1);
    SIPHON_RULE_GET(cf, t_.getString(key));
    if (!*cf) continue;
    auto v = value(key, **cf);
    if (!v.has_value()) return core::unexpected(std::move(v).error());
    a.custom_fields[static_cast<size_t>(n)] = std::move(*v);
  }
  SIPHON_RULE_GET(report, t_.getTable("report_capture"));
  if (*report) {
    core::ConfigFile& r = **report;
    ReportCapture rc;
    auto corr = r.getString("correlation");
    if (!corr.has_value()) return core::unexpected(bad("report_capture", corr.error().message));
    if (!*corr) return core::unexpected(bad("report_capture", "correlation is required"));
    auto v = value("report_capture.correlation", **corr);
    if (!v.has_value()) return core::unexpected(std::move(v).error());
    rc.correlation = std::move(*v);
    auto tbl = r.getString("table");
    if (!tbl.has_value()) return core::unexpected(bad("report_capture", tbl.error().message));
    if (*tbl && !(*tbl)->empty()) rc.table = **tbl;
    auto pt = r.getInt("proto_type", 0, 255);
    if (!pt.has_value()) return core::unexpected(bad("report_capture", pt.error().message));
    if (*pt) rc.proto_type = static_cast<uint8_t>(**pt);
    if (auto unknown = r.rejectUnknown(); !unknown.has_value()) {
      return core::unexpected(core::Failure{label_ + ": " + unknown.error().message, 2});
    }
    a.report = std::move(rc);
  }
  SIPHON_RULE_GET(mode, t_.getString("capture_mode"));
  if (*mode) {
    const auto& modes = scope_.capture_modes;
    if (std::find(modes.begin(), modes.end(), **mode) == modes.end()) {
      return core::unexpected(bad("capture_mode", "no capture_mode is named '" + **mode + "'"));
    }
    a.capture_mode = **mode;
  }
  SIPHON_RULE_GET(relays, t_.getStrings("relay"));
  for (const auto& text : relays->value_or(std::vector<std::string>{})) {
    auto ep = core::Endpoint::parse(text);
    if (!ep.has_value()) return core::unexpected(bad("relay", ep.error().message));
    if (ep->ip.empty() || ep->port == 0)
      return core::unexpected(bad("relay", text + ": needs an address and a port"));
    a.relay.push_back(*ep);
  }
  for (auto [key, out] :
       {std::pair{"store", &a.store}, std::pair{"drop", &a.drop},
        std::pair{"resume_sip", &a.resume_sip}, std::pair{"drop_on_error", &a.drop_on_error}}) {
    SIPHON_RULE_GET(v, t_.getSwitch(key));
    if (*v) *out = **v;
  }
  return {};
}

core::Result<void, core::Failure> RuleReader::check(const RouteRule& rule) const {
  const HepRoute& route = scope_.hep_route;
  auto fail = [&](const std::string& why) {
    return core::unexpected(core::Failure{label_ + ": " + why, 2});
  };
  if (route.mode == HepRoute::Mode::None)
    return fail("hep_route = \"none\" runs no rules (remove them or the key)");
  if (!rule.name.empty() && (route.mode != HepRoute::Mode::Named || rule.name != route.name)) {
    return fail("name = \"" + rule.name + "\" but hep_route is \"" +
                (route.mode == HepRoute::Mode::Sip ? std::string("sip") : route.name) + "\"");
  }
  if (rule.name.empty() && rule.actions.resume_sip)
    return fail("resume_sip belongs to a named hep_route's rules");
  if (!rule.name.empty()) {
    // A named route runs before the SIP parse, on the HEP chunks alone (OpenSIPS's speed path).
    if (rule.match.readsSip()) {
      return fail(
          "method, status, users and header need the parsed SIP: use hep_route = \"sip\", or "
          "resume_sip and a rule without a name");
    }
    auto usesSip = [](const std::optional<Template>& t) { return t && t->usesSip(); };
    bool sip = std::any_of(rule.actions.custom_fields.begin(), rule.actions.custom_fields.end(),
                           usesSip) ||
               std::any_of(rule.actions.set.begin(), rule.actions.set.end(),
                           [](const ChunkSet& s) { return s.value.usesSip(); }) ||
               (rule.actions.report && rule.actions.report->correlation.usesSip());
    if (sip) return fail("$sip(...) needs the parsed SIP, which a named hep_route does not have");
  }
  if (rule.actions.report && (rule.actions.table || rule.actions.capture_mode)) {
    return fail(
        "report_capture chooses the table itself: drop table / capture_mode from this rule");
  }
  return {};
}

core::Result<RouteRule, core::Failure> RuleReader::read() {
  RouteRule rule;
  rule.label = label_;
  SIPHON_RULE_GET(name, t_.getString("name"));
  if (*name) rule.name = **name;
  SIPHON_TRY(readMatch(rule));
  SIPHON_TRY(readActions(rule));
  if (auto unknown = t_.rejectUnknown(); !unknown.has_value()) {
    return core::unexpected(core::Failure{unknown.error().message, 2});
  }
  SIPHON_TRY(check(rule));
  return rule;
}

#undef SIPHON_RULE_GET

}  // namespace

core::Result<HepRoute, core::Failure> HepRoute::parse(std::string_view text) {
  HepRoute r;
  if (core::equalsIgnoreCase(text, "none")) {
    r.mode = Mode::None;
  } else if (core::equalsIgnoreCase(text, "sip") || text.empty()) {
    r.mode = Mode::Sip;
  } else {
    r.mode = Mode::Named;
    r.name = std::string(text);
  }
  return r;
}

core::Result<void, core::Failure> resolveListeners(std::vector<RouteRule>& rules,
                                                   const std::vector<core::Endpoint>& listeners) {
  for (auto& rule : rules) {
    if (!rule.match.received_on) continue;
    auto it = std::find(listeners.begin(), listeners.end(), *rule.match.received_on);
    if (it == listeners.end()) {
      return core::unexpected(
          core::Failure{rule.label + ": received_on: " + rule.match.received_on->toString() +
                            " is not one of the listeners",
                        2});
    }
    rule.match.listener = static_cast<size_t>(it - listeners.begin());
  }
  return {};
}

core::Result<RouteRule, core::Failure> parseRouteTable(core::ConfigFile& table, std::string label,
                                                       const RuleScope& scope) {
  return RuleReader(table, std::move(label), scope).read();
}

core::Result<RouteRule, core::Failure> parseCaptureModeRule(std::string_view text,
                                                            std::string label,
                                                            const RuleScope& scope) {
  auto bad = [&](const std::string& why) {
    return core::unexpected(
        core::Failure{"capture_mode_rule: '" + std::string(text) + "': " + why, 2});
  };
  auto arrow = text.rfind("=>");
  if (arrow == std::string_view::npos) return bad("expected CONDITION;... => MODE");
  RouteRule rule;
  rule.label = std::move(label);
  const std::string mode(trimBlanks(text.substr(arrow + 2)));
  const auto& modes = scope.capture_modes;
  if (std::find(modes.begin(), modes.end(), mode) == modes.end()) {
    return bad("no capture_mode is named '" + mode + "'");
  }
  rule.actions.capture_mode = mode;
  std::string_view conditions = text.substr(0, arrow);
  size_t count = 0;
  while (!conditions.empty()) {
    auto semi = conditions.find(';');
    auto item = trimBlanks(conditions.substr(0, semi));
    conditions = semi == std::string_view::npos ? std::string_view{} : conditions.substr(semi + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return bad("condition without '='");
    auto key = trimBlanks(item.substr(0, eq));
    auto value = trimBlanks(item.substr(eq + 1));
    ++count;
    if (key == "capture_id") {
      uint32_t v = 0;
      if (!parseNumber<uint32_t>(value, UINT32_MAX, v)) return bad("capture_id is not a number");
      rule.match.capture_id = v;
    } else if (key == "node") {
      rule.match.node = std::string(value);
    } else if (key == "payload_type") {
      uint8_t v = 0;
      if (!parseNumber<uint8_t>(value, 255, v)) return bad("payload_type is not 0-255");
      rule.match.payload_type = v;
    } else if (key == "listen") {
      auto ep = core::Endpoint::parse(value);
      if (!ep) return bad("listen: " + ep.error().message);
      const auto& ls = *scope.listeners;
      auto it = std::find(ls.begin(), ls.end(), *ep);
      if (it == ls.end())
        return bad("listen " + std::string(value) + " is not one of the listeners");
      rule.match.listener = static_cast<size_t>(it - ls.begin());
      rule.match.received_on = *ep;
    } else {
      return bad("unknown condition '" + std::string(key) +
                 "' (capture_id, node, payload_type, listen)");
    }
  }
  if (count == 0) return bad("no condition");
  return rule;
}

}  // namespace siphon::route
