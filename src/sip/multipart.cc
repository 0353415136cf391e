#include "sip/multipart.h"

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "sip/header_scanner.h"
#include "sip/header_values.h"

namespace siphon::sip {
namespace {

// RFC 2046 §5.1.1: a delimiter is "--" boundary at the start of the body or right after a
// line end. Returns the offset of the "--", or npos.
size_t findDelimiter(std::string_view body, std::string_view boundary, size_t from) {
  while (from < body.size()) {
    const size_t hit = body.find("--", from);
    if (hit == std::string_view::npos) return hit;
    const bool at_line_start = hit == 0 || body[hit - 1] == '\n';
    const std::string_view after = body.substr(hit + 2);
    if (at_line_start && after.substr(0, boundary.size()) == boundary) return hit;
    from = hit + 1;
  }
  return std::string_view::npos;
}

// Length of the line end just before `pos` (CRLF = 2, LF = 1, none = 0).
size_t lineEndBefore(std::string_view body, size_t pos) {
  if (pos >= 2 && body[pos - 2] == '\r' && body[pos - 1] == '\n') return 2;
  if (pos >= 1 && body[pos - 1] == '\n') return 1;
  return 0;
}

}  // namespace

std::optional<std::string_view> multipartBoundary(std::string_view content_type) {
  const std::string_view ct = core::trimLws(content_type);
  if (ct.size() < 10 || !core::equalsIgnoreCase(ct.substr(0, 10), "multipart/")) {
    return std::nullopt;
  }
  const size_t semi = ct.find(';');
  if (semi == std::string_view::npos) return std::nullopt;
  auto b = findParam(ct.substr(semi), "boundary");
  if (!b || b->empty()) return std::nullopt;
  return unquote(*b);
}

SipResult<std::vector<MimePart>> splitMultipart(std::string_view body,
                                                std::string_view boundary) {
  std::vector<MimePart> parts;
  if (boundary.empty()) return sipError(SipErrc::BadMultipart, "empty boundary");
  size_t delim = findDelimiter(body, boundary, 0);
  if (delim == std::string_view::npos) {
    return sipError(SipErrc::BadMultipart, "boundary not found in body");
  }
  for (;;) {
    size_t after = delim + 2 + boundary.size();
    if (body.substr(after, 2) == "--") break;  // close delimiter
    // Skip transport padding to the end of the delimiter line.
    const size_t lf = body.find('\n', after);
    if (lf == std::string_view::npos) break;  // delimiter at the very end: no more parts
    const size_t part_start = lf + 1;
    const size_t next = findDelimiter(body, boundary, part_start);
    const size_t part_end_raw = next == std::string_view::npos ? body.size() : next;
    // The line end before the next delimiter belongs to the delimiter (RFC 2046).
    const size_t part_end =
        next == std::string_view::npos ? body.size() : part_end_raw - lineEndBefore(body, part_end_raw);
    const std::string_view part = body.substr(part_start, part_end - part_start);

    MimePart mp;
    HeaderScanner scanner(part, 0);
    RawHeader h;
    bool ended = false;
    for (;;) {
      const ScanStatus st = scanner.next(h);
      if (st == ScanStatus::End) {
        ended = true;
        break;
      }
      if (st == ScanStatus::Unterminated) break;
      if (st == ScanStatus::Header && h.id == HeaderId::ContentType && mp.content_type.empty()) {
        mp.content_type = h.value;
      }
    }
    if (!ended) return sipError(SipErrc::BadMultipart, "part without end of headers");
    const size_t body_off = scanner.bodyOffset();
    const size_t headers_len = body_off - lineEndBefore(part, body_off);
    mp.headers = part.substr(0, headers_len > 0 ? headers_len - lineEndBefore(part, headers_len) : 0);
    mp.body = part.substr(body_off);
    parts.push_back(mp);
    if (next == std::string_view::npos) break;
    delim = next;
  }
  if (parts.empty()) return sipError(SipErrc::BadMultipart, "no part");
  return parts;
}

}  // namespace siphon::sip
