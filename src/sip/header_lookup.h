#pragma once
// One header's value straight from the message bytes, for rules that test a header (routing
// `header = ...`, tracing `header = ...` and `correlation = "header:NAME"`): the record's one
// parse keeps the sip_capture fields, not a header index, and parsing the message again
// (SipMessage copies it and indexes every field) costs more than every other rule together.
// This scans the header section once, up to the first field of that name, and returns a view
// into `message`.

#include <optional>
#include <string_view>

namespace siphon::sip {

/// The value of the first header field named `name` (any case; a compact form matches its long
/// name and the other way round), without its surrounding LWS; nothing when the message has
/// no such field before its empty line or its end.
[[nodiscard]] std::optional<std::string_view> findHeaderValue(std::string_view message,
                                                              std::string_view name);

}  // namespace siphon::sip
