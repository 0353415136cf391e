#pragma once
// Why an RTCP payload (or an agent's JSON rendering of one) could not be read.

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace siphon::media {

enum class MediaErrc : uint8_t {
  Truncated,      ///< fewer bytes than a header or an advertised length needs
  BadVersion,     ///< RTP version is not 2 (RFC 3550 §6.4.1)
  NotRtcp,        ///< the first packet type is not an RTCP report (SR, RR, SDES, BYE, APP, FB, XR)
  BadLength,      ///< a packet's length field does not fit its report count
  BadJson,        ///< a JSON report that does not parse, or is not an object
  Empty,          ///< a JSON report with none of the fields a report has
};

using MediaError = core::ErrorOf<MediaErrc>;

/// Stable lower-case name of a code ("bad_version").
[[nodiscard]] std::string_view mediaErrcName(MediaErrc code);

}  // namespace siphon::media
