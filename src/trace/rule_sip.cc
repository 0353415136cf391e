#include "trace/rule_sip.h"

#include "core/byte_reader.h"
#include "record/parsed_sip.h"
#include "sip/header_lookup.h"

namespace siphon::trace {

const record::ParsedSip& RuleSip::dialog() {
  if (!full_ && r_.parsed && r_.sip.isSip() && r_.sip.set == sip::FieldSet::Keys) {
    full_.emplace(sip::SipMessage::parse(core::asText(r_.meta().payload)));
    record::fillParsedSip(*full_, r_.meta(), {}, r_.sip, sip::FieldSet::Dialog);
  }
  return r_.sip;
}

std::optional<std::string_view> RuleSip::header(std::string_view name) const {
  if (full_) return full_->findHeader(name);
  return sip::findHeaderValue(core::asText(r_.meta().payload), name);
}

}  // namespace siphon::trace
