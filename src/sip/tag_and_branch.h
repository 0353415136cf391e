#pragma once
// The From/To tag and the top Via branch of one header value, found in one pass over the
// common shapes: what the tracer's scope-key scan (scope_keys.h) reads on every message.
//
// Why. Finding the tags and the branch was half of that scan: pipeline_bench BM_KeysScan_Mix
// took 167 ns per message, and 80 ns without them. The general route takes several passes
// over each value, each a call of its own: trimLws, the list splitter's memchr for a ',',
// memchr for the ';' and for '<' and '>', the quoted display name byte by byte, and for a Via
// whose branch is not its first parameter (`;rport;branch=`: PJSIP, Linphone, the load
// generator) the parameter grammar's walk with a 16-byte block scan per value.
//
// How. quickTag() finds the closing quote of a display name, the '<' and the '>' each with one
// compare per 16 bytes (core::block_scan::findAnyOf), and a leading ";tag=" value's end in the
// whole value (tagParamIn). quickTopBranch() finds the first ';' (or a ',', '"' or '<' before
// it, which it leaves to the general route) the same way, then walks the parameters before
// `;branch=` with a byte loop that knows only plain `;name` and `;name=value` and compares
// `;branch=` as one 8-byte word.
//
// Same answer, or none. Each answers only where it can follow the general route's steps
// exactly (field_views.h: tagParam(splitNameAddr(v)) and viaBranch(firstListValue(v))), and
// returns nullopt on anything else: an escape in the display name, LWS around a parameter's
// '=' or ';', a quoted value, a comma among a Via's parameters. The caller then takes the
// general route. sip/tag_and_branch_test holds them equal on every From, To and Via
// value at hand and on the shapes each declines; sip_message_fuzz compares them on the fuzz
// corpus.

#include <optional>
#include <string_view>

namespace siphon::sip {

/// tagParam(splitNameAddr(value).params) when splitNameAddr finds a name-addr, else empty;
/// nullopt: the value is out of the common shape, take that route.
[[nodiscard]] std::optional<std::string_view> quickTag(std::string_view value);

/// viaBranch(firstListValue(value)) of a Via header value; nullopt: the value is out of the
/// common shape, take that route.
[[nodiscard]] std::optional<std::string_view> quickTopBranch(std::string_view value);

}  // namespace siphon::sip
