#pragma once
// The ladder as a standalone SVG picture, and as an HTML page that wraps it with the full text
// of every message. The web UI embeds the same SVG: each arrow is a <g class="arrow"> with
// id="arrow-N" and data-index="N" (N = the arrow's index in Ladder::arrows) and
// data-message="M" (its first capture in CallResult::messages), so a click can show message M.
//
// Everything taken from a message (labels, addresses, node names, the message text) is
// XML-escaped; text that is not valid UTF-8 is written byte by byte as Latin-1 character
// references, so the output is always well-formed XML whatever was captured.

#include <string>
#include <string_view>

#include "query/call_assembly.h"
#include "query/ladder.h"

namespace siphon::query {

/// A standalone SVG document (starts with "<svg"), with its own <style>.
[[nodiscard]] std::string renderLadderSvg(const Ladder& ladder, const CallResult& call);

/// A standalone HTML page: the SVG, then one <pre id="msg-N" data-index="N"> per arrow with the
/// message text (headers, then the body, SDP marked with class "sdp"), shown when its arrow is
/// clicked. No external resources.
[[nodiscard]] std::string renderLadderHtml(const Ladder& ladder, const CallResult& call);

/// XML/HTML text escaping as described above (also safe inside attribute values).
[[nodiscard]] std::string xmlEscape(std::string_view text);

}  // namespace siphon::query
