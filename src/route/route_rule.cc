#include "route/route_rule.h"

#include <algorithm>

#include "core/byte_reader.h"
#include "core/char_class.h"
#include "sip/header_lookup.h"

namespace siphon::route {

bool RouteRule::matches(const RouteContext& ctx) const {
  const record::Record& r = *ctx.record;
  const core::CaptureMeta& m = r.meta();
  const RouteMatch& w = match;
  if (w.hep_version && m.hep_version != *w.hep_version) return false;
  if (w.payload_type && m.payload_type != *w.payload_type) return false;
  if (w.capture_id && (m.capture_id != *w.capture_id || m.isOmitted(0x000c))) return false;
  if (w.node && m.node_name != *w.node) return false;
  if (w.listener && r.source != *w.listener) return false;
  if (w.sender && !w.sender->matches(r.peer_ip, r.peer_port)) return false;
  if (!w.chunks.empty()) {
    std::string scratch;  // numbers and addresses fit its inline buffer: no allocation
    for (const auto& c : w.chunks) {
      if (!c.test.holds(hep::chunkTextView(m, c.id, scratch))) return false;
    }
  }
  if (!w.readsSip()) return true;
  if (!r.parsed || !r.sip.isSip()) return false;
  const auto& f = r.sip.fields;
  if (!w.methods.empty()) {
    if (f.type != 1) return false;
    if (std::none_of(w.methods.begin(), w.methods.end(),
                     [&](const std::string& x) { return core::equalsIgnoreCase(x, f.method); })) {
      return false;
    }
  }
  if (w.status) {
    if (f.type != 2) return false;
    if (w.status_class ? f.status_code / 100 != *w.status : f.status_code != *w.status)
      return false;
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

}  // namespace siphon::route
