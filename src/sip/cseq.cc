#include "sip/cseq.h"

#include <charconv>

#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::sip {

SipResult<CSeq> parseCSeq(std::string_view value) {
  CSeq out;
  core::TextCursor cur(core::trimLws(value));
  const std::string_view digits = cur.takeWhile(core::chars::kDigit);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.number);
  if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size()) {
    return sipError(SipErrc::BadHeaderValue, "CSeq: number missing or over 32 bits");
  }
  if (!cur.peekIn(core::chars::kLws)) return sipError(SipErrc::BadHeaderValue, "CSeq: no LWS");
  cur.skipWhile(core::chars::kLws);
  out.method = cur.takeWhile(core::chars::kToken);
  if (out.method.empty() || !cur.empty()) {
    return sipError(SipErrc::BadHeaderValue, "CSeq: method not a token");
  }
  return out;
}

}  // namespace siphon::sip
