#include "web/http_listen.h"

#include <httplib.h>

#include <chrono>

#include "core/endpoint.h"

namespace siphon::web {

core::Result<std::string, core::Failure> listenInBackground(httplib::Server& server,
                                                            const std::string& host_port,
                                                            std::thread& thread) {
  auto ep = core::Endpoint::parse("tcp:" + host_port);
  if (!ep.has_value()) return core::unexpected(core::Failure{ep.error().message, 2});
  std::string host = ep->ip.toString();
  int port = ep->port;
  if (port == 0) {
    port = server.bind_to_any_port(host);
    if (port <= 0) return core::unexpected(core::Failure{"cannot bind " + host_port, 1});
  } else if (!server.bind_to_port(host, port)) {
    return core::unexpected(core::Failure{"cannot bind " + host_port, 1});
  }
  thread = std::thread([&server] { server.listen_after_bind(); });
  for (int i = 0; i < 500 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return core::hostPortText(host, static_cast<uint16_t>(port));
}

}  // namespace siphon::web
