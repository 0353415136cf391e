#include "source/hep_stream_buffer.h"

namespace siphon::source {

bool HepStreamBuffer::feed(std::span<const std::byte> bytes, HepIngest& ingest) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  size_t offset = 0;
  bool ok = true;
  while (offset < buffer_.size()) {
    std::span<const std::byte> rest(buffer_.data() + offset, buffer_.size() - offset);
    auto len = hep::hep3FrameLength(rest);
    if (!len.has_value()) {
      ok = false;
      break;
    }
    if (*len == 0 || *len > rest.size()) break;  // need more bytes
    ingest.accept(rest.first(*len), /*from_stream=*/true, peer_);
    offset += *len;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset));
  if (!ok) {
    ingest.streamBroken();
    buffer_.clear();  // counted: what followed the last whole packet is gone
  }
  return ok;
}

void HepStreamBuffer::finish(HepIngest& ingest) {
  if (!buffer_.empty()) ingest.streamCut();
  buffer_.clear();
}

}  // namespace siphon::source
