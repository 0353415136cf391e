// `siphon serve`: the collector (docs/CLI.md). Defaults need no file; -c FILE applies the
// seed-named keys; flags override both. SIGINT/SIGTERM: stop the sources, flush every queued
// record, exit 0. SIGHUP: reload the switches of the configuration file.

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/config_file.h"
#include "core/db_url.h"
#include "pipeline/collector.h"
#include "web/api_server.h"

namespace siphon::cli {
namespace {

struct ServeFlags {
  std::string config;
  std::vector<std::string> listen;
  std::string db;
  std::string http;
  std::optional<int> workers;
  std::optional<std::string> capture_node;
  std::optional<std::string> hep_auth_key;
  std::optional<std::string> tls_certificate;
  std::optional<std::string> tls_private_key;
};

std::string statsLine(const pipeline::PipelineTotals& s) {
  std::string drops;
  for (const auto& [reason, n] : s.drops) {
    if (n == 0) continue;
    drops += drops.empty() ? " (" : ", ";
    drops += reason + ": " + std::to_string(n);
  }
  if (!drops.empty()) drops += ")";
  return "serve: received " + std::to_string(s.received) + ", stored " + std::to_string(s.stored) +
         " (unparsed SIP " + std::to_string(s.unparsed_sip) + "), dropped " +
         std::to_string(s.droppedTotal()) + drops;
}

// A TCP listener holds up to 1,024 connections and TLS 256 more, each a descriptor, beside the
// sockets, the store and the HTTP API: the usual soft limit of 1,024 would refuse connections
// before our own limits do. Raised to the hard limit (at most 65,536), as far as allowed.
void raiseFileLimit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  const rlim_t want = std::min<rlim_t>(r.rlim_max, 65536);
  if (r.rlim_cur >= want) return;
  r.rlim_cur = want;
  (void)::setrlimit(RLIMIT_NOFILE, &r);
}

core::Result<pipeline::CollectorConfig, core::Failure> buildConfig(const ServeFlags& flags) {
  auto config = pipeline::defaultCollectorConfig();
  if (!flags.config.empty()) {
    auto file = core::ConfigFile::load(flags.config);
    if (!file.has_value()) return core::unexpected(std::move(file).error());
    SIPHON_TRY(pipeline::applyConfigFile(*file, config));
  }
  if (!flags.listen.empty()) {
    config.listen.clear();
    for (const auto& text : flags.listen) {
      auto ep = core::Endpoint::parse(text);
      if (!ep.has_value()) {
        return core::unexpected(core::Failure{"--listen: " + ep.error().message, 2});
      }
      config.listen.push_back(*ep);
    }
  }
  if (!flags.db.empty()) {
    if (auto p = core::DbUrl::parse(flags.db); !p.has_value()) {
      return core::unexpected(core::Failure{"--db: " + p.error().message, 2});
    }
    config.db_url = flags.db;
  }
  if (!flags.http.empty()) config.http = flags.http;
  if (flags.workers) config.workers = *flags.workers;
  if (flags.capture_node) config.store.row.capture_node = *flags.capture_node;
  if (flags.hep_auth_key) config.hep_auth_key = *flags.hep_auth_key;
  if (flags.tls_certificate) config.tls_certificate = *flags.tls_certificate;
  if (flags.tls_private_key) config.tls_private_key = *flags.tls_private_key;
  return config;
}

int runServe(const ServeFlags& flags) {
  auto config = buildConfig(flags);
  if (!config.has_value()) {
    std::fprintf(stderr, "siphon serve: %s\n", config.error().message.c_str());
    return config.error().exit_code;
  }
  // Signals are taken by sigwait() in this thread only; every thread started below inherits
  // the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  raiseFileLimit();
  pipeline::Collector collector(*config);
  if (auto r = collector.start(); !r.has_value()) {
    std::fprintf(stderr, "siphon serve: %s\n", r.error().message.c_str());
    return r.error().exit_code;
  }
  web::ApiOptions api_options;
  api_options.tokens = {config->api_read_tokens, config->api_admin_tokens};
  web::ApiServer api(collector.pipeline(), std::move(api_options));
  if (!config->http.empty() && config->http != "off") {
    if (auto r = api.start(config->http); !r.has_value()) {
      std::fprintf(stderr, "siphon serve: --http: %s\n", r.error().message.c_str());
      collector.stop();
      return r.error().exit_code;
    }
  }
  for (const auto& ep : collector.listeners()) std::printf("listening on %s\n", ep.toString().c_str());
  if (api.running()) std::printf("http on %s\n", api.address().c_str());
  auto db_url = core::DbUrl::parse(config->db_url);  // checked by buildConfig()
  std::printf("storing into %s\n", db_url.has_value() ? db_url->redacted().c_str() : "?");
  std::fflush(stdout);

  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    // SIGHUP: re-read the file and apply what can change at run time (the capture switches).
    auto reloaded = buildConfig(flags);
    if (!reloaded.has_value()) {
      std::fprintf(stderr, "serve: SIGHUP: %s; keeping the running configuration\n",
                   reloaded.error().message.c_str());
      continue;
    }
    collector.captureSwitch().capture_on = reloaded->capture_on;
    collector.captureSwitch().hep_capture_on = reloaded->hep_capture_on;
    std::fprintf(stderr, "serve: SIGHUP: configuration reloaded (capture_on=%d, hep_capture_on=%d)\n",
                 reloaded->capture_on ? 1 : 0, reloaded->hep_capture_on ? 1 : 0);
  }
  api.stop();
  collector.stop();
  std::fprintf(stderr, "%s\n", statsLine(collector.stats()).c_str());
  return 0;
}

}  // namespace

Command addServeCommand(CLI::App& root) {
  auto flags = std::make_shared<ServeFlags>();
  Command c;
  c.app = root.add_subcommand("serve", "Run the collector: HEP in, store out");
  c.app->add_option("-c,--config", flags->config, "TOML configuration file (seed parameter names)");
  c.app->add_option("--listen", flags->listen,
                    "listen address, repeatable (default udp:0.0.0.0:9060 and tcp:0.0.0.0:9060)");
  c.app->add_option("--db", flags->db, "store URL (default sqlite:siphon.db)");
  c.app->add_option("--http", flags->http, "HTTP API address (default 127.0.0.1:9080; off to disable)");
  c.app->add_option("--workers", flags->workers, "UDP worker threads per listener")
      ->check(CLI::Range(1, 64));
  c.app->add_option("--capture-node", flags->capture_node, "capture_node: node column prefix");
  c.app->add_option("--hep-auth-key", flags->hep_auth_key,
                    "hep_auth_key: drop packets without this 0x000e value");
  c.app->add_option("--tls-certificate", flags->tls_certificate, "tls_certificate: PEM for tls: listeners");
  c.app->add_option("--tls-private-key", flags->tls_private_key, "tls_private_key: PEM key");
  c.run = [flags] { return runServe(*flags); };
  return c;
}

}  // namespace siphon::cli
