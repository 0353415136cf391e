#pragma once
// The scope keys of one SIP message (FieldSet::Keys): what the tracer's state reads to find
// the transaction and the dialog a message belongs to (trace/sip_tracker.h).
//
// Why a scan of its own. An agent whose rules open scopes parses every message it captures,
// and most of them only to look up the scope that already holds them. SipMessage::parse()
// indexes every header field and checks the framing to the end of the body; the keys are in
// five header fields (Via, From, To, Call-ID, CSeq), which senders put near the top (RFC 3261
// §7.3.1 recommends it for the fields proxies need, Via among them). scanScopeKeys() does what
// Kamailio's parse_headers(msg, HDR_VIA1_F|HDR_FROM_F|..., 0) does: it stops as soon as it has
// the first field of each, and it looks only at the lines that can be one of them (their
// first letter is one of the long or compact names' first letters). The other lines cost one
// search for their line end each (detail::findLfInline).
//
// Same answer, or none. A key line whose name sits right before its colon and whose value
// takes one line is read by a fast path that trims the value as HeaderScanner::next() does;
// every other candidate line by HeaderScanner::next() itself. The values are turned into keys
// by the same fillScopeKeys() as the full parse's extractCaptureFields(FieldSet::Keys).
// On anything out of the common shape (a start line that does not parse, a key line without
// a colon, a key header missing, a message larger than ParseLimits' default, more lines than
// its header limit) it returns false and the caller parses in full: sip/scope_keys_test
// compares the two on every message of the test captures and the RFC 4475 torture set.
//
// What it does not see: a fault after the key headers or in a line that is not a key header
// (a bad Content-Length, a truncated body, a line without a colon among the others). The full
// parse flags those as framingError(); record::parseSip() documents that FieldSet::Keys does
// not. An agent forwards the bytes as they came, and the collector parses them in full.

#include <optional>
#include <string_view>

#include "sip/sip_capture_fields.h"
#include "sip/start_line.h"

namespace siphon::sip {

/// What the scope keys are made of: the start line and the first field of each key header
/// (nullopt when the message has none).
struct ScopeKeyValues {
  const StartLine* start = nullptr;  ///< nullptr when the start line did not parse
  std::optional<std::string_view> via, from, to, call_id, cseq;
};

/// Fills FieldSet::Keys' fields of `out` (type, method, status, reason, R-URI, From and To
/// values and tags, Call-ID, CSeq, and the top Via branch of an INVITE or ACK request, the only
/// messages whose branch the tracker reads) from `values`; leaves the other fields as they are.
void fillScopeKeys(const ScopeKeyValues& values, SipCaptureFields& out);

/// FieldSet::Keys of `bytes` in one scan that stops at the last key header. True: `out` was
/// reset and filled, and the start line and the key fields are well framed. False: the message
/// is out of the common shape; `out` is unspecified and the caller parses in full.
[[nodiscard]] bool scanScopeKeys(std::string_view bytes, SipCaptureFields& out);

}  // namespace siphon::sip
