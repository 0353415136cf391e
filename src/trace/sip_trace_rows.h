#pragma once
// What a traced message needs to become rows of Kamailio's sip_trace table
// (trace_to_database; docs/HEP-AND-MODULES.md §4.6), stamped on the record as Siphon chunks
// 0x5350:0x0006-0x0008 (hep/siphon_chunks.h) that the embedded store keeps and its sip_trace
// views read (store/store_views.h):
//   table        sip_trace, or the rule's `table` (trace_table_avp);
//   traced_user  one row per value of the rule's traced_users fields (traced_user_avp), and
//                one with '' as Kamailio adds when trace_on is 1 (ours always is when a
//                message is traced at all: trace_on = 0 stops every output);
//   direction    "in" when the destination is one of local_addresses (the traced server
//                received it), "out" when the source is, '' when neither is known; a
//                direction the record already carries (the tracer library's caller said
//                which way its message went) is kept.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/address_match.h"
#include "record/record.h"

namespace siphon::trace {

/// The sip_capture fields a rule's traced_users may name.
inline constexpr std::array<std::string_view, 6> kTracedUserFields = {
    "from_user", "to_user", "ruri_user", "pid_user", "contact_user", "auth_user"};

/// "in", "out" or "" for a message between `meta`'s endpoints (see above).
[[nodiscard]] std::string_view traceDirection(const core::CaptureMeta& meta,
                                              std::span<const core::AddressMatch> local);

/// The traced_user values of `r` as a JSON array, "" first, then each named field's value
/// that is not empty. `fields` are names from kTracedUserFields.
[[nodiscard]] std::string tracedUsersJson(const record::Record& r,
                                          std::span<const std::string> fields);

/// Stamps the three chunks on `r`: `table` ("" = sip_trace), the traced users (only when
/// `fields` is not empty) and the direction.
void stampSipTraceRow(record::Record& r, std::string_view table,
                      std::span<const std::string> fields,
                      std::span<const core::AddressMatch> local);

}  // namespace siphon::trace
