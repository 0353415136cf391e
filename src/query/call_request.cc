#include "query/call_request.h"

#include <algorithm>

#include "query/search.h"

namespace siphon::query {

core::Result<CallResult, core::Failure> loadCall(const CallRequest& request, int64_t now_us) {
  const std::string& url = request.db_url;
  if (!url.starts_with("sqlite:") || url.size() == 7) {
    return core::unexpected(
        core::Failure{"--db " + url + ": only sqlite:PATH is supported by this version", 2});
  }
  CallQuery q = request.query;
  if (q.call_id.empty() == q.correlation.empty()) {
    return core::unexpected(core::Failure{"give exactly one of --call-id or --correlation", 2});
  }
  for (auto [text, out] : {std::pair{&request.since, &q.since}, std::pair{&request.until, &q.until}}) {
    if (text->empty()) continue;
    auto t = parseTime(*text, now_us);
    if (!t.has_value()) return core::unexpected(std::move(t).error());
    *out = *t;
  }
  sink::CaptureRowOptions row;
  row.fields.callid_aleg_headers.clear();
  const std::string& names = request.callid_aleg_header;
  for (size_t start = 0; start <= names.size();) {  // "X-CID;X-Leg": empty items skipped (§2.8)
    size_t end = std::min(names.find(';', start), names.size());
    if (end > start) row.fields.callid_aleg_headers.push_back(names.substr(start, end - start));
    start = end + 1;
  }
  auto store = store::BlockStore::open(url.substr(7), {}, /*read_only=*/true);
  if (!store.has_value()) return core::unexpected(std::move(store).error());
  auto call = assembleCall(**store, q, row);
  if (!call.has_value()) return call;
  if (call->messages.empty()) {
    bool by_callid = !q.call_id.empty();
    return core::unexpected(core::Failure{std::string("no message found with ") +
                                              (by_callid ? "Call-ID '" : "correlation id '") +
                                              (by_callid ? q.call_id : q.correlation) + "'",
                                          1});
  }
  return call;
}

}  // namespace siphon::query
