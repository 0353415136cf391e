#include "sip/tag_and_branch.h"

#include <cstdint>

#include "core/block_scan.h"
#include "core/char_class.h"
#include "sip/field_views.h"
#include "sip/header_values.h"

namespace siphon::sip {
namespace {

using core::block_scan::findAnyOf;
using core::chars::kLws;

// The tag of the header parameters that follow a name-addr's URI, which ends before `i`:
// LWS, then ';' and the parameters; anything else after the URI makes the value no name-addr
// (splitNameAddr() finds none), and no tag.
std::string_view tagOfParams(std::string_view value, size_t i) {
  while (i < value.size() && kLws.contains(value[i])) ++i;
  if (i == value.size() || value[i] != ';') return {};
  return tagParamIn(value, value.substr(i));
}

// ";branch=" as one little-endian word, and the bits that make its letters match either case.
constexpr uint64_t word8(const char (&text)[9], bool fold_letters) {
  uint64_t w = 0;
  for (size_t i = 0; i < 8; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool letter = c >= 'a' && c <= 'z';
    w |= uint64_t{fold_letters ? (letter ? 0x20u : 0u) : c} << (8 * i);
  }
  return w;
}
constexpr uint64_t kBranchWord = word8(";branch=", false);
constexpr uint64_t kBranchFold = word8(";branch=", true);

}  // namespace

std::optional<std::string_view> quickTag(std::string_view value) {
  // splitNameAddr() trims the value first: one without LWS at either end is its own trim.
  const size_t n = value.size();
  if (n == 0 || kLws.contains(value.front()) || kLws.contains(value.back())) return std::nullopt;
  size_t lt;
  if (value[0] == '"') {
    // The quoted display name ends at the next '"' when no '\' escapes one before it; then,
    // after LWS, the '<'. Any other shape (an escape, no '<') takes the general route.
    const size_t close = findAnyOf<'"', '\\'>(value, 1);
    if (close == n || value[close] != '"') return std::nullopt;
    size_t i = close + 1;
    while (i < n && kLws.contains(value[i])) ++i;
    if (i == n || value[i] != '<') return std::nullopt;
    lt = i;
  } else {
    lt = findAnyOf<'<'>(value, 0);  // the first '<', wherever it is
    if (lt == n) {
      // No '<': an addr-spec (sipp, the RFC 4475 messages), up to its first ';' or LWS.
      const size_t end = findAnyOf<';', ' ', '\t', '\r', '\n'>(value, 0);
      return end == n ? std::string_view{} : tagOfParams(value, end);
    }
  }
  const size_t gt = findAnyOf<'>'>(value, lt + 1);
  if (gt == n) return std::string_view{};  // no '>': no name-addr, no tag
  return tagOfParams(value, gt + 1);
}

std::optional<std::string_view> quickTopBranch(std::string_view value) {
  if constexpr (!core::swar::kLittleEndian) return std::nullopt;
  const size_t n = value.size();
  // viaBranch() starts at the first ';' of the list's first value. Before that ';' there is
  // only the sent-protocol and sent-by; a ',' there ends the first value, and a '"' or '<'
  // changes how the list splitter reads on: the general route's.
  size_t i = findAnyOf<';', ',', '"', '<'>(value, 0);
  if (i == n) return std::string_view{};  // no parameters: no branch
  if (value[i] != ';') return std::nullopt;
  // The parameter walk, for `;name` and `;name=value` without LWS or quotes. It never steps
  // over a ',' or a '"': so the list splitter, whose first value ends at the first ',' outside
  // quotes, has not ended that value before the branch.
  for (;;) {  // value[i] == ';'
    if (n - i >= 8 && (core::swar::load8(value.data() + i) | kBranchFold) == kBranchWord) {
      // The first branch parameter: its value as the walk gives it, unless it is quoted,
      // empty or after LWS (plainParamValueAt() declines those).
      return plainParamValueAt(value, i + 8);
    }
    size_t j = i + 1;
    const size_t name = j;
    while (j < n && core::chars::kToken.contains(value[j])) ++j;
    if (j == name) return std::nullopt;  // ";;" or ";=": the walk fails there
    if (j - name == 6 && core::equalsIgnoreCase(value.substr(name, 6), "branch")) {
      return std::nullopt;  // a branch without '=' right after it: the walk decides
    }
    if (j < n && value[j] == '=') {
      const size_t start = ++j;
      while (j < n && !kParamValueStop.contains(value[j])) ++j;
      if (j == start) return std::nullopt;  // empty, quoted or after LWS
    }
    if (j == n) return std::string_view{};     // the last parameter, and no branch
    if (value[j] != ';') return std::nullopt;  // LWS, ',', '"' or another byte
    i = j;
  }
}

}  // namespace siphon::sip
