#pragma once
// A captured message as one JSON object (docs/CLI.md "Records as JSON"), as `decode` prints
// it and the search/HTTP API does: the Kamailio sip_capture column names, plus what HEP
// carries beyond them (hep_version, capture_id, payload_type, has_auth_key, other chunks),
// the payload as `msg` (valid UTF-8) or `msg_b64` (byte-exact base64), and `parse_error`
// only when a SIP payload did not parse.
//
// The keys are the JSON columns of capture_columns.h, in its order, so they are filled the
// same way as in the stores.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/capture.h"
#include "record/capture_row.h"
#include "record/parsed_sip.h"

namespace siphon::record {

/// Builds the record's JSON object from its parse. Every column key is present (empty string
/// / 0 when the message does not have it). Payload types other than SIP (1) carry no
/// parse_error. Without `with_message`, the message itself (msg / msg_b64) is left out, as
/// lists of records show them. Never throws for any payload bytes.
[[nodiscard]] nlohmann::ordered_json recordJson(const core::CaptureMeta& meta,
                                                const ParsedSip& parsed,
                                                const CaptureRowOptions& options = {},
                                                bool with_message = true);
/// The same for a record not parsed yet: parses it once (parseSip) first.
[[nodiscard]] nlohmann::ordered_json recordJson(const core::CaptureMeta& meta,
                                                const CaptureRowOptions& options = {});

/// The same object written straight into `out` (appended), without building it first: the
/// text recordJson(...).dump() gives, byte for byte, several times faster (the live tail
/// writes one per stored record). False, with `out` as it was, for a record with a text that
/// is not UTF-8 (a node name, say) where recordJson would have to decide: the caller then
/// dumps recordJson() with the error handler it wants.
[[nodiscard]] bool appendRecordJson(std::string& out, const core::CaptureMeta& meta,
                                    const ParsedSip& parsed, const CaptureRowOptions& options = {},
                                    bool with_message = true);

/// The record's JSON text: appendRecordJson's, or where it declines, recordJson's dump with
/// every byte that is not UTF-8 replaced by U+FFFD.
[[nodiscard]] std::string recordJsonText(const core::CaptureMeta& meta, const ParsedSip& parsed,
                                         const CaptureRowOptions& options = {}, bool with_message = true);

/// RFC 3339 UTC time with microseconds: "2009-05-21T12:34:56.123456Z".
[[nodiscard]] std::string formatRfc3339Micros(int64_t micros_since_epoch);

/// Lower-case hex of bytes, for chunk values.
[[nodiscard]] std::string hexBytes(std::span<const std::byte> bytes);

}  // namespace siphon::record
