// Fuzz target: a sequence of TCP segments cut from the input, through SipTcpExtractor
// (reassembler + SIP framer / WebSocket decoder). Sequence numbers, flags, directions and
// timestamps all come from the input, so reordering, overlaps, wrap, gaps, FIN/RST and expiry
// are all reachable. Checks that every yielded message looks like SIP and that the buffers
// stay within their limits.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/ip_address.h"
#include "net/decoded_packet.h"
#include "sip/start_line.h"
#include "source/sip_tcp_extractor.h"

namespace {

class CheckingSink : public siphon::source::SipStreamSink {
 public:
  void onSipMessage(const siphon::source::SipStreamMessage& m) override {
    if (!siphon::sip::looksLikeSip(m.bytes)) std::abort();
    if (m.flow == nullptr) std::abort();
  }
};

uint32_t loadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siphon;
  // Header: config byte (bit 0 small limits), 4-byte base sequence number.
  // Records: flags byte (bits 0-5 TCP flags FIN SYN RST PSH ACK URG, bit 6 reverse direction,
  // bit 7 second connection), 2-byte offset from the base, 1-byte length, 1-byte time step
  // (ms), then the payload.
  constexpr size_t kHeader = 5;
  if (size < kHeader) {
    return 0;
  }
  source::SipTcpExtractorConfig config;
  if (data[0] & 1) {
    config.tcp.max_flows = 2;
    config.tcp.max_flow_buffered_bytes = 300;
    config.tcp.max_flow_buffered_segments = 3;
    config.tcp.max_total_buffered_bytes = 500;
    config.tcp.gap_timeout_us = 50'000;
    config.tcp.idle_timeout_us = 200'000;
    config.framer.max_header_bytes = 256;
    config.framer.max_body_bytes = 256;
    config.websocket.max_message_bytes = 300;
    config.max_probe_bytes = 64;
    config.max_unconfirmed_bytes = 512;
  }
  const uint32_t base = loadBe32(data + 1);
  source::SipTcpExtractor extractor(config);
  CheckingSink sink;
  const auto a = *core::IpAddress::parse("192.0.2.1");
  const auto b = *core::IpAddress::parse("2001:db8::2");
  uint64_t ts = 1'000'000;
  size_t at = kHeader;
  while (size - at >= 5) {
    const uint8_t flags = data[at];
    const uint32_t offset = (uint32_t{data[at + 1]} << 8) | data[at + 2];
    const size_t len = std::min<size_t>(data[at + 3], size - at - 5);
    ts += uint64_t{data[at + 4]} * 1000;
    at += 5;
    net::DecodedPacket p;
    p.ip_proto = net::kIpProtoTcp;
    const bool reverse = (flags & 0x40) != 0;
    const uint16_t client_port = (flags & 0x80) != 0 ? 40002 : 40001;
    p.src = reverse ? b : a;
    p.dst = reverse ? a : b;
    p.src_port = reverse ? 5060 : client_port;
    p.dst_port = reverse ? client_port : 5060;
    p.tcp.seq = base + offset + (reverse ? 0x80000000u : 0u);
    p.tcp.flags = flags & 0x3F;
    p.payload =
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(data + at), len);  // NOLINT
    at += len;
    extractor.onPacket(p, ts, sink);
    if (extractor.tcpStats().buffered_bytes > config.tcp.max_total_buffered_bytes) std::abort();
  }
  extractor.flush(sink);
  if (extractor.tcpStats().flows != 0 || extractor.tcpStats().buffered_bytes != 0) std::abort();
  return 0;
}
