#include "trace/trace_rule.h"

#include <algorithm>

#include "core/byte_reader.h"
#include "core/char_class.h"
#include "core/db_url.h"
#include "core/text_cursor.h"
#include "sip/header_lookup.h"

namespace siphon::trace {

std::string_view scopeName(TraceScope s) {
  switch (s) {
    case TraceScope::Message:
      return "m";
    case TraceScope::Transaction:
      return "t";
    case TraceScope::Dialog:
      return "d";
    case TraceScope::B2bSession:
      return "b";
  }
  return "m";
}

bool TraceRule::matches(RuleSip& sip) const {
  const record::Record& r = sip.record();
  const core::CaptureMeta& m = r.meta();
  const TraceMatch& w = match;
  if (w.source && !w.source->matches(m.src_ip, m.src_port)) return false;
  if (w.destination && !w.destination->matches(m.dst_ip, m.dst_port)) return false;
  if (w.interface && r.source != w.interface_source) return false;
  if (w.listen) {
    if (w.listen->transport != core::Transport::Unknown && m.transport() != w.listen->transport)
      return false;
    if (!w.listen->address.matches(m.src_ip, m.src_port) &&
        !w.listen->address.matches(m.dst_ip, m.dst_port))
      return false;
  }
  const bool reads_sip =
      !w.methods.empty() || w.requests || w.from_user || w.to_user || w.ruri_user || w.header;
  if (!reads_sip) return true;
  if (!r.parsed || !r.sip.isSip()) return false;
  // What the record holds answers these in every field set: the start line, and the values
  // the users are written in (rule_sip.h: necessary conditions, checked before the parse).
  const auto& k = r.sip.fields;
  if (w.requests && (k.type == 1) != *w.requests) return false;
  if (!w.methods.empty()) {
    if (k.type != 1) return false;
    if (std::none_of(w.methods.begin(), w.methods.end(),
                     [&](const std::string& x) { return core::equalsIgnoreCase(x, k.method); })) {
      return false;
    }
  }
  auto writtenIn = [](std::string_view value, const std::string& user) {
    return value.find(user) != std::string_view::npos;
  };
  if (w.from_user && !writtenIn(k.from_value, *w.from_user)) return false;
  if (w.to_user && !writtenIn(k.to_value, *w.to_user)) return false;
  if (w.ruri_user && !writtenIn(k.ruri, *w.ruri_user)) return false;
  if (w.header && !w.header->test.holds(sip.header(w.header->name))) return false;
  // The rest needs the dialog's headers parsed.
  const record::ParsedSip& d = sip.dialog();
  if (d.parse_error) return false;
  const auto& f = d.fields;
  if (w.from_user && f.from_user != *w.from_user) return false;
  if (w.to_user && f.to_user != *w.to_user) return false;
  if (w.ruri_user && f.ruri_user != *w.ruri_user) return false;
  return true;
}

core::Result<void, core::Failure> bindInterfaces(std::vector<TraceRule>& rules,
                                                 const std::vector<std::string>& source_names) {
  for (auto& rule : rules) {
    if (!rule.match.interface) continue;
    auto it = std::find(source_names.begin(), source_names.end(), *rule.match.interface);
    if (rule.match.interface->empty() || it == source_names.end()) {
      return core::unexpected(core::Failure{
          rule.label + ": interface: '" + *rule.match.interface +
              "': the agent does not capture on it (give it with --interface, or \"ipip\" "
              "with raw_ipip_capture_on)",
          2});
    }
    rule.match.interface_source = static_cast<uint16_t>(it - source_names.begin());
  }
  return {};
}

namespace {

// Replaces: call-id;to-tag=...;from-tag=... (RFC 3891): the id is what precedes ';'.
std::optional<std::string_view> idBeforeParams(std::string_view value) {
  const std::string_view id = core::trimBlanks(value.substr(0, value.find(';')));
  if (id.empty()) return std::nullopt;
  return id;
}

// The Replaces header a Refer-To URI carries (RFC 3515 §2.1, RFC 5589 §7):
//   Refer-To: <sip:carol@example.com?Replaces=cid%40host%3Bto-tag%3D7%3Bfrom-tag%3D8>
// raw, percent-encoded; nothing without one.
std::optional<std::string_view> referToReplaces(std::string_view refer_to) {
  const size_t close = refer_to.find('>');
  std::string_view uri = refer_to.substr(0, close);  // the URI's end, or the whole value
  const size_t q = uri.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view headers = uri.substr(q + 1);
  while (!headers.empty()) {
    const size_t amp = headers.find('&');
    const std::string_view one = headers.substr(0, amp);
    const size_t eq = one.find('=');
    if (eq != std::string_view::npos && core::equalsIgnoreCase(one.substr(0, eq), "Replaces")) {
      return one.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    headers.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> correlationOf(const TraceCorrelation& c, record::Record& r) {
  switch (c.kind) {
    case TraceCorrelation::Kind::None:
      return std::nullopt;
    case TraceCorrelation::Kind::Fixed:
      return c.value;
    case TraceCorrelation::Kind::CallId:
      if (!r.parsed || r.sip.fields.callid.empty()) return std::nullopt;
      return r.sip.fields.callid;
    case TraceCorrelation::Kind::Header: {
      auto v = sip::findHeaderValue(core::asText(r.meta().payload), c.value);
      if (!v) return std::nullopt;
      return idBeforeParams(*v);
    }
    case TraceCorrelation::Kind::Replaces: {
      const std::string_view message = core::asText(r.meta().payload);
      if (auto v = sip::findHeaderValue(message, "Replaces")) return idBeforeParams(*v);
      auto refer_to = sip::findHeaderValue(message, "Refer-To");
      if (!refer_to) return std::nullopt;
      auto encoded = referToReplaces(*refer_to);
      if (!encoded) return std::nullopt;
      if (encoded->find('%') == std::string_view::npos) return idBeforeParams(*encoded);
      std::string decoded;
      if (!core::percentDecode(*encoded, decoded)) return std::nullopt;  // a broken escape
      auto id = idBeforeParams(decoded);
      if (!id) return std::nullopt;
      return r.capture.keep(std::string(*id));
    }
  }
  return std::nullopt;
}

}  // namespace siphon::trace
