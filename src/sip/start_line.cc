#include "sip/start_line.h"

#include <cstring>

#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::sip {
namespace {

constexpr std::string_view kSipVersion = "SIP/2.0";
// Longest method we call plausible in the gate; real ones are under 20 characters.
constexpr size_t kMaxGateMethodLen = 32;

// RFC 3261 §25.1: SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, and literal text in the ABNF
// is case-insensitive, so "sip/2.0" is accepted.
bool isSipVersion(std::string_view v) {
  if (v.size() != kSipVersion.size()) return false;
  // Two overlapping 4-byte words cover the 7 bytes: "sip/" and "/2.0" after ASCII lower-casing.
  uint32_t head;
  uint32_t tail;
  std::memcpy(&head, "sip/", 4);
  std::memcpy(&tail, "/2.0", 4);
  return core::swar::lowerAscii(core::swar::load4(v.data())) == head &&
         core::swar::lowerAscii(core::swar::load4(v.data() + 3)) == tail;
}

// The shape of a SIP-Version of any number (RFC 3261 §25.1: "SIP/" 1*DIGIT "." 1*DIGIT),
// for the classification gate: a capture tool keeps "SIP/7.0" and flags it, it does not call
// it "not SIP".
bool isSipVersionShaped(std::string_view v) {
  if (v.size() < 7 || !core::equalsIgnoreCase(v.substr(0, 4), "SIP/")) return false;
  size_t i = 4;
  const size_t major = i;
  while (i < v.size() && core::chars::kDigit.contains(v[i])) ++i;
  if (i == major || i >= v.size() || v[i] != '.') return false;
  const size_t minor = ++i;
  while (i < v.size() && core::chars::kDigit.contains(v[i])) ++i;
  return i > minor && i == v.size();
}

bool isSipVersionPrefix(std::string_view line) {
  return line.size() >= kSipVersion.size() &&
         isSipVersion(line.substr(0, kSipVersion.size()));
}

// `line` starts with a SIP-Version of 2.0 followed by SP or its end: parseStartLine() sends
// no other line here. So the version is its first 7 bytes, without a search for the SP.
SipResult<StartLine> parseStatusLine(std::string_view line) {
  core::TextCursor cur(line);
  StartLine out;
  out.kind = StartLineKind::Response;
  out.version = line.substr(0, kSipVersion.size());
  (void)cur.skip(kSipVersion.size());
  if (!cur.consume(' ')) return sipError(SipErrc::BadStartLine, "status line without code");
  auto digits = cur.takeWhile(core::chars::kDigit);
  if (digits.size() != 3) return sipError(SipErrc::BadStatusCode, "status code not 3 digits");
  // Three digits are 0 to 999: nothing can overflow.
  const auto digit = [&](size_t i) { return static_cast<unsigned>(digits[i] - '0'); };
  const unsigned code = digit(0) * 100 + digit(1) * 10 + digit(2);
  if (code < 100 || code > 699) {
    return sipError(SipErrc::BadStatusCode, "status code out of 100..699");
  }
  out.status_text = digits;
  out.status_code = static_cast<uint16_t>(code);
  // Reason-Phrase may be empty ("SIP/2.0 100 ", RFC 4475 §3.1.1.13); a missing SP before an
  // empty reason is tolerated, since nothing is lost.
  if (cur.empty()) return out;
  if (!cur.consume(' ')) return sipError(SipErrc::BadStatusCode, "status code not followed by SP");
  out.reason = cur.takeRest();
  return out;
}

SipResult<StartLine> parseRequestLine(std::string_view line) {
  core::TextCursor cur(line);
  StartLine out;
  out.kind = StartLineKind::Request;
  out.method = cur.takeWhile(core::chars::kToken);
  if (out.method.empty() || !cur.consume(' ')) {
    return sipError(SipErrc::BadStartLine, "request line: method not a token followed by SP");
  }
  auto uri = cur.takeUntilChar(' ');
  if (!uri || uri->empty()) {
    return sipError(SipErrc::BadStartLine, "request line: URI missing or several SP");
  }
  out.request_uri = *uri;
  if (!cur.consume(' ')) return sipError(SipErrc::BadStartLine, "request line: no version");
  out.version = cur.takeRest();
  if (!isSipVersion(out.version)) {
    if (out.version.find_first_of(" \t") != std::string_view::npos) {
      // RFC 4475 lwsruri: LWS inside the Request-URI leaves extra SP-separated words.
      return sipError(SipErrc::BadStartLine, "request line: more than three elements");
    }
    return sipError(SipErrc::BadVersion, "request line version");
  }
  // No control character (HTAB included) in the URI; a word at a time while 8 bytes remain.
  const char* const u = out.request_uri.data();
  const size_t un = out.request_uri.size();
  size_t i = 0;
  for (; un - i >= 8; i += 8) {
    if (core::swar::bytesBelow(core::swar::load8(u + i), 0x20) != 0) {
      return sipError(SipErrc::BadStartLine, "request line: control character in URI");
    }
  }
  for (; i < un; ++i) {
    if (static_cast<unsigned char>(u[i]) < 0x20) {
      return sipError(SipErrc::BadStartLine, "request line: control character in URI");
    }
  }
  return out;
}

}  // namespace

SipResult<StartLine> parseStartLine(std::string_view line) {
  if (line.empty()) return sipError(SipErrc::BadStartLine, "empty start line");
  if (isSipVersionPrefix(line) && (line.size() == kSipVersion.size() ||
                                   line[kSipVersion.size()] == ' ')) {
    return parseStatusLine(line);
  }
  if (line.size() >= 4 && core::equalsIgnoreCase(line.substr(0, 4), "SIP/")) {
    return sipError(SipErrc::BadVersion, "status line version is not SIP/2.0");
  }
  return parseRequestLine(line);
}

bool looksLikeSipStartLine(std::string_view line) {
  if (isSipVersionPrefix(line)) {
    // "SIP/2.0 NNN"
    if (line.size() < kSipVersion.size() + 4 || line[kSipVersion.size()] != ' ') return false;
    for (size_t i = kSipVersion.size() + 1; i < kSipVersion.size() + 4; ++i) {
      if (!core::chars::kDigit.contains(line[i])) return false;
    }
    return true;
  }
  size_t m = 0;
  while (m < line.size() && m <= kMaxGateMethodLen && core::chars::kToken.contains(line[m])) ++m;
  if (m == 0 || m > kMaxGateMethodLen || m >= line.size() || line[m] != ' ') return false;
  // "METHOD SP uri SP SIP/2.0": the line must end in " SIP/2.0" with a URI in between.
  if (line.size() < m + 2 + kSipVersion.size() + 1) return false;
  const std::string_view tail = line.substr(line.size() - kSipVersion.size() - 1);
  return tail[0] == ' ' && isSipVersion(tail.substr(1));
}

namespace {

// A start line of SIP's shape that the strict gate refuses: another version number
// ("SIP/7.0 200 OK", "OPTIONS sip:x SIP/7.0", RFC 4475 §3.1.2.16) or whitespace after the
// version (a request line with trailing SP/HTAB). Such a line alone proves little; the caller
// asks for a header line after it as well.
bool looksLikeLooseSipStartLine(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  const size_t first_sp = line.find(' ');
  if (first_sp == std::string_view::npos) return false;
  if (isSipVersionShaped(line.substr(0, first_sp))) {
    // "SIP/x.y NNN ..."
    std::string_view rest = line.substr(first_sp + 1);
    if (rest.size() < 3) return false;
    for (size_t i = 0; i < 3; ++i) {
      if (!core::chars::kDigit.contains(rest[i])) return false;
    }
    return rest.size() == 3 || rest[3] == ' ';
  }
  // "METHOD SP uri SP SIP/x.y"
  if (first_sp == 0 || first_sp > kMaxGateMethodLen) return false;
  for (size_t i = 0; i < first_sp; ++i) {
    if (!core::chars::kToken.contains(line[i])) return false;
  }
  const size_t last_sp = line.rfind(' ');
  return last_sp > first_sp + 1 && isSipVersionShaped(line.substr(last_sp + 1));
}

// "token *WSP ':'": the start of a header field line (RFC 3261 §7.3.1), compact forms included.
bool looksLikeHeaderLine(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && i <= kMaxGateMethodLen && core::chars::kToken.contains(line[i])) ++i;
  if (i == 0) return false;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && line[i] == ':';
}

// The line at `bytes` up to LF, without CR.
std::string_view firstLine(std::string_view bytes, size_t* next) {
  const void* nl = bytes.empty() ? nullptr : std::memchr(bytes.data(), '\n', bytes.size());
  std::string_view line = bytes;
  *next = bytes.size();
  if (nl != nullptr) {
    const auto at = static_cast<size_t>(static_cast<const char*>(nl) - bytes.data());
    line = bytes.substr(0, at);
    *next = at + 1;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

bool looksLikeSip(std::string_view bytes) {
  size_t next = 0;
  const std::string_view line = firstLine(bytes, &next);
  if (looksLikeSipStartLine(line)) return true;
  // Content decides, not a version number: a SIP-shaped first line followed by a header line
  // is SIP, malformed or not, and is kept (the parse flags it).
  if (!looksLikeLooseSipStartLine(line)) return false;
  size_t after = 0;
  return looksLikeHeaderLine(firstLine(bytes.substr(next), &after));
}

}  // namespace siphon::sip
