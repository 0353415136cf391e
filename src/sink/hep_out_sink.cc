// The HEP-out sink's thread: encode, deliver per destination, reconnect with backoff, spool
// while a stream is down, replay in order once it is back.

#include "sink/hep_out_sink.h"

#include <algorithm>
#include <cstdio>
#include <exception>

namespace siphon::sink {
namespace {

using Clock = std::chrono::steady_clock;

// Replaying is bounded per turn so that the queue keeps being drained while a long spool
// goes out (new packets join the spool's tail meanwhile, which keeps the order).
constexpr size_t kReplayPerTurn = 2048;
// How long the thread waits for records when nothing else is due.
constexpr std::chrono::milliseconds kIdleWait{100};
// Encode buffers above this size are freed after their batch.
constexpr size_t kKeptPacketBytes = 16 * 1024;
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

core::Unexpected<core::Failure> configError(std::string message) {
  return core::unexpected(core::Failure{std::move(message), 2});
}

}  // namespace

std::string_view hepOutDropName(HepOutDrop r) {
  switch (r) {
    case HepOutDrop::QueueFull: return "queue_full";
    case HepOutDrop::Unencodable: return "unencodable";
    case HepOutDrop::UdpSendError: return "udp_send_error";
    case HepOutDrop::SpoolFull: return "spool_full";
    case HepOutDrop::SpoolError: return "spool_error";
    case HepOutDrop::Disconnected: return "disconnected";
    case HepOutDrop::kCount: break;
  }
  return "unknown";
}

uint64_t HepOutStats::droppedTotal() const {
  uint64_t n = 0;
  for (const auto& d : dropped) n += d.load(std::memory_order_relaxed);
  return n;
}

struct HepOutSink::Destination {
  HepConnectionPtr connection;
  HepSpoolPtr spool;                    ///< stream destinations with a spool_dir only
  bool ever_connected = false;          ///< the next successful connect is a reconnect
  Clock::time_point next_attempt{};     ///< no connect before this
  std::chrono::milliseconds backoff{0}; ///< the delay after the next failure
  std::string last_error;               ///< reported once per outage
  bool error_reported = false;
};

HepOutSink::HepOutSink(HepOutOptions options, core::BoundedQueue<core::Capture>& queue)
    : options_(std::move(options)), queue_(queue) {}

HepOutSink::~HepOutSink() { flushAndStop(); }

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
               any_udp ? kMaxUdpPacketBytes : size_t{HepSpool::kMaxRecordBytes});

  destinations_.clear();
  for (const auto& ep : options_.destinations) {
    auto d = std::make_unique<Destination>();
    d->connection = std::make_unique<HepConnection>(ep, options_.tls, options_.io_timeout);
    SIPHON_TRY(d->connection->prepare());
    if (d->connection->isStream()) {
      if (!options_.spool_dir.empty()) {
        HepSpoolOptions so;
        so.directory = options_.spool_dir / spoolName(ep);
        so.max_bytes = options_.spool_max_bytes;
        so.segment_bytes = options_.spool_segment_bytes;
        SIPHON_ASSIGN_OR_RETURN(d->spool, HepSpool::open(std::move(so)));
      }
    } else {
      SIPHON_TRY(d->connection->connect());  // UDP: a local socket only, nothing to wait for
    }
    d->backoff = options_.reconnect_min;
    destinations_.push_back(std::move(d));
  }
  updatePending();
  opened_ = true;
  return {};
}

void HepOutSink::start() {
  if (!opened_ || thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void HepOutSink::flushAndStop() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

bool HepOutSink::offer(core::Capture&& record) {
  const size_t bytes = record.footprint();
  if (queue_.tryPush(std::move(record), bytes)) return true;
  stats_.drop(HepOutDrop::QueueFull);
  return false;
}

void HepOutSink::updatePending() {
  uint64_t n = 0;
  for (const auto& d : destinations_) n += d->spool ? d->spool->pendingPackets() : 0;
  spool_pending_.store(n, std::memory_order_relaxed);
}

void HepOutSink::run(std::stop_token /*stop: flushAndStop() closes the queue instead*/) {
  std::vector<core::Capture> batch;
  batch.reserve(options_.batch);
  for (;;) {
    try {
      queue_.popBatch(batch, options_.batch, nextWait());
      sendBatch(batch);
    } catch (const std::exception& e) {  // the one catch-all of this thread: report, go on
      std::fprintf(stderr, "siphon: hep out: %s\n", e.what());
    }
    batch.clear();
    updatePending();
    if (queue_.closedAndEmpty()) break;
  }
  // Stop: one last try to hand the spools over, then close cleanly; the rest stays on disk.
  for (auto& d : destinations_) {
    service(*d, /*final_attempt=*/true);
    d->connection->closeGracefully();
  }
  updatePending();
}

void HepOutSink::sendBatch(std::span<const core::Capture> records) {
  // After the wait, right before writing: a collector that left meanwhile is noticed now, so
  // the batch goes to the spool instead of into a dead stream.
  for (auto& d : destinations_) service(*d, /*final_attempt=*/false);
  // Encode the whole batch first (each record into its own reused buffer), then hand it to
  // each destination: UDP takes it in a few sendmmsg calls.
  if (packets_.size() < records.size()) packets_.resize(records.size());
  encoded_.clear();
  for (size_t i = 0; i < records.size(); ++i) {
    auto fit = encodeForSend(records[i], options_.encoding, packets_[i]);
    if (!fit.has_value()) {
      stats_.drop(HepOutDrop::Unencodable);
      continue;
    }
    if (*fit == PayloadFit::Compressed) stats_.compressed.fetch_add(1, std::memory_order_relaxed);
    if (*fit == PayloadFit::Truncated) stats_.truncated.fetch_add(1, std::memory_order_relaxed);
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
}

void HepOutSink::deliverDatagrams(Destination& d,
                                  std::span<const std::span<const std::byte>> packets) {
  std::string error;
  while (!packets.empty()) {
    const size_t n = d.connection->sendDatagrams(packets, error);
    stats_.sent.fetch_add(n, std::memory_order_relaxed);
    packets = packets.subspan(n);
    if (packets.empty()) return;
    // packets[0] failed: the one more try that deliver() gives a datagram, then the rest.
    stats_.udp_send_errors.fetch_add(1, std::memory_order_relaxed);
    if (d.connection->send(packets.front(), error)) {
      stats_.sent.fetch_add(1, std::memory_order_relaxed);
    } else {
      stats_.udp_send_errors.fetch_add(1, std::memory_order_relaxed);
      stats_.drop(HepOutDrop::UdpSendError);
    }
    packets = packets.subspan(1);
  }
}

std::chrono::milliseconds HepOutSink::nextWait() const {
  auto wait = kIdleWait;
  const auto now = Clock::now();
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
      stats_.sent.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    d.last_error = std::move(error);
    connectionLost(d);
  }
  spool(d, packet);
}

void HepOutSink::spool(Destination& d, std::span<const std::byte> packet) {
  if (!d.spool) {
    stats_.drop(HepOutDrop::Disconnected);
    return;
  }
  auto appended = d.spool->append(packet);
  if (!appended.has_value()) {
    stats_.drop(HepOutDrop::SpoolError);
    return;
  }
  if (appended->dropped_packets > 0) stats_.drop(HepOutDrop::SpoolFull, appended->dropped_packets);
  stats_.spooled.fetch_add(1, std::memory_order_relaxed);
}

void HepOutSink::connectionLost(Destination& d) {
  d.connection->close();
  d.backoff = options_.reconnect_min;
  d.next_attempt = Clock::now() + d.backoff;
  if (!d.error_reported) {
    std::fprintf(stderr, "siphon: hep out: %s: connection lost (%s); spooling\n",
                 d.connection->destination().toString().c_str(), d.last_error.c_str());
    d.error_reported = true;
  }
}

void HepOutSink::tryConnect(Destination& d, bool ignore_backoff) {
  const auto now = Clock::now();
  if (!ignore_backoff && now < d.next_attempt) return;
  auto connected = d.connection->connect();
  if (!connected.has_value()) {
    stats_.connect_failures.fetch_add(1, std::memory_order_relaxed);
    d.last_error = connected.error().message;
    if (!d.error_reported) {
      std::fprintf(stderr, "siphon: hep out: %s; retrying\n", d.last_error.c_str());
      d.error_reported = true;
    }
    d.next_attempt = Clock::now() + d.backoff;
    d.backoff = std::min(d.backoff * 2, options_.reconnect_max);
    return;
  }
  if (d.ever_connected) stats_.reconnects.fetch_add(1, std::memory_order_relaxed);
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
    if (lost > 0) stats_.drop(HepOutDrop::SpoolError, lost);
    if (!have) break;
    std::string error;
    if (!c.send(packet, error)) {
      d.last_error = std::move(error);
      connectionLost(d);
      break;
    }
    d.spool->popFront();
    stats_.sent.fetch_add(1, std::memory_order_relaxed);
    stats_.replayed.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace siphon::sink
