#pragma once
// The HTTP side of `siphon serve` (notes/api_contract.md): /health, Prometheus /metrics, the
// JSON control API that `siphon ctl` calls (the seeds' sipcapture.status on|off|check and MI
// sip_capture), search and message routes (search_routes.h), call, ladder and export routes
// (call_routes.h) over the collector's store, and the web UI's static files (static_files.h).
// Access: api_auth.h (no token configured: loopback clients only).

#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "pipeline/collector.h"
#include "web/api_auth.h"
#include "web/static_files.h"

namespace httplib {
class Server;
}

namespace siphon::web {

class StoreAccess;

struct ApiOptions {
  ApiTokens tokens;  ///< api_read_tokens / api_admin_tokens; both empty = loopback only
  /// The UI's files; empty = embeddedUiFiles().
  StaticFileLookup static_files;
  /// Request-handling threads (cpp-httplib's pool); a browser keeps up to 6 connections open.
  size_t threads = 8;
};

class ApiServer {
 public:
  /// Searches the store of `collector.config()` (db_url, row options) while it runs.
  explicit ApiServer(pipeline::Collector& collector, ApiOptions options = {});
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
  void staticRoutes();

  pipeline::Collector& collector_;
  ApiOptions options_;
  ApiAuth auth_;
  std::unique_ptr<StoreAccess> store_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

/// The counters in Prometheus text format.
[[nodiscard]] std::string metricsText(const pipeline::Collector& collector);
/// The counters as one JSON object.
[[nodiscard]] std::string statsJson(const pipeline::Collector& collector);

}  // namespace siphon::web
