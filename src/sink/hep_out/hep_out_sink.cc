// The HEP-out sink's thread: encode, deliver per destination, reconnect with backoff, spool
// while a stream is down, replay in order once it is back.

#include "sink/hep_out/hep_out_sink.h"

#include <algorithm>
#include <cstdio>
#include <exception>

namespace siphon::sink {
namespace {

using SteadyTime = core::Clock::SteadyTime;

constexpr std::string_view kHepOutSinkCounts[] = {
    "sent",      "spooled",    "replayed",         "compressed",
    "truncated", "reconnects", "connect_failures", "udp_send_errors"};
constexpr std::string_view kHepOutSinkDrops[] = {"unencodable", "udp_send_error", "spool_full",
                                                 "spool_error", "disconnected",   "internal_error"};
static_assert(std::size(kHepOutSinkCounts) == static_cast<size_t>(HepOutCount::kCount));
static_assert(std::size(kHepOutSinkDrops) == static_cast<size_t>(HepOutDrop::kCount));

// Replaying is bounded per turn so that the queue keeps being drained while a long spool
// goes out (new packets join the spool's tail meanwhile, which keeps the order).
constexpr size_t kReplayPerTurn = 2048;
// How long the thread waits for records when nothing else is due.
constexpr std::chrono::milliseconds kIdleWait{100};
// Encode buffers above this size are freed after their batch.
constexpr size_t kKeptPacketBytes = 16 * 1024;
// HEPv3's length field is 16 bits: no packet (and so no spooled record) is longer.
constexpr size_t kMaxHepPacketBytes = 65535;
// A UDP datagram over IPv4 carries at most 65535 - 20 (IP) - 8 (UDP) bytes.
constexpr size_t kMaxUdpPacketBytes = 65507;

// A spool subdirectory name from an endpoint: "tcp_127.0.0.1_9060", "tls_::1_9061" with the
// colons of IPv6 replaced too.
std::string spoolName(const core::Endpoint& ep) {
  std::string name = std::string(core::endpointProtoName(ep.proto)) + "_" + ep.ip.toString() +
                     "_" + std::to_string(ep.port);
  std::replace(name.begin(), name.end(), ':', '-');
  return name;
}

// "hep_out udp:10.0.0.1:9060 tcp:10.0.0.2:9060": the stage's name in the counters.
std::string stageName(const HepOutOptions& o) {
  std::string name = "hep_out";
  for (const auto& ep : o.destinations) name += " " + ep.toString();
  return name;
}

core::Unexpected<core::Failure> configError(std::string message) {
  return core::unexpected(core::Failure{std::move(message), 2});
}

}  // namespace

struct HepOutSink::Destination {
  HepConnectionPtr connection;
  DiskSpoolPtr spool;                    ///< stream destinations with a spool_dir only
  bool ever_connected = false;          ///< the next successful connect is a reconnect
  SteadyTime next_attempt{};            ///< no connect before this
  std::chrono::milliseconds backoff{0}; ///< the delay after the next failure
  std::string last_error;               ///< reported once per outage
  bool error_reported = false;
};

HepOutSink::HepOutSink(HepOutOptions options, const core::Clock& clock)
    : Sink(stageName(options), {kHepOutSinkCounts, kHepOutSinkDrops}),
      options_(std::move(options)),
      clock_(clock) {}

HepOutSink::~HepOutSink() { close(); }

core::Result<void, core::Failure> HepOutSink::open() {
  const auto& enc = options_.encoding;
  if (options_.destinations.empty()) return configError("HEP output: no destination given");
  if (enc.hep_version < 1 || enc.hep_version > 3) {
    return configError("hep_version must be 1, 2 or 3, not " + std::to_string(enc.hep_version));
  }
  if (options_.reconnect_min.count() <= 0 || options_.reconnect_max < options_.reconnect_min) {
    return configError("HEP output: reconnect backoff must satisfy 0 < min <= max");
  }
  bool any_udp = false;
  for (const auto& ep : options_.destinations) {
    // HEPv1/v2 have no length field: only a datagram frames them (§1.10).
    if (enc.hep_version != 3 && ep.proto != core::EndpointProto::Udp) {
      return configError("hep_version " + std::to_string(enc.hep_version) +
                         " can only be sent over UDP, not to " + ep.toString());
    }
    if (ep.ip.empty() || ep.port == 0) {
      return configError("HEP output: destination " + ep.toString() + " needs an address and port");
    }
    any_udp = any_udp || ep.proto == core::EndpointProto::Udp;
  }
  options_.encoding.max_packet_bytes =
      std::min(options_.encoding.max_packet_bytes,
               any_udp ? kMaxUdpPacketBytes : kMaxHepPacketBytes);

  destinations_.clear();
  for (const auto& ep : options_.destinations) {
    auto d = std::make_unique<Destination>();
    d->connection = std::make_unique<HepConnection>(ep, options_.tls, options_.io_timeout);
    SIPHON_TRY(d->connection->prepare());
    if (d->connection->isStream()) {
      if (!options_.spool_dir.empty()) {
        DiskSpoolOptions so;
        so.directory = options_.spool_dir / spoolName(ep);
        so.max_bytes = options_.spool_max_bytes;
        so.segment_bytes = options_.spool_segment_bytes;
        SIPHON_ASSIGN_OR_RETURN(d->spool, DiskSpool::open(std::move(so)));
      }
    } else {
      SIPHON_TRY(d->connection->connect());  // UDP: a local socket only, nothing to wait for
    }
    d->backoff = options_.reconnect_min;
    destinations_.push_back(std::move(d));
  }
  updatePending();
  closed_ = false;
  return {};
}

SinkTiming HepOutSink::timing() const {
  // Packets go out as they come: no waiting for a batch to fill.
  return {options_.batch, kIdleWait, /*fill=*/false};
}

void HepOutSink::updatePending() {
  uint64_t n = 0;
  for (const auto& d : destinations_) n += d->spool ? d->spool->pendingRecords() : 0;
  spool_pending_.store(n, std::memory_order_relaxed);
}

void HepOutSink::tick() {
  for (auto& d : destinations_) service(*d, /*final_attempt=*/false);
  updatePending();
}

void HepOutSink::close() {
  if (closed_ || destinations_.empty()) return;
  closed_ = true;
  // Stop: one last try to hand the spools over, then close cleanly; the rest stays on disk.
  for (auto& d : destinations_) {
    service(*d, /*final_attempt=*/true);
    d->connection->closeGracefully();
  }
  updatePending();
}

void HepOutSink::writeFailed(std::span<const record::RecordPtr> batch, std::string_view what) noexcept {
  std::fprintf(stderr, "siphon: hep out: %.*s\n", static_cast<int>(what.size()), what.data());
  counters_.drop(HepOutDrop::InternalError, batch.size());
}

void HepOutSink::write(std::span<const record::RecordPtr> records) {
  // After the wait, right before writing: a collector that left meanwhile is noticed now, so
  // the batch goes to the spool instead of into a dead stream.
  for (auto& d : destinations_) service(*d, /*final_attempt=*/false);
  // Encode the whole batch first (each record into its own reused buffer), then hand it to
  // each destination: UDP takes it in a few sendmmsg calls.
  if (packets_.size() < records.size()) packets_.resize(records.size());
  encoded_.clear();
  for (size_t i = 0; i < records.size(); ++i) {
    auto fit = encodeForSend(records[i]->capture, options_.encoding, packets_[i]);
    if (!fit.has_value()) {
      counters_.drop(HepOutDrop::Unencodable);
      continue;
    }
    if (*fit == PayloadFit::Compressed) counters_.count(HepOutCount::Compressed);
    if (*fit == PayloadFit::Truncated) counters_.count(HepOutCount::Truncated);
    encoded_.emplace_back(packets_[i]);
  }
  for (auto& d : destinations_) {
    if (!d->connection->isStream()) {
      deliverDatagrams(*d, encoded_);
      continue;
    }
    for (const auto& packet : encoded_) deliver(*d, packet);
  }
  // Keep the buffers of ordinary messages for the next batch, not those a rare huge one grew
  // (a batch of 64 KB records would otherwise pin 16 MB).
  for (auto& p : packets_) {
    if (p.capacity() > kKeptPacketBytes) p = std::vector<std::byte>();
  }
  updatePending();
}

void HepOutSink::deliverDatagrams(Destination& d,
                                  std::span<const std::span<const std::byte>> packets) {
  std::string error;
  while (!packets.empty()) {
    const size_t n = d.connection->sendDatagrams(packets, error);
    counters_.count(HepOutCount::Sent, n);
    packets = packets.subspan(n);
    if (packets.empty()) return;
    // packets[0] failed: the one more try that deliver() gives a datagram, then the rest.
    counters_.count(HepOutCount::UdpSendErrors);
    if (d.connection->send(packets.front(), error)) {
      counters_.count(HepOutCount::Sent);
    } else {
      counters_.count(HepOutCount::UdpSendErrors);
      counters_.drop(HepOutDrop::UdpSendError);
    }
    packets = packets.subspan(1);
  }
}

std::chrono::milliseconds HepOutSink::idleWait() const {
  auto wait = kIdleWait;
  const auto now = clock_.steadyNow();
  for (const auto& d : destinations_) {
    if (!d->connection->isStream() || d->connection->connected()) continue;
    if (d->spool && d->spool->empty()) continue;  // nothing waits for this one
    auto until = std::chrono::duration_cast<std::chrono::milliseconds>(d->next_attempt - now);
    wait = std::min(wait, std::max(until, std::chrono::milliseconds(0)));
  }
  return wait;
}

void HepOutSink::deliver(Destination& d, std::span<const std::byte> packet) {
  HepConnection& c = *d.connection;
  // Streams keep the order: while anything is spooled, new packets queue behind it.
  if (c.connected() && (!d.spool || d.spool->empty())) {
    std::string error;
    if (c.send(packet, error)) {
      counters_.count(HepOutCount::Sent);
      return;
    }
    d.last_error = std::move(error);
    connectionLost(d);
  }
  spool(d, packet);
}

void HepOutSink::spool(Destination& d, std::span<const std::byte> packet) {
  if (!d.spool) {
    counters_.drop(HepOutDrop::Disconnected);
    return;
  }
  auto appended = d.spool->append(packet);
  if (!appended.has_value()) {
    counters_.drop(HepOutDrop::SpoolError);
    return;
  }
  if (appended->dropped_records > 0) counters_.drop(HepOutDrop::SpoolFull, appended->dropped_records);
  counters_.count(HepOutCount::Spooled);
}

void HepOutSink::connectionLost(Destination& d) {
  d.connection->close();
  d.backoff = options_.reconnect_min;
  d.next_attempt = clock_.steadyNow() + d.backoff;
  if (!d.error_reported) {
    std::fprintf(stderr, "siphon: hep out: %s: connection lost (%s); spooling\n",
                 d.connection->destination().toString().c_str(), d.last_error.c_str());
    d.error_reported = true;
  }
}

void HepOutSink::tryConnect(Destination& d, bool ignore_backoff) {
  const auto now = clock_.steadyNow();
  if (!ignore_backoff && now < d.next_attempt) return;
  auto connected = d.connection->connect();
  if (!connected.has_value()) {
    counters_.count(HepOutCount::ConnectFailures);
    d.last_error = connected.error().message;
    if (!d.error_reported) {
      std::fprintf(stderr, "siphon: hep out: %s; retrying\n", d.last_error.c_str());
      d.error_reported = true;
    }
    d.next_attempt = clock_.steadyNow() + d.backoff;
    d.backoff = std::min(d.backoff * 2, options_.reconnect_max);
    return;
  }
  if (d.ever_connected) counters_.count(HepOutCount::Reconnects);
  if (d.error_reported) {
    std::fprintf(stderr, "siphon: hep out: %s: connected\n",
                 d.connection->destination().toString().c_str());
  }
  d.ever_connected = true;
  d.error_reported = false;
  d.backoff = options_.reconnect_min;
}

void HepOutSink::service(Destination& d, bool final_attempt) {
  HepConnection& c = *d.connection;
  if (!c.isStream()) return;
  if (c.connected() && !c.checkAlive()) {
    d.last_error = "collector closed the connection";
    connectionLost(d);
  }
  const bool waiting = d.spool && !d.spool->empty();
  // Connect eagerly (the first records then go straight out), and when a spool waits.
  if (!c.connected() && (waiting || !d.ever_connected || !d.spool)) {
    tryConnect(d, final_attempt && waiting);
  }
  if (!c.connected() || !waiting) return;
  std::vector<std::byte> packet;
  const size_t limit = final_attempt ? SIZE_MAX : kReplayPerTurn;
  for (size_t n = 0; n < limit; ++n) {
    uint64_t lost = 0;
    const bool have = d.spool->front(packet, lost);
    if (lost > 0) counters_.drop(HepOutDrop::SpoolError, lost);
    if (!have) break;
    std::string error;
    if (!c.send(packet, error)) {
      d.last_error = std::move(error);
      connectionLost(d);
      break;
    }
    d.spool->popFront();
    counters_.count(HepOutCount::Sent);
    counters_.count(HepOutCount::Replayed);
  }
}

}  // namespace siphon::sink
