#include "sip/header_scanner.h"

#include <cstring>

#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::sip {
namespace {

// Offset of the next '\n' at or after `from`, or npos.
size_t findLf(std::string_view text, size_t from) {
  if (from >= text.size()) return std::string_view::npos;
  const void* hit = std::memchr(text.data() + from, '\n', text.size() - from);
  if (hit == nullptr) return std::string_view::npos;
  return static_cast<size_t>(static_cast<const char*>(hit) - text.data());
}

}  // namespace

ScanStatus HeaderScanner::next(RawHeader& out) {
  if (pos_ >= text_.size()) return ScanStatus::Unterminated;
  const size_t begin = pos_;
  size_t lf = findLf(text_, begin);
  if (lf == std::string_view::npos) {
    // Last line without a line end: still a field (so its value is usable), but the section
    // is unterminated; the next call says so.
    lf = text_.size();
  } else {
    // The empty line ("\r\n" or "\n") ends the section.
    const size_t len = lf - begin;
    if (len == 0 || (len == 1 && text_[begin] == '\r')) {
      pos_ = lf + 1;
      return ScanStatus::End;
    }
    // RFC 3261 §7.3.1 folding: following lines that start with SP/HTAB belong to this field.
    while (lf + 1 < text_.size() && core::chars::kWsp.contains(text_[lf + 1])) {
      const size_t more = findLf(text_, lf + 1);
      if (more == std::string_view::npos) {
        lf = text_.size();
        break;
      }
      lf = more;
    }
  }
  size_t end = lf;
  if (end > begin && text_[end - 1] == '\r') --end;
  pos_ = lf < text_.size() ? lf + 1 : text_.size();
  const std::string_view field = text_.substr(begin, end - begin);
  out.field = field;

  const void* colon = std::memchr(field.data(), ':', field.size());
  if (colon == nullptr) return ScanStatus::LineWithoutColon;
  const size_t colon_at = static_cast<size_t>(static_cast<const char*>(colon) - field.data());
  std::string_view name = field.substr(0, colon_at);
  // RFC 3261 §7.3.1 allows LWS between the name and the colon ("Content-Length   : 150").
  while (!name.empty() && core::chars::kLws.contains(name.back())) name.remove_suffix(1);
  if (name.empty()) return ScanStatus::LineWithoutColon;
  for (char c : name) {
    if (!core::chars::kToken.contains(c)) return ScanStatus::LineWithoutColon;
  }
  out.name = name;
  out.value = core::trimLws(field.substr(colon_at + 1));
  out.id = classifyHeaderName(name);
  return ScanStatus::Header;
}

}  // namespace siphon::sip
