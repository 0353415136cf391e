#include "sip/auth.h"

#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::sip {
namespace {
// Tables are namespace-scope constants: built at compile time, never on the stack per call.
constexpr core::CharClass kAuthValueEnd = core::CharClass::of(", \t\r\n");
}  // namespace

std::optional<std::string_view> digestUsername(std::string_view credentials) {
  using core::chars::kLws;
  core::TextCursor cur(core::trimLws(credentials));
  const std::string_view scheme = cur.takeWhile(core::chars::kToken);
  if (!core::equalsIgnoreCase(scheme, "Digest") || !cur.peekIn(kLws)) return std::nullopt;
  // digest-response = dig-resp *(COMMA dig-resp); dig-resp = name LWS "=" LWS value.
  while (!cur.empty()) {
    cur.skipWhile(kLws);
    while (cur.consume(',')) cur.skipWhile(kLws);
    const std::string_view name = cur.takeWhile(core::chars::kToken);
    if (name.empty()) return std::nullopt;
    cur.skipWhile(kLws);
    if (!cur.consume('=')) return std::nullopt;
    cur.skipWhile(kLws);
    std::string_view value;
    if (cur.consume('"')) {
      auto quoted = cur.takeQuotedBody();
      if (!quoted) return std::nullopt;
      value = *quoted;
    } else {
      value = cur.takeUntil(kAuthValueEnd);
    }
    if (core::equalsIgnoreCase(name, "username")) return value;
    cur.skipWhile(kLws);
    if (!cur.empty() && !cur.consume(',')) return std::nullopt;
  }
  return std::nullopt;
}

std::string_view usernameUserPart(std::string_view username) {
  const size_t at = username.find('@');
  return at == std::string_view::npos ? username : username.substr(0, at);
}

}  // namespace siphon::sip
