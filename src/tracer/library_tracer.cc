#include "tracer/library_tracer.h"

#include <utility>
#include <vector>

#include "core/config_file.h"
#include "core/endpoint.h"
#include "hep/siphon_chunks.h"
#include "pipeline/agent_config.h"
#include "pipeline/pipeline_totals.h"
#include "web/stats_text.h"

namespace siphon::tracer {
namespace {

/// The HEP IP protocol id of a siphon_transport (core/capture.h's mapping); 0 for none.
uint8_t ipProtoOf(int transport) {
  switch (transport) {
    case 1:
      return 17;  // UDP
    case 2:
      return 6;  // TCP
    case 3:
      return 22;  // TLS, as Kamailio's siptrace marks it
    case 4:
      return 132;  // SCTP
    case 5:
    case 6:
      return 50;  // WS; HEP has no id of its own for WSS
    default:
      return 0;
  }
}

/// "ip:port" or "[ip6]:port"; a transport prefix is not part of this argument.
bool parseAddress(std::string_view text, core::IpAddress& ip, uint16_t& port) {
  if (text.empty() || text.find(':') == std::string_view::npos || text.starts_with("udp:") ||
      text.starts_with("tcp:") || text.starts_with("tls:")) {
    return false;
  }
  auto ep = core::Endpoint::parse(text);
  if (!ep) return false;
  ip = ep->ip;
  port = ep->port;
  return true;
}

}  // namespace

core::Result<std::unique_ptr<LibraryTracer>, core::Failure> LibraryTracer::create(
    const std::string& toml, const core::Clock& clock) {
  auto file = core::ConfigFile::parse(toml, "tracer configuration");
  if (!file) return core::unexpected(std::move(file).error());
  source::InjectedSourceOptions queue;
  auto records = file->getInt("tracer_queue_size", 1, 100'000'000);
  if (!records) return core::unexpected(std::move(records).error());
  if (*records) queue.queue_records = static_cast<size_t>(**records);
  auto bytes = file->getInt("tracer_queue_bytes", 4096, int64_t{1} << 40);
  if (!bytes) return core::unexpected(std::move(bytes).error());
  if (*bytes) queue.queue_bytes = static_cast<size_t>(**bytes);
  pipeline::AgentConfig config;
  if (auto applied = pipeline::applyAgentConfigFile(*file, config); !applied) {
    return core::unexpected(std::move(applied).error());
  }
  if (!config.interfaces.empty() || !config.pcap_files.empty() || config.raw_ipip_capture_on) {
    return core::unexpected(core::Failure{
        "tracer configuration: raw_interface and raw_ipip_capture_on are the agent's; the "
        "library traces what its caller hands it",
        2});
  }
  std::unique_ptr<LibraryTracer> t(new LibraryTracer(std::move(config), queue, clock));
  if (auto started = t->agent_.start(); !started) {
    return core::unexpected(std::move(started).error());
  }
  auto source = std::make_unique<source::InjectedSource>(t->queue_options_, t->agent_.pipeline());
  t->source_ = source.get();
  if (auto added = t->agent_.pipeline().addSource(std::move(source)); !added) {
    t->source_ = nullptr;
    return core::unexpected(std::move(added).error());
  }
  return t;
}

LibraryTracer::LibraryTracer(pipeline::AgentConfig config, source::InjectedSourceOptions queue,
                             const core::Clock& clock)
    : clock_(clock), agent_(std::move(config), clock), queue_options_(std::move(queue)) {}

LibraryTracer::~LibraryTracer() { agent_.stop(); }  // the source drains first, then the lanes

TraceOutcome LibraryTracer::trace(const TracedMessage& m) {
  core::Flow flow;
  flow.ip_proto = ipProtoOf(m.transport);
  const bool good =
      !m.bytes.empty() && m.bytes.size() <= kMaxTracedMessage && flow.ip_proto != 0 &&
      m.direction >= 0 && m.direction <= 2 && parseAddress(m.source, flow.src, flow.src_port) &&
      parseAddress(m.destination, flow.dst, flow.dst_port) && flow.src.isV6() == flow.dst.isV6();
  if (!good) {
    source_->countBadArgument();
    return TraceOutcome::BadArgument;
  }
  core::Capture c = core::sniffedCapture(flow, clock_.wallMicros(),
                                         std::vector<std::byte>(m.bytes.begin(), m.bytes.end()));
  if (!m.correlation.empty()) c.meta.correlation_id = c.keep(std::string(m.correlation));
  if (m.direction != 0) {
    hep::setSiphonChunk(c, hep::kTraceDirectionChunk, m.direction == 1 ? "in" : "out");
  }
  return source_->offer(std::move(c)) ? TraceOutcome::Queued : TraceOutcome::Dropped;
}

bool LibraryTracer::flush(std::chrono::milliseconds timeout) {
  if (!source_->flush(timeout)) return false;
  std::lock_guard lock(sync_mu_);
  agent_.pipeline().sync();
  return true;
}

TracerStats LibraryTracer::stats() const {
  const auto stages = agent_.pipeline().snapshot();
  const auto totals = pipeline::PipelineTotals::of(stages);
  TracerStats s;
  uint64_t processor_drops = 0, source_drops = 0;
  for (const auto& st : stages) {
    if (st.kind == "processor") processor_drops += st.droppedTotal();
    if (st.stage == queue_options_.name && st.kind == "source") {
      s.accepted = st.count("received");
      s.processed = st.count("pushed");
      s.dropped_queue_full = st.dropped("queue_full") + st.dropped("stopped");
      s.rejected = st.dropped("bad_argument");
      source_drops = st.droppedTotal();
    }
  }
  s.traced = s.processed >= processor_drops ? s.processed - processor_drops : 0;
  s.sent = totals.relayed;
  s.stored = totals.stored;
  s.dropped = totals.droppedTotal() - source_drops;
  s.queue_depth = s.accepted > s.processed ? s.accepted - s.processed : 0;  // two readings
  return s;
}

std::string LibraryTracer::statsJson() const { return web::statsJson(agent_.pipeline()); }

}  // namespace siphon::tracer
