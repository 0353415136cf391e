#include "cli/call_options.h"

namespace siphon::cli {

void addCallRequestOptions(CLI::App& app, query::CallRequest& req) {
  auto& q = req.query;
  app.add_option("--db", req.db_url, "store URL, e.g. sqlite:siphon.db")->required();
  auto* id = app.add_option("--call-id", q.call_id, "Call-ID of any leg of the call");
  auto* corr = app.add_option("--correlation", q.correlation,
                              "correlation id (HEP 0x0011, callid_aleg, OpenSIPS 0x0065)");
  id->excludes(corr);
  app.add_option("--since", req.since, "RFC 3339 or relative (-15m, -2h, -7d)");
  app.add_option("--until", req.until, "RFC 3339 or relative");
  app.add_option("--max-legs", q.max_legs, "Call-IDs joined at most")->check(CLI::Range(1, 100000));
  app.add_option("--max-messages", q.max_messages, "messages at most")->check(CLI::Range(1, 10000000));
  app.add_option("--callid-aleg-header", req.callid_aleg_header,
                 "callid_aleg_header names, ';'-separated (default X-CID)");
}

}  // namespace siphon::cli
