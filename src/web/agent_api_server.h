#pragma once
// The HTTP side of `siphon agent`: /health, /api/v1/stats and the trace switch behind
// `siphon ctl trace on|off|check` (the seeds' siptrace.status RPC). Loopback clients only.

#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "pipeline/agent.h"

namespace httplib {
class Server;
}

namespace siphon::web {

class AgentApiServer {
 public:
  explicit AgentApiServer(pipeline::Agent& agent);
  ~AgentApiServer();
  AgentApiServer(const AgentApiServer&) = delete;
  AgentApiServer& operator=(const AgentApiServer&) = delete;

  /// Binds HOST:PORT (port 0 picks a free one) and serves on its own thread.
  [[nodiscard]] core::Result<void, core::Failure> start(const std::string& host_port);
  void stop();
  /// "HOST:PORT" as bound.
  [[nodiscard]] std::string address() const { return address_; }

 private:
  pipeline::Agent& agent_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

/// The agent's counters as one JSON object (what `siphon ctl stats` prints).
[[nodiscard]] std::string agentStatsJson(const pipeline::Agent& agent);

}  // namespace siphon::web
