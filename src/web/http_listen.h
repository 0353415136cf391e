#pragma once
// What every HTTP server of ours does the same way: bind HOST:PORT (port 0 = any free port) and
// serve on a thread.

#include <string>
#include <thread>

#include "core/result.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace siphon::web {

/// Binds `server` to `host_port` and runs its listen loop on `thread`; returns "HOST:PORT" as
/// bound. Waits (bounded) until the loop runs, so that a stop right after start cannot leave it
/// running forever.
[[nodiscard]] core::Result<std::string, core::Failure> listenInBackground(httplib::Server& server,
                                                                         const std::string& host_port,
                                                                         std::thread& thread);

}  // namespace siphon::web
