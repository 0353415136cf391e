#include "web/agent_api_server.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "web/api_auth.h"
#include "web/http_listen.h"

namespace siphon::web {

std::string agentStatsJson(const pipeline::Agent& agent) {
  auto s = agent.summary();
  nlohmann::json dropped = {{"queue_full", s.queue_full}, {"trace_off", s.trace_off},
                            {"kernel", s.kernel_dropped}};
  uint64_t sent = 0;
  if (const auto* h = agent.hepStats()) {
    sent = h->sent.load();
    for (size_t i = 0; i < h->dropped.size(); ++i) {
      dropped[std::string(sink::hepOutDropName(static_cast<sink::HepOutDrop>(i)))] = h->dropped[i].load();
    }
  }
  uint64_t total = 0;
  for (const auto& [k, v] : dropped.items()) total += v.get<uint64_t>();
  nlohmann::json j = {{"received", s.records}, {"stored", agent.storeStats().stored.load()},
                      {"relayed", sent},       {"dropped", total},
                      {"dropped_by_reason", dropped}, {"queued", s.queued},
                      {"trace", const_cast<pipeline::Agent&>(agent).traceOn().load() ? "on" : "off"}};
  return j.dump();
}

AgentApiServer::AgentApiServer(pipeline::Agent& agent) : agent_(agent) {}

AgentApiServer::~AgentApiServer() { stop(); }

core::Result<void, core::Failure> AgentApiServer::start(const std::string& host_port) {
  server_ = std::make_unique<httplib::Server>();
  auto& s = *server_;
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (isLoopbackClient(req.remote_addr)) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 403;
    res.set_content("{\"error\":\"loopback clients only\"}", "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });
  s.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  s.Get("/api/v1/stats", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(agentStatsJson(agent_), "application/json");
  });
  auto state = [this] { return std::string("{\"trace\":\"") + (agent_.traceOn().load() ? "on" : "off") + "\"}"; };
  s.Get("/api/v1/trace", [state](const httplib::Request&, httplib::Response& res) {
    res.set_content(state(), "application/json");
  });
  s.Post(R"(/api/v1/trace/(on|off))", [this, state](const httplib::Request& req, httplib::Response& res) {
    agent_.traceOn() = req.matches[1] == "on";
    res.set_content(state(), "application/json");
  });
  auto bound = listenInBackground(s, host_port, thread_);
  if (!bound) return core::unexpected(std::move(bound).error());
  address_ = *bound;
  return {};
}

void AgentApiServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace siphon::web
