#include "web/search_routes.h"

#include "web/api_json.h"
#include "web/http_reply.h"
#include "web/message_id.h"
#include "web/request_params.h"
#include "web/store_access.h"

namespace siphon::web {
namespace {

void search(const StoreAccess& store, const httplib::Request& req, httplib::Response& res) {
  auto q = searchQueryFrom(req.params, wallClockMicros());
  if (!q.has_value()) return replyError(res, 400, q.error().message);
  const size_t offset = q->offset, limit = q->limit;
  // One record more than the page tells exactly whether another page exists.
  q->limit = limit + 1;
  if (!store.embedded() && (!q->headers.empty() || !q->custom_field1.empty() ||
                            !q->custom_field2.empty() || !q->custom_field3.empty())) {
    // An SQL store checks these after its LIMIT: it would apply them to part of the matches.
    return replyError(res, 501, "header and custom_field filters need the embedded store");
  }
  auto found = store.search(*q);
  if (!found.has_value()) return replyError(res, 500, found.error().message);
  auto& records = found->records;
  const bool more = records.size() > limit;
  if (more) records.resize(limit);
  auto out = nlohmann::ordered_json::array();
  for (const auto& f : records) {
    const std::string id =
        messageIdOf(f.table, f.block_id, f.record_index, f.meta.microsSinceEpoch());
    out.push_back(recordWithId(f.meta, f.sip, id, /*with_message=*/false, store.rowOptions()));
  }
  nlohmann::ordered_json body;
  body["records"] = std::move(out);
  body["offset"] = offset;
  body["limit"] = limit;
  body["more"] = more;
  replyJson(res, body);
}

void message(const StoreAccess& store, const httplib::Request& req, httplib::Response& res) {
  auto ref = parseMessageId(req.matches[1].str());
  if (!ref) return replyError(res, 400, "bad message id '" + req.matches[1].str() + "'");
  if (ref->block_id == 0) {
    // A row of an SQL store.
    auto reader = store.reader();
    if (!reader.has_value()) return replyError(res, 500, reader.error().message);
    auto found = (*reader)->message(ref->table, ref->micro_ts, static_cast<int64_t>(ref->index));
    if (!found.has_value()) return replyError(res, 500, found.error().message);
    if (!*found) return replyError(res, 404, "no such message");
    record::ParsedSip sip;
    record::parseSip((*found)->meta, store.rowOptions().fields, sip);
    return replyJson(res, recordWithId((*found)->meta, sip, req.matches[1].str(),
                                       /*with_message=*/true, store.rowOptions()));
  }
  if (!store.embedded()) return replyError(res, 404, "no such message");
  auto db = store.open();
  if (!db.has_value()) return replyError(res, 500, db.error().message);
  auto block = (*db)->loadBlock(ref->block_id);
  if (!block.has_value()) {
    // loadBlock does not tell a missing block from a broken one by type; a missing one is
    // "block N not found" (block_store.cc).
    bool missing = block.error().message.ends_with(" not found");
    return replyError(res, missing ? 404 : 500, missing ? "no such message" : block.error().message);
  }
  if (ref->index >= block->records.size()) return replyError(res, 404, "no such message");
  const auto& meta = block->records[ref->index];
  record::ParsedSip sip;
  record::parseSip(meta, store.rowOptions().fields, sip);
  replyJson(res, recordWithId(meta, sip, req.matches[1].str(), /*with_message=*/true,
                              store.rowOptions()));
}

}  // namespace

void addSearchRoutes(httplib::Server& server, const StoreAccess& store) {
  server.Get("/api/v1/search", [&store](const httplib::Request& req, httplib::Response& res) {
    search(store, req, res);
  });
  server.Get(R"(/api/v1/message/([^/]+))",
             [&store](const httplib::Request& req, httplib::Response& res) {
               for (const auto& [name, value] : req.params) {
                 if (name != "token") return replyError(res, 400, "unknown parameter '" + name + "'");
               }
               message(store, req, res);
             });
}

}  // namespace siphon::web
