#include "web/tail_routes.h"

#include <httplib.h>

#include "web/http_reply.h"
#include "web/request_params.h"
#include "web/tail_hub.h"

namespace siphon::web {

void addTailRoutes(httplib::Server& server, TailHub& hub) {
  server.Get("/api/v1/tail", [&hub](const httplib::Request& req, httplib::Response& res) {
    auto q = searchFiltersFrom(req.params, wallClockMicros());
    if (!q.has_value()) return replyError(res, 400, q.error().message);
    auto viewer = hub.subscribe(std::move(*q));
    if (!viewer) return replyError(res, 503, "too many live tail viewers");
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream",
        [viewer, reported = uint64_t{0}](size_t, httplib::DataSink& sink) mutable {
          std::vector<std::shared_ptr<const std::string>> events;
          const bool open = viewer->next(events, std::chrono::seconds(1));
          std::string out;
          size_t bytes = 0;
          for (const auto& e : events) bytes += e->size() + 24;
          out.reserve(bytes + 64);
          for (const auto& e : events) {
            out.append("event: record\ndata: ");
            out.append(*e);
            out.append("\n\n");
          }
          if (const uint64_t dropped = viewer->dropped(); dropped != reported) {
            reported = dropped;
            out += "event: dropped\ndata: {\"dropped\":" + std::to_string(dropped) + "}\n\n";
          }
          // The end says so, for a viewer to tell it from a broken connection.
          if (!open) out += "event: end\ndata: {\"reason\":\"collector stopping\"}\n\n";
          if (out.empty()) out = ": idle\n\n";
          if (!sink.write(out.data(), out.size())) return false;  // the viewer went away
          if (!open) sink.done();
          return open;
        },
        [&hub, viewer](bool) { hub.unsubscribe(viewer); });
  });
}

}  // namespace siphon::web
