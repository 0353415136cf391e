#include "web/api_server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "core/endpoint.h"
#include "pipeline/pipeline_totals.h"
#include "web/call_routes.h"
#include "web/drop_history.h"
#include "web/http_listen.h"
#include "web/http_reply.h"
#include "web/request_params.h"
#include "web/search_routes.h"
#include "web/stats_routes.h"
#include "web/stats_text.h"
#include "web/store_access.h"
#include "web/tail_hub.h"
#include "web/tail_routes.h"

namespace siphon::web {

ApiServer::ApiServer(pipeline::Pipeline& pipeline, ApiOptions options)
    : pipeline_(pipeline), options_(std::move(options)), auth_(options_.tokens) {

  if (const auto& store = pipeline_.queryableStore()) {
    store_ = std::make_unique<StoreAccess>(store->db_url, store->row);
    if (store->tap) {
      tail_ = std::make_shared<TailHub>(store->row, options_.tail);
      tap_ = store->tap;
      tap_->attach(tail_);
    }
  }
  if (!options_.static_files) options_.static_files = staticFileTable(embeddedUiFiles());
}

ApiServer::~ApiServer() { stop(); }

core::Result<void, core::Failure> ApiServer::start(const std::string& host_port) {
  // Sampled from now on: the pipeline is running (its snapshot is safe from any thread).
  drops_ = std::make_unique<DropHistory>(
      [this] { return pipeline::PipelineTotals::of(pipeline_.snapshot()).drops; },
      [] { return wallClockMicros() / 1'000'000; });
  server_ = std::make_unique<httplib::Server>();
  // Each live tail viewer holds a thread for as long as it watches.
  const size_t threads = std::max<size_t>(options_.threads, 1) + (tail_ ? options_.tail.max_viewers : 0);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  routes();
  auto bound = listenInBackground(*server_, host_port, thread_);
  if (!bound) return core::unexpected(std::move(bound).error());
  address_ = *bound;
  return {};
}

void ApiServer::stop() {
  if (tap_) tap_->detach();
  if (tail_) {
    // Ends the viewers' streams, each with its last chunk: httplib's stop() would cut a
    // stream between two chunks (the viewer sees a broken connection, not an end).
    tail_->stop();
    (void)tail_->awaitViewersGone(std::chrono::seconds(3));
  }
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  drops_.reset();  // after the last request that could read it
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
  s.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    int status = 200;
    res.set_content(healthJson(pipeline_, status), "application/json");
    res.status = status;
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metricsText(pipeline_), "text/plain; version=0.0.4");
  });
  s.Get("/api/v1/stats", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(statsJson(pipeline_), "application/json");
  });
  for (const char* name : {"capture", "trace"}) {
    if (auto* state = pipeline_.findSwitch(name)) switchRoutes(name, *state);
  }
  if (store_) {
    addSearchRoutes(s, *store_);
    addCallRoutes(s, *store_);
    addStatsRoutes(s, *store_, drops_.get());
    if (tail_) addTailRoutes(s, *tail_);
    staticRoutes();
  }
}

void ApiServer::switchRoutes(const std::string& name, process::CaptureSwitch& state) {
  // GET checks, POST sets: `siphon ctl capture|trace on|off|check`. The switch's first flag is
  // the one the control sets (capture_on, trace_on); hep_capture_on stays as configured.
  auto reply = [name, &state](httplib::Response& res) {
    const bool on = state.capture_on.load();
    res.set_content("{\"" + name + "\":\"" + (on ? "on" : "off") + "\"}", "application/json");
  };
  server_->Get("/api/v1/" + name, [reply](const httplib::Request&, httplib::Response& res) {
    reply(res);
  });
  server_->Post("/api/v1/" + name + "/(on|off)",
                [reply, &state](const httplib::Request& req, httplib::Response& res) {
                  state.capture_on = req.matches[1] == "on";
                  reply(res);
                });
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
