#include "web/api_server.h"

#include <httplib.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "core/endpoint.h"

namespace siphon::web {
namespace {

bool isLoopbackClient(const std::string& addr) {
  return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.");
}

}  // namespace

std::string metricsText(const pipeline::Collector& c) {
  const auto& s = c.stats();
  std::string out;
  auto counter = [&](const char* name, const char* help, uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(v) + "\n";
  };
  counter("siphon_received_total", "HEP packets read from any source", s.received.load());
  counter("siphon_stored_total", "records committed to the store", s.stored.load());
  counter("siphon_unparsed_sip_total", "records stored raw with a SIP parse error",
          s.unparsed_sip.load());
  out += "# HELP siphon_dropped_total packets dropped, by reason\n# TYPE siphon_dropped_total counter\n";
  for (size_t i = 0; i < s.dropped.size(); ++i) {
    out += "siphon_dropped_total{reason=\"" +
           std::string(core::dropReasonName(static_cast<core::DropReason>(i))) + "\"} " +
           std::to_string(s.dropped[i].load()) + "\n";
  }
  out += "# HELP siphon_store_batch_seconds time of the store's write transactions\n"
         "# TYPE siphon_store_batch_seconds summary\n";
  out += "siphon_store_batch_seconds_sum " + std::to_string(s.store_batch_us.load() / 1e6) + "\n";
  out += "siphon_store_batch_seconds_count " + std::to_string(s.store_batches.load()) + "\n";
  out += "# HELP siphon_store_batch_max_seconds the longest store write transaction\n"
         "# TYPE siphon_store_batch_max_seconds gauge\n";
  out += "siphon_store_batch_max_seconds " + std::to_string(s.store_batch_max_us.load() / 1e6) + "\n";
  out += "# HELP siphon_queue_depth records waiting for the store\n# TYPE siphon_queue_depth gauge\n";
  out += "siphon_queue_depth " + std::to_string(c.queueDepth()) + "\n";
  out += "# HELP siphon_queue_bytes bytes of the records waiting for the store\n"
         "# TYPE siphon_queue_bytes gauge\n";
  out += "siphon_queue_bytes " + std::to_string(c.queueBytes()) + "\n";
  out += "# HELP siphon_capture_on 1 when capture_on and hep_capture_on are both on\n"
         "# TYPE siphon_capture_on gauge\n";
  out += std::string("siphon_capture_on ") +
         (const_cast<pipeline::Collector&>(c).captureSwitch().accepting() ? "1" : "0") + "\n";
  return out;
}

std::string statsJson(const pipeline::Collector& c) {
  const auto& s = c.stats();
  nlohmann::json dropped = nlohmann::json::object();
  for (size_t i = 0; i < s.dropped.size(); ++i) {
    dropped[std::string(core::dropReasonName(static_cast<core::DropReason>(i)))] = s.dropped[i].load();
  }
  nlohmann::json j = {{"received", s.received.load()},   {"stored", s.stored.load()},
                      {"unparsed_sip", s.unparsed_sip.load()}, {"relayed", 0},
                      {"dropped", s.droppedTotal()},    {"dropped_by_reason", dropped},
                      {"queue_depth", c.queueDepth()},
                      {"queue_bytes", c.queueBytes()},
                      {"store_batches", s.store_batches.load()},
                      {"store_batch_ms_avg", s.store_batches.load() ? s.store_batch_us.load() / 1000.0 / s.store_batches.load() : 0.0},
                      {"store_batch_ms_max", s.store_batch_max_us.load() / 1000.0}};
  return j.dump();
}

ApiServer::ApiServer(pipeline::Collector& collector) : collector_(collector) {}

ApiServer::~ApiServer() { stop(); }

core::Result<void, core::Failure> ApiServer::start(const std::string& host_port) {
  auto ep = core::Endpoint::parse("tcp:" + host_port);
  if (!ep.has_value()) return core::unexpected(core::Failure{ep.error().message, 2});
  server_ = std::make_unique<httplib::Server>();
  routes();
  std::string host = ep->ip.toString();
  int port = ep->port;
  if (port == 0) {
    port = server_->bind_to_any_port(host);
    if (port <= 0) return core::unexpected(core::Failure{"cannot bind " + host_port, 1});
  } else if (!server_->bind_to_port(host, port)) {
    return core::unexpected(core::Failure{"cannot bind " + host_port, 1});
  }
  address_ = (ep->ip.isV6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() does nothing until the listen loop runs: wait for it (bounded), so that
  // a stop right after start cannot leave the loop running forever.
  for (int i = 0; i < 500 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {};
}

void ApiServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void ApiServer::routes() {
  auto& s = *server_;
  // No token support yet: every route is loopback-only (the HTTP API issue adds tokens).
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (isLoopbackClient(req.remote_addr)) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 403;
    res.set_content("{\"error\":\"loopback clients only\"}", "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });
  s.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metricsText(collector_), "text/plain; version=0.0.4");
  });
  s.Get("/api/v1/stats", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(statsJson(collector_), "application/json");
  });
  auto state = [this] { return collector_.captureSwitch().capture_on.load() ? "on" : "off"; };
  s.Get("/api/v1/capture", [state](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string("{\"capture\":\"") + state() + "\"}", "application/json");
  });
  s.Post(R"(/api/v1/capture/(on|off))", [this, state](const httplib::Request& req, httplib::Response& res) {
    collector_.captureSwitch().capture_on = req.matches[1] == "on";
    res.set_content(std::string("{\"capture\":\"") + state() + "\"}", "application/json");
  });
}

}  // namespace siphon::web
