#pragma once
// PacketSource: where captured frames come from (a pcap/pcapng file now; a live interface
// later). One interface because there are several kinds and because tests feed frames through
// it.
//
// Pull model: next() hands out one frame at a time. The returned view borrows the source's
// buffer and stays valid only until the next call to next() or until the source is destroyed;
// copy the bytes to keep them. A source is used from one thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/result.h"

namespace siphon::source {

/// One captured frame, as the capture layer recorded it.
struct RawPacket {
  uint32_t ts_sec = 0;       ///< capture time, seconds since the Unix epoch (UTC)
  uint32_t ts_nsec = 0;      ///< nanoseconds within the second (µs files: a multiple of 1000)
  uint32_t link_type = 0;    ///< DLT_ value of the frame's link layer (net::LinkType)
  uint32_t wire_length = 0;  ///< length on the wire; above bytes.size() when the snaplen cut it
  std::span<const std::byte> bytes;  ///< the captured bytes (borrowed, see above)

  [[nodiscard]] uint32_t tsUsec() const { return ts_nsec / 1000; }
  [[nodiscard]] bool cutBySnaplen() const { return wire_length > bytes.size(); }
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;
  /// The next frame; nullopt at the end of the input. An error (a file cut in the middle of a
  /// record, a device gone) ends the input as well; its message names the source.
  [[nodiscard]] virtual core::Result<std::optional<RawPacket>, core::Failure> next() = 0;
};

}  // namespace siphon::source
