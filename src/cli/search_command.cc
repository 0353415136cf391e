// `siphon search`: finds stored messages (docs/CLI.md).

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

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
};

int runSearch(SearchFlags& f) {
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
    for (const auto& r : result->records) std::printf("%s\n", record::recordJson(r.meta, r.sip).dump().c_str());
  } else if (f.format == "json") {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : result->records) arr.push_back(record::recordJson(r.meta, r.sip));
    std::printf("%s\n", arr.dump(2).c_str());
  } else {
    std::printf("%-27s %-9s %-16s %-16s %-22s %-22s %s\n", "date", "method", "from_user", "to_user",
                "source", "destination", "callid");
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
  c.app->add_option("--db", f->db, "store URL: sqlite:PATH or postgres://user:password@host:port/database")->required();
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
