#include "sip/scope_keys.h"

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "sip/header_names.h"
#include "sip/header_scanner.h"
#include "sip/header_values.h"
#include "sip/sip_message.h"

namespace siphon::sip {
namespace {

// The first parameter `name` with a value in `params` (";a=1;b" text), as the full parsers
// take it (ParamIterator); a malformed list ends the search where it breaks.
std::string_view paramValue(std::string_view params, std::string_view name) {
  if (auto v = leadingParamValue(params, name)) return *v;  // most often first: no walk
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
    if (!p.value.empty() && core::equalsIgnoreCase(p.name, name)) return p.value;
  }
  return {};
}

// The tag of a From/To value: its header parameters located as parseNameAddrFresh locates
// them (after a quoted display name and <uri>, after <uri>, or after an addr-spec at its
// first ';' or LWS), without parsing the URI.
std::string_view tagOf(std::string_view value) {
  const std::string_view v = core::trimLws(value);
  core::TextCursor cur(v);
  if (cur.peekIs('"')) {
    (void)cur.consume('"');
    if (!cur.takeQuotedBody()) return {};
    cur.skipWhile(core::chars::kLws);
    if (!cur.peekIs('<')) return {};
  } else if (const size_t lt = v.find('<'); lt != std::string_view::npos) {
    (void)cur.skip(lt);
  } else {
    (void)cur.takeUntil(core::chars::kAddrSpecEnd);
  }
  if (cur.consume('<') && (!cur.takeUntilChar('>') || !cur.consume('>'))) return {};
  cur.skipWhile(core::chars::kLws);
  const std::string_view params = cur.rest();
  if (!params.empty() && params[0] != ';') return {};
  if (auto tag = leadingParamValue(params, "tag")) return *tag;  // most often the only one
  // parseNameAddrFresh keeps the first tag parameter even when its value is empty.
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
    if (p.name.size() == 3 && core::equalsIgnoreCase(p.name, "tag")) return p.value;
  }
  return {};
}

// First letters of the key headers' long and compact names, either case: Via/v, From/f, To/t,
// Call-ID/i, CSeq. A line starting otherwise (or with SP/HTAB: a folded continuation of the
// field before) is not one of them and is skipped unread.
constexpr core::CharClass kKeyInitial = core::CharClass::of("VvFfTtCcIi");

enum KeyBit : unsigned { kVia = 1, kFrom = 2, kTo = 4, kCallId = 8, kCSeq = 16, kAll = 31 };

// A line starting with C/c that cannot be Call-ID or CSeq: Contact, Content-Type,
// Content-Length (a message has all three) and compact `c` (Content-Type) have 'o' or a
// separator second; Call-ID has 'a', CSeq 's'. Skipped unread like any other field.
bool notCallIdOrCSeq(std::string_view bytes, size_t pos) {
  if ((bytes[pos] | 0x20) != 'c' || pos + 1 >= bytes.size()) return false;
  const char second = static_cast<char>(bytes[pos + 1] | 0x20);
  return second != 'a' && second != 's';
}

}  // namespace

void fillScopeKeys(const ScopeKeyValues& values, SipCaptureFields& out) {
  if (const StartLine* start = values.start) {
    if (start->kind == StartLineKind::Request) {
      out.type = 1;
      out.method = start->method;
      out.ruri = start->request_uri;
    } else {
      out.type = 2;
      out.method = start->status_text;
      out.status_code = start->status_code;
      out.reply_reason = start->reason;
    }
  }
  if (values.from) {
    out.from_value = *values.from;
    out.from_tag = tagOf(*values.from);
  }
  if (values.to) {
    out.to_value = *values.to;
    out.to_tag = tagOf(*values.to);
  }
  out.callid = values.call_id.value_or(std::string_view{});
  if (values.via) {
    // A Via's parameters follow its sent-by, which holds no ';' (RFC 3261 §20.42).
    const std::string_view top = firstListValue(*values.via);
    const size_t semi = top.find(';');
    if (semi != std::string_view::npos) out.via_1_branch = paramValue(top.substr(semi), "branch");
  }
  out.cseq = values.cseq.value_or(std::string_view{});
}

bool scanScopeKeys(std::string_view bytes, SipCaptureFields& out) {
  const ParseLimits limits;
  if (bytes.size() > limits.max_message_bytes) return false;
  const StartLineSpan line = findStartLine(bytes);
  if (!line.has_lf) return false;
  const auto start = parseStartLine(bytes.substr(line.begin, line.end - line.begin));
  if (!start) return false;

  ScopeKeyValues values;
  values.start = &*start;
  unsigned found = 0;
  size_t lines = 0;
  size_t pos = line.next;
  while (found != kAll) {
    // Past the header limit the full parse flags TooManyHeaders: let it.
    if (pos >= bytes.size() || ++lines > limits.max_headers) return false;
    const char first = bytes[pos];
    if (!kKeyInitial.contains(first) || notCallIdOrCSeq(bytes, pos)) {
      if (first == '\r' || first == '\n') return false;  // the empty line: a key is missing
      const size_t next = detail::findLf(bytes, pos);
      if (next == std::string_view::npos) return false;
      pos = next + 1;
      continue;
    }
    // A candidate: the scanner the full parse uses reads it (folding included).
    HeaderScanner scanner(bytes, pos);
    RawHeader h;
    if (scanner.next(h) != ScanStatus::Header) return false;
    pos = scanner.bodyOffset();
    auto take = [&](KeyBit bit, std::optional<std::string_view>& slot) {
      if ((found & bit) == 0) {
        found |= bit;
        slot = h.value;
      }
    };
    switch (h.id) {
      case HeaderId::Via:
        take(kVia, values.via);
        break;
      case HeaderId::From:
        take(kFrom, values.from);
        break;
      case HeaderId::To:
        take(kTo, values.to);
        break;
      case HeaderId::CallId:
        take(kCallId, values.call_id);
        break;
      case HeaderId::CSeq:
        take(kCSeq, values.cseq);
        break;
      default:
        break;
    }
  }
  out = SipCaptureFields{};
  fillScopeKeys(values, out);
  return true;
}

}  // namespace siphon::sip
