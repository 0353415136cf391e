#include "hep/hep_chunk_types.h"

#include <array>

namespace siphon::hep {
namespace {

using VT = ChunkValueType;

// Sizes follow spec rev 37's value types. The fixed types that OpenSIPS and heplify check
// (0x01-0x0c, 0x12) are checked by every decoder; the rest are checked too because the spec
// gives them an unambiguous width. MAC chunks say "uint64" for a 6-byte value, so no size is
// required of them.
constexpr std::array kCatalogue = {
    ChunkTypeInfo{0x0000, "reserved", VT::None, 0},
    ChunkTypeInfo{0x0001, "ip_family", VT::Uint8, 1},
    ChunkTypeInfo{0x0002, "ip_proto", VT::Uint8, 1},
    ChunkTypeInfo{0x0003, "src_ip4", VT::Inet4, 4},
    ChunkTypeInfo{0x0004, "dst_ip4", VT::Inet4, 4},
    ChunkTypeInfo{0x0005, "src_ip6", VT::Inet6, 16},
    ChunkTypeInfo{0x0006, "dst_ip6", VT::Inet6, 16},
    ChunkTypeInfo{0x0007, "src_port", VT::Uint16, 2},
    ChunkTypeInfo{0x0008, "dst_port", VT::Uint16, 2},
    ChunkTypeInfo{0x0009, "ts_sec", VT::Uint32, 4},
    ChunkTypeInfo{0x000a, "ts_usec", VT::Uint32, 4},
    ChunkTypeInfo{0x000b, "payload_type", VT::Uint8, 1},
    ChunkTypeInfo{0x000c, "capture_id", VT::Uint32, 4},
    ChunkTypeInfo{0x000d, "keepalive", VT::Uint16, 2},
    ChunkTypeInfo{0x000e, "auth_key", VT::OctetString, 0},
    ChunkTypeInfo{0x000f, "payload", VT::OctetString, 0},
    ChunkTypeInfo{0x0010, "compressed_payload", VT::OctetString, 0},
    ChunkTypeInfo{0x0011, "correlation_id", VT::OctetString, 0},
    ChunkTypeInfo{0x0012, "vlan_id", VT::Uint16, 2},
    ChunkTypeInfo{0x0013, "node_name", VT::OctetString, 0},
    ChunkTypeInfo{0x0014, "src_mac", VT::Uint64, 0},
    ChunkTypeInfo{0x0015, "dst_mac", VT::Uint64, 0},
    ChunkTypeInfo{0x0016, "ether_type", VT::Uint16, 2},
    ChunkTypeInfo{0x0017, "tcp_flags", VT::Uint8, 1},
    ChunkTypeInfo{0x0018, "ip_tos", VT::Uint8, 1},
    ChunkTypeInfo{0x0019, "reserved_0x0019", VT::None, 0},
    ChunkTypeInfo{0x001a, "reserved_0x001a", VT::None, 0},
    ChunkTypeInfo{0x001b, "reserved_0x001b", VT::None, 0},
    ChunkTypeInfo{0x001c, "reserved_0x001c", VT::None, 0},
    ChunkTypeInfo{0x001d, "reserved_0x001d", VT::None, 0},
    ChunkTypeInfo{0x001e, "reserved_0x001e", VT::None, 0},
    ChunkTypeInfo{0x001f, "reserved_0x001f", VT::None, 0},
    ChunkTypeInfo{0x0020, "mos", VT::Uint16, 2},
    ChunkTypeInfo{0x0021, "r_factor", VT::Uint16, 2},
    ChunkTypeInfo{0x0022, "geo_location", VT::OctetString, 0},
    ChunkTypeInfo{0x0023, "jitter", VT::Uint32, 4},
    ChunkTypeInfo{0x0024, "transaction_type", VT::OctetString, 0},
    ChunkTypeInfo{0x0025, "payload_json_keys", VT::OctetString, 0},
    ChunkTypeInfo{0x0026, "tag_values", VT::OctetString, 0},
    ChunkTypeInfo{0x0027, "tag_type", VT::Uint16, 2},
    ChunkTypeInfo{0x0028, "event_type", VT::Uint16, 2},
    ChunkTypeInfo{0x0029, "group_id", VT::OctetString, 0},
    ChunkTypeInfo{0x0065, "extra_correlation", VT::OctetString, 0},
};

// The table is indexed by type for 0x0000-0x0029; keep it dense so the lookup is one load.
constexpr bool denseUpTo0x29() {
  for (size_t i = 0; i + 1 < kCatalogue.size(); ++i) {
    if (kCatalogue[i].type != i) return false;
  }
  return kCatalogue.back().type == 0x0065 && kCatalogue.size() == 0x2a + 1;
}
static_assert(denseUpTo0x29(), "catalogue must list 0x0000-0x0029 densely, then 0x0065");

}  // namespace

std::span<const ChunkTypeInfo> genericChunkCatalogue() { return kCatalogue; }

const ChunkTypeInfo* genericChunkInfo(uint16_t type) {
  if (type < 0x2a) return &kCatalogue[type];
  if (type == wire(ChunkType::ExtraCorrelation)) return &kCatalogue.back();
  return nullptr;
}

}  // namespace siphon::hep
