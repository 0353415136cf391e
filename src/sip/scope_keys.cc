#include "sip/scope_keys.h"

#include <array>
#include <cstdint>

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "sip/field_views.h"
#include "sip/header_names.h"
#include "sip/header_scanner.h"
#include "sip/header_values.h"
#include "sip/sip_message.h"
#include "sip/tag_and_branch.h"

namespace siphon::sip {
namespace {

// The tag of a From/To value: its header parameters located as parseNameAddrFresh locates
// them, without parsing the URI (field_views.h); the common shapes in one pass
// (tag_and_branch.h).
std::string_view tagOf(std::string_view value) {
  if (const auto tag = quickTag(value)) return *tag;
  const NameAddrView na = splitNameAddr(value);
  return na.found ? tagParam(na.params) : std::string_view{};
}

// The branch of the top Via of a Via header value, as parseVia() takes it.
std::string_view topBranchOf(std::string_view value) {
  if (const auto branch = quickTopBranch(value)) return *branch;
  return viaBranch(firstListValue(value));
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

// The common shape of a key line: the name, long or compact in any case, right before its
// colon ("Via:", "v:", "CALL-ID:"), and the value on one line. readKeyLine() tells that shape
// from the line's first 8 bytes in a few instructions; anything else (LWS before the colon, a
// name that only starts like a key's, "Call-Info", fewer than 8 bytes left) goes to the
// HeaderScanner as before, which spent about 200 instructions per key line finding the
// colon, classifying the name and checking its characters (callgrind, sip_bench
// BM_KeysScanInvite).
struct KeyName {
  uint64_t text = 0;  // the lower-case name and ':', little-endian, zero-padded to 8 bytes
  uint64_t fold = 0;  // 0x20 on each letter: OR-ed into the input, it matches either case
  uint64_t mask = 0;  // the name's and colon's bytes
  uint8_t len = 0;    // of the name and colon
  uint8_t slot = 0;   // HeaderId - 1
};

constexpr KeyName keyName(std::string_view name_colon, HeaderId id) {
  KeyName k;
  k.len = static_cast<uint8_t>(name_colon.size());
  k.slot = static_cast<uint8_t>(static_cast<unsigned>(id) - 1);
  for (size_t i = 0; i < name_colon.size(); ++i) {
    const auto c = static_cast<unsigned char>(name_colon[i]);
    k.text |= uint64_t{c} << (8 * i);
    if (c >= 'a' && c <= 'z') k.fold |= uint64_t{0x20} << (8 * i);
    k.mask |= uint64_t{0xFF} << (8 * i);
  }
  return k;
}

// The two key names a first letter can start (C starts two long ones, Call-ID and CSeq), by
// that letter's low five bits, which are the same in either case; other entries match nothing
// (len 0), and a non-letter that shares a letter's low bits fails the comparison.
struct KeyNames {
  KeyName first, second;
};
constexpr auto kKeyNames = [] {
  std::array<KeyNames, 32> t{};
  t['v' & 31] = {keyName("via:", HeaderId::Via), keyName("v:", HeaderId::Via)};
  t['f' & 31] = {keyName("from:", HeaderId::From), keyName("f:", HeaderId::From)};
  t['t' & 31] = {keyName("to:", HeaderId::To), keyName("t:", HeaderId::To)};
  t['c' & 31] = {keyName("call-id:", HeaderId::CallId), keyName("cseq:", HeaderId::CSeq)};
  t['i' & 31] = {keyName("i:", HeaderId::CallId), {}};
  return t;
}();

bool matches(const KeyName& k, uint64_t word) {
  return k.len != 0 && ((word | k.fold) & k.mask) == k.text;
}

// The key line at `pos` in its common shape: true with its slot, its value without the LWS on
// either side (core::trimLws, what HeaderScanner::next() removes too), and the next line's
// offset. False: read it with the HeaderScanner (which also joins folded lines: a next line that
// starts with SP or HTAB sends this one there, as does a line without a line end).
bool readKeyLine(std::string_view bytes, size_t pos, unsigned& slot, std::string_view& value,
                 size_t& next) {
  if constexpr (!core::swar::kLittleEndian) return false;
  if (bytes.size() - pos < 8) return false;
  const uint64_t word = core::swar::load8(bytes.data() + pos);
  const KeyNames& names = kKeyNames[static_cast<unsigned char>(bytes[pos]) & 31];
  const KeyName* k = matches(names.first, word)    ? &names.first
                     : matches(names.second, word) ? &names.second
                                                   : nullptr;
  if (k == nullptr) return false;
  const size_t lf = detail::findLfInline(bytes, pos + k->len);
  if (lf == std::string_view::npos) return false;
  if (lf + 1 < bytes.size() && core::chars::kWsp.contains(bytes[lf + 1])) return false;
  slot = k->slot;
  value = core::trimLws(std::string_view(bytes.data() + pos + k->len, lf - (pos + k->len)));
  next = lf + 1;
  return true;
}

// Whether the top Via branch is one of the scope keys of this message: on INVITE and ACK
// requests only. The tracker matches transactions by Call-ID, From tag, CSeq and method
// (sip_tracker.h) and reads a branch only to tell the ACK of a failure, which reuses a branch
// the INVITE was seen with, from the ACK of a 2xx, which has a new one (RFC 3261 §17.1.1.3,
// §13.2.2.4). So it remembers the branches of INVITE requests and compares those of ACK
// requests; replies and other requests, about four frames in five of a call's traffic, skip
// the search (289 instructions per frame of agent_bench BM_ExtractTraced/3/2, callgrind).
bool branchIsAKey(const SipCaptureFields& f) {
  return f.type == 1 &&
         (core::equalsIgnoreCase(f.method, "INVITE") || core::equalsIgnoreCase(f.method, "ACK"));
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
  if (values.via && branchIsAKey(out)) out.via_1_branch = topBranchOf(*values.via);
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
      const size_t next = detail::findLfInline(bytes, pos);
      if (next == std::string_view::npos) return false;
      pos = next + 1;
      continue;
    }
    // A candidate: its common shape read here, any other by the scanner the full parse uses
    // (folding included).
    unsigned slot = 0;
    std::string_view value;
    if (!readKeyLine(bytes, pos, slot, value, pos)) {
      HeaderScanner scanner(bytes, pos);
      RawHeader h;
      if (scanner.next(h) != ScanStatus::Header) return false;
      pos = scanner.bodyOffset();
      slot = static_cast<unsigned>(h.id) - 1;  // wraps for HeaderId::Other
      value = h.value;
    }
    if (slot < kKeyCount && (found & (1u << slot)) == 0) {
      found |= 1u << slot;
      *slots[slot] = value;
    }
  }
  out = SipCaptureFields{};
  fillScopeKeys(values, out);
  return true;
}

}  // namespace siphon::sip
