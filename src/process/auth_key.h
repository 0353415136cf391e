#pragma once
// hep_auth_key (sipcapture seed): a HEP packet must carry this value in chunk 0x000e, or it is
// dropped and counted (auth_key). Records that did not come as HEP (plain SIP copies read with
// xheaders_read) carry no key and are not checked, as Kamailio only checks HEP.

#include <string>

#include "process/processor.h"

namespace siphon::process {

class AuthKeyProcessor final : public Processor {
 public:
  /// `key` must not be empty (an empty hep_auth_key means: no processor).
  explicit AuthKeyProcessor(std::string key);
  [[nodiscard]] Verdict process(record::Record& r) override;

 private:
  std::string key_;
};

}  // namespace siphon::process
