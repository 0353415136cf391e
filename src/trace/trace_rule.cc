#include "trace/trace_rule.h"

#include <algorithm>

#include "core/byte_reader.h"
#include "core/char_class.h"
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

bool TraceRule::matches(const record::Record& r) const {
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
  if (!r.parsed || !r.sip.isSip() || r.sip.parse_error) return false;
  const auto& f = r.sip.fields;
  if (w.requests && (f.type == 1) != *w.requests) return false;
  if (!w.methods.empty()) {
    if (f.type != 1) return false;
    if (std::none_of(w.methods.begin(), w.methods.end(),
                     [&](const std::string& x) { return core::equalsIgnoreCase(x, f.method); })) {
      return false;
    }
  }
  if (w.from_user && f.from_user != *w.from_user) return false;
  if (w.to_user && f.to_user != *w.to_user) return false;
  if (w.ruri_user && f.ruri_user != *w.ruri_user) return false;
  if (w.header) {
    // The one parse kept no header index: one scan of the header section.
    if (!w.header->test.holds(sip::findHeaderValue(core::asText(m.payload), w.header->name)))
      return false;
  }
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

std::optional<std::string_view> correlationOf(const TraceCorrelation& c, const record::Record& r) {
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
      // Replaces: call-id;to-tag=...;from-tag=... (RFC 3891): the id is what precedes ';'.
      std::string_view id = core::trimBlanks(v->substr(0, v->find(';')));
      if (id.empty()) return std::nullopt;
      return id;
    }
  }
  return std::nullopt;
}

}  // namespace siphon::trace
