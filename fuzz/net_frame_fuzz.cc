// Fuzzes frame decoding (link layer → VLAN → PPPoE → IPv4/IPv6 → tunnels (IP-in-IP, GRE,
// ERSPAN, PPTP with PPP) → UDP/TCP/SCTP), and the SCTP DATA chunk walk over what it finds.
// Input: the first byte picks the link type (index into kLinkTypes, modulo its size), the rest
// is the frame. Seeds in corpus/net_frame/ are real frames prefixed that way, tunnel seeds
// among them (frames of tests/data/pcap/synthetic__sip_tunnels.pcap, synthetic__sip_pptp.pcap
// and the ERSPAN captures).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "net/frame_decoder.h"
#include "net/link_type.h"
#include "net/sctp.h"

namespace {

using siphon::net::LinkType;

constexpr std::array<LinkType, 10> kLinkTypes = {
    LinkType::Ethernet,   LinkType::LinuxSll, LinkType::LinuxSll2, LinkType::RawDlt,
    LinkType::RawOpenBsd, LinkType::Raw,      LinkType::Ipv4,      LinkType::Ipv6,
    LinkType::Null,       LinkType::Loop,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const auto link_type = static_cast<uint32_t>(kLinkTypes[data[0] % kLinkTypes.size()]);
  std::span<const std::byte> frame(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
  auto p = siphon::net::decodeFrame(link_type, frame);
  if (p) {
    // Touch every view so that ASan checks they lie inside the input.
    volatile std::byte sink{};
    for (auto s : {p->ip_packet, p->l4, p->payload}) {
      for (std::byte b : s) {
        sink = b;
      }
    }
    (void)sink;
    if (p->ip_proto == siphon::net::kIpProtoSctp && !p->isFragment()) {
      auto chunks = siphon::net::forEachSctpData(p->payload, [&](const auto& chunk) {
        for (std::byte b : chunk.user_data) {
          sink = b;
        }
      });
      (void)chunks;
    }
  }
  return 0;
}
