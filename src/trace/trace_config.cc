#include "trace/trace_config.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "trace/sip_trace_rows.h"

namespace siphon::trace {
namespace {

// The sip_capture fields a traced_users entry may name (traced_user_avp's values).
constexpr const auto& kUserFields = kTracedUserFields;

// correlation / extra_correlation: "call-id", "replaces", "header:NAME" or a fixed text.
core::Result<TraceCorrelation, std::string> parseCorrelation(const std::string& c) {
  if (c.empty()) return core::unexpected(std::string("empty"));
  if (core::equalsIgnoreCase(c, "call-id") || core::equalsIgnoreCase(c, "callid")) {
    return TraceCorrelation{TraceCorrelation::Kind::CallId, {}};
  }
  if (core::equalsIgnoreCase(c, "replaces"))
    return TraceCorrelation{TraceCorrelation::Kind::Replaces, {}};
  if (c.size() >= 7 && core::equalsIgnoreCase(std::string_view(c).substr(0, 7), "header:")) {
    const std::string_view name = core::trimBlanks(std::string_view(c).substr(7));
    if (name.empty()) return core::unexpected(std::string("'header:' needs a header name"));
    return TraceCorrelation{TraceCorrelation::Kind::Header, std::string(name)};
  }
  return TraceCorrelation{TraceCorrelation::Kind::Fixed, c};
}

// listen = "[proto:]address[:port]", the protocols of Kamailio's listen= (udp, tcp, tls,
// sctp, ws, wss).
core::Result<TraceMatch::Listen, std::string> parseListen(std::string_view text) {
  TraceMatch::Listen l;
  constexpr std::array<std::pair<std::string_view, core::Transport>, 6> kProtos{{
      {"udp", core::Transport::Udp},
      {"tcp", core::Transport::Tcp},
      {"tls", core::Transport::Tls},
      {"sctp", core::Transport::Sctp},
      {"ws", core::Transport::Ws},
      {"wss", core::Transport::Wss},
  }};
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    for (const auto& [name, transport] : kProtos) {
      if (core::equalsIgnoreCase(text.substr(0, colon), name)) {
        l.transport = transport;
        text.remove_prefix(colon + 1);
        break;
      }
    }
  }
  auto a = core::AddressMatch::parse(text);
  if (!a.has_value()) return core::unexpected(a.error());
  l.address = *a;
  return l;
}

}  // namespace

std::optional<std::string> badTraceTableName(std::string_view t) {
  if (t.empty()) return "empty";
  if (t.size() > 63) return "'" + std::string(t) + "': longer than 63 characters";
  const bool first_ok = core::chars::kAlpha.contains(t[0]) || t[0] == '_';
  for (char ch : t) {
    if (!first_ok || !(core::chars::kAlnum.contains(ch) || ch == '_')) {
      return "'" + std::string(t) + "': letters, digits and '_' only, not starting with a digit";
    }
  }
  for (std::string_view taken :
       {"sip_capture", "rtcp_capture", "report_capture", "logs_capture", "siphon_messages"}) {
    if (core::equalsIgnoreCase(t, taken)) {
      return "'" + std::string(t) + "': the store's own " + std::string(taken);
    }
  }
  return std::nullopt;
}

namespace {

class TraceReader {
 public:
  TraceReader(core::ConfigFile& t, std::string label) : t_(t), label_(std::move(label)) {}
  core::Result<TraceRule, core::Failure> read();

 private:
  core::Failure bad(std::string_view key, const std::string& why) const {
    return core::Failure{label_ + ": " + std::string(key) + ": " + why, 2};
  }
  core::Result<void, core::Failure> readMatch(TraceMatch& m);
  core::Result<void, core::Failure> readActions(TraceActions& a);

  core::ConfigFile& t_;
  std::string label_;
};

#define SIPHON_TRACE_GET(lhs, expr) \
  auto lhs = (expr);                \
  if (!lhs.has_value())             \
  return core::unexpected(core::Failure{label_ + ": " + lhs.error().message, 2})

core::Result<void, core::Failure> TraceReader::readMatch(TraceMatch& m) {
  SIPHON_TRACE_GET(methods, t_.getStrings("method"));
  if (*methods) {
    m.methods = **methods;
    for (const auto& x : m.methods) {
      if (x.empty()) return core::unexpected(bad("method", "empty method name"));
    }
  }
  SIPHON_TRACE_GET(type, t_.getString("type"));
  if (*type) {
    if (core::equalsIgnoreCase(**type, "request")) {
      m.requests = true;
    } else if (core::equalsIgnoreCase(**type, "reply")) {
      m.requests = false;
    } else {
      return core::unexpected(bad("type", "'" + **type + "': expected \"request\" or \"reply\""));
    }
    if (!m.methods.empty() && !*m.requests) {
      return core::unexpected(bad("type", "a rule with a method matches requests only"));
    }
  }
  for (auto [key, out] : {std::pair{"from_user", &m.from_user}, std::pair{"to_user", &m.to_user},
                          std::pair{"ruri_user", &m.ruri_user}}) {
    SIPHON_TRACE_GET(v, t_.getString(key));
    if (*v) *out = **v;
  }
  for (auto [key, out] :
       {std::pair{"source", &m.source}, std::pair{"destination", &m.destination}}) {
    SIPHON_TRACE_GET(v, t_.getString(key));
    if (!*v) continue;
    auto a = core::AddressMatch::parse(**v);
    if (!a.has_value()) return core::unexpected(bad(key, a.error()));
    *out = *a;
  }
  SIPHON_TRACE_GET(listen, t_.getString("listen"));
  if (*listen) {
    auto l = parseListen(**listen);
    if (!l.has_value()) return core::unexpected(bad("listen", l.error()));
    m.listen = *l;
  }
  SIPHON_TRACE_GET(interface, t_.getString("interface"));
  if (*interface) {
    if ((*interface)->empty()) return core::unexpected(bad("interface", "empty"));
    m.interface = **interface;
  }
  SIPHON_TRACE_GET(header, t_.getString("header"));
  if (*header) {
    auto parsed = core::parseNamedTextTest(**header);
    if (!parsed.has_value()) return core::unexpected(bad("header", parsed.error()));
    m.header = TraceMatch::Header{std::move(parsed->name), std::move(parsed->test)};
  }
  return {};
}

core::Result<void, core::Failure> TraceReader::readActions(TraceActions& a) {
  SIPHON_TRACE_GET(scope, t_.getString("scope"));
  if (*scope) {
    std::string letters;
    for (char ch : **scope) {
      if (ch != ' ' && ch != '\t') letters += static_cast<char>(ch | 0x20);
    }
    if (letters == "m") {
      a.scope = TraceScope::Message;
    } else if (letters == "t") {
      a.scope = TraceScope::Transaction;
    } else if (letters == "d") {
      a.scope = TraceScope::Dialog;
    } else if (letters == "b") {
      a.scope = TraceScope::B2bSession;
    } else {
      return core::unexpected(
          bad("scope", "'" + **scope +
                           "': expected one of m, t, d, b (message, transaction, "
                           "dialog, B2BUA session)"));
    }
  }
  SIPHON_TRACE_GET(flags, t_.getString("flags"));
  if (*flags) {
    const std::string_view f = core::trimBlanks(**flags);
    if (f == "C") {
      a.side = TraceSide::Caller;
    } else if (f == "c") {
      a.side = TraceSide::Callee;
    } else if (!f.empty()) {
      return core::unexpected(bad(
          "flags", "'" + **flags + "': expected \"\", \"C\" (caller side) or \"c\" (callee side)"));
    }
  }
  for (auto [key, out] : {std::pair{"correlation", &a.correlation},
                          std::pair{"extra_correlation", &a.extra_correlation}}) {
    SIPHON_TRACE_GET(text, t_.getString(key));
    if (!*text) continue;
    auto c = parseCorrelation(**text);
    if (!c.has_value()) return core::unexpected(bad(key, c.error()));
    *out = std::move(*c);
  }
  SIPHON_TRACE_GET(destinations, t_.getStrings("destinations"));
  if (*destinations) {
    a.destinations = **destinations;
    if (a.destinations.empty()) return core::unexpected(bad("destinations", "empty list"));
  }
  SIPHON_TRACE_GET(users, t_.getStrings("traced_users"));
  if (*users) {
    for (const auto& u : **users) {
      if (std::find(kUserFields.begin(), kUserFields.end(), u) == kUserFields.end()) {
        return core::unexpected(bad("traced_users", "'" + u +
                                                        "': unknown field (from_user, "
                                                        "to_user, ruri_user, pid_user, "
                                                        "contact_user, auth_user)"));
      }
    }
    a.traced_users = **users;
  }
  SIPHON_TRACE_GET(table, t_.getString("table"));
  if (*table) {
    if (auto why = badTraceTableName(**table)) return core::unexpected(bad("table", *why));
    a.table = **table;
  }
  SIPHON_TRACE_GET(drop, t_.getSwitch("drop"));
  if (*drop) a.drop = **drop;
  SIPHON_TRACE_GET(session, t_.getString("session_header"));
  if (*session && a.scope != TraceScope::B2bSession) {
    return core::unexpected(bad("session_header", "only a rule with scope \"b\" has sessions"));
  }
  if (a.scope == TraceScope::B2bSession) {
    // callid_aleg_header's shape (§2.8): a ';'-separated list, tried in order, empty items
    // skipped, at most 16 names.
    std::string_view list = *session ? std::string_view(**session) : "X-CID";
    while (!list.empty()) {
      const size_t semi = list.find(';');
      const std::string_view name = core::trimBlanks(list.substr(0, semi));
      list = semi == std::string_view::npos ? std::string_view() : list.substr(semi + 1);
      if (name.empty()) continue;
      if (!std::all_of(name.begin(), name.end(),
                       [](char ch) { return core::chars::kToken.contains(ch); })) {
        return core::unexpected(
            bad("session_header", "'" + std::string(name) + "': not a header name"));
      }
      a.session_headers.emplace_back(name);
    }
    if (a.session_headers.empty()) return core::unexpected(bad("session_header", "no header name"));
    if (a.session_headers.size() > 16) {
      return core::unexpected(bad("session_header", "more than 16 header names"));
    }
  }
  return {};
}

core::Result<TraceRule, core::Failure> TraceReader::read() {
  TraceRule rule;
  rule.label = label_;
  SIPHON_TRY(readMatch(rule.match));
  SIPHON_TRY(readActions(rule.actions));
  if (auto unknown = t_.rejectUnknown(); !unknown.has_value()) {
    return core::unexpected(core::Failure{label_ + ": " + unknown.error().message, 2});
  }
  if (rule.actions.drop && (!rule.actions.destinations.empty() ||
                            rule.actions.correlation.kind != TraceCorrelation::Kind::None ||
                            rule.actions.extra_correlation.kind != TraceCorrelation::Kind::None)) {
    return core::unexpected(
        core::Failure{label_ + ": drop: a dropping rule traces nothing (no destinations or "
                               "correlation)",
                      2});
  }
  return rule;
}

#undef SIPHON_TRACE_GET

}  // namespace

core::Result<TraceRule, core::Failure> parseTraceTable(core::ConfigFile& table, std::string label) {
  return TraceReader(table, std::move(label)).read();
}

core::Result<std::vector<TraceRule>, core::Failure> parseTraceRules(core::ConfigFile& file) {
  auto tables = file.getTables("trace");
  if (!tables.has_value()) return core::unexpected(std::move(tables).error());
  std::vector<TraceRule> rules;
  for (size_t i = 0; i < tables->size(); ++i) {
    auto rule = parseTraceTable((*tables)[i], (*tables)[i].name());
    if (!rule.has_value()) return core::unexpected(std::move(rule).error());
    rules.push_back(std::move(*rule));
  }
  return rules;
}

}  // namespace siphon::trace
