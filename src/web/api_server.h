#pragma once
// The HTTP side of a running pipeline, `siphon serve` and `siphon agent` alike
// (notes/api_contract.md). It offers the routes of what the pipeline holds:
//
//   always             /health, Prometheus /metrics, /api/v1/stats (stats_text.h)
//   a capture switch   /api/v1/capture[/on|/off]  (the seeds' sipcapture.status, MI sip_capture)
//   a trace switch     /api/v1/trace[/on|/off]    (siptrace.status, MI sip_trace)
//   a queryable store  search and message routes (search_routes.h), call, ladder and export
//                      routes (call_routes.h), and the web UI's static files (static_files.h)
//
// Access: api_auth.h (no token configured: loopback clients only).

#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "pipeline/pipeline.h"
#include "web/api_auth.h"
#include "web/static_files.h"
#include "web/drop_history.h"
#include "web/tail_hub.h"

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
  TailOptions tail;  ///< the live tail (GET /api/v1/tail): viewers at most, queue bounds
};

class ApiServer {
 public:
  /// Serves `pipeline` (which must outlive the server) while it runs.
  explicit ApiServer(pipeline::Pipeline& pipeline, ApiOptions options = {});
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
  void switchRoutes(const std::string& name, process::CaptureSwitch& state);
  void staticRoutes();

  pipeline::Pipeline& pipeline_;
  ApiOptions options_;
  ApiAuth auth_;
  std::unique_ptr<StoreAccess> store_;
  std::shared_ptr<TailHub> tail_;            ///< the live tail of the store, when it has a tap
  std::shared_ptr<sink::RecordTap> tap_;
  std::unique_ptr<DropHistory> drops_;       ///< drops by reason over time (dashboard)
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

}  // namespace siphon::web
