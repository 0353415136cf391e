#pragma once
// The `event` column of Homer-6 report rows (docs/HEP-AND-MODULES.md §3.4): OpenSIPS parses the
// payload as JSON and stores the value of its key "Event" (an xlog line is sent as
// {"Event": "<level>", "text": "<log line>"}, §5.4), or '' when the payload is not JSON or has
// no such key.
//
// The payload is untrusted: it is read with a SAX handler that keeps nothing but that one
// value (no document is built, so a deep or huge payload costs no memory), and a payload that
// does not parse as a whole yields '' as OpenSIPS's cJSON_Parse failure does.

#include <cstddef>
#include <span>
#include <string>

namespace siphon::record {

/// The top-level "Event" string of a JSON object payload; '' otherwise (not JSON, not an
/// object, no such key, or a value that is not a string).
[[nodiscard]] std::string jsonEvent(std::span<const std::byte> payload);

}  // namespace siphon::record
