#pragma once
// Test-only helpers that build frames byte by byte, so each test shows the layout it checks.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

namespace siphon::net::test {

class Bytes {
 public:
  Bytes& u8(uint8_t v) {
    b_.push_back(static_cast<std::byte>(v));
    return *this;
  }
  Bytes& u16(uint16_t v) { return u8(static_cast<uint8_t>(v >> 8)).u8(static_cast<uint8_t>(v)); }
  Bytes& u32(uint32_t v) {
    return u16(static_cast<uint16_t>(v >> 16)).u16(static_cast<uint16_t>(v));
  }
  Bytes& u32le(uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      u8(static_cast<uint8_t>(v >> (8 * i)));
    }
    return *this;
  }
  Bytes& zeros(size_t n) {
    b_.insert(b_.end(), n, std::byte{0});
    return *this;
  }
  Bytes& list(std::initializer_list<uint8_t> v) {
    for (uint8_t x : v) {
      u8(x);
    }
    return *this;
  }
  Bytes& text(std::string_view s) {
    for (char c : s) {
      u8(static_cast<uint8_t>(c));
    }
    return *this;
  }
  Bytes& append(const std::vector<std::byte>& v) {
    b_.insert(b_.end(), v.begin(), v.end());
    return *this;
  }
  [[nodiscard]] const std::vector<std::byte>& bytes() const { return b_; }
  [[nodiscard]] size_t size() const { return b_.size(); }

 private:
  std::vector<std::byte> b_;
};

/// UDP header + payload.
inline std::vector<std::byte> udp(uint16_t sport, uint16_t dport, std::string_view payload) {
  return Bytes()
      .u16(sport)
      .u16(dport)
      .u16(static_cast<uint16_t>(8 + payload.size()))
      .u16(0)
      .text(payload)
      .bytes();
}

/// TCP header (data offset `words`, options zero-filled) + payload.
inline std::vector<std::byte> tcp(uint16_t sport, uint16_t dport, std::string_view payload,
                                  uint8_t words = 5) {
  Bytes b;
  b.u16(sport).u16(dport).u32(1000).u32(2000);
  b.u16(static_cast<uint16_t>((words << 12) | 0x18));  // PSH|ACK
  b.u16(65535).u16(0).u16(0);
  if (words > 5) {
    b.zeros((words - 5) * 4u);
  }
  return b.text(payload).bytes();
}

/// IPv4 header 10.0.0.1 → 10.0.0.2 with `option_words` words of NOP options.
inline std::vector<std::byte> ipv4(uint8_t proto, const std::vector<std::byte>& l4,
                                   uint8_t option_words = 0, uint16_t flags_offset = 0) {
  const uint16_t header = static_cast<uint16_t>(20 + option_words * 4);
  Bytes b;
  b.u8(static_cast<uint8_t>(0x40 | (5 + option_words))).u8(0);
  b.u16(static_cast<uint16_t>(header + l4.size()));
  b.u16(0x1234).u16(flags_offset).u8(64).u8(proto).u16(0);
  b.list({10, 0, 0, 1}).list({10, 0, 0, 2});
  for (int i = 0; i < option_words * 4; ++i) {
    b.u8(1);  // NOP
  }
  return b.append(l4).bytes();
}

/// IPv6 header 2001:db8::1 → 2001:db8::2; `ext` holds extension headers (already chained by
/// the caller), `first_nh` names the first of them (or the transport).
inline std::vector<std::byte> ipv6(uint8_t first_nh, const std::vector<std::byte>& ext_and_l4) {
  Bytes b;
  b.u32(0x60000000).u16(static_cast<uint16_t>(ext_and_l4.size())).u8(first_nh).u8(64);
  b.list({0x20, 0x01, 0x0d, 0xb8}).zeros(11).u8(1);
  b.list({0x20, 0x01, 0x0d, 0xb8}).zeros(11).u8(2);
  return b.append(ext_and_l4).bytes();
}

inline std::vector<std::byte> ethernet(uint16_t ether_type, const std::vector<std::byte>& l3) {
  return Bytes()
      .list({0, 1, 2, 3, 4, 5})
      .list({6, 7, 8, 9, 10, 11})
      .u16(ether_type)
      .append(l3)
      .bytes();
}

using Ipv4Addr = std::array<uint8_t, 4>;

/// IPv4 header with chosen addresses, identification and flags/offset field (no options).
inline std::vector<std::byte> ipv4Between(Ipv4Addr src, Ipv4Addr dst, uint8_t proto,
                                          const std::vector<std::byte>& l4, uint16_t id = 0x1234,
                                          uint16_t flags_offset = 0) {
  Bytes b;
  b.u8(0x45).u8(0).u16(static_cast<uint16_t>(20 + l4.size()));
  b.u16(id).u16(flags_offset).u8(64).u8(proto).u16(0);
  for (uint8_t x : src) {
    b.u8(x);
  }
  for (uint8_t x : dst) {
    b.u8(x);
  }
  return b.append(l4).bytes();
}

/// IPv6 header 2001:db8::<src_last> → 2001:db8::<dst_last>.
inline std::vector<std::byte> ipv6Between(uint8_t src_last, uint8_t dst_last, uint8_t first_nh,
                                          const std::vector<std::byte>& ext_and_l4) {
  Bytes b;
  b.u32(0x60000000).u16(static_cast<uint16_t>(ext_and_l4.size())).u8(first_nh).u8(64);
  b.list({0x20, 0x01, 0x0d, 0xb8}).zeros(11).u8(src_last);
  b.list({0x20, 0x01, 0x0d, 0xb8}).zeros(11).u8(dst_last);
  return b.append(ext_and_l4).bytes();
}

/// IPv6 Fragment header (RFC 8200 §4.5) + fragment data.
inline std::vector<std::byte> ipv6FragmentHeader(uint8_t next, uint16_t offset_bytes, bool more,
                                                 uint32_t id, const std::vector<std::byte>& data) {
  return Bytes()
      .u8(next)
      .u8(0)
      .u16(static_cast<uint16_t>((offset_bytes & 0xFFF8) | (more ? 1 : 0)))
      .u32(id)
      .append(data)
      .bytes();
}

/// GRE header (RFC 2784/2890) with optional checksum, key and sequence number.
inline std::vector<std::byte> gre(uint16_t protocol, const std::vector<std::byte>& payload,
                                  bool checksum = false, std::optional<uint32_t> key = {},
                                  std::optional<uint32_t> seq = {}) {
  uint16_t flags = 0;
  flags |= checksum ? 0x8000 : 0;
  flags |= key ? 0x2000 : 0;
  flags |= seq ? 0x1000 : 0;
  Bytes b;
  b.u16(flags).u16(protocol);
  if (checksum) {
    b.u16(0xBEEF).u16(0);
  }
  if (key) {
    b.u32(*key);
  }
  if (seq) {
    b.u32(*seq);
  }
  return b.append(payload).bytes();
}

/// PPTP's enhanced GRE header (RFC 2637 §4.1): version 1, protocol 0x880B, Payload Length
/// and Call ID, optional sequence and acknowledgement numbers; then the PPP frame.
inline std::vector<std::byte> pptpGre(uint16_t call_id, const std::vector<std::byte>& ppp,
                                      std::optional<uint32_t> seq = {},
                                      std::optional<uint32_t> ack = {}) {
  Bytes b;
  b.u8(static_cast<uint8_t>(0x20 | (seq ? 0x10 : 0)))
      .u8(static_cast<uint8_t>(0x01 | (ack ? 0x80 : 0)))
      .u16(0x880B)
      .u16(static_cast<uint16_t>(ppp.size()))
      .u16(call_id);
  if (seq) b.u32(*seq);
  if (ack) b.u32(*ack);
  return b.append(ppp).bytes();
}

/// A PPP frame around an IP packet: Address and Control (0xFF 0x03) unless compressed, then
/// the protocol (0x0021 IPv4, 0x0057 IPv6) in two bytes or, compressed, one.
inline std::vector<std::byte> pppFrame(const std::vector<std::byte>& ip, bool address_control,
                                       bool compressed_protocol) {
  const bool v4 = !ip.empty() && (std::to_integer<uint8_t>(ip[0]) >> 4) == 4;
  Bytes b;
  if (address_control) b.u8(0xFF).u8(0x03);
  if (!compressed_protocol) b.u8(0x00);
  b.u8(v4 ? 0x21 : 0x57);
  return b.append(ip).bytes();
}

/// ERSPAN type II header (version 1): VLAN, session id, index 0; then the Ethernet frame.
inline std::vector<std::byte> erspanII(uint16_t vlan, uint16_t session,
                                       const std::vector<std::byte>& frame) {
  return Bytes()
      .u32((1u << 28) | (static_cast<uint32_t>(vlan & 0x0FFF) << 16) | (session & 0x03FF))
      .u32(0)
      .append(frame)
      .bytes();
}

/// ERSPAN type III header (version 2), frame type `ft` (0 Ethernet, 2 IP), with the 8-byte
/// platform subheader when `subheader`.
inline std::vector<std::byte> erspanIII(uint16_t vlan, uint16_t session,
                                        const std::vector<std::byte>& frame, bool subheader,
                                        uint8_t ft = 0) {
  Bytes b;
  b.u32((2u << 28) | (static_cast<uint32_t>(vlan & 0x0FFF) << 16) | (session & 0x03FF));
  b.u32(0x12345678);  // timestamp
  b.u32(0x00008000u | (static_cast<uint32_t>(ft & 0x1F) << 10) | (subheader ? 1u : 0u));
  if (subheader) {
    b.u32(0xAAAAAAAA).u32(0xBBBBBBBB);
  }
  return b.append(frame).bytes();
}

/// SCTP DATA chunk (RFC 9260 §3.3.1) padded to 4 bytes.
inline std::vector<std::byte> sctpData(uint32_t tsn, uint32_t ppid, std::string_view data,
                                       uint8_t flags = 0x03) {
  Bytes b;
  b.u8(0).u8(flags).u16(static_cast<uint16_t>(16 + data.size()));
  b.u32(tsn).u16(0).u16(static_cast<uint16_t>(tsn)).u32(ppid).text(data);
  while (b.size() % 4 != 0) {
    b.u8(0);
  }
  return b.bytes();
}

/// SCTP common header + already built chunks.
inline std::vector<std::byte> sctp(uint16_t sport, uint16_t dport,
                                   const std::vector<std::byte>& chunks) {
  return Bytes().u16(sport).u16(dport).u32(0xDEADBEEF).u32(0).append(chunks).bytes();
}

}  // namespace siphon::net::test
