#include "sip/scope_keys.h"

#include "core/char_class.h"
#include "sip/field_views.h"
#include "sip/header_names.h"
#include "sip/header_scanner.h"
#include "sip/header_values.h"
#include "sip/sip_message.h"

namespace siphon::sip {
namespace {

// The tag of a From/To value: its header parameters located as parseNameAddrFresh locates
// them, without parsing the URI (field_views.h).
std::string_view tagOf(std::string_view value) {
  const NameAddrView na = splitNameAddr(value);
  return na.found ? tagParam(na.params) : std::string_view{};
}

// First letters of the key headers' long and compact names, either case: Via/v, From/f, To/t,
// Call-ID/i, CSeq. A line starting otherwise (or with SP/HTAB: a folded continuation of the
// field before) is not one of them and is skipped unread.
constexpr core::CharClass kKeyInitial = core::CharClass::of("VvFfTtCcIi");

// The key headers are HeaderId 1 to 5 (header_names.h): a key's slot is its id - 1, and a
// found key sets bit (id - 1). A lookup by id, not a switch: the switch's jump table was an
// indirect branch per key line, and its mispredictions were the scan's hottest samples.
static_assert(static_cast<unsigned>(HeaderId::CallId) == 1 &&
              static_cast<unsigned>(HeaderId::From) == 2 &&
              static_cast<unsigned>(HeaderId::To) == 3 &&
              static_cast<unsigned>(HeaderId::Via) == 4 &&
              static_cast<unsigned>(HeaderId::CSeq) == 5);
constexpr unsigned kKeyCount = 5;
constexpr unsigned kAll = (1u << kKeyCount) - 1;

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
  if (values.via) out.via_1_branch = viaBranch(firstListValue(*values.via));
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
  std::optional<std::string_view>* const slots[kKeyCount] = {&values.call_id, &values.from,
                                                             &values.to, &values.via, &values.cseq};
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
    const unsigned slot = static_cast<unsigned>(h.id) - 1;  // wraps for HeaderId::Other
    if (slot < kKeyCount && (found & (1u << slot)) == 0) {
      found |= 1u << slot;
      *slots[slot] = h.value;
    }
  }
  out = SipCaptureFields{};
  fillScopeKeys(values, out);
  return true;
}

}  // namespace siphon::sip
