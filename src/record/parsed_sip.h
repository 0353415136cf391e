#pragma once
// ParsedSip: what the one SIP parse of a record yields (docs/ARCHITECTURE.md: "the SIP parse
// is done once per record and shared"). On the write path the SIP-parse processor fills it
// before the record is shared with the lanes; on the read path call assembly and search fill
// it once per message read back. Stores, printers, the ladder and the search filters only read
// it.
//
// Every view points into the record's payload (CaptureMeta::payload), so a ParsedSip is valid
// exactly as long as those bytes are.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/capture.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_error.h"

namespace siphon::sip {
class SipMessage;
}  // namespace siphon::sip

namespace siphon::record {

/// Which table family a record belongs to, by HEP payload type (§2.2).
enum class RowKind : uint8_t { Sip, Rtcp, Report, Log };

/// The table family and `type` column of a HEP payload type (§2.2): SIP is type 0 here
/// (its type comes from the parsed start line).
struct RowKindAndType {
  RowKind kind;
  int type;
};
[[nodiscard]] constexpr RowKindAndType rowKindFor(uint8_t payload_type) {
  switch (payload_type) {
    case 5:
      return {RowKind::Rtcp, 3};
    case 32:
    // The MOS reports of RTP agents (34 full, 35 short: media/qos_report.h), which Kamailio
    // would take for SIP, are reports like 32 (heplify-server stores them so too).
    case 34:
    case 35:
      return {RowKind::Report, 2};
    case 99:
      return {RowKind::Report, 4};
    case 100:
      return {RowKind::Log, 5};
    default:
      return {RowKind::Sip, 0};
  }
}

/// The table of a non-SIP family (rtcp_capture, report_capture, logs_capture), as OpenSIPS and
/// Homer name them; "sip_capture" for SIP (whose table comes from table_name routing).
[[nodiscard]] std::string_view reportTableName(RowKind kind);

struct ParsedSip {
  RowKind kind = RowKind::Sip;
  int type = 0;                  ///< sip_capture `type`: SIP 1 request, 2 reply, 0 unparsed
  sip::SipCaptureFields fields;  ///< empty for the non-SIP kinds
  std::optional<sip::SipErrc> parse_error;  ///< a SIP payload that did not parse
  std::string_view correlation_id;          ///< HEP 0x0011, else (SIP) the Call-ID
  std::string_view body;                    ///< the SIP message body (after the empty line)
  sip::FieldSet set = sip::FieldSet::All;   ///< which fields the parse filled

  [[nodiscard]] bool isSip() const { return kind == RowKind::Sip; }
};

/// Parses `meta.payload` once, as its payload type says: SIP payloads into the sip_capture
/// fields of `set` (as far as a malformed message allows), other kinds only into
/// kind/type/correlation. Never fails: a payload that is not valid SIP gets `parse_error` and
/// keeps its bytes. With FieldSet::Dialog, `parse_error` covers the framing and the values
/// that set reads (SipMessage::dialogError), not every Via and Contact; with FieldSet::Ingest
/// or Store, the framing only (SipMessage::framingError: start line, header lines,
/// Content-Length and body), and the values' verdict is left to the readers, which parse with
/// All; with FieldSet::Keys, the framing up to the last key header only (the values it reads
/// are not validated): its scan stops there on a message of the common shape
/// (sip/scope_keys.h), and `body` stays empty then.
void parseSip(const core::CaptureMeta& meta, const sip::FieldOptions& options, ParsedSip& out,
              sip::FieldSet set = sip::FieldSet::All);

/// parseSip() of a SIP record whose payload the caller has parsed (`msg`, from
/// SipMessage::parse of `meta.payload`) because it reads the message's header index too.
void fillParsedSip(const sip::SipMessage& msg, const core::CaptureMeta& meta,
                   const sip::FieldOptions& options, ParsedSip& out, sip::FieldSet set);

/// A report_capture rule stored the record as a report row (§3.4): a non-SIP payload type
/// keeps its family and type; a SIP one becomes a Report row whose `type` is the payload
/// type, as OpenSIPS writes chunk 0x000b. The SIP fields are dropped: the report tables have
/// none.
void makeReportRow(uint8_t payload_type, ParsedSip& out);

/// custom_field1..3 a routing rule set (Siphon chunks, hep/siphon_chunks.h) in place of the
/// custom_field headers' values. parseSip applies them; a rule that sets one after the parse
/// applies them again.
void applyCustomFieldChunks(const core::CaptureMeta& meta, sip::SipCaptureFields& fields);

}  // namespace siphon::record
