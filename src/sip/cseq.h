#pragma once
// CSeq (RFC 3261 §20.16): sequence number and method.

#include <cstdint>
#include <string_view>

#include "sip/sip_error.h"

namespace siphon::sip {

struct CSeq {
  uint32_t number = 0;      ///< RFC 3261 §8.1.1.5: must fit 32 bits
  std::string_view method;  ///< as written; not compared with the request method
};

/// Parses "1*DIGIT LWS Method". Errors (BadHeaderValue): number missing or over 2^32-1
/// (RFC 4475 scalar02), no LWS, method not a token, trailing text.
[[nodiscard]] SipResult<CSeq> parseCSeq(std::string_view value);

}  // namespace siphon::sip
