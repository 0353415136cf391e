#include "process/sip_parse.h"

namespace siphon::process {
namespace {

enum class Count : uint8_t { Parsed, Unparsed };
constexpr std::string_view kCounts[] = {"parsed", "unparsed_sip"};

}  // namespace

SipParseProcessor::SipParseProcessor(sip::FieldOptions fields)
    : Processor("sip_parse", {kCounts, {}}), fields_(std::move(fields)) {}

Verdict SipParseProcessor::process(record::Record& r) {
  record::parseSip(r.meta(), fields_, r.sip);
  r.parsed = true;
  counters_.count(Count::Parsed);
  if (r.sip.parse_error) counters_.count(Count::Unparsed);
  return Verdict::Keep;
}

}  // namespace siphon::process
