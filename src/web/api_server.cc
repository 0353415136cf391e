#include "web/api_server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "core/endpoint.h"
#include "web/call_routes.h"
#include "web/http_listen.h"
#include "web/http_reply.h"
#include "web/search_routes.h"
#include "web/store_access.h"

namespace siphon::web {

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

ApiServer::ApiServer(pipeline::Collector& collector, ApiOptions options)
    : collector_(collector),
      options_(std::move(options)),
      auth_(options_.tokens),
      store_(std::make_unique<StoreAccess>(collector.config().db_url, collector.config().store.row)) {
  if (!options_.static_files) options_.static_files = staticFileTable(embeddedUiFiles());
}

ApiServer::~ApiServer() { stop(); }

core::Result<void, core::Failure> ApiServer::start(const std::string& host_port) {
  server_ = std::make_unique<httplib::Server>();
  const size_t threads = std::max<size_t>(options_.threads, 1);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  routes();
  auto bound = listenInBackground(*server_, host_port, thread_);
  if (!bound) return core::unexpected(std::move(bound).error());
  address_ = *bound;
  return {};
}

void ApiServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void ApiServer::routes() {
  auto& s = *server_;
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    std::string query_token = req.has_param("token") ? req.get_param_value("token") : "";
    auto decision = auth_.authorize({req.method, req.path, req.remote_addr,
                                     req.get_header_value("Authorization"), query_token});
    if (decision.status == 0) return httplib::Server::HandlerResponse::Unhandled;
    // RFC 6750 §3: a 401 names the scheme the client should use.
    if (decision.status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"siphon\"");
    replyError(res, decision.status, decision.error);
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
  addSearchRoutes(s, *store_);
  addCallRoutes(s, *store_);
  staticRoutes();
}

void ApiServer::staticRoutes() {
  auto serve = [this](const std::string& path, httplib::Response& res) {
    auto file = options_.static_files(path);
    if (!file) return replyError(res, 404, "not found");
    res.set_content(file->bytes.data(), file->bytes.size(), std::string(file->content_type));
  };
  server_->Get("/", [serve](const httplib::Request&, httplib::Response& res) {
    serve("/index.html", res);
  });
  server_->Get(R"(/ui/.*|/favicon\.ico)", [serve](const httplib::Request& req, httplib::Response& res) {
    serve(req.path, res);
  });
}

}  // namespace siphon::web
