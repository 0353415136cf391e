// `siphon ctl`: runtime control of a running `siphon serve` over its HTTP API (docs/CLI.md):
// capture on|off|check (the seeds' sipcapture.status) and stats. With --token (or the
// SIPHON_API_TOKEN environment variable) every request carries `Authorization: Bearer TOKEN`.

#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace siphon::cli {
namespace {

struct CtlFlags {
  std::string api = "http://127.0.0.1:9080";
  std::string token;  ///< --token, else SIPHON_API_TOKEN, else none
  std::string capture_action;
  std::string trace_action;
  std::string format = "text";
};

// GET or POST `path`; prints an error and returns nullopt when the server can't be reached.
std::optional<nlohmann::json> call(const CtlFlags& f, const std::string& method,
                                   const std::string& path) {
  const std::string& api = f.api;
  httplib::Client client(api);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  if (!f.token.empty()) client.set_bearer_token_auth(f.token);
  auto res = method == "POST" ? client.Post(path.c_str()) : client.Get(path.c_str());
  if (!res) {
    std::fprintf(stderr, "siphon ctl: cannot reach %s: %s\n", api.c_str(),
                 httplib::to_string(res.error()).c_str());
    return std::nullopt;
  }
  if (res->status != 200) {
    std::fprintf(stderr, "siphon ctl: %s%s: HTTP %d %s\n", api.c_str(), path.c_str(), res->status,
                 res->body.c_str());
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    std::fprintf(stderr, "siphon ctl: %s%s: reply is not JSON\n", api.c_str(), path.c_str());
    return std::nullopt;
  }
  return j;
}

// capture (serve) and trace (agent) are the same kind of switch: GET to check, POST to set.
int runSwitch(const CtlFlags& f, const std::string& name, const std::string& action) {
  auto j = action == "check" ? call(f, "GET", "/api/v1/" + name)
                             : call(f, "POST", "/api/v1/" + name + "/" + action);
  if (!j) return 1;
  std::printf("%s\n", j->value(name, "?").c_str());
  return 0;
}

int runStats(const CtlFlags& f) {
  auto j = call(f, "GET", "/api/v1/stats");
  if (!j) return 1;
  if (f.format == "json") {
    std::printf("%s\n", j->dump().c_str());
    return 0;
  }
  for (const char* key : {"received", "stored", "unparsed_sip", "relayed", "dropped", "queue_depth"}) {
    if (j->contains(key)) std::printf("%-14s %s\n", key, (*j)[key].dump().c_str());
  }
  if (j->contains("dropped_by_reason")) {
    for (const auto& [reason, n] : (*j)["dropped_by_reason"].items()) {
      std::printf("dropped.%-6s %s\n", reason.c_str(), n.dump().c_str());
    }
  }
  if (j->contains("memory")) {
    for (const auto& [part, n] : (*j)["memory"].items()) {
      std::printf("memory.%-17s %s\n", part.c_str(), n.dump().c_str());
    }
  }
  // Each sink's state and spool (the same as /health).
  if (j->contains("sinks") && (*j)["sinks"].is_array()) {
    for (const auto& s : (*j)["sinks"]) {
      std::string line = "sink " + s.value("sink", "?") + ": " + s.value("state", "?");
      if (s.value("spool_records", uint64_t{0}) > 0) {
        line += ", spooled " + std::to_string(s.value("spool_records", uint64_t{0})) +
                " records (" + std::to_string(s.value("spool_bytes", uint64_t{0})) +
                " bytes, oldest " + std::to_string(s.value("spool_age_s", int64_t{0})) + " s)";
      }
      if (s.contains("error")) line += "; " + s.value("error", "");
      std::printf("%s\n", line.c_str());
    }
  }
  // Every stage in the one shape: what it did, then what it dropped by reason.
  if (j->contains("stages") && (*j)["stages"].is_array()) {
    for (const auto& st : (*j)["stages"]) {
      std::string line = st.value("kind", "?") + " " + st.value("stage", "?") + ":";
      for (const auto& [name, n] : st["counts"].items()) line += " " + name + "=" + n.dump();
      std::string drops;
      for (const auto& [reason, n] : st["dropped"].items()) drops += " " + reason + "=" + n.dump();
      if (!drops.empty()) line += "; dropped" + drops;
      std::printf("%s\n", line.c_str());
    }
  }
  return 0;
}

}  // namespace

Command addCtlCommand(CLI::App& root) {
  auto flags = std::make_shared<CtlFlags>();
  Command c;
  c.app = root.add_subcommand("ctl", "Control a running serve or agent");
  c.app->add_option("--api", flags->api, "HTTP API of the running process")->capture_default_str();
  c.app->add_option("--token", flags->token,
                    "API token (api_admin_tokens for capture; default $SIPHON_API_TOKEN)");
  c.app->require_subcommand(1);
  auto* capture = c.app->add_subcommand("capture", "capture on|off|check");
  capture->add_option("ACTION", flags->capture_action)->required()->check(CLI::IsMember({"on", "off", "check"}));
  auto* trace = c.app->add_subcommand("trace", "trace on|off|check (agent)");
  trace->add_option("ACTION", flags->trace_action)->required()->check(CLI::IsMember({"on", "off", "check"}));
  auto* stats = c.app->add_subcommand("stats", "counters: received, stored, relayed, dropped by reason");
  stats->add_option("--format", flags->format)->check(CLI::IsMember({"text", "json"}));
  c.run = [flags, capture, trace, stats] {
    if (flags->token.empty()) {
      // The environment keeps the token out of `ps` and shell history.
      if (const char* env = std::getenv("SIPHON_API_TOKEN")) flags->token = env;
    }
    if (capture->parsed()) return runSwitch(*flags, "capture", flags->capture_action);
    if (stats->parsed()) return runStats(*flags);
    if (trace->parsed()) return runSwitch(*flags, "trace", flags->trace_action);
    return 2;
  };
  return c;
}

}  // namespace siphon::cli
