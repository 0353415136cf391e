#pragma once
// Strict UTF-8 validation (RFC 3629): decides whether a payload can be printed as JSON text.

#include <string>
#include <string_view>

namespace siphon::record {

/// True when `text` is well-formed UTF-8: no overlong forms, no surrogates (U+D800..DFFF), no
/// code point above U+10FFFF, no truncated sequence. The same rules nlohmann::json enforces
/// when it serializes, so a string that passes here never makes dump() throw.
[[nodiscard]] bool isValidUtf8(std::string_view text);

/// Appends `text` as a database's text column takes it: valid UTF-8 without NUL bytes, each
/// byte that is neither replaced by U+FFFD. PostgreSQL and MySQL (utf8mb4) refuse invalid text
/// and with it the whole batch; one bad header value must not cost the batch. The raw bytes
/// stay in the msg column.
void appendDatabaseText(std::string& out, std::string_view text);

}  // namespace siphon::record
