#pragma once
// MediaTracker: which call an RTCP packet belongs to, for an agent that sniffs it.
//
// The agent learns each call's media endpoints from the SDP of the SIP it captures
// (media/sdp_media.h: address and RTCP port per m= line) and remembers them against the
// call's Call-ID. A UDP datagram that is RTCP (media::looksLikeRtcp) and comes from or goes to
// a remembered endpoint is the call's RTCP: the agent sends it as HEP payload type 5 with the
// Call-ID as correlation id (chunk 0x0011), which is how captagent and heplify send it and how
// the collector joins it to the call. RTCP of media no captured SDP announced is not sent.
//
// Bounded: at most `max_endpoints` endpoints; an endpoint unused for `idle_us` (RTCP comes
// every 5 s or so, RFC 3550 §6.2) is forgotten at the next expire(), and when the table is
// full a new endpoint evicts nothing: it is refused and counted. An endpoint announced again
// by another call (a re-INVITE, a reused port) is taken over by the newer call.
//
// One tracker per capture thread; not thread-safe.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/ip_address.h"

namespace siphon::source {

struct MediaTrackerLimits {
  size_t max_endpoints = 65536;
  uint64_t idle_us = 3'600'000'000;  ///< 1 h without RTCP or SDP naming the endpoint
};

struct MediaTrackerStats {
  uint64_t learned = 0;   ///< endpoints added from SDP
  uint64_t refused = 0;   ///< endpoints not added: the table was full
  uint64_t expired = 0;   ///< endpoints forgotten after idle_us
  uint64_t matched = 0;   ///< RTCP datagrams given a call
};

class MediaTracker {
 public:
  explicit MediaTracker(MediaTrackerLimits limits = {}) : limits_(limits) {}

  /// Remembers the media endpoints of the SDP in a SIP message of call `call_id`.
  void learnSdp(std::string_view call_id, std::string_view sdp, uint64_t now_us);

  /// The Call-ID whose media one of the two ends of a datagram is; nullopt when neither.
  /// The view is valid until the next learnSdp() or expire().
  [[nodiscard]] std::optional<std::string_view> callOf(const core::IpAddress& src, uint16_t src_port,
                                                       const core::IpAddress& dst, uint16_t dst_port,
                                                       uint64_t now_us);

  /// Forgets endpoints idle since before now_us - idle_us.
  void expire(uint64_t now_us);

  [[nodiscard]] size_t size() const { return endpoints_.size(); }
  [[nodiscard]] const MediaTrackerStats& stats() const { return stats_; }

 private:
  struct Entry {
    std::string call_id;
    uint64_t last_us = 0;
  };
  using Key = std::pair<core::IpAddress, uint16_t>;

  MediaTrackerLimits limits_;
  std::map<Key, Entry> endpoints_;
  MediaTrackerStats stats_;
};

}  // namespace siphon::source
