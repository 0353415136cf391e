// Fuzz target: SipMessage::parse + extractCaptureFields + every accessor, plus the value
// parsers on every header value, a multipart split of the body, and the rules' one-header
// lookup (findHeaderValue), which must agree with the parse on well-formed messages; the
// collector's ingest fields (FieldSet::Ingest) must equal All's wherever their values parse; the
// tracer's light keys (FieldSet::Keys) must equal the dialog fields wherever those parse, and
// the scan that stops at them (scanScopeKeys) must equal the full parse's keys where it answers,
// as the one-pass tag and branch (quickTag, quickTopBranch) must equal the general route's.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/char_class.h"
#include "sip/auth.h"
#include "sip/field_views.h"
#include "sip/header_lookup.h"
#include "sip/multipart.h"
#include "sip/scope_keys.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip/tag_and_branch.h"

namespace {

// Reads every byte of a view so ASan sees any view that points outside the input.
size_t touch(std::string_view s) {
  size_t sum = 0;
  for (char c : s) sum += static_cast<unsigned char>(c);
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siphon::sip;
  const std::string_view in(reinterpret_cast<const char*>(data), size);  // NOLINT
  (void)looksLikeSip(in);
  ParseLimits limits;
  limits.max_headers = 100;
  const SipMessage msg = SipMessage::parse(in, limits);
  size_t sum = 0;
  for (std::string_view name : {"Call-ID", "i", "X-Trace", "Replaces", "v", "Max-Forwards"}) {
    const auto scanned = findHeaderValue(in, name);
    if (scanned) sum += touch(*scanned);
    // Where the framing holds, the one-header scan finds what the index finds (the tracer's
    // rules use either).
    if (!msg.framingError() && scanned != msg.findHeader(name)) __builtin_trap();
  }
  if (auto e = msg.parseError()) sum += touch(sipErrcName(e->code)) + touch(e->detail);
  sum += touch(msg.startLine()) + touch(msg.method()) + touch(msg.requestUri()) +
         touch(msg.statusText()) + touch(msg.reasonPhrase()) + touch(msg.body()) +
         touch(msg.callId()) + msg.statusCode() + msg.isRequest() + msg.isResponse();
  for (size_t i = 0; i < msg.headerCount(); ++i) {
    const HeaderField h = msg.headerAt(i);
    sum += touch(h.name) + touch(h.value);
    if (isCommaListHeader(h.id)) {
      HeaderValueSplitter split(h.value);
      while (auto v = split.next()) {
        sum += touch(*v);
        if (auto na = parseNameAddr(*v)) sum += touch(na->uri.host) + touch(na->tag());
        if (auto via = parseVia(*v)) sum += touch(via->branch) + touch(via->host) + via->port;
      }
    }
    if (auto u = digestUsername(h.value)) sum += touch(usernameUserPart(*u));
  }
  if (const auto& u = msg.requestUriParsed()) sum += touch(u->user) + touch(u->host) + u->port;
  if (const auto& f = msg.from()) sum += touch(f->display_name) + touch(f->tag());
  if (const auto& t = msg.to()) sum += touch(t->uri.user);
  if (const auto& c = msg.contact()) sum += touch(c->uri.params);
  if (const auto& v = msg.topVia()) sum += touch(v->received) + touch(v->rport);
  if (const auto& c = msg.cseq()) sum += c->number + touch(c->method);
  sum += touch(msg.header("X-CID")) + msg.headerValues("Via").size();

  SipCaptureFields f;
  extractCaptureFields(msg, FieldOptions{}, f);
  sum += touch(f.method) + touch(f.ruri_user) + touch(f.from_tag) + touch(f.via_1) +
         touch(f.contact_ip) + touch(f.auth_user) + touch(f.originator_ip) + touch(f.rtp_stat) +
         touch(f.pid_user) + touch(f.custom_field1);

  // The collector's ingest fields (FieldSet::Ingest) split the URIs without their grammar but
  // must give All's parts wherever the value they come from parses (sip/field_views.h).
  SipCaptureFields ingest;
  extractCaptureFields(msg, FieldOptions{}, ingest, FieldSet::Ingest);
  sum += touch(ingest.ruri_user) + touch(ingest.ruri_domain) + touch(ingest.from_user) +
         touch(ingest.from_domain) + touch(ingest.to_user) + touch(ingest.to_domain) +
         touch(ingest.contact_user) + touch(ingest.contact_ip) + touch(ingest.pid_user) +
         touch(ingest.via_1) + touch(ingest.via_1_branch) + touch(ingest.from_tag) +
         touch(ingest.to_tag);
  if (msg.isRequest() && msg.requestUriParsed() &&
      (ingest.ruri_user != f.ruri_user || ingest.ruri_domain != f.ruri_domain)) {
    __builtin_trap();
  }
  if (msg.from() && (ingest.from_user != f.from_user || ingest.from_domain != f.from_domain ||
                     ingest.from_tag != f.from_tag)) {
    __builtin_trap();
  }
  if (msg.to() && (ingest.to_user != f.to_user || ingest.to_domain != f.to_domain ||
                   ingest.to_tag != f.to_tag)) {
    __builtin_trap();
  }
  if (msg.contact() &&
      (ingest.contact_user != f.contact_user || ingest.contact_ip != f.contact_ip ||
       ingest.contact_port != f.contact_port)) {
    __builtin_trap();
  }
  if (ingest.via_1 != f.via_1 || (msg.topVia() && ingest.via_1_branch != f.via_1_branch)) {
    __builtin_trap();
  }

  // The embedded store's fields (FieldSet::Store) are Ingest's, for what the store reads.
  SipCaptureFields store;
  extractCaptureFields(msg, FieldOptions{}, store, FieldSet::Store);
  if (store.callid != ingest.callid || store.from_user != ingest.from_user ||
      store.to_user != ingest.to_user || store.ruri_user != ingest.ruri_user ||
      store.pid_user != ingest.pid_user || store.to_tag != ingest.to_tag ||
      store.cseq != ingest.cseq || store.user_agent != ingest.user_agent ||
      store.method != ingest.method || store.status_code != ingest.status_code) {
    __builtin_trap();
  }

  // The tracer's keys (FieldSet::Keys) skip the URIs but must find what the dialog fields
  // find on any message whose dialog headers parse; on the rest they need only stay in bounds.
  SipCaptureFields keys, dialog;
  extractCaptureFields(msg, FieldOptions{}, keys, FieldSet::Keys);
  extractCaptureFields(msg, FieldOptions{}, dialog, FieldSet::Dialog);
  sum += touch(keys.from_tag) + touch(keys.to_tag) + touch(keys.via_1_branch) + touch(keys.cseq) +
         touch(keys.callid) + touch(keys.method);
  // The branch is a key of INVITE and ACK requests only (scope_keys.h): empty on the rest.
  const bool branch_key =
      dialog.type == 1 && (siphon::core::equalsIgnoreCase(dialog.method, "INVITE") ||
                           siphon::core::equalsIgnoreCase(dialog.method, "ACK"));
  const std::string_view key_branch = branch_key ? dialog.via_1_branch : std::string_view{};
  if (!msg.dialogError() &&
      (keys.type != dialog.type || keys.method != dialog.method ||
       keys.status_code != dialog.status_code || keys.callid != dialog.callid ||
       keys.from_tag != dialog.from_tag || keys.to_tag != dialog.to_tag ||
       keys.via_1_branch != key_branch || keys.cseq != dialog.cseq || keys.ruri != dialog.ruri ||
       keys.from_value != dialog.from_value || keys.to_value != dialog.to_value)) {
    __builtin_trap();
  }
  // The tracer's rules skip the URI parse for a user not written in its value
  // (trace/rule_sip.h): a user the parse finds is always there.
  if (!msg.dialogError() && (keys.from_value.find(dialog.from_user) == std::string_view::npos ||
                             keys.to_value.find(dialog.to_user) == std::string_view::npos ||
                             keys.ruri.find(dialog.ruri_user) == std::string_view::npos)) {
    __builtin_trap();
  }

  // The scan that stops at the keys (scope_keys.h) answers as the full parse does, or not at
  // all; the full parse it is compared with has the default limits, as the scan has.
  SipCaptureFields scanned;
  if (scanScopeKeys(in, scanned)) {
    SipCaptureFields full;
    extractCaptureFields(SipMessage::parse(in), FieldOptions{}, full, FieldSet::Keys);
    sum += touch(scanned.from_tag) + touch(scanned.to_tag) + touch(scanned.via_1_branch);
    if (scanned.type != full.type || scanned.method != full.method ||
        scanned.status_code != full.status_code || scanned.reply_reason != full.reply_reason ||
        scanned.callid != full.callid || scanned.from_tag != full.from_tag ||
        scanned.to_tag != full.to_tag || scanned.via_1_branch != full.via_1_branch ||
        scanned.cseq != full.cseq || scanned.ruri != full.ruri ||
        scanned.from_value != full.from_value || scanned.to_value != full.to_value) {
      __builtin_trap();
    }
  }

  // The one-pass tag and branch (tag_and_branch.h) answer as the general route does, or not
  // at all: on every From, To and Via field, and on the whole input taken as one value.
  const auto sameTag = [&](std::string_view v) {
    const NameAddrView na = splitNameAddr(v);
    const std::string_view tag = na.found ? tagParam(na.params) : std::string_view{};
    if (na.found && tagParamIn(v, na.params) != tag) __builtin_trap();
    if (const auto quick = quickTag(v)) {
      if (*quick != tag) __builtin_trap();
      sum += touch(*quick);
    }
  };
  const auto sameBranch = [&](std::string_view v) {
    if (const auto quick = quickTopBranch(v)) {
      if (*quick != viaBranch(firstListValue(v))) __builtin_trap();
      sum += touch(*quick);
    }
  };
  for (size_t i = 0; i < msg.headerCount(); ++i) {
    const HeaderField h = msg.headerAt(i);
    if (h.id == HeaderId::From || h.id == HeaderId::To) sameTag(h.value);
    if (h.id == HeaderId::Via) sameBranch(h.value);
  }
  sameTag(in);
  sameBranch(in);

  if (auto boundary = multipartBoundary(msg.header(HeaderId::ContentType))) {
    if (auto parts = splitMultipart(msg.body(), *boundary)) {
      for (const auto& p : *parts) sum += touch(p.headers) + touch(p.body);
    }
  }
  // Also split the raw input as a body with a fixed boundary: exercises the splitter alone.
  if (auto parts = splitMultipart(in, "b")) {
    for (const auto& p : *parts) sum += touch(p.body) + touch(p.content_type);
  }
  volatile size_t sink = sum;
  (void)sink;
  return 0;
}
