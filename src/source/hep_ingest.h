#pragma once
// The decode step every HEP listener shares: the bytes of one packet in, one record decoded
// once into the pipeline out — or a counted drop with its reason. Never throws, never blocks
// (the pipeline's lanes drop when full). Safe to call from several threads at once (the UDP
// workers of one listener share it): its counters are atomics, its options immutable.
//
// What is decided about a record after decoding (capture switch, auth key, arrival time,
// X-Siptrace headers, SIP parse, lanes, table) is the processors' work, not this step's.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/stage_counters.h"
#include "hep/hep_decoder.h"
#include "source/ingress.h"

namespace siphon::source {

/// Who sent a packet, and the local address it arrived on (Homer-6's capture_ip).
struct Peer {
  core::IpAddress ip;
  uint16_t port = 0;
  core::IpAddress local;  ///< unspecified when unknown
};

struct HepIngestOptions {
  hep::DecodeOptions decode;
  /// xheaders_read: a UDP datagram that is not HEP becomes a record that is not HEP either
  /// (hep_version 0, the datagram as payload) for the X-Siptrace reader, instead of bad_hep.
  bool plain_sip = false;
};

/// The listener's counters: packets received (every one is then pushed or dropped with a
/// reason, so received = pushed + dropped), and what happened to stream connections.
enum class HepIngestCount : uint8_t {
  Received,
  Connections,       ///< stream connections accepted
  RefusedLimit,      ///< tcp_refused_limit: refused, the sender or the listener was at its limit
  Evicted,           ///< tcp_evicted: an idle connection closed to make room for a new one
  IdleClosed,        ///< tcp_idle_closed: closed after tcp_idle_timeout without a byte
  HandshakeTimeout,  ///< tls_handshake_timeout: closed before its TLS handshake finished
  kCount,
};
enum class HepIngestDrop : uint8_t {
  BadHep,        ///< the packet did not decode as HEP
  StreamError,   ///< a HEP-over-TCP/TLS stream broke framing (bad magic or length): closed
  StreamCut,     ///< a stream ended in the middle of a packet: the partial packet is lost
  KernelBuffer,  ///< the kernel dropped datagrams: the socket's receive buffer was full
  kCount,
};

class HepIngest {
 public:
  /// `name` is the listener ("udp:0.0.0.0:9060"); `source` its index, which records carry
  /// (Record::source) for rules that match on the listener.
  HepIngest(std::string name, uint16_t source, Ingress& ingress, HepIngestOptions options);

  /// Decodes one packet (copied into the record) and pushes it; false when it was dropped.
  bool accept(std::span<const std::byte> packet, bool from_stream, const Peer& peer = {});
  /// A stream broke framing: what followed the last whole packet is one packet received and
  /// dropped (stream_error); the caller closes the connection.
  void streamBroken() {
    counters_.count(HepIngestCount::Received);
    counters_.drop(HepIngestDrop::StreamError);
  }
  /// A stream ended with part of a packet: one packet received and dropped (stream_cut).
  void streamCut() {
    counters_.count(HepIngestCount::Received);
    counters_.drop(HepIngestDrop::StreamCut);
  }
  /// A connection event of a stream listener.
  void connection(HepIngestCount event) { counters_.count(event); }
  /// The kernel dropped `n` datagrams of this listener.
  void kernelDropped(uint64_t n) { counters_.drop(HepIngestDrop::KernelBuffer, n); }

  [[nodiscard]] const core::StageCounters& stats() const { return counters_; }

 private:
  uint16_t source_;
  Ingress& ingress_;
  HepIngestOptions options_;
  core::StageCounters counters_;
};

}  // namespace siphon::source
