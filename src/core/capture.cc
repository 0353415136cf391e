#include "core/capture.h"

namespace siphon::core {

std::string_view transportName(Transport t) {
  switch (t) {
    case Transport::Tcp:
      return "tcp";
    case Transport::Tls:
      return "tls";
    case Transport::Sctp:
      return "sctp";
    case Transport::Ws:
      return "ws";
    case Transport::Wss:
      return "wss";
    case Transport::Udp:
    case Transport::Unknown:
      break;
  }
  return "udp";
}

Transport CaptureMeta::transport() const {
  // IP protocol ids as HEP senders use them (HEP-AND-MODULES.md §1.7).
  switch (ip_proto) {
    case 17:
      return Transport::Udp;
    case 6:
      return Transport::Tcp;
    case 22:
      return Transport::Tls;
    case 132:
      return Transport::Sctp;
    case 50:
      return Transport::Ws;
    default:
      return Transport::Unknown;
  }
}

Capture sniffedCapture(const Flow& flow, int64_t ts_us, std::vector<std::byte> payload) {
  Capture c;
  c.raw = std::move(payload);
  auto& m = c.meta;
  m.hep_version = 0;
  m.ip_family = flow.src.isV6() ? 10 : 2;
  m.ip_proto = flow.ip_proto;
  m.src_ip = flow.src;
  m.dst_ip = flow.dst;
  m.src_port = flow.src_port;
  m.dst_port = flow.dst_port;
  m.ts_sec = static_cast<uint32_t>(ts_us / 1'000'000);
  m.ts_usec = static_cast<uint32_t>(ts_us % 1'000'000);
  m.payload_type = 1;
  m.payload = c.raw;
  return c;
}

}  // namespace siphon::core
