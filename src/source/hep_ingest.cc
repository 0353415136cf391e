#include "source/hep_ingest.h"

#include <chrono>

namespace siphon::source {

bool HepIngest::accept(std::span<const std::byte> packet, bool from_stream) {
  stats_.received.fetch_add(1, std::memory_order_relaxed);
  if (!capture_.accepting()) {
    stats_.drop(core::DropReason::CaptureOff);
    return false;
  }
  if (options_.plain_sip && !from_stream && !hep::looksLikeHep(packet)) {
    auto plain = options_.plain_sip(packet);
    if (!plain) {
      stats_.drop(core::DropReason::NoXHeaders);  // Kamailio: neither stored nor relayed
      return false;
    }
    return push(std::move(*plain));
  }
  hep::DecodeOptions decode = options_.decode;
  if (from_stream) decode.accept_v1_v2 = false;  // only "HEP3" frames a stream (§1.1)
  auto capture = hep::decodeHepCapture(std::vector<std::byte>(packet.begin(), packet.end()), decode);
  if (!capture.has_value()) {
    stats_.drop(core::DropReason::BadHep);
    return false;
  }
  if (!options_.auth_key.empty() &&
      (!capture->meta.has_auth_key || capture->meta.auth_key != options_.auth_key)) {
    stats_.drop(core::DropReason::AuthKey);
    return false;
  }
  if (capture->meta.ts_sec == 0) {
    // HEPv1 (and senders that send no time) get the arrival time, as Kamailio does (§2.1).
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    capture->meta.ts_sec = static_cast<uint32_t>(us / 1'000'000);
    capture->meta.ts_usec = static_cast<uint32_t>(us % 1'000'000);
  }
  return push(std::move(*capture));
}

bool HepIngest::push(core::Capture&& capture) {
  const size_t weight = capture.footprint();
  size_t lane = selector_ ? selector_->lane(capture.meta, listener_) : 0;
  if (lane >= lanes_.size()) lane = 0;
  if (!lanes_[lane]->tryPush(std::move(capture), weight)) {
    stats_.drop(core::DropReason::QueueFull);
    return false;
  }
  return true;
}

}  // namespace siphon::source
