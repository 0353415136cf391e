#include "source/hep_ingest.h"

#include <vector>

namespace siphon::source {
namespace {

constexpr std::string_view kHepIngestCounts[] = {"received",          "connections",
                                                 "tcp_refused_limit", "tcp_evicted",
                                                 "tcp_idle_closed",   "tls_handshake_timeout"};
constexpr std::string_view kHepIngestDrops[] = {"bad_hep", "stream_error", "stream_cut",
                                                "kernel_buffer"};
static_assert(std::size(kHepIngestCounts) == static_cast<size_t>(HepIngestCount::kCount));
static_assert(std::size(kHepIngestDrops) == static_cast<size_t>(HepIngestDrop::kCount));

}  // namespace

HepIngest::HepIngest(std::string name, uint16_t source, Ingress& ingress, HepIngestOptions options)
    : source_(source),
      ingress_(ingress),
      options_(std::move(options)),
      counters_(std::move(name), "source", {kHepIngestCounts, kHepIngestDrops}) {}

bool HepIngest::accept(std::span<const std::byte> packet, bool from_stream, const Peer& peer) {
  counters_.count(HepIngestCount::Received);
  std::vector<std::byte> bytes(packet.begin(), packet.end());
  record::RecordBox r;
  if (options_.plain_sip && !from_stream && !hep::looksLikeHep(packet)) {
    // The X-Siptrace reader (a processor) gives it its addresses and time, or drops it.
    r = record::makeRecord(core::sniffedCapture({}, 0, std::move(bytes)));
  } else {
    hep::DecodeOptions decode = options_.decode;
    if (from_stream) decode.accept_v1_v2 = false;  // only "HEP3" frames a stream (§1.1)
    auto capture = hep::decodeHepCapture(std::move(bytes), decode);
    if (!capture.has_value()) {
      counters_.drop(HepIngestDrop::BadHep);
      return false;
    }
    r = record::makeRecord(std::move(*capture));
  }
  r->source = source_;
  r->peer_ip = peer.ip;
  r->peer_port = peer.port;
  r->local_ip = peer.local;
  return ingress_.push(std::move(r), PushPolicy::DropWhenFull);
}

}  // namespace siphon::source
