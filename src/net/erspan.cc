#include "net/erspan.h"

#include "core/byte_reader.h"

namespace siphon::net {

namespace {

// The version nibble at the top of the first ERSPAN word (type II = 1, type III = 2).
constexpr uint8_t kVersionTypeII = 1;
constexpr uint8_t kVersionTypeIII = 2;
// Type III frame types (the 5-bit FT field).
constexpr uint8_t kFrameTypeEthernet = 0;
constexpr uint8_t kFrameTypeIp = 2;

NetError badErspan(std::string_view why) { return NetError{NetErrc::BadErspanHeader, why}; }

// Both typed headers open with: Ver(4) VLAN(12) | COS(3) En/BSO(2) T(1) Session ID(10).
struct FirstWord {
  uint8_t version;
  uint16_t vlan;
  uint16_t session_id;
};
FirstWord splitFirstWord(uint32_t w) {
  return FirstWord{static_cast<uint8_t>(w >> 28), static_cast<uint16_t>((w >> 16) & 0x0FFF),
                   static_cast<uint16_t>(w & 0x03FF)};
}

core::Result<EtherPayload, NetError> ipByVersion(std::span<const std::byte> bytes) {
  core::ByteReader r(bytes);
  auto first = r.readU8();
  if (!first) {
    return core::unexpected(truncatedError("erspan ip frame"));
  }
  switch (*first >> 4) {
    case 4:
      return EtherPayload{kEtherTypeIpv4, bytes};
    case 6:
      return EtherPayload{kEtherTypeIpv6, bytes};
    default:
      return core::unexpected(NetError{NetErrc::BadIpHeader, "erspan ip frame version"});
  }
}

}  // namespace

bool isErspan(uint16_t gre_protocol) {
  return gre_protocol == kEtherTypeErspanII || gre_protocol == kEtherTypeErspanIII;
}

core::Result<ErspanHeader, NetError> decodeErspan(const GreHeader& gre) {
  ErspanHeader h;
  core::ByteReader r(gre.payload);
  if (gre.protocol == kEtherTypeErspanII) {
    if (!gre.has_sequence) {
      // Type I has no ERSPAN header; the S bit is what tells it from type II.
      h.type = 1;
      h.inner = EtherPayload{kEtherTypeTransparentEthernet, gre.payload};
      return h;
    }
    auto w0 = r.readU32be();
    auto w1 = r.readU32be();  // reserved(12) index(20): nothing we report
    if (!w0 || !w1) {
      return core::unexpected(truncatedError("erspan type ii header"));
    }
    FirstWord f = splitFirstWord(*w0);
    if (f.version != kVersionTypeII) {
      return core::unexpected(badErspan("erspan type ii version not 1"));
    }
    h.type = 2;
    h.vlan = f.vlan;
    h.session_id = f.session_id;
    h.inner = EtherPayload{kEtherTypeTransparentEthernet, r.rest()};
    return h;
  }
  if (gre.protocol != kEtherTypeErspanIII) {
    return core::unexpected(NetError{NetErrc::UnsupportedTunnel, "gre protocol not erspan"});
  }
  auto w0 = r.readU32be();
  auto timestamp = r.readU32be();
  auto w2 = r.readU32be();  // SGT(16) P(1) FT(5) HW ID(6) D(1) Gra(2) O(1)
  if (!w0 || !timestamp || !w2) {
    return core::unexpected(truncatedError("erspan type iii header"));
  }
  FirstWord f = splitFirstWord(*w0);
  if (f.version != kVersionTypeIII) {
    return core::unexpected(badErspan("erspan type iii version not 2"));
  }
  if ((*w2 & 0x1) != 0 && !r.skip(kErspanIIISubheaderBytes)) {
    return core::unexpected(truncatedError("erspan type iii platform subheader"));
  }
  h.type = 3;
  h.vlan = f.vlan;
  h.session_id = f.session_id;
  const auto frame_type = static_cast<uint8_t>((*w2 >> 10) & 0x1F);
  if (frame_type == kFrameTypeEthernet) {
    h.inner = EtherPayload{kEtherTypeTransparentEthernet, r.rest()};
    return h;
  }
  if (frame_type == kFrameTypeIp) {
    SIPHON_ASSIGN_OR_RETURN(h.inner, ipByVersion(r.rest()));
    return h;
  }
  return core::unexpected(NetError{NetErrc::UnsupportedTunnel, "erspan frame type"});
}

}  // namespace siphon::net
