#include "sip/sip_capture_fields.h"

#include <algorithm>
#include <charconv>

#include "sip/auth.h"
#include "sip/field_views.h"
#include "sip/header_values.h"
#include "sip/name_addr.h"
#include "sip/scope_keys.h"
#include "sip/sip_message.h"

namespace siphon::sip {
namespace {

// Ingest and Store take the URI parts without their grammar (field_views.h).
bool partsOnly(FieldSet set) { return set == FieldSet::Ingest || set == FieldSet::Store; }

// User part of the first value of an identity header (P-Asserted-Identity and friends).
std::string_view identityUser(const SipMessage& msg, HeaderId id, FieldSet set) {
  if (!msg.hasHeader(id)) return {};
  if (partsOnly(set)) {
    const NameAddrView na = splitNameAddr(firstListValue(msg.header(id)));
    return na.found ? splitUri(na.uri_text).user : std::string_view{};
  }
  NameAddr na;
  if (detail::parseNameAddrFresh(firstListValue(msg.header(id)), na)) return {};
  return na.uri.user;
}

// X-OIP: "host:port" (or "[v6]:port"); Kamailio takes the port after the first ':' (§2.4).
// We store the host without the ':' (not Kamailio's NUL-in-string quirk) and the port as a
// number when it is one.
void splitOriginator(std::string_view oip, SipCaptureFields& out) {
  std::string_view host = oip;
  std::string_view port;
  if (!oip.empty() && oip.front() == '[') {
    const size_t close = oip.find(']');
    if (close != std::string_view::npos) {
      host = oip.substr(1, close - 1);
      const std::string_view after = oip.substr(close + 1);
      if (!after.empty() && after.front() == ':') port = after.substr(1);
    }
  } else if (const size_t colon = oip.find(':'); colon != std::string_view::npos) {
    host = oip.substr(0, colon);
    port = oip.substr(colon + 1);
  }
  out.originator_ip = host;
  uint16_t p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (!port.empty() && ec == std::errc{} && ptr == port.data() + port.size()) {
    out.originator_port = p;
  }
}

// Header named `name` (any name, long/compact, case-insensitive); empty name gives "".
std::string_view namedHeader(const SipMessage& msg, std::string_view name) {
  return name.empty() ? std::string_view{} : msg.header(name);
}

void topViaFields(const SipMessage& msg, SipCaptureFields& out, FieldSet set) {
  if (!msg.hasHeader(HeaderId::Via)) return;
  if (set == FieldSet::Ingest) {
    out.via_1 = firstListValue(msg.header(HeaderId::Via));
    out.via_1_branch = viaBranch(out.via_1);
    return;
  }
  if (const auto& via = msg.topVia()) {
    out.via_1 = via->text;  // the first value, already split off by topVia()
    out.via_1_branch = via->branch;
  } else {
    out.via_1 = firstListValue(msg.header(HeaderId::Via));
  }
}

// A From or To value's user, domain and tag without the URI grammar (FieldSet::Ingest).
void nameAddrViews(std::string_view value, std::string_view& user, std::string_view& domain,
                   std::string_view& tag) {
  const NameAddrView na = splitNameAddr(value);
  if (!na.found || na.star) return;
  const UriView uri = splitUri(na.uri_text);
  user = uri.user;
  domain = uri.host_text;
  tag = tagParamIn(value, na.params);
}

void contactFields(const SipMessage& msg, SipCaptureFields& out, FieldSet set) {
  if (set == FieldSet::Ingest) {
    if (!msg.hasHeader(HeaderId::Contact)) return;
    const NameAddrView na = splitNameAddr(firstListValue(msg.header(HeaderId::Contact)));
    if (!na.found) return;
    if (na.star) {
      out.contact_user = "*";
      return;
    }
    const UriView uri = splitUri(na.uri_text);
    out.contact_user = uri.user;
    out.contact_ip = uri.host;
    out.contact_port = uri.port;
    return;
  }
  if (const auto& contact = msg.contact()) {
    if (contact->star) {
      out.contact_user = "*";  // static text: "Contact: *" has no URI (§2.4)
    } else {
      out.contact_user = contact->uri.user;
      out.contact_ip = contact->uri.host;  // an address column: IPv6 without brackets
      out.contact_port = contact->uri.port;
    }
  }
}

// FieldSet::Keys: the scope keys only (scope_keys.h), no URI parsed.
void extractKeys(const SipMessage& msg, SipCaptureFields& out) {
  StartLine start;
  ScopeKeyValues values;
  if (msg.isRequest() || msg.isResponse()) {
    start.kind = msg.isRequest() ? StartLineKind::Request : StartLineKind::Response;
    start.method = msg.method();
    start.request_uri = msg.requestUri();
    start.status_text = msg.statusText();
    start.status_code = msg.statusCode();
    start.reason = msg.reasonPhrase();
    values.start = &start;
  }
  auto field = [&](HeaderId id) {
    return msg.hasHeader(id) ? std::optional(msg.header(id)) : std::nullopt;
  };
  values.via = field(HeaderId::Via);
  values.from = field(HeaderId::From);
  values.to = field(HeaderId::To);
  values.call_id = field(HeaderId::CallId);
  values.cseq = field(HeaderId::CSeq);
  fillScopeKeys(values, out);
}

}  // namespace

core::Result<std::vector<std::string>, core::Failure> splitHeaderNames(std::string_view key,
                                                                       std::string_view value) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = std::min(value.find(';', start), value.size());
    std::string_view name = value.substr(start, end - start);
    while (!name.empty() && blank(name.front())) name.remove_prefix(1);
    while (!name.empty() && blank(name.back())) name.remove_suffix(1);
    if (!name.empty()) names.emplace_back(name);
    start = end + 1;
  }
  if (names.size() > 16) {
    return core::unexpected(core::Failure{std::string(key) + ": at most 16 header names", 2});
  }
  return names;
}

void extractCaptureFields(const SipMessage& msg, const FieldOptions& options, SipCaptureFields& out,
                          FieldSet set) {
  out = SipCaptureFields{};
  if (set == FieldSet::Keys) {
    extractKeys(msg, out);
    return;
  }
  if (msg.isRequest()) {
    out.type = 1;
    out.method = msg.method();
    out.ruri = msg.requestUri();
    if (partsOnly(set)) {
      const UriView ruri = splitUri(out.ruri);
      out.ruri_user = ruri.user;
      out.ruri_domain = ruri.host_text;
    } else if (const auto& ruri = msg.requestUriParsed()) {
      out.ruri_user = ruri->user;
      // Domains keep the URI spelling, IPv6 brackets included, as Kamailio stores them.
      out.ruri_domain = ruri->host_text;
    }
  } else if (msg.isResponse()) {
    out.type = 2;
    out.method = msg.statusText();
    out.status_code = msg.statusCode();
    out.reply_reason = msg.reasonPhrase();
  }

  out.from_value = msg.header(HeaderId::From);
  out.to_value = msg.header(HeaderId::To);
  if (partsOnly(set)) {
    nameAddrViews(out.from_value, out.from_user, out.from_domain, out.from_tag);
    nameAddrViews(out.to_value, out.to_user, out.to_domain, out.to_tag);
  } else {
    if (const auto& from = msg.from()) {
      out.from_user = from->uri.user;
      out.from_domain = from->uri.host_text;
      out.from_tag = from->tag();
    }
    if (const auto& to = msg.to()) {
      out.to_user = to->uri.user;
      out.to_domain = to->uri.host_text;
      out.to_tag = to->tag();
    }
  }
  if (set == FieldSet::Dialog) {
    out.callid = msg.callId();
    topViaFields(msg, out, set);
    out.cseq = msg.header(HeaderId::CSeq);
    return;
  }

  out.pid_user = identityUser(msg, HeaderId::PAssertedIdentity, set);
  if (out.pid_user.empty()) out.pid_user = identityUser(msg, HeaderId::PPreferredIdentity, set);
  if (out.pid_user.empty()) out.pid_user = identityUser(msg, HeaderId::RemotePartyId, set);

  out.callid = msg.callId();
  // §2.8: first header present in list order. Names are compared case-insensitively as a
  // whole; Kamailio's "first character must match exactly" quirk is not copied.
  for (const auto& name : options.callid_aleg_headers) {
    if (auto v = msg.findHeader(name)) {
      out.callid_aleg = *v;
      break;
    }
  }
  out.cseq = msg.header(HeaderId::CSeq);
  out.user_agent = msg.header(HeaderId::UserAgent);
  // Replies usually carry Server instead of User-Agent; Kamailio would store ''. We fall back
  // to Server for replies so the column says which software answered.
  if (out.user_agent.empty() && msg.isResponse()) out.user_agent = msg.header(HeaderId::Server);
  if (set == FieldSet::Store) return;

  contactFields(msg, out, set);

  // Proxy-Authorization is preferred over Authorization (Kamailio sip_capture).
  std::optional<std::string_view> username;
  if (msg.hasHeader(HeaderId::ProxyAuthorization)) {
    username = digestUsername(msg.header(HeaderId::ProxyAuthorization));
  }
  if (!username && msg.hasHeader(HeaderId::Authorization)) {
    username = digestUsername(msg.header(HeaderId::Authorization));
  }
  if (username) out.auth_user = usernameUserPart(*username);

  topViaFields(msg, out, set);
  out.diversion = msg.header(HeaderId::Diversion);
  out.reason = msg.header(HeaderId::Reason);
  out.content_type = msg.header(HeaderId::ContentType);

  if (msg.hasHeader(HeaderId::XOip)) splitOriginator(msg.header(HeaderId::XOip), out);

  static constexpr HeaderId kRtpStat[] = {
      HeaderId::XRtpStatAdd,      HeaderId::XRtpStatT38, HeaderId::XRtpStat, HeaderId::PRtpStat,
      HeaderId::XSiemensRtpStats, HeaderId::XNgRtpStats, HeaderId::RtpRxStat};
  for (HeaderId id : kRtpStat) {
    if (msg.hasHeader(id)) {
      out.rtp_stat = msg.header(id);
      break;
    }
  }

  out.custom_field1 = namedHeader(msg, options.custom_field1_header);
  out.custom_field2 = namedHeader(msg, options.custom_field2_header);
  out.custom_field3 = namedHeader(msg, options.custom_field3_header);
}

}  // namespace siphon::sip
