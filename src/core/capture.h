#pragma once
// Capture: the record every source produces and every sink consumes (ARCHITECTURE.md).
//
// CaptureMeta holds the HEP-level metadata. Its views (payload, strings, chunk values) point
// into bytes owned elsewhere: into the packet a decoder was given, or, inside a Capture, into
// Capture::raw / Capture::inflated. Capture is move-only so that those views, which point into
// the vectors' heap buffers, stay valid when the record moves between stages.

#include <cstddef>
#include <cstdint>
#include <forward_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace siphon::core {

/// Kamailio's internal transport enum, which the sip_capture `proto` column stores (§2.4).
enum class Transport : uint8_t { Unknown = 0, Udp = 1, Tcp = 2, Tls = 3, Sctp = 4, Ws = 5, Wss = 6 };

/// "udp", "tcp", "tls", "sctp", "ws" or "wss", as Kamailio prints a protocol; "udp" for
/// Unknown (a HEP sender that named none sent SIP over UDP, as Kamailio assumes).
[[nodiscard]] std::string_view transportName(Transport t);

/// A HEP chunk kept as it came: unknown generic types, vendor chunks, and known chunks that
/// have no field of their own. Re-encoded unchanged on relay.
struct ChunkView {
  uint16_t vendor = 0;
  uint16_t type = 0;
  std::span<const std::byte> value;
};

struct CaptureMeta {
  uint8_t hep_version = 0;     ///< 1, 2, 3; 0 when the record was not HEP (sniffed SIP)
  uint8_t ip_family = 0;       ///< raw family value as sent: 2 (IPv4), 10 (IPv6)
  uint8_t ip_proto = 0;        ///< raw IP protocol id as sent: 17, 6, 22 (TLS), 132, 50
  IpAddress src_ip;
  IpAddress dst_ip;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t ts_sec = 0;         ///< capture time; 0 when the packet carried none (HEPv1)
  uint32_t ts_usec = 0;
  uint32_t capture_id = 0;     ///< HEP capture agent id (0x000c, v2 time block)
  uint8_t payload_type = 1;    ///< HEP 0x000b; 1 = SIP (v1/v2 carry none and mean SIP)
  bool has_auth_key = false;   ///< 0x000e present (possibly empty)
  bool payload_compressed = false;  ///< payload came from 0x0010 and was inflated
  uint16_t keepalive = 0;      ///< 0x000d, 0 when absent
  std::string_view auth_key;        ///< 0x000e
  std::string_view correlation_id;  ///< 0x0011
  std::string_view node_name;       ///< 0x0013
  std::span<const std::byte> payload;  ///< the captured message (0x000f, or inflated 0x0010)
  std::vector<ChunkView> other_chunks;  ///< every chunk not stored in a field above, in order
  /// Generic chunks 0x0001-0x000c a routing rule deleted (hep_del): bit N is chunk N. Their
  /// fields keep a value (0, empty) for the stores; the encoder leaves the chunks out.
  uint16_t omitted = 0;

  [[nodiscard]] bool isOmitted(uint16_t type) const {
    return type < 16 && (omitted & (1u << type)) != 0;
  }

  [[nodiscard]] int64_t microsSinceEpoch() const {
    return static_cast<int64_t>(ts_sec) * 1'000'000 + ts_usec;
  }
  [[nodiscard]] Transport transport() const;
};

/// The owning capture: the bytes as received, plus the decoded metadata that views them.
struct Capture {
  Capture() = default;
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  Capture(Capture&&) noexcept = default;
  Capture& operator=(Capture&&) noexcept = default;

  std::vector<std::byte> raw;       ///< the packet as received (HEP packet or SIP datagram)
  std::vector<std::byte> inflated;  ///< the payload after inflating 0x0010, when compressed
  CaptureMeta meta;
  /// Values a routing rule wrote (hep_set, templates), which views in `meta` point into. A
  /// list: adding a value moves none of the others, and an empty list costs no allocation.
  std::forward_list<std::string> edits;

  /// Keeps `value` with the record and returns a view of the kept copy.
  std::string_view keep(std::string value) {
    edits.push_front(std::move(value));
    return edits.front();
  }

  /// The heap bytes this record holds, for memory-bounded queues.
  [[nodiscard]] size_t footprint() const {
    return sizeof(Capture) + raw.capacity() + inflated.capacity() +
           meta.other_chunks.capacity() * sizeof(ChunkView);
  }
};

/// The addresses of a message seen on the wire (or named by X-Siptrace-* headers).
struct Flow {
  IpAddress src, dst;
  uint16_t src_port = 0, dst_port = 0;
  uint8_t ip_proto = 17;  ///< 17 UDP, 6 TCP (also TLS/WS carried on it), 132 SCTP
};

/// A SIP message seen on the wire rather than out of HEP (hep_version 0, payload type SIP),
/// owning `payload`. `ts_us` is the capture time; 0 leaves it unset for the arrival-time
/// processor, as for a HEPv1 packet.
[[nodiscard]] Capture sniffedCapture(const Flow& flow, int64_t ts_us, std::vector<std::byte> payload);

}  // namespace siphon::core
