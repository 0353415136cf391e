#include "sip/header_lookup.h"

#include "sip/header_scanner.h"

namespace siphon::sip {

std::optional<std::string_view> findHeaderValue(std::string_view message, std::string_view name) {
  // CRLFs before the start line are ignored (RFC 3261 §7.5), as SipMessage::parse() does.
  const size_t start = message.find_first_not_of("\r\n");
  if (start == std::string_view::npos || name.empty()) return std::nullopt;
  const size_t line_end = message.find('\n', start);
  if (line_end == std::string_view::npos) return std::nullopt;
  const HeaderId wanted = classifyHeaderName(name);
  HeaderScanner scanner(message, line_end + 1);
  RawHeader h;
  for (;;) {
    switch (scanner.next(h)) {
      case ScanStatus::Header:
        if (wanted != HeaderId::Other
                ? h.id == wanted
                : h.id == HeaderId::Other && core::equalsIgnoreCase(h.name, name)) {
          return h.value;
        }
        break;
      case ScanStatus::LineWithoutColon:
        break;
      case ScanStatus::End:
      case ScanStatus::Unterminated:
        return std::nullopt;
    }
  }
}

}  // namespace siphon::sip
