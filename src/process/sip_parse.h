#pragma once
// The SIP parse: the one place on the write path where a record's payload is parsed
// (record::parseSip). It fills Record::sip once; the lane choice, table routing, the stores and
// any later processor (tracer, routing rules) read that parse. Counts the records kept raw
// because they did not parse as SIP (unparsed_sip): a capture tool keeps them, marked with
// their parse_error. What counts as not parsing depends on the field set: with Ingest, the
// framing only (record/parsed_sip.h).

#include "process/processor.h"
#include "sip/sip_capture_fields.h"

namespace siphon::process {

class SipParseProcessor final : public Processor {
 public:
  /// `fields`: callid_aleg_header and the custom_field headers. `set`: Store when only the
  /// embedded store reads the parse (its readers give the full verdict), Ingest when routing
  /// rules read it too; less than that when only the tracer reads it (an agent without
  /// trace_to_database): Dialog skips what only the stores read, Keys also what only the rules
  /// read (sip_capture_fields.h).
  explicit SipParseProcessor(sip::FieldOptions fields, sip::FieldSet set = sip::FieldSet::All);
  [[nodiscard]] Verdict process(record::Record& r) override;
  /// Only the whole parse serves a sink that reads it (Pipeline::start checks).
  [[nodiscard]] bool parsesSip() const override {
    return set_ == sip::FieldSet::All || set_ == sip::FieldSet::Ingest ||
           set_ == sip::FieldSet::Store;
  }

 private:
  sip::FieldOptions fields_;
  sip::FieldSet set_;
};

}  // namespace siphon::process
