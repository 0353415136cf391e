#include "process/sip_parse.h"

namespace siphon::process {
namespace {

// Only the exception is counted: a count per record would cost a locked add on every source
// thread for a figure the sources' "received" already gives.
enum class SipParseCount : uint8_t { Unparsed };
constexpr std::string_view kSipParseCounts[] = {"unparsed_sip"};

}  // namespace

SipParseProcessor::SipParseProcessor(sip::FieldOptions fields, sip::FieldSet set)
    : Processor("sip_parse", {kSipParseCounts, {}}), fields_(std::move(fields)), set_(set) {}

Verdict SipParseProcessor::process(record::Record& r) {
  if (r.skip_sip_parse) return Verdict::Keep;  // relayed only: no lane reads the parse
  record::parseSip(r.meta(), fields_, r.sip, set_);
  if (r.report_row) record::makeReportRow(r.meta().payload_type, r.sip);
  r.parsed = true;
  if (r.sip.parse_error) counters_.count(SipParseCount::Unparsed);
  return Verdict::Keep;
}

}  // namespace siphon::process
