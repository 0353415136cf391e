#pragma once
// `siphon tui`: an interactive terminal UI over a store (ncurses), in the spirit of sngrep.
//
//   call list   the calls of the last --since (default 1 h), newest first, refreshed every
//               --refresh seconds while it shows: time, From, To, method, state, messages
//               (tui/call_list.h; a refresh reads only what was stored since the last one). Up/Down/PgUp/PgDn move, Enter opens the call, '/' types a
//               filter (Call-ID, users, method or state; Enter keeps it, Esc clears it), 'e'
//               writes the call to call-<Call-ID>.pcap, 'q' quits.
//   call        the ladder of every leg (the same call assembly as `siphon flow`), one arrow a
//               line; Up/Down step through the messages, the selected one is printed in full
//               below; 'e' exports; 'q', Esc or Left go back.
//
// Everything captured is shown as printable ASCII (other bytes as '.'): a message cannot send
// escape sequences to the terminal. Works from 80x24 up; resizes follow the terminal.

#include <cstdint>
#include <string>

#include "record/capture_row.h"

namespace siphon::tui {

struct TuiOptions {
  std::string db_url;          ///< sqlite:PATH, postgres://, mysql://, clickhouse://
  std::string since = "-1h";   ///< how far back the call list reaches
  int refresh_ms = 1000;       ///< call list refresh while it shows
  size_t limit = 20'000;       ///< messages read at start, and per refresh, at most (newest first)
  record::CaptureRowOptions row;
};

/// Runs until 'q' on the call list. Returns the exit status (1 when the store cannot be read
/// at start, with the reason on stderr).
int runTui(const TuiOptions& options);

}  // namespace siphon::tui
