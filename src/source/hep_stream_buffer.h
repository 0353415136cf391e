#pragma once
// Bytes of one HEPv3 stream (TCP or TLS) in, whole packets to the ingest step out: each packet
// is framed by its own total length (§1.10), and may arrive split or several to a read.

#include <cstddef>
#include <span>
#include <vector>

#include "source/hep_ingest.h"

namespace siphon::source {

class HepStreamBuffer {
 public:
  HepStreamBuffer() = default;
  explicit HepStreamBuffer(Peer peer) : peer_(std::move(peer)) {}

  /// Appends `bytes` and ingests every whole packet. False when the framing broke (bad magic
  /// or length): the caller closes the connection; the drop is already counted.
  [[nodiscard]] bool feed(std::span<const std::byte> bytes, HepIngest& ingest);
  /// The stream ended (either side closed it, or the framing broke): a partial packet still
  /// held is counted as received and dropped (stream_cut), so that every stream balances.
  void finish(HepIngest& ingest);

 private:
  std::vector<std::byte> buffer_;  ///< received, not yet a whole packet
  Peer peer_;                      ///< the other end, which every packet's record names
};

}  // namespace siphon::source
