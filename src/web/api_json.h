#pragma once
// The JSON objects of the API (notes/api_contract.md): a record is record::recordJson() (the
// object `siphon search --format jsonl` prints) plus "id"; search results leave out the message
// text (msg / msg_b64), which /api/v1/message/{id} and the call route carry.

#include <string>

#include <nlohmann/json.hpp>

#include "query/call_quality.h"

#include "core/capture.h"
#include "query/call_assembly.h"
#include "query/ladder.h"
#include "record/capture_row.h"
#include "record/parsed_sip.h"

namespace siphon::web {

/// The record (with its one SIP parse) with "id" first. `with_message` keeps msg / msg_b64.
[[nodiscard]] nlohmann::ordered_json recordWithId(const core::CaptureMeta& meta,
                                                  const record::ParsedSip& sip,
                                                  const std::string& id, bool with_message,
                                                  const record::CaptureRowOptions& options);

/// {"call_id", "legs":[{"call_id","messages"}], "truncated", "truncated_reason", "messages",
/// "media"}. `call_id` is the Call-ID or correlation id asked for; "media" is mediaJson().
[[nodiscard]] nlohmann::ordered_json callJson(const query::CallResult& call,
                                              const std::string& call_id,
                                              const record::CaptureRowOptions& options);

/// The call's RTCP summed up per stream: {"rtcp_records", "unreadable", "streams":[{"ssrc",
/// "ssrc_hex", "from", "to", "cname", "packets", "octets", "lost", "loss_pct", "avg_jitter_ms",
/// "max_jitter_ms", "mos", "mos_source" ("rtcp_xr" or "estimated"), "reports",
/// "first_micro_ts", "last_micro_ts", "samples":[{"micro_ts", "fraction_lost_pct",
/// "cumulative_lost", "highest_seq", "jitter_ms", "mos"}]}]}.
[[nodiscard]] nlohmann::ordered_json mediaJson(const query::CallQuality& quality);

/// {"columns":[...], "arrows":[...]} plus "legs", "truncated", "truncated_reason".
[[nodiscard]] nlohmann::ordered_json ladderJson(const query::Ladder& ladder,
                                                const query::CallResult& call);

}  // namespace siphon::web
