#pragma once
// GET /api/v1/tail?<search filters>: the live tail as Server-Sent Events (text/event-stream).
// Each record the store writes that matches the filters (the search's, minus the time range)
// comes as `event: record` with its JSON (search's record object, without the message) as
// data; `event: dropped` with {"dropped": N} says N matching records were skipped because the
// viewer fell behind; `event: end` closes the stream when the collector stops (a cut stream
// has no such line); a comment line every second keeps idle connections open. 503 when the
// most viewers already watch. Any store can be tailed: filters are checked on each record as
// it is written.

namespace httplib {
class Server;
}

namespace siphon::web {

class TailHub;

/// Registers the route; `hub` must outlive the server.
void addTailRoutes(httplib::Server& server, TailHub& hub);

}  // namespace siphon::web
