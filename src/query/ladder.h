#pragma once
// The ladder (sequence) diagram of one assembled call, independent of how it is drawn: the
// terminal renderer (ladder_text.h), the SVG/HTML renderer (ladder_svg.h) and the web UI all
// draw this model, so a call looks the same everywhere.
//
//  * columns      one per ip:port, in order of first appearance (source before destination).
//                 A column is labelled with a capture node's name when that node's messages
//                 all have this address at one end and no other address is common to all of
//                 them: an agent captures its own host's traffic, so its address is the one
//                 end every message shares. Unknown otherwise: no guessing.
//  * arrows       one per message per hop, in capture-time order, with the time since the
//                 previous arrow and since the first. The same message (same bytes, same
//                 source and destination) captured at several capture points within
//                 `hop_merge_window_us` is one arrow listing every capture point.
//  * transactions Via branch + CSeq method per leg (RFC 3261 §17.1.3); an ACK whose branch is
//                 an INVITE's belongs to that INVITE transaction (the ACK of a non-2xx final
//                 response, §17.1.1.3), an ACK for a 2xx is a transaction of its own (§13.2.2.4).
//  * retransmissions  the same message again at the same capture point and in the same
//                 direction: same bytes, or same branch, CSeq and method/status.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "query/call_assembly.h"

namespace siphon::query {

struct LadderOptions {
  /// Captures of the same message at different capture points closer than this are one arrow
  /// (clocks of different agents differ a little).
  int64_t hop_merge_window_us = 200'000;
};

struct LadderColumn {
  std::string address;  ///< "ip:port" ("[v6]:port" for IPv6)
  std::string label;    ///< capture node name when known, else ""
};

struct LadderArrow {
  size_t message = 0;  ///< index into CallResult::messages of the first capture
  std::vector<size_t> also_messages;  ///< the same message at other capture points
  size_t from = 0, to = 0;            ///< column indexes
  int64_t ts_us = 0;                  ///< capture time, µs since epoch
  int64_t delta_prev_us = 0;          ///< since the previous arrow
  int64_t delta_first_us = 0;         ///< since the first arrow
  std::string label;                  ///< "INVITE", "200 OK"; "(unparsed)" for a bad message
  bool is_request = false;
  int status = 0;                     ///< reply status code, 0 for requests
  std::string cseq;                   ///< CSeq header value, e.g. "1 INVITE"
  std::string branch;                 ///< top Via branch
  size_t leg = 0;                     ///< index into Ladder::legs (the Call-ID)
  size_t transaction = 0;             ///< index into Ladder::transactions
  bool retransmission = false;
  size_t retransmission_of = 0;       ///< the arrow it repeats (when `retransmission`)
  std::vector<std::string> capture_points;  ///< node names that captured it
  bool has_sdp = false;               ///< body is application/sdp (or multipart holding one)
};

struct LadderTransaction {
  size_t leg = 0;
  std::string branch;
  std::string method;          ///< CSeq method (INVITE for an INVITE transaction's ACK too)
  std::vector<size_t> arrows;  ///< in time order
};

struct Ladder {
  std::vector<LadderColumn> columns;
  std::vector<LadderArrow> arrows;
  std::vector<LadderTransaction> transactions;
  std::vector<std::string> legs;  ///< Call-IDs (CallResult::legs)
  bool truncated = false;         ///< the call was cut (CallResult::truncated)
  std::string truncated_reason;
};

/// Builds the ladder of `call`. The ladder keeps indexes into `call.messages`, which must
/// stay alive as long as the renderers need the message texts.
[[nodiscard]] Ladder buildLadder(const CallResult& call, const LadderOptions& options = {});

/// "ip:port", IPv6 in brackets (RFC 5952 text).
[[nodiscard]] std::string endpointText(const core::IpAddress& ip, uint16_t port);

/// "HH:MM:SS.uuuuuu" UTC of a capture time in µs.
[[nodiscard]] std::string clockText(int64_t ts_us);

/// A delta as "+1.234567" seconds.
[[nodiscard]] std::string deltaText(int64_t delta_us);

}  // namespace siphon::query
