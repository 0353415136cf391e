#include "sip/header_lookup.h"

#include "sip/header_scanner.h"

namespace siphon::sip {

std::optional<std::string_view> findHeaderValue(std::string_view message, std::string_view name) {
  const StartLineSpan first = findStartLine(message);
  if (!first.has_lf || name.empty()) return std::nullopt;
  const HeaderId wanted = classifyHeaderName(name);
  HeaderScanner scanner(message, first.next);
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
