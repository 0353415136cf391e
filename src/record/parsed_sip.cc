#include "record/parsed_sip.h"

#include "core/byte_reader.h"
#include "hep/siphon_chunks.h"
#include "sip/scope_keys.h"
#include "sip/sip_message.h"

namespace siphon::record {

std::string_view reportTableName(RowKind kind) {
  switch (kind) {
    case RowKind::Rtcp:
      return "rtcp_capture";
    case RowKind::Report:
      return "report_capture";
    case RowKind::Log:
      return "logs_capture";
    case RowKind::Sip:
      break;
  }
  return "sip_capture";
}

void parseSip(const core::CaptureMeta& meta, const sip::FieldOptions& options, ParsedSip& out,
              sip::FieldSet set) {
  auto [kind, type] = rowKindFor(meta.payload_type);
  out.kind = kind;
  out.type = type;
  out.parse_error.reset();
  out.correlation_id = meta.correlation_id;
  out.body = {};
  if (kind != RowKind::Sip) {  // non-SIP payload types go to their own tables (§2.2)
    out.fields = sip::SipCaptureFields{};
    return;
  }
  out.set = set;
  // The scope keys, most often of a message a scope already holds: one scan that stops at
  // them when the message has the common shape (sip/scope_keys.h).
  if (set == sip::FieldSet::Keys && sip::scanScopeKeys(core::asText(meta.payload), out.fields)) {
    out.type = out.fields.type;
    if (out.correlation_id.empty()) out.correlation_id = out.fields.callid;
    applyCustomFieldChunks(meta, out.fields);
    return;
  }
  fillParsedSip(sip::SipMessage::parse(core::asText(meta.payload)), meta, options, out, set);
}

void fillParsedSip(const sip::SipMessage& msg, const core::CaptureMeta& meta,
                   const sip::FieldOptions& options, ParsedSip& out, sip::FieldSet set) {
  out.kind = RowKind::Sip;
  out.parse_error.reset();
  out.correlation_id = meta.correlation_id;
  out.set = set;
  sip::extractCaptureFields(msg, options, out.fields, set);
  // Ingest and Keys: the framing only, the cheap check (the values are read as views and not
  // validated); every reader of a stored message parses it again with All, the full verdict.
  const auto err = set == sip::FieldSet::All      ? msg.parseError()
                   : set == sip::FieldSet::Dialog ? msg.dialogError()
                                                  : msg.framingError();
  if (err) out.parse_error = err->code;
  out.type = out.fields.type;
  out.body = msg.body();
  if (out.correlation_id.empty()) out.correlation_id = out.fields.callid;
  applyCustomFieldChunks(meta, out.fields);
}

void makeReportRow(uint8_t payload_type, ParsedSip& out) {
  auto [kind, type] = rowKindFor(payload_type);
  if (kind == RowKind::Sip) {
    kind = RowKind::Report;
    type = payload_type;
  }
  out.kind = kind;
  out.type = type;
  out.fields = {};
  out.parse_error.reset();
  out.body = {};
}

void applyCustomFieldChunks(const core::CaptureMeta& meta, sip::SipCaptureFields& fields) {
  if (meta.other_chunks.empty()) return;
  std::string_view* targets[] = {&fields.custom_field1, &fields.custom_field2,
                                 &fields.custom_field3};
  for (int n = 1; n <= 3; ++n) {
    if (auto v = hep::customFieldChunk(meta, n)) *targets[n - 1] = *v;
  }
}

}  // namespace siphon::record
