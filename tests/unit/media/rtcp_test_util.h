#pragma once
// Helpers of the media tests: files of tests/data and hand-built RTCP.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace siphon::media::test {

inline std::vector<std::byte> readDataFile(const std::string& relative) {
  std::ifstream in(std::string(SIPHON_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  for (size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

/// Big-endian writer for RTCP built by hand.
struct RtcpBuilder {
  std::vector<std::byte> bytes;
  void u8(uint32_t v) { bytes.push_back(static_cast<std::byte>(v & 0xFF)); }
  void u16(uint32_t v) {
    u8(v >> 8);
    u8(v);
  }
  void u32(uint32_t v) {
    u16(v >> 16);
    u16(v);
  }
  /// Common header: V=2, count, packet type, length in words minus one.
  void header(uint32_t count, uint32_t pt, uint32_t words_minus_one, bool padding = false) {
    u8(0x80 | (padding ? 0x20 : 0) | count);
    u8(pt);
    u16(words_minus_one);
  }
  void block(uint32_t ssrc, uint32_t fraction, uint32_t cumulative, uint32_t seq, uint32_t jitter) {
    u32(ssrc);
    u32((fraction << 24) | (cumulative & 0xFFFFFF));
    u32(seq);
    u32(jitter);
    u32(0);
    u32(0);
  }
  /// An XR packet with one VoIP Metrics block (RFC 3611 §4.7) about `source`.
  void xrVoip(uint32_t reporter, uint32_t source, uint8_t loss_rate, uint16_t rtt, uint8_t r,
              uint8_t mos_lq) {
    header(0, 207, 1 + 9);  // SSRC + 4-byte block header + 32 bytes
    u32(reporter);
    u8(7);
    u8(0);
    u16(8);
    u32(source);
    u8(loss_rate);
    u8(0);  // discard rate
    u8(0);  // burst density
    u8(0);  // gap density
    u16(0);  // burst duration
    u16(0);  // gap duration
    u16(rtt);
    u16(40);  // end system delay
    u8(0xA0);  // signal level
    u8(0xB0);  // noise level
    u8(127);   // RERL
    u8(16);    // Gmin
    u8(r);
    u8(127);  // external R
    u8(mos_lq);
    u8(mos_lq);  // MOS-CQ
    u8(0);       // RX config
    u8(0);
    u16(40);
    u16(80);
    u16(120);
  }
};

}  // namespace siphon::media::test
