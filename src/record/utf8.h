#pragma once
// Strict UTF-8 validation (RFC 3629): decides whether a payload can be printed as JSON text.

#include <string_view>

namespace siphon::record {

/// True when `text` is well-formed UTF-8: no overlong forms, no surrogates (U+D800..DFFF), no
/// code point above U+10FFFF, no truncated sequence. The same rules nlohmann::json enforces
/// when it serializes, so a string that passes here never makes dump() throw.
[[nodiscard]] bool isValidUtf8(std::string_view text);

}  // namespace siphon::record
