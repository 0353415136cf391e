#include "source/media_tracker.h"

#include <array>

#include "media/sdp_media.h"

namespace siphon::source {

void MediaTracker::learnSdp(std::string_view call_id, std::string_view sdp, uint64_t now_us) {
  if (call_id.empty()) return;
  std::array<media::MediaEndpoint, 8> found;  // audio, video, T.38, ...: more is not a call
  const size_t n = media::sdpMediaEndpoints(sdp, found);
  for (size_t i = 0; i < n; ++i) {
    // v4-mapped addresses and plain IPv4 are one address on the wire.
    const Key key{found[i].address.unmapped(), found[i].rtcp_port};
    auto it = endpoints_.find(key);
    if (it == endpoints_.end()) {
      if (endpoints_.size() >= limits_.max_endpoints) {
        ++stats_.refused;
        continue;
      }
      it = endpoints_.emplace(key, Entry{}).first;
      ++stats_.learned;
    }
    if (it->second.call_id != call_id) it->second.call_id.assign(call_id);
    it->second.last_us = now_us;
  }
}

std::optional<std::string_view> MediaTracker::callOf(const core::IpAddress& src, uint16_t src_port,
                                                     const core::IpAddress& dst, uint16_t dst_port,
                                                     uint64_t now_us) {
  if (endpoints_.empty()) return std::nullopt;
  for (const Key& key : {Key{dst.unmapped(), dst_port}, Key{src.unmapped(), src_port}}) {
    auto it = endpoints_.find(key);
    if (it == endpoints_.end()) continue;
    it->second.last_us = std::max(it->second.last_us, now_us);
    ++stats_.matched;
    return std::string_view(it->second.call_id);
  }
  return std::nullopt;
}

void MediaTracker::expire(uint64_t now_us) {
  if (now_us < limits_.idle_us) return;
  const uint64_t cutoff = now_us - limits_.idle_us;
  for (auto it = endpoints_.begin(); it != endpoints_.end();) {
    if (it->second.last_us < cutoff) {
      it = endpoints_.erase(it);
      ++stats_.expired;
    } else {
      ++it;
    }
  }
}

}  // namespace siphon::source
