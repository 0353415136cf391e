#pragma once
// Cursor over untrusted text, the text twin of ByteReader (STYLE.md §5). Never throws, never
// reads outside its view; every step checks what remains. Returned views borrow the text the
// cursor was built on.

#include <cstddef>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/char_class.h"

namespace siphon::core {

class TextCursor {
 public:
  constexpr TextCursor() = default;
  constexpr explicit TextCursor(std::string_view in) : in_(in) {}

  [[nodiscard]] constexpr size_t remaining() const { return in_.size() - pos_; }
  [[nodiscard]] constexpr size_t position() const { return pos_; }
  [[nodiscard]] constexpr bool empty() const { return pos_ == in_.size(); }
  /// The text not consumed yet.
  [[nodiscard]] constexpr std::string_view rest() const { return in_.substr(pos_); }
  /// The text consumed since position `from` (clamped to the current position).
  [[nodiscard]] constexpr std::string_view since(size_t from) const {
    if (from > pos_) return {};
    return in_.substr(from, pos_ - from);
  }

  /// Next character without consuming it; nullopt at the end.
  [[nodiscard]] constexpr std::optional<char> peek() const {
    if (empty()) return std::nullopt;
    return in_[pos_];
  }
  [[nodiscard]] constexpr bool peekIs(char c) const { return !empty() && in_[pos_] == c; }
  [[nodiscard]] constexpr bool peekIn(const CharClass& cls) const {
    return !empty() && cls.contains(in_[pos_]);
  }
  /// Consumes `c` if it is next.
  [[nodiscard]] constexpr bool consume(char c) {
    if (!peekIs(c)) return false;
    ++pos_;
    return true;
  }
  /// Next n characters, or nullopt (nothing consumed) when fewer remain.
  [[nodiscard]] constexpr std::optional<std::string_view> take(size_t n) {
    if (n > remaining()) return std::nullopt;  // compare with what is left: no overflow
    auto out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  [[nodiscard]] constexpr bool skip(size_t n) {
    if (n > remaining()) return false;
    pos_ += n;
    return true;
  }
  /// Consumes characters while they are in `cls`; returns them (maybe empty).
  constexpr std::string_view takeWhile(const CharClass& cls) {
    size_t start = pos_;
    while (pos_ < in_.size() && cls.contains(in_[pos_])) ++pos_;
    return in_.substr(start, pos_ - start);
  }
  /// Consumes characters until one in `cls` (not consumed) or the end.
  constexpr std::string_view takeUntil(const CharClass& cls) {
    size_t start = pos_;
    while (pos_ < in_.size() && !cls.contains(in_[pos_])) ++pos_;
    return in_.substr(start, pos_ - start);
  }
  constexpr void skipWhile(const CharClass& cls) {
    while (pos_ < in_.size() && cls.contains(in_[pos_])) ++pos_;
  }
  /// Text up to (not including) the next `c`, which is left in place; nullopt and nothing
  /// consumed if `c` does not occur.
  [[nodiscard]] std::optional<std::string_view> takeUntilChar(char c) {
    const char* base = in_.data() + pos_;
    const void* hit = remaining() ? std::memchr(base, c, remaining()) : nullptr;
    if (hit == nullptr) return std::nullopt;
    size_t n = static_cast<size_t>(static_cast<const char*>(hit) - base);
    auto out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  /// With the cursor just after an opening '"': the quoted text up to the closing '"' (both
  /// consumed), backslash escapes kept as written. nullopt when the string is unterminated.
  [[nodiscard]] constexpr std::optional<std::string_view> takeQuotedBody() {
    const size_t start = pos_;
    while (pos_ < in_.size()) {
      if (in_[pos_] == '\\') {
        if (in_.size() - pos_ < 2) return std::nullopt;  // escape cut by the end
        pos_ += 2;
        continue;
      }
      if (in_[pos_] == '"') {
        auto body = in_.substr(start, pos_ - start);
        ++pos_;
        return body;
      }
      ++pos_;
    }
    return std::nullopt;
  }
  /// Consumes everything left.
  constexpr std::string_view takeRest() {
    auto out = in_.substr(pos_);
    pos_ = in_.size();
    return out;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

/// `s` without leading and trailing blanks (SP, HTAB): configuration values.
[[nodiscard]] constexpr std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// `s` without leading and trailing LWS (SP, HTAB, CR, LF of folded lines).
[[nodiscard]] constexpr std::string_view trimLws(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && chars::kLws.contains(s[b])) ++b;
  while (e > b && chars::kLws.contains(s[e - 1])) --e;
  return s.substr(b, e - b);
}

}  // namespace siphon::core
