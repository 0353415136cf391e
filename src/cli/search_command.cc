// `siphon search`: finds stored messages (docs/CLI.md).

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/db_url.h"
#include "query/capture_reader.h"
#include "query/search.h"
#include "record/record_json.h"

namespace siphon::cli {
namespace {

struct SearchFlags {
  std::string db;
  query::SearchQuery q;
  std::string since, until;
  std::optional<int> status;
  std::string format = "table";
  bool follow = false;                     ///< --follow: the live tail of a running collector
  std::string api = "http://127.0.0.1:9080";
  std::string token;                       ///< --token, else SIPHON_API_TOKEN
  uint64_t max_records = 0;                ///< --follow stops after this many (0: never)
};

void printTableHead() {
  std::printf("%-27s %-9s %-16s %-16s %-22s %-22s %s\n", "date", "method", "from_user", "to_user",
              "source", "destination", "callid");
}

// One record of the tail (the API's record JSON) as a table line.
void printTableLine(const nlohmann::json& j) {
  auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
  auto number = [&](const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<int64_t>() : 0; };
  const std::string method = j.contains("parse_error") ? "(unparsed)" : text("method");
  std::printf("%-27s %-9s %-16s %-16s %-22s %-22s %s\n", text("date").c_str(), method.c_str(),
              text("from_user").c_str(), text("to_user").c_str(),
              (text("source_ip") + ":" + std::to_string(number("source_port"))).c_str(),
              (text("destination_ip") + ":" + std::to_string(number("destination_port"))).c_str(),
              text("callid").c_str());
  std::fflush(stdout);
}

// --follow: GET /api/v1/tail with the filters, one line per record as the collector stores it,
// until interrupted, the collector stops, or --max-records.
int runFollow(const SearchFlags& f) {
  httplib::Params params;
  auto add = [&](const char* name, const std::string& v) {
    if (!v.empty()) params.emplace(name, v);
  };
  add("call_id", f.q.call_id);
  add("correlation", f.q.correlation);
  add("from_user", f.q.from_user);
  add("to_user", f.q.to_user);
  add("ruri_user", f.q.ruri_user);
  add("method", f.q.method);
  add("ip", f.q.ip);
  add("node", f.q.node);
  if (f.status) add("status", std::to_string(*f.status));
  const std::string path = httplib::append_query_params("/api/v1/tail", params);
  httplib::Client client(f.api);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);  // the tail sends a line every second, records or not
  const std::string token = !f.token.empty() ? f.token : (std::getenv("SIPHON_API_TOKEN") ? std::getenv("SIPHON_API_TOKEN") : "");
  if (!token.empty()) client.set_bearer_token_auth(token);
  if (f.format == "table") printTableHead();
  std::fflush(stdout);
  std::string buffer;
  uint64_t records = 0;
  int status = 0;
  bool ended = false;  // the collector said it was stopping: the stream's end, whatever follows
  auto res = client.Get(
      path,
      [&](const httplib::Response& r) {
        status = r.status;
        if (r.status == 200) std::fprintf(stderr, "siphon search: following %s\n", f.api.c_str());
        return r.status == 200;
      },
      [&](const char* bytes, size_t n) {
        buffer.append(bytes, n);
        for (size_t end; (end = buffer.find("\n\n")) != std::string::npos; buffer.erase(0, end + 2)) {
          const std::string event = buffer.substr(0, end);
          if (event.starts_with("event: end")) {
            ended = true;
            continue;
          }
          if (event.starts_with("event: dropped")) {
            std::fprintf(stderr, "siphon search: %s\n", event.substr(event.find("data: ") + 6).c_str());
            continue;
          }
          if (!event.starts_with("event: record")) continue;
          const size_t at = event.find("data: ");
          if (at == std::string::npos) continue;
          const std::string json = event.substr(at + 6);
          if (f.format == "table") {
            auto j = nlohmann::json::parse(json, nullptr, false);
            if (!j.is_discarded()) printTableLine(j);
          } else {
            std::printf("%s\n", json.c_str());
            std::fflush(stdout);
          }
          if (++records == f.max_records) return false;
        }
        return true;
      });
  if (f.max_records != 0 && records >= f.max_records) return 0;
  if (status != 0 && status != 200) {
    std::fprintf(stderr, "siphon search: %s/api/v1/tail: HTTP %d\n", f.api.c_str(), status);
    return 1;
  }
  if (!res && !ended) {
    std::fprintf(stderr, "siphon search: --follow: %s: %s\n", f.api.c_str(), httplib::to_string(res.error()).c_str());
    return 1;
  }
  return 0;
}

int runSearch(SearchFlags& f) {
  if (f.follow) return runFollow(f);
  if (f.db.empty()) {
    std::fprintf(stderr, "siphon search: --db is required (or --follow with --api)\n");
    return 2;
  }
  auto url = core::DbUrl::parse(f.db);
  if (!url.has_value()) {
    std::fprintf(stderr, "siphon search: --db: %s\n", url.error().message.c_str());
    return 2;
  }
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  for (auto [text, out] : {std::pair{&f.since, &f.q.since}, std::pair{&f.until, &f.q.until}}) {
    if (text->empty()) continue;
    auto t = query::parseTime(*text, now);
    if (!t.has_value()) {
      std::fprintf(stderr, "siphon search: %s\n", t.error().message.c_str());
      return 2;
    }
    *out = *t;
  }
  f.q.status = f.status;
  auto reader = query::openCaptureReader(*url, {});
  if (!reader.has_value()) {
    std::fprintf(stderr, "siphon search: --db: %s\n", reader.error().message.c_str());
    return reader.error().exit_code;
  }
  auto result = (*reader)->search(f.q);
  if (!result.has_value()) {
    std::fprintf(stderr, "siphon search: %s\n", result.error().message.c_str());
    return 1;
  }
  if (f.format == "jsonl") {
    for (const auto& r : result->records) std::printf("%s\n", record::recordJsonText(r.meta, r.sip).c_str());
  } else if (f.format == "json") {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : result->records) arr.push_back(record::recordJson(r.meta, r.sip));
    std::printf("%s\n", arr.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  } else {
    printTableHead();
    record::CaptureRow row;
    for (const auto& r : result->records) {
      record::buildCaptureRow(r.meta, r.sip, {}, row);
      const auto& fields = row.sip();
      std::string src = row.source_ip + ":" + std::to_string(row.source_port);
      std::string dst = row.destination_ip + ":" + std::to_string(row.destination_port);
      std::string method = row.parseError() ? "(unparsed)" : std::string(fields.method);
      std::printf("%-27s %-9s %-16.*s %-16.*s %-22s %-22s %.*s\n",
                  record::formatRfc3339Micros(row.micro_ts).c_str(), method.c_str(),
                  static_cast<int>(fields.from_user.size()), fields.from_user.data(),
                  static_cast<int>(fields.to_user.size()), fields.to_user.data(), src.c_str(),
                  dst.c_str(), static_cast<int>(fields.callid.size()), fields.callid.data());
    }
    std::fprintf(stderr, "%zu record(s)%s\n", result->records.size(),
                 result->truncated ? " (more match: raise --limit)" : "");
  }
  return 0;
}

}  // namespace

Command addSearchCommand(CLI::App& root) {
  auto f = std::make_shared<SearchFlags>();
  Command c;
  c.app = root.add_subcommand("search", "Find stored messages");
  c.app->add_option("--db", f->db, "store URL: sqlite:PATH or postgres://user:password@host:port/database");
  c.app->add_flag("--follow", f->follow, "print new messages as a running collector stores them (its --api)");
  c.app->add_option("--api", f->api, "--follow: the collector's HTTP API (default http://127.0.0.1:9080)");
  c.app->add_option("--token", f->token, "--follow: API token (default: SIPHON_API_TOKEN)");
  c.app->add_option("--max-records", f->max_records, "--follow: stop after this many records");
  c.app->add_option("--call-id", f->q.call_id, "Call-ID");
  c.app->add_option("--correlation", f->q.correlation, "correlation id (HEP 0x0011, else Call-ID)");
  c.app->add_option("--from-user", f->q.from_user, "From user");
  c.app->add_option("--to-user", f->q.to_user, "To user");
  c.app->add_option("--ruri-user", f->q.ruri_user, "Request-URI user");
  c.app->add_option("--method", f->q.method, "request method");
  c.app->add_option("--status", f->status, "reply status code")->check(CLI::Range(100, 699));
  c.app->add_option("--ip", f->q.ip, "source or destination address");
  c.app->add_option("--node", f->q.node, "capture node");
  c.app->add_option("--since", f->since, "RFC 3339 or relative (-15m, -2h, -7d)");
  c.app->add_option("--until", f->until, "RFC 3339 or relative");
  c.app->add_option("--limit", f->q.limit, "records at most (newest first)")->check(CLI::Range(1, 1000000));
  c.app->add_option("--format", f->format, "table, json or jsonl")
      ->check(CLI::IsMember({"table", "json", "jsonl"}));
  c.run = [f] { return runSearch(*f); };
  return c;
}

}  // namespace siphon::cli
