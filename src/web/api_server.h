#pragma once
// The HTTP side of `siphon serve`: /health, Prometheus /metrics, and the JSON control API that
// `siphon ctl` calls (the seeds' sipcapture.status on|off|check and MI sip_capture).
// Without a configured token only loopback clients are served.

#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "pipeline/collector.h"

namespace httplib {
class Server;
}

namespace siphon::web {

class ApiServer {
 public:
  explicit ApiServer(pipeline::Collector& collector);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Binds HOST:PORT (port 0 picks a free one) and serves on its own thread.
  [[nodiscard]] core::Result<void, core::Failure> start(const std::string& host_port);
  void stop();
  [[nodiscard]] bool running() const { return thread_.joinable(); }
  /// "HOST:PORT" as bound.
  [[nodiscard]] std::string address() const { return address_; }

 private:
  void routes();

  pipeline::Collector& collector_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

/// The counters in Prometheus text format.
[[nodiscard]] std::string metricsText(const pipeline::Collector& collector);
/// The counters as one JSON object.
[[nodiscard]] std::string statsJson(const pipeline::Collector& collector);

}  // namespace siphon::web
