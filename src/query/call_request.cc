#include "query/call_request.h"

#include "core/db_url.h"
#include "query/capture_reader.h"
#include "query/search.h"

namespace siphon::query {

core::Result<CallResult, core::Failure> loadCall(const CallRequest& request, int64_t now_us) {
  auto url = core::DbUrl::parse(request.db_url);
  if (!url.has_value()) return core::unexpected(core::Failure{"--db: " + url.error().message, 2});
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
  record::CaptureRowOptions row;
  auto names = sip::splitHeaderNames("--callid-aleg-header", request.callid_aleg_header);
  if (!names.has_value()) return core::unexpected(std::move(names).error());
  row.fields.callid_aleg_headers = std::move(*names);
  auto reader = openCaptureReader(*url, row);
  if (!reader.has_value()) {
    auto f = std::move(reader).error();
    f.message = "--db " + url->redacted() + ": " + f.message;
    return core::unexpected(std::move(f));
  }
  auto call = assembleCall(**reader, q, row);
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
