#pragma once
// PacketSource: where captured frames come from (a pcap/pcapng file now; a live interface
// later). One interface because there are several kinds and because tests feed frames through
// it.
//
// Pull model: next() hands out one frame at a time. The returned view borrows the source's
// buffer and stays valid only until the next call to next() or until the source is destroyed;
// copy the bytes to keep them. A source is used from one thread.
//
// Live sources (live_pcap_source.h, ipip_raw_source.h) must return even when nothing arrives,
// so that the caller can look at its stop flag: they hand out an *idle* RawPacket
// (`idle == true`, no bytes) after each quiet poll interval. Idle means "nothing yet", never
// "end of input"; nullopt still means the end (a live source ends after stop()). File sources
// never return idle packets.

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
  bool idle = false;  ///< live sources: no frame this poll interval (bytes empty); skip it

  /// The "nothing yet" value a live source returns after a quiet poll interval.
  [[nodiscard]] static RawPacket idleTick() {
    RawPacket p;
    p.idle = true;
    return p;
  }

  [[nodiscard]] uint32_t tsUsec() const { return ts_nsec / 1000; }
  [[nodiscard]] bool cutBySnaplen() const { return wire_length > bytes.size(); }
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;
  /// The next frame; nullopt at the end of the input. An error (a file cut in the middle of a
  /// record, a device gone) ends the input as well; its message names the source.
  [[nodiscard]] virtual core::Result<std::optional<RawPacket>, core::Failure> next() = 0;
  /// Asks the source to end: a next() blocked in another thread returns soon, and later calls
  /// return nullopt. Callable from any thread. Sources whose next() never waits (files) need
  /// not override it; the caller checks its own stop flag between frames.
  virtual void stop() {}
};

}  // namespace siphon::source
