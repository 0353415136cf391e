#include "pipeline/collector.h"

#include <algorithm>
#include <random>

#include "core/db_url.h"
#include "process/arrival_time.h"
#include "process/auth_key.h"
#include "process/sip_parse.h"
#include "process/report_capture_ip.h"
#include "process/table_routing.h"
#include "process/xsiptrace_read.h"
#include "route/relay_guard.h"
#include "route/route_processor.h"
#include "sink/hep_out/hep_out_sink.h"
#include "sink/database/database_sink.h"
#include "sink/clickhouse/clickhouse_writer.h"
#include "sink/mysql/mysql_writer.h"
#include "sink/postgres/postgres_writer.h"
#include "sink/store_sink.h"
#include "source/tcp_hep_source.h"
#include "source/tls_hep_source.h"
#include "source/udp_hep_source.h"

namespace siphon::pipeline {
namespace {

// A relay id for this run when relay_id is not configured: random, so that two collectors on
// one host (or restored from one image) do not take each other's packets for loops.
uint32_t randomRelayId() {
  std::random_device rd;
  uint32_t id = 0;
  while (id == 0) id = rd();
  return id;
}

// The tables report_capture rules store into, for the embedded store's report views; a name
// with a strftime suffix has no one table to show.
std::vector<std::string> reportTables(const std::vector<route::RouteRule>& rules) {
  std::vector<std::string> out;
  for (const auto& r : rules) {
    if (!r.actions.report) continue;
    const std::string& t = r.actions.report->table;
    if (t.find('%') != std::string::npos) continue;
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

// Relay destinations in the order the rules name them, each once.
std::vector<core::Endpoint> relayDestinations(const std::vector<route::RouteRule>& rules) {
  std::vector<core::Endpoint> out;
  for (const auto& r : rules) {
    for (const auto& ep : r.actions.relay) {
      if (std::find(out.begin(), out.end(), ep) == out.end()) out.push_back(ep);
    }
  }
  return out;
}

// A spool subdirectory per database, named after it so that two collectors (or two
// capture_mode profiles) sharing a spool_dir never read each other's: "postgres_db1_5432_siphon".
std::string spoolName(const core::DbUrl& url) {
  std::string name = std::string(url.schemeName()) + "_" +
                     (url.host.empty() ? std::string("local") : url.host) + "_" +
                     std::to_string(url.port) + "_" + url.database;
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
    if (!plain) c = '_';
  }
  return name;
}

sink::DatabaseSinkOptions databaseSinkOptions(const core::DbUrl& url,
                                              const sink::StoreSinkOptions& store) {
  sink::DatabaseSinkOptions o;
  o.name = std::string(url.schemeName()) + " " + url.redacted();
  o.batch_size = store.batch_size;
  o.flush_interval = store.flush_interval;
  o.insert_retries = store.insert_retries;
  o.insert_retry_timeout = store.insert_retry_timeout;
  o.connections = store.db_connections;
  if (!store.spool_dir.empty()) o.spool_dir = std::filesystem::path(store.spool_dir) / spoolName(url);
  o.spool_max_bytes = store.spool_max_bytes;
  o.fields = store.row.fields;
  return o;
}

// The keys every database writer shares (sql_writer_options.h).
sink::SqlWriterOptions sqlWriterOptions(const core::DbUrl& url, const sink::StoreSinkOptions& store) {
  sink::SqlWriterOptions o;
  o.url = url;
  o.row = store.row;
  o.trace_tables = store.trace_to_database;
  o.retention = store.retention;
  return o;
}

}  // namespace

core::Result<sink::SinkPtr, core::Failure> makeStorageSink(const std::string& db_url,
                                                           const sink::StoreSinkOptions& store,
                                                           const core::Clock& clock) {
  auto url = core::DbUrl::parse(db_url);
  if (!url.has_value()) return core::unexpected(std::move(url).error());
  if (url->scheme == core::DbScheme::Sqlite) {
    auto options = store;
    options.path = url->path;
    return sink::SinkPtr(std::make_unique<sink::StoreSink>(std::move(options), clock));
  }
  if (url->scheme == core::DbScheme::Postgres) {
    sink::PostgresWriterOptions writer{sqlWriterOptions(*url, store)};
    return sink::SinkPtr(std::make_unique<sink::DatabaseSink>(
        databaseSinkOptions(*url, store),
        [&writer] { return std::make_unique<sink::PostgresWriter>(writer); }, clock));
  }
  if (url->scheme == core::DbScheme::Mysql) {
    sink::MysqlWriterOptions writer{sqlWriterOptions(*url, store)};
    return sink::SinkPtr(std::make_unique<sink::DatabaseSink>(
        databaseSinkOptions(*url, store),
        [&writer] { return std::make_unique<sink::MysqlWriter>(writer); }, clock));
  }
  if (url->scheme == core::DbScheme::ClickHouse) {
    sink::ClickHouseWriterOptions writer{sqlWriterOptions(*url, store), store.clickhouse_cluster};
    return sink::SinkPtr(std::make_unique<sink::DatabaseSink>(
        databaseSinkOptions(*url, store),
        [&writer] { return std::make_unique<sink::ClickHouseWriter>(writer); }, clock));
  }
  return core::unexpected(core::Failure{"db_url: " + std::string(url->schemeName()) +
                                            ":// is not supported (use sqlite:, postgres://, mysql:// or clickhouse://)",
                                        2});
}

Collector::Collector(CollectorConfig config, const core::Clock& clock)
    : config_(std::move(config)), clock_(clock), pipeline_(clock) {
  capture_.capture_on = config_.capture_on;
  capture_.hep_capture_on = config_.hep_capture_on;
}

Collector::~Collector() { stop(); }

core::Result<void, core::Failure> Collector::build() {
  auto rules = config_.routeRules();
  if (!rules.has_value()) return core::unexpected(std::move(rules).error());
  const bool uses_modes = std::any_of(rules->begin(), rules->end(), [](const route::RouteRule& r) {
    return r.actions.capture_mode.has_value();
  });
  const std::vector<core::Endpoint> relays = relayDestinations(*rules);
  // Storage lanes: 0 is db_url / table_name, then one per capture_mode (used by the rules),
  // then one relay lane per destination. The memory bound is shared: each lane gets its part
  // of queue_memory_mb.
  const size_t storage_count = 1 + (uses_modes ? config_.capture_modes.size() : 0);
  const size_t lane_count = storage_count + relays.size();
  LaneOptions lane_options;
  lane_options.capacity = config_.queue_size;
  lane_options.byte_capacity = (config_.queue_memory_mb << 20) / lane_count;
  std::vector<size_t> lanes;
  std::vector<process::TableRoutingProcessor::LaneRouting> routing;
  const std::vector<std::string> report_tables = reportTables(*rules);
  auto tap = std::make_shared<sink::RecordTap>();  // the API's live tail of the default store
  bool full_sip_verdict = false;  // a storage sink keeps the values' verdict (parse_error)
  for (size_t i = 0; i < storage_count; ++i) {
    auto store = config_.store;
    store.store.report_tables = report_tables;
    if (i == 0) store.tap = tap;
    std::string db_url = config_.db_url;
    std::string prefix;
    if (i > 0) {
      const CaptureMode& mode = config_.capture_modes[i - 1];
      store.routing = mode.routing;
      if (!mode.db_url.empty()) db_url = mode.db_url;
      prefix = "capture_mode " + mode.name + ": ";
    }
    auto sink = makeStorageSink(db_url, store, clock_);
    if (!sink.has_value()) {
      return core::unexpected(
          core::Failure{prefix + sink.error().message, sink.error().exit_code});
    }
    full_sip_verdict = full_sip_verdict || (*sink)->needsFullSipVerdict();
    auto lane = pipeline_.addLane(prefix + "store " + db_url, std::move(*sink), lane_options,
                                  /*by_default=*/i == 0);
    if (!lane.has_value()) return core::unexpected(std::move(lane).error());
    lanes.push_back(*lane);
    routing.push_back({*lane, store.routing});
  }
  tap_ = tap;
  route::RouteLanes route_lanes;
  route_lanes.storage = lanes;
  for (const auto& m : config_.capture_modes) route_lanes.capture_modes.push_back(m.name);
  relay_id_ = config_.relay_id != 0 ? config_.relay_id : randomRelayId();
  for (const auto& ep : relays) {
    sink::HepOutOptions out;
    out.destinations = {ep};
    out.encoding.hep_version = config_.relay_hep_version;
    out.encoding.relay_id = relay_id_;
    out.encoding.max_packet_bytes = ep.proto == core::EndpointProto::Udp ? 65507 : 65535;
    if (!config_.relay_spool_dir.empty()) out.spool_dir = config_.relay_spool_dir;
    out.spool_max_bytes = config_.relay_spool_max_mb << 20;
    auto lane = pipeline_.addLane("relay " + ep.toString(),
                                  std::make_unique<sink::HepOutSink>(std::move(out), clock_),
                                  lane_options, /*by_default=*/false);
    if (!lane.has_value()) return core::unexpected(std::move(lane).error());
    route_lanes.relays.emplace_back(ep, *lane);
  }
  std::vector<route::RouteRule> hep_rules, sip_rules;
  for (auto& r : *rules) (r.name.empty() ? sip_rules : hep_rules).push_back(std::move(r));

  if (!relays.empty()) {
    pipeline_.addProcessor(std::make_unique<route::RelayGuardProcessor>(relay_id_, config_.relay_max_hops));
  }

  pipeline_.addProcessor(std::make_unique<process::CaptureSwitchProcessor>(
      capture_, process::CaptureSwitchProcessor::Kind::Capture));
  if (!config_.hep_auth_key.empty()) {
    pipeline_.addProcessor(std::make_unique<process::AuthKeyProcessor>(config_.hep_auth_key));
  }
  if (config_.xheaders_read) pipeline_.addProcessor(std::make_unique<process::XSiptraceReadProcessor>());
  pipeline_.addProcessor(std::make_unique<process::ArrivalTimeProcessor>(clock_));
  if (!hep_rules.empty()) {
    pipeline_.addProcessor(std::make_unique<route::RouteProcessor>(
        route::RouteProcessor::Phase::Hep, std::move(hep_rules), route_lanes, config_.listen));
  }
  // Only the embedded store: the URI parts without their grammar, and the framing as the
  // verdict at ingest; its readers parse in full (sip/field_views.h). Without SIP routing
  // rules, which may read any column, only the fields the store reads.
  const sip::FieldSet set = full_sip_verdict    ? sip::FieldSet::All
                            : sip_rules.empty() ? sip::FieldSet::Store
                                                : sip::FieldSet::Ingest;
  pipeline_.addProcessor(
      std::make_unique<process::SipParseProcessor>(config_.store.row.fields, set));
  if (!sip_rules.empty()) {
    pipeline_.addProcessor(std::make_unique<route::RouteProcessor>(
        route::RouteProcessor::Phase::Sip, std::move(sip_rules), route_lanes, config_.listen));
  }
  if (config_.store.row.homer6_reports) {
    pipeline_.addProcessor(std::make_unique<process::ReportCaptureIpProcessor>());
  }
  pipeline_.addProcessor(std::make_unique<process::TableRoutingProcessor>(std::move(routing)));

  source::HepIngestOptions ingest;  // before start(): adding cannot fail
  ingest.plain_sip = config_.xheaders_read;
  for (size_t i = 0; i < config_.listen.size(); ++i) {
    const auto& ep = config_.listen[i];
    const auto index = static_cast<uint16_t>(i);
    switch (ep.proto) {
      case core::EndpointProto::Udp:
        (void)pipeline_.addSource(std::make_unique<source::UdpHepSource>(ep, config_.workers, index,
                                                                   pipeline_, ingest));
        break;
      case core::EndpointProto::Tcp:
        (void)pipeline_.addSource(std::make_unique<source::TcpHepSource>(
            ep, index, pipeline_, ingest, config_.stream_limits, clock_));
        break;
      case core::EndpointProto::Tls: {
        auto limits = config_.stream_limits;
        limits.max_connections = std::min(limits.max_connections, source::TlsHepSource::kMaxConnections);
        (void)pipeline_.addSource(std::make_unique<source::TlsHepSource>(
            ep, source::TlsOptions{config_.tls_certificate, config_.tls_private_key}, index,
            pipeline_, ingest, limits, clock_));
        break;
      }
    }
  }
  pipeline_.addSwitch("capture", &capture_);
  pipeline_.setQueryableStore({config_.db_url, config_.store.row, tap_});
  return {};
}

core::Result<void, core::Failure> Collector::start() {
  if (built_) return core::unexpected(core::Failure{"the collector was started already", 1});
  built_ = true;
  SIPHON_TRY(build());
  return pipeline_.start();
}

std::vector<core::Endpoint> Collector::listeners() const {
  std::vector<core::Endpoint> out;
  for (const auto& s : pipeline_.sources()) {
    if (auto ep = s->endpoint()) out.push_back(*ep);
  }
  return out;
}

void Collector::stop() { pipeline_.stop(); }

}  // namespace siphon::pipeline
