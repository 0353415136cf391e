#include "sip/header_values.h"

#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::sip {
namespace {

using core::chars::kLws;

// Characters allowed in a parameter value that is not a quoted string: token chars plus the
// host/IPv6 characters ("received=[2001:db8::9:255]", RFC 5118 §4.5) and a few seen in the
// wild; stops at ';', ',', LWS.
// Characters the list splitter must look at; everything else is skipped with one load.
constexpr core::CharClass kSplitSpecial = core::CharClass::of("\"<>,");
constexpr core::CharClass kParamValueStop = core::CharClass::of(";,\" \t\r\n");

// Skips a quoted string starting at text[i] == '"'; returns the offset after the closing
// quote, or npos when unterminated. Backslash escapes one character (RFC 3261 quoted-pair).
size_t skipQuoted(std::string_view text, size_t i) {
  ++i;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '"') return i + 1;
    ++i;
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> HeaderValueSplitter::next() {
  if (done_) return std::nullopt;
  const size_t begin = pos_;
  size_t i = pos_;
  bool in_angle = false;
  while (i < text_.size()) {
    const char c = text_[i];
    if (!kSplitSpecial.contains(c)) {
      ++i;
      continue;
    }
    if (c == '"') {
      const size_t after = skipQuoted(text_, i);
      if (after == std::string_view::npos) {
        i = text_.size();  // unterminated: the rest is one value; its parser reports it
        break;
      }
      i = after;
      continue;
    }
    if (c == '<') in_angle = true;
    if (c == '>') in_angle = false;
    if (c == ',' && !in_angle) break;
    ++i;
  }
  std::string_view value = core::trimLws(text_.substr(begin, i - begin));
  if (i >= text_.size()) {
    done_ = true;
    pos_ = text_.size();
  } else {
    pos_ = i + 1;
  }
  return value;
}

std::string_view firstListValue(std::string_view text) {
  HeaderValueSplitter split(text);
  auto v = split.next();
  return v ? *v : std::string_view{};
}

bool ParamIterator::next(Param& out) {
  if (failed_) return false;
  core::TextCursor cur(text_);
  if (!cur.skip(pos_)) return false;
  cur.skipWhile(kLws);
  if (cur.empty()) {
    pos_ = text_.size();
    return false;
  }
  if (!cur.consume(';')) {
    failed_ = true;
    return false;
  }
  cur.skipWhile(kLws);
  out.name = cur.takeWhile(core::chars::kToken);
  if (out.name.empty()) {
    failed_ = true;  // ";;" or ";=x": RFC 4475 badinv01
    return false;
  }
  cur.skipWhile(kLws);
  out.value = {};
  out.has_value = false;
  if (cur.consume('=')) {
    cur.skipWhile(kLws);
    out.has_value = true;
    if (cur.peekIs('"')) {
      const std::string_view rest = cur.rest();
      const size_t after = skipQuoted(rest, 0);
      if (after == std::string_view::npos) {
        failed_ = true;
        return false;
      }
      out.value = *cur.take(after);
    } else {
      out.value = cur.takeUntil(kParamValueStop);
      if (out.value.empty()) {
        failed_ = true;  // "branch=" with nothing after it
        return false;
      }
    }
  }
  pos_ = cur.position();
  return true;
}

std::optional<std::string_view> findParam(std::string_view params, std::string_view name) {
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
    if (core::equalsIgnoreCase(p.name, name)) return p.value;
  }
  return std::nullopt;
}

bool paramsWellFormed(std::string_view params) {
  ParamIterator it(params);
  Param p;
  while (it.next(p)) {
  }
  return !it.failed();
}

std::string_view unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

}  // namespace siphon::sip
