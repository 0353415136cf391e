#pragma once
// A captured message as one short line (`siphon decode --format text`):
//   2009-05-21T12:34:56.123456Z 10.0.0.1:5060 -> 10.0.0.2:5060 UDP INVITE call-id=abc@host
// then " parse_error=<reason>" when a SIP payload did not parse; non-SIP payload types show
// "payload_type=N (B bytes)" instead of the SIP part.

#include <string>

#include "core/capture.h"
#include "record/capture_row.h"
#include "record/parsed_sip.h"

namespace siphon::record {

[[nodiscard]] std::string recordText(const core::CaptureMeta& meta, const ParsedSip& parsed);
/// The same for a record not parsed yet: parses it once (parseSip) first.
[[nodiscard]] std::string recordText(const core::CaptureMeta& meta,
                                     const CaptureRowOptions& options = {});

}  // namespace siphon::record
