#include "net/gre.h"

#include "core/byte_reader.h"

namespace siphon::net {

namespace {
// RFC 2784 §2 / RFC 2890 §2: C (checksum present), R (RFC 1701 routing present), K (key
// present), S (sequence number present), then reserved bits, then a 3-bit version.
constexpr uint16_t kChecksumBit = 0x8000;
constexpr uint16_t kRoutingBit = 0x4000;
constexpr uint16_t kKeyBit = 0x2000;
constexpr uint16_t kSequenceBit = 0x1000;
constexpr uint16_t kVersionMask = 0x0007;
// RFC 2637 §4.1: in version 1, the first bit of the second byte says an acknowledgement
// number is present.
constexpr uint16_t kAckBit = 0x0080;
constexpr uint16_t kVersionPptp = 1;

// The rest of a PPTP header after the sequence number: the acknowledgement, then exactly
// Payload Length bytes of PPP.
core::Result<GreHeader, NetError> finishPptp(GreHeader gre, bool has_ack, core::ByteReader& r) {
  if (has_ack) {
    auto ack = r.readU32be();
    if (!ack) return core::unexpected(truncatedError("gre acknowledgement number"));
    gre.has_ack = true;
    gre.ack = *ack;
  }
  const uint16_t length = static_cast<uint16_t>(gre.key >> 16);
  if (length == 0) {  // §4.1: a packet with no payload only acknowledges
    return core::unexpected(NetError{NetErrc::UnsupportedTunnel, "pptp gre without payload"});
  }
  auto payload = r.take(length);
  if (!payload) return core::unexpected(truncatedError("pptp payload length past packet"));
  gre.payload = *payload;
  return gre;
}
}  // namespace

core::Result<GreHeader, NetError> decodeGre(std::span<const std::byte> bytes) {
  core::ByteReader r(bytes);
  auto flags = r.readU16be();
  auto protocol = r.readU16be();
  if (!flags || !protocol) {
    return core::unexpected(truncatedError("gre header"));
  }
  const uint16_t version = *flags & kVersionMask;
  if (version > kVersionPptp) {
    return core::unexpected(NetError{NetErrc::UnsupportedTunnel, "gre version not 0 or 1"});
  }
  if (version == kVersionPptp && (*protocol != kGreProtocolPpp || (*flags & kKeyBit) == 0)) {
    return core::unexpected(NetError{NetErrc::UnsupportedTunnel, "gre version 1 not pptp"});
  }
  if ((*flags & kRoutingBit) != 0) {
    return core::unexpected(NetError{NetErrc::BadGreHeader, "gre routing bit set"});
  }
  // Other reserved bits (strict source route, recursion control, flags) are ignored: RFC 2784
  // §2.5.1 only asks receivers to discard on bits 1-5, and of those only R changes the layout.
  GreHeader gre;
  gre.version = static_cast<uint8_t>(version);
  gre.protocol = *protocol;
  gre.has_checksum = (*flags & kChecksumBit) != 0;
  gre.has_key = (*flags & kKeyBit) != 0;
  gre.has_sequence = (*flags & kSequenceBit) != 0;
  if (gre.has_checksum && !r.skip(4)) {  // checksum + reserved1
    return core::unexpected(truncatedError("gre checksum"));
  }
  if (gre.has_key) {
    auto key = r.readU32be();
    if (!key) {
      return core::unexpected(truncatedError("gre key"));
    }
    gre.key = *key;
  }
  if (gre.has_sequence) {
    auto seq = r.readU32be();
    if (!seq) {
      return core::unexpected(truncatedError("gre sequence number"));
    }
    gre.sequence = *seq;
  }
  if (version == kVersionPptp) return finishPptp(gre, (*flags & kAckBit) != 0, r);
  gre.payload = r.rest();
  return gre;
}

}  // namespace siphon::net
