#pragma once
// The JSON objects of the API (notes/api_contract.md): a record is record::recordJson() (the
// object `siphon search --format jsonl` prints) plus "id"; search results leave out the message
// text (msg / msg_b64), which /api/v1/message/{id} and the call route carry.

#include <string>

#include <nlohmann/json.hpp>

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

/// {"call_id", "legs":[{"call_id","messages"}], "truncated", "truncated_reason", "messages"}.
/// `call_id` is the Call-ID or correlation id asked for.
[[nodiscard]] nlohmann::ordered_json callJson(const query::CallResult& call,
                                              const std::string& call_id,
                                              const record::CaptureRowOptions& options);

/// {"columns":[...], "arrows":[...]} plus "legs", "truncated", "truncated_reason".
[[nodiscard]] nlohmann::ordered_json ladderJson(const query::Ladder& ladder,
                                                const query::CallResult& call);

}  // namespace siphon::web
