#pragma once
// The ladder drawn for a terminal, the way sngrep draws a call flow: one column per host,
// two lines per arrow (label, then the arrow with its capture time and the delta from the
// previous arrow in the left margin). Every line fits `width` columns (longer lines are cut,
// with a final '>' to show it); labels are shortened to fit their arrow.

#include <cstddef>
#include <string>

#include "query/call_assembly.h"
#include "query/ladder.h"

namespace siphon::query {

struct TextLadderOptions {
  size_t width = 120;  ///< terminal columns; at least 40 is used
  bool box = false;    ///< Unicode box-drawing characters instead of ASCII
  bool header = true;  ///< the Call-ID / legs / truncation lines before the diagram
};

/// The whole drawing, lines ending in '\n'. Text from the messages (method, reason phrase,
/// node names) is written with control characters replaced by '?', so a hostile message
/// cannot drive the terminal.
[[nodiscard]] std::string renderLadderText(const Ladder& ladder, const CallResult& call,
                                           const TextLadderOptions& options = {});

}  // namespace siphon::query
