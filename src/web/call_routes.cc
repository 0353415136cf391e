#include "web/call_routes.h"

#include <functional>
#include <initializer_list>

#include "query/ladder.h"
#include "query/ladder_svg.h"
#include "query/pcap_export.h"
#include "record/record_text.h"
#include "web/api_json.h"
#include "web/http_reply.h"
#include "web/request_params.h"
#include "web/store_access.h"

namespace siphon::web {
namespace {

using CallHandler = std::function<void(const httplib::Request&, httplib::Response&,
                                       const query::CallQuery&, const query::CallResult&)>;

// Parses the call parameters, assembles the call, answers every failure; `handler` gets a call
// with at least one message.
void withCall(const StoreAccess& store, const httplib::Request& req, httplib::Response& res,
              std::initializer_list<std::string_view> extra, const CallHandler& handler) {
  auto q = callQueryFrom(req.params, wallClockMicros(), extra);
  if (!q.has_value()) return replyError(res, 400, q.error().message);
  auto reader = store.reader();
  if (!reader.has_value()) return replyError(res, 500, reader.error().message);
  auto call = query::assembleCall(**reader, *q, store.rowOptions());
  if (!call.has_value()) return replyError(res, 500, call.error().message);
  if (call->messages.empty()) {
    return replyError(res, 404,
                      q->call_id.empty() ? "no message found with correlation id '" + q->correlation + "'"
                                         : "no message found with Call-ID '" + q->call_id + "'");
  }
  handler(req, res, *q, *call);
}

const std::string& askedId(const query::CallQuery& q) {
  return q.call_id.empty() ? q.correlation : q.call_id;
}

// A Call-ID in a Content-Disposition filename: RFC 6266 quoted-string, kept to characters that
// are safe in every file system.
std::string fileNamePart(std::string_view id) {
  std::string out;
  for (char ch : id.substr(0, 100)) {
    bool safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '.' || ch == '-' || ch == '_' || ch == '@';
    out += safe ? ch : '_';
  }
  return out.empty() ? "call" : out;
}

void ladderRoute(const httplib::Request& req, httplib::Response& res, const query::CallQuery&,
                 const query::CallResult& call) {
  std::string format = paramOr(req.params, "format", "json");
  if (format != "json" && format != "svg" && format != "html") {
    return replyError(res, 400, "format: expected json, svg or html");
  }
  query::Ladder ladder = query::buildLadder(call);
  if (format == "svg") return res.set_content(query::renderLadderSvg(ladder, call), "image/svg+xml");
  if (format == "html") {
    return res.set_content(query::renderLadderHtml(ladder, call), "text/html; charset=utf-8");
  }
  replyJson(res, ladderJson(ladder, call));
}

void pcapRoute(const httplib::Request&, httplib::Response& res, const query::CallQuery& q,
               const query::CallResult& call) {
  query::PcapBuilder pcap;
  for (const auto& m : call.messages) pcap.add(m.meta);
  const auto& bytes = pcap.bytes();
  res.set_header("Content-Disposition",
                 "attachment; filename=\"call-" + fileNamePart(askedId(q)) + ".pcap\"");
  res.set_content(reinterpret_cast<const char*>(bytes.data()), bytes.size(),
                  "application/vnd.tcpdump.pcap");
}

// Each message: its one-line summary (time, src -> dst, transport, method, Call-ID), the text
// as captured, a blank line.
std::string callText(const query::CallResult& call) {
  std::string out;
  for (const auto& m : call.messages) {
    out += record::recordText(m.meta, m.sip);
    out += "\n";
    out += m.payload();
    if (!out.ends_with('\n')) out += '\n';
    out += '\n';
  }
  return out;
}

}  // namespace

void addCallRoutes(httplib::Server& server, const StoreAccess& store) {
  server.Get("/api/v1/call", [&store](const httplib::Request& req, httplib::Response& res) {
    withCall(store, req, res, {},
             [&store](const httplib::Request&, httplib::Response& r, const query::CallQuery& q,
                      const query::CallResult& call) {
               replyJson(r, callJson(call, askedId(q), store.rowOptions()));
             });
  });
  server.Get("/api/v1/call/ladder", [&store](const httplib::Request& req, httplib::Response& res) {
    withCall(store, req, res, {"format"}, ladderRoute);
  });
  server.Get("/api/v1/call/export.pcap", [&store](const httplib::Request& req, httplib::Response& res) {
    withCall(store, req, res, {}, pcapRoute);
  });
  server.Get("/api/v1/call/export.txt", [&store](const httplib::Request& req, httplib::Response& res) {
    withCall(store, req, res, {},
             [](const httplib::Request&, httplib::Response& r, const query::CallQuery&,
                const query::CallResult& call) {
               r.set_content(callText(call), "text/plain; charset=utf-8");
             });
  });
}

}  // namespace siphon::web
