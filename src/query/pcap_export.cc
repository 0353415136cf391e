#include "query/pcap_export.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "query/ladder.h"

namespace siphon::query {
namespace {

constexpr size_t kIpv4Header = 20, kIpv6Header = 40, kUdpHeader = 8, kTcpHeader = 20;
constexpr size_t kMaxIpLength = 65535;  // IPv4 total length / IPv6 payload length field
constexpr uint32_t kSnapLen = 262144;

void put8(std::vector<std::byte>& o, uint8_t v) { o.push_back(static_cast<std::byte>(v)); }
void put16be(std::vector<std::byte>& o, uint16_t v) {
  put8(o, static_cast<uint8_t>(v >> 8));
  put8(o, static_cast<uint8_t>(v));
}
void put32be(std::vector<std::byte>& o, uint32_t v) {
  put16be(o, static_cast<uint16_t>(v >> 16));
  put16be(o, static_cast<uint16_t>(v));
}
// pcap headers are in the writer's byte order; we always write little-endian.
void put16le(std::vector<std::byte>& o, uint16_t v) {
  put8(o, static_cast<uint8_t>(v));
  put8(o, static_cast<uint8_t>(v >> 8));
}
void put32le(std::vector<std::byte>& o, uint32_t v) {
  put16le(o, static_cast<uint16_t>(v));
  put16le(o, static_cast<uint16_t>(v >> 16));
}
void putBytes(std::vector<std::byte>& o, std::span<const std::byte> b) { o.insert(o.end(), b.begin(), b.end()); }
void set16be(std::vector<std::byte>& o, size_t at, uint16_t v) {
  o[at] = static_cast<std::byte>(v >> 8);
  o[at + 1] = static_cast<std::byte>(v);
}

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

// 16 bytes of an address as IPv6: IPv4 as ::ffff:a.b.c.d, none as ::.
std::array<std::byte, 16> asV6(const core::IpAddress& ip) {
  std::array<std::byte, 16> b{};
  auto bytes = ip.bytes();
  if (ip.isV6()) {
    std::memcpy(b.data(), bytes.data(), 16);
  } else if (ip.isV4()) {
    b[10] = b[11] = std::byte{0xff};
    std::memcpy(b.data() + 12, bytes.data(), 4);
  }
  return b;
}

std::array<std::byte, 4> asV4(const core::IpAddress& ip) {
  std::array<std::byte, 4> b{};
  if (ip.isV4()) std::memcpy(b.data(), ip.bytes().data(), 4);
  return b;
}

// A stable locally administered MAC per host: 02:00 + 4 bytes folded from the address.
std::array<std::byte, 6> macOf(const core::IpAddress& ip) {
  std::array<std::byte, 6> mac{std::byte{0x02}, std::byte{0x00}};
  auto bytes = ip.bytes();
  for (size_t i = 0; i < bytes.size(); ++i) mac[2 + i % 4] ^= bytes[i];
  return mac;
}

uint32_t sumWords(std::span<const std::byte> data, uint32_t sum) {
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) {
    sum += static_cast<uint32_t>(std::to_integer<uint8_t>(data[i])) << 8 | std::to_integer<uint8_t>(data[i + 1]);
    sum = (sum & 0xffff) + (sum >> 16);
  }
  if (i < data.size()) sum += static_cast<uint32_t>(std::to_integer<uint8_t>(data[i])) << 8;
  return (sum & 0xffff) + (sum >> 16);
}

}  // namespace

uint16_t internetChecksum(std::span<const std::byte> data, uint32_t sum) {
  sum = sumWords(data, sum);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

void appendPcapFileHeader(std::vector<std::byte>& out) {
  put32le(out, 0xa1b2c3d4);  // microsecond timestamps
  put16le(out, 2);
  put16le(out, 4);
  put32le(out, 0);  // thiszone: timestamps are UTC
  put32le(out, 0);  // sigfigs
  put32le(out, kSnapLen);
  put32le(out, 1);  // LINKTYPE_ETHERNET
}

PcapBuilder::PcapBuilder() { appendPcapFileHeader(out_); }

uint32_t& PcapBuilder::nextSeq(const std::string& flow_key) {
  auto [it, inserted] = flows_.emplace(flow_key, 0);
  if (inserted) it->second = fnv1a(flow_key);  // a plausible initial sequence number
  return it->second;
}

void PcapBuilder::add(const core::CaptureMeta& meta) {
  core::IpAddress src = meta.src_ip.unmapped(), dst = meta.dst_ip.unmapped();
  bool v6 = src.isV6() || dst.isV6();
  core::Transport t = meta.transport();
  bool tcp = t == core::Transport::Tcp || t == core::Transport::Tls || t == core::Transport::Ws ||
             t == core::Transport::Wss;
  size_t ip_header = v6 ? kIpv6Header : kIpv4Header;
  // IPv6's length field excludes its own header; IPv4's includes it.
  size_t room = kMaxIpLength - (v6 ? 0 : ip_header);
  if (!tcp && meta.payload.size() > room - kUdpHeader) {
    tcp = true;  // cannot have been one datagram: see the header comment
    ++stats_.udp_as_tcp;
  }
  ++stats_.messages;
  if (!tcp) {
    frame(meta, false, meta.payload, 0, 0);
    return;
  }
  std::string fwd = endpointText(src, meta.src_port) + ">" + endpointText(dst, meta.dst_port);
  std::string rev = endpointText(dst, meta.dst_port) + ">" + endpointText(src, meta.src_port);
  uint32_t ack = nextSeq(rev);
  uint32_t& seq = nextSeq(fwd);
  size_t max_segment = room - kTcpHeader;
  auto rest = meta.payload;
  do {
    auto seg = rest.first(std::min(rest.size(), max_segment));
    frame(meta, true, seg, seq, ack);
    seq += static_cast<uint32_t>(seg.size());  // wraps modulo 2^32 like TCP's
    rest = rest.subspan(seg.size());
  } while (!rest.empty());
}

void PcapBuilder::frame(const core::CaptureMeta& meta, bool tcp, std::span<const std::byte> payload,
                        uint32_t seq, uint32_t ack) {
  core::IpAddress src = meta.src_ip.unmapped(), dst = meta.dst_ip.unmapped();
  bool v6 = src.isV6() || dst.isV6();
  uint8_t proto = tcp ? 6 : 17;

  std::vector<std::byte> l4;
  l4.reserve((tcp ? kTcpHeader : kUdpHeader) + payload.size());
  size_t l4_len = (tcp ? kTcpHeader : kUdpHeader) + payload.size();
  put16be(l4, meta.src_port);
  put16be(l4, meta.dst_port);
  if (tcp) {
    put32be(l4, seq);
    put32be(l4, ack);
    put8(l4, 5 << 4);  // data offset: 5 words, no options
    put8(l4, 0x18);    // PSH | ACK
    put16be(l4, 65535);
    put16be(l4, 0);  // checksum, below
    put16be(l4, 0);  // urgent pointer
  } else {
    put16be(l4, static_cast<uint16_t>(l4_len));
    put16be(l4, 0);  // checksum, below
  }
  putBytes(l4, payload);

  // Pseudo-header sum: RFC 768 / RFC 9293 §3.1 (IPv4), RFC 8200 §8.1 (IPv6).
  std::vector<std::byte> pseudo;
  if (v6) {
    auto s = asV6(src), d = asV6(dst);
    putBytes(pseudo, s);
    putBytes(pseudo, d);
    put32be(pseudo, static_cast<uint32_t>(l4_len));
    put32be(pseudo, proto);
  } else {
    auto s = asV4(src), d = asV4(dst);
    putBytes(pseudo, s);
    putBytes(pseudo, d);
    put8(pseudo, 0);
    put8(pseudo, proto);
    put16be(pseudo, static_cast<uint16_t>(l4_len));
  }
  uint16_t csum = internetChecksum(l4, sumWords(pseudo, 0));
  if (!tcp && csum == 0) csum = 0xffff;  // RFC 768: 0 means "no checksum"
  set16be(l4, tcp ? 16 : 6, csum);

  std::vector<std::byte> frame;
  frame.reserve(14 + kIpv6Header + l4.size());
  putBytes(frame, macOf(dst));
  putBytes(frame, macOf(src));
  put16be(frame, v6 ? 0x86dd : 0x0800);
  if (v6) {
    put32be(frame, 0x60000000);
    put16be(frame, static_cast<uint16_t>(l4.size()));
    put8(frame, proto);
    put8(frame, 64);
    putBytes(frame, asV6(src));
    putBytes(frame, asV6(dst));
  } else {
    size_t at = frame.size();
    put8(frame, 0x45);
    put8(frame, 0);
    put16be(frame, static_cast<uint16_t>(kIpv4Header + l4.size()));
    put16be(frame, ip_id_++);
    put16be(frame, 0x4000);  // don't fragment
    put8(frame, 64);
    put8(frame, proto);
    put16be(frame, 0);
    putBytes(frame, asV4(src));
    putBytes(frame, asV4(dst));
    set16be(frame, at + 10, internetChecksum(std::span(frame).subspan(at, kIpv4Header)));
  }
  putBytes(frame, l4);

  put32le(out_, meta.ts_sec);
  put32le(out_, meta.ts_usec);
  put32le(out_, static_cast<uint32_t>(frame.size()));
  put32le(out_, static_cast<uint32_t>(frame.size()));
  putBytes(out_, frame);
  ++stats_.frames;
}

core::Result<void, core::Failure> writeFile(const std::string& path, std::span<const std::byte> bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return core::unexpected(core::Failure{path + ": cannot create: " + std::strerror(errno), 1});
  size_t n = std::fwrite(bytes.data(), 1, bytes.size(), f);
  int err = errno;
  if (std::fclose(f) != 0 || n != bytes.size()) {
    return core::unexpected(core::Failure{path + ": write failed: " + std::strerror(err), 1});
  }
  return {};
}

}  // namespace siphon::query
