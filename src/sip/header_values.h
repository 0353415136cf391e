#pragma once
// Splitting a header field value into its comma-separated values (RFC 3261 §7.3.1), and
// iterating over ";name=value" parameter lists. Both are zero-copy over the value text.

#include <optional>
#include <string_view>

#include "core/char_class.h"

namespace siphon::sip {

/// What ends a parameter value that is not a quoted string: ';', ',', '"' and LWS. Every
/// other byte belongs to it: token characters, the host and IPv6 characters
/// ("received=[2001:db8::9:255]", RFC 5118 §4.5), and what senders write in the wild.
inline constexpr core::CharClass kParamValueStop = core::CharClass::of(";,\" \t\r\n");

/// Yields the values of a comma-list header. A comma inside a quoted string (with backslash
/// escapes) or inside <...> does not split. Values are trimmed of LWS and may be empty
/// (";;,;,," gives empty values, which value parsers reject).
class HeaderValueSplitter {
 public:
  explicit HeaderValueSplitter(std::string_view text) : text_(text) {}
  /// Next value, or nullopt when none is left.
  [[nodiscard]] std::optional<std::string_view> next();

 private:
  std::string_view text_;
  size_t pos_ = 0;
  bool done_ = false;
};

/// The first value of a comma-list header value.
[[nodiscard]] std::string_view firstListValue(std::string_view text);

/// One generic-param (RFC 3261 §25.1): name [= value]. `value` of a quoted string keeps
/// its quotes and escapes.
struct Param {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
};

/// Iterates over "*(SEMI generic-param)" text, with LWS allowed around ';' and '='.
class ParamIterator {
 public:
  /// `text` is empty or starts (after optional LWS) with ';'.
  explicit ParamIterator(std::string_view text) : text_(text) {}
  /// Next parameter; false at the end or on malformed text (then failed() is true).
  [[nodiscard]] bool next(Param& out);
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  bool failed_ = false;
};

/// Value of parameter `name` (case-insensitive) in a parameter list; nullopt when absent.
/// A parameter present without a value gives an empty view.
[[nodiscard]] std::optional<std::string_view> findParam(std::string_view params,
                                                        std::string_view name);

/// The value of the first parameter of `params` when that parameter is `name` (a token, any
/// case) written as ";name=value" with a plain value: exactly what ParamIterator gives for it,
/// without walking the grammar. nullopt for any other shape (LWS, a quoted or empty value,
/// another name first): then walk the list with ParamIterator.
[[nodiscard]] std::optional<std::string_view> leadingParamValue(std::string_view params,
                                                                std::string_view name);

/// The parameter value that starts at `start` in `text` (after its "name="), as ParamIterator
/// gives it when it is not a quoted string: up to the first byte of kParamValueStop. nullopt
/// when it is quoted, starts with LWS or is empty (the walk's cases) or `start` is past the
/// end. Its end is searched in all of `text` from `start` on: a short value at the end of a
/// text of 16 bytes or more is tested in one 16-byte block that starts before it
/// (core/block_scan.h), where a view of the value's own parameters went a byte at a time
/// (about 100 instructions per tag: callgrind, agent_bench BM_ExtractTraced/3/2).
[[nodiscard]] std::optional<std::string_view> plainParamValueAt(std::string_view text,
                                                                size_t start);

/// True when every parameter in `params` is well formed (non-empty token names).
[[nodiscard]] bool paramsWellFormed(std::string_view params);

/// Content of a quoted string: `"a\"b"` -> `a\"b` (escapes kept); other text unchanged.
[[nodiscard]] std::string_view unquote(std::string_view text);

}  // namespace siphon::sip
