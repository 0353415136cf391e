#pragma once
// GET /api/v1/stats/series and GET /api/v1/stats/top: the traffic statistics the embedded store
// keeps at ingest (store/traffic_stats.h), or an SQL store counts, for the dashboard.
//
//   /api/v1/stats/series?by=DIM[&since=TIME][&until=TIME][&interval=SECONDS]
//     DIM: total, method, code, class, node, kind, calls, answered, src_ip, dst_ip, user,
//     user_agent, asr (calls, answered and their ratio), or drops (the collector's drops by
//     reason, from its in-memory history: web/drop_history.h). since defaults to -1h, until to
//     now; interval (a multiple of 60 s) to the smallest of 1 min, 5 min, 15 min, 1 h, 6 h,
//     1 d that gives at most 360 points.
//     {"by", "since", "until", "interval_s", "buckets": [t, ...] (seconds), "series":
//      [{"key", "counts": [n per bucket], "total"}]}; asr adds {"key": "asr", "values":
//      [percent or null]}.
//   /api/v1/stats/top?by=DIM[&since][&until][&limit=10]
//     {"by", "since", "until", "top": [{"key", "count"}], "total"}: the `limit` keys with
//     the largest counts ("(other)" is what the per-hour key cap did not keep).
//
//   /api/v1/search/histogram?<search filters>[&since][&until]
//     messages over time for the search's filters: {"since", "until", "interval_s", "buckets",
//     "counts", "source", "exact"}. At most one of method, status or node (and no other filter)
//     is answered from the statistics ("source": "statistics", exact); other filters count the
//     newest 20,000 matches ("source": "scan", "exact" false when there were more).
//
// The SQL stores (PostgreSQL, MySQL, ClickHouse) keep no statistics at ingest: series and top
// count their rows per request (query/sql_filter.h statsSelect; sip_trace tables left out, a
// top list exact for each table's 10,000 biggest keys); the histogram scans them. Bad
// parameters answer 400.

namespace httplib {
class Server;
}

namespace siphon::web {

class StoreAccess;
class DropHistory;

/// Registers the routes; `store` and `drops` (may be null) must outlive the server.
void addStatsRoutes(httplib::Server& server, const StoreAccess& store, const DropHistory* drops);

}  // namespace siphon::web
