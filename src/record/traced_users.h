#pragma once
// The traced_user values of a traced message (siptrace's traced_user_avp, §4.3): the JSON
// array of strings the agent's tracing rules stamp as Siphon chunk 0x5350:0x0007
// (trace/sip_trace_rows.h), "" first. A writer of sip_trace rows makes one row per value.
//
// The chunk is untrusted when it arrives over HEP: anything but a JSON array of strings reads
// as the one row [""] (as the embedded store's views read it), and the list is cut at
// kMaxTracedUsers so that a hostile chunk cannot multiply a message into unbounded rows.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace siphon::record {

/// Rows one message may become at most (Kamailio's AVP list has no bound; a rule names at most
/// six fields, so 16 leaves room for senders that add more).
inline constexpr size_t kMaxTracedUsers = 16;

/// The values of `json` (an array of strings), or {""} when it is empty or not such an array.
/// At most kMaxTracedUsers values.
[[nodiscard]] std::vector<std::string> tracedUserList(std::string_view json);

}  // namespace siphon::record
