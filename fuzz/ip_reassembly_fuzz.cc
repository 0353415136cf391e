// Fuzzes IP fragment reassembly (IpReassembler) fed with fragments cut from the input, and the
// decoding of every datagram it completes (decodeIpPacket).
//
// Input: a sequence of records. Each starts with a control byte:
//   bit 7 set   raw record: a big-endian u16 length L, then L bytes (fewer at the end of the
//               input) decoded as a bare IP packet; a fragment goes to the reassembler.
//   bit 7 clear built record: bit 0 IPv6, bit 1 more fragments, bits 2-3 datagram id (0..3),
//               bits 4-6 time step (0-6: +0..30 s of capture time; 7: 20 s backwards); then a
//               big-endian u16 (fragment offset in 8-byte units, 13 bits) and a big-endian u16
//               data length (11 bits), then the data bytes (fewer at the end of the input).
// Limits are small so that eviction, budget and timeout paths are reached quickly. After each
// record the byte budget must hold.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "net/frame_decoder.h"
#include "net/ip_reassembler.h"

namespace {

using siphon::net::DecodedPacket;

void touch(std::span<const std::byte> s) {
  volatile std::byte sink{};
  for (std::byte b : s) {
    sink = b;
  }
  (void)sink;
}

void putBe16(std::vector<std::byte>& v, uint16_t x) {
  v.push_back(static_cast<std::byte>(x >> 8));
  v.push_back(static_cast<std::byte>(x));
}

std::vector<std::byte> buildFragment(uint8_t ctl, uint16_t offset_units,
                                     std::span<const std::byte> data) {
  const bool v6 = (ctl & 0x01) != 0;
  const bool more = (ctl & 0x02) != 0;
  const auto id = static_cast<uint16_t>((ctl >> 2) & 0x03);
  std::vector<std::byte> p;
  if (!v6) {
    const uint8_t head[] = {0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
    for (uint8_t b : head) {
      p.push_back(static_cast<std::byte>(b));
    }
    const auto total = static_cast<uint16_t>(20 + data.size());
    p[2] = static_cast<std::byte>(total >> 8);
    p[3] = static_cast<std::byte>(total);
    p[5] = static_cast<std::byte>(id);
    const auto flags = static_cast<uint16_t>((more ? 0x2000 : 0) | (offset_units & 0x1FFF));
    p[6] = static_cast<std::byte>(flags >> 8);
    p[7] = static_cast<std::byte>(flags);
  } else {
    const uint8_t head[] = {0x60, 0, 0, 0, 0, 0, 44, 64};
    for (uint8_t b : head) {
      p.push_back(static_cast<std::byte>(b));
    }
    for (int a = 0; a < 2; ++a) {
      p.push_back(std::byte{0x20});
      p.push_back(std::byte{0x01});
      p.insert(p.end(), 13, std::byte{0});
      p.push_back(static_cast<std::byte>(a + 1));
    }
    const auto payload = static_cast<uint16_t>(8 + data.size());
    p[4] = static_cast<std::byte>(payload >> 8);
    p[5] = static_cast<std::byte>(payload);
    p.push_back(std::byte{17});
    p.push_back(std::byte{0});
    putBe16(p, static_cast<uint16_t>(((offset_units & 0x1FFF) << 3) | (more ? 1 : 0)));
    putBe16(p, 0);
    putBe16(p, id);
  }
  p.insert(p.end(), data.begin(), data.end());
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  siphon::net::IpReassemblyLimits limits;
  limits.max_total_bytes = 256 * 1024;
  limits.max_pending = 16;
  limits.timeout = std::chrono::seconds(60);
  siphon::net::IpReassembler reassembler(limits);
  std::chrono::nanoseconds now = std::chrono::seconds(1000);
  std::chrono::nanoseconds latest = now;

  auto take = [&in](size_t n) {
    n = std::min(n, in.size());
    auto out = in.first(n);
    in = in.subspan(n);
    return out;
  };
  auto be16 = [&take]() -> uint16_t {
    auto b = take(2);
    uint16_t v = 0;
    for (std::byte x : b) {
      v = static_cast<uint16_t>((v << 8) | static_cast<uint8_t>(x));
    }
    return v;
  };

  for (size_t records = 0; !in.empty() && records < 4096; ++records) {
    const auto ctl = static_cast<uint8_t>(take(1)[0]);
    std::vector<std::byte> packet;
    if ((ctl & 0x80) != 0) {
      auto raw = take(be16());
      packet.assign(raw.begin(), raw.end());
    } else {
      const unsigned step = (ctl >> 4) & 0x07;
      now += step == 7 ? std::chrono::nanoseconds(std::chrono::seconds(-20))
                       : std::chrono::nanoseconds(std::chrono::seconds(5 * step));
      const uint16_t offset = be16();
      const auto len = static_cast<uint16_t>(be16() & 0x07FF);
      packet = buildFragment(ctl, offset, take(len));
      latest = std::max(latest, now);
    }
    auto decoded = siphon::net::decodeIpPacket(packet);
    if (!decoded || !decoded->isFragment()) {
      continue;
    }
    auto datagram = reassembler.add(*decoded, now);
    if (reassembler.pendingBytes() > limits.max_total_bytes) {
      std::abort();  // the budget is the reassembler's promise
    }
    if (datagram) {
      auto whole = siphon::net::decodeIpPacket(*datagram);
      if (whole) {
        touch(whole->ip_packet);
        touch(whole->payload);
      }
    }
  }
  reassembler.expire(latest + std::chrono::hours(1));
  if (reassembler.pendingDatagrams() != 0 || reassembler.pendingBytes() != 0) {
    std::abort();
  }
  return 0;
}
