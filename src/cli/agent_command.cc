// `siphon agent` (docs/CLI.md): capture SIP off pcap files (and live interfaces) and send it
// as HEP to collectors. With --pcap it exits when every record is sent, printing a summary
// line (read, sent, skipped and dropped by reason) on stderr.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/config_file.h"
#include "pipeline/agent.h"
#include "web/api_server.h"

namespace siphon::cli {
namespace {

struct AgentFlags {
  std::string config;
  std::vector<std::string> interfaces;
  std::vector<std::string> pcaps;
  std::optional<std::string> replay_speed;
  std::optional<std::string> rate;
  std::optional<std::string> filter;
  bool rtcp = false;
  std::vector<std::string> hep;
  std::optional<int> hep_version;
  std::optional<uint32_t> capture_id;
  std::optional<std::string> node;
  std::optional<std::string> db;
  std::optional<std::string> spool_dir;
  std::string http = "127.0.0.1:9081";
};

/// Live capture: runs until SIGINT/SIGTERM, with the trace switch and stats on --http.
int runLive(pipeline::Agent& agent, const std::string& http) {
  // Signals are taken by sigwait() here only; the capture and sender threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (auto r = agent.startLive(); !r) {
    std::fprintf(stderr, "siphon agent: %s\n", r.error().message.c_str());
    agent.stop();
    return r.error().exit_code;
  }
  web::ApiServer api(agent.pipeline());  // no tokens: loopback clients only
  if (auto r = api.start(http); !r) {
    std::fprintf(stderr, "siphon agent: --http %s: %s\n", http.c_str(), r.error().message.c_str());
    agent.stop();
    return r.error().exit_code;
  }
  std::printf("siphon agent: capturing; control on http://%s\n", api.address().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  api.stop();
  agent.stop();
  std::fprintf(stderr, "%s\n", agent.summaryLine().c_str());
  return 0;
}

int runAgent(const AgentFlags& f) {
  pipeline::AgentConfig config;
  if (!f.config.empty()) {
    auto file = core::ConfigFile::load(f.config);
    if (!file) {
      std::fprintf(stderr, "siphon agent: %s\n", file.error().message.c_str());
      return 2;
    }
    if (auto r = pipeline::applyAgentConfigFile(*file, config); !r) {
      std::fprintf(stderr, "siphon agent: %s\n", r.error().message.c_str());
      return 2;
    }
  }
  if (!f.interfaces.empty()) config.interfaces = f.interfaces;
  if (!f.pcaps.empty()) config.pcap_files = f.pcaps;
  auto pacing = source::ReplayPacing::parse(f.replay_speed, f.rate);
  if (!pacing) {
    std::fprintf(stderr, "siphon agent: %s\n", pacing.error().message.c_str());
    return pacing.error().exit_code;
  }
  config.replay = *pacing;
  if (f.filter) config.filter = *f.filter;
  if (f.rtcp) config.capture_rtcp = true;
  if (!f.hep.empty()) config.hep = f.hep;
  if (f.hep_version) config.encoding.hep_version = static_cast<uint8_t>(*f.hep_version);
  if (f.capture_id) config.encoding.hep_capture_id = *f.capture_id;
  if (f.node) config.encoding.node_name = *f.node;
  if (f.db) {
    config.db_url = *f.db;
    config.trace_to_database = true;
  }
  if (f.spool_dir) config.spool_dir = *f.spool_dir;
  if (config.pcap_files.empty() && config.interfaces.empty() && !config.raw_ipip_capture_on) {
    std::fprintf(stderr, "siphon agent: nothing to capture: give --pcap FILE or --interface IF\n");
    return 2;
  }

  pipeline::Agent agent(config);
  if (auto r = agent.start(); !r) {
    std::fprintf(stderr, "siphon agent: %s\n", r.error().message.c_str());
    return r.error().exit_code;
  }
  if (config.pcap_files.empty()) return runLive(agent, f.http);
  int status = 0;
  for (const auto& path : config.pcap_files) {
    if (auto r = agent.readFile(path); !r) {
      std::fprintf(stderr, "siphon agent: %s\n", r.error().message.c_str());
      status = 1;
    }
  }
  agent.stop();
  std::fprintf(stderr, "%s\n", agent.summaryLine().c_str());
  return status;
}

}  // namespace

Command addAgentCommand(CLI::App& root) {
  Command c;
  c.app =
      root.add_subcommand("agent", "Capture SIP from pcap files or interfaces and send it as HEP");
  auto f = std::make_shared<AgentFlags>();
  c.app->add_option("-c,--config", f->config, "TOML configuration file (siptrace/sipcapture keys)");
  c.app->add_option("--interface", f->interfaces, "live interface to capture on (repeatable)");
  c.app->add_option("--pcap", f->pcaps, "pcap/pcapng file to replay (repeatable)");
  c.app->add_option("--replay-speed", f->replay_speed,
                    "--pcap timing: 1 the capture's own, 2 twice as fast, max as fast as possible");
  c.app->add_option("--rate", f->rate,
                    "--pcap frames per second at most, as 5000/s, or max (default 10000/s when "
                    "neither this nor --replay-speed is given)");
  c.app->add_option("--filter", f->filter, "BPF filter expression");
  c.app->add_flag("--rtcp", f->rtcp,
                  "also send the RTCP of the calls' media (from the SDP seen) as HEP type 5 (capture_rtcp)");
  c.app->add_option("--hep", f->hep,
                    "HEP destination: udp:|tcp:|tls:HOST:PORT or sip: URI (repeatable)");
  c.app->add_option("--hep-version", f->hep_version, "HEP version 1, 2 or 3")
      ->check(CLI::IsMember({1, 2, 3}));
  c.app->add_option("--capture-id", f->capture_id, "HEP capture agent id (hep_capture_id)");
  c.app->add_option("--node", f->node, "HEP node name (chunk 0x0013)");
  c.app->add_option("--db", f->db, "also store into this database (trace_to_database)");
  c.app->add_option("--spool-dir", f->spool_dir,
                    "directory for HEP not yet delivered to tcp:/tls: destinations");
  c.app->add_option("--http", f->http, "HTTP control address for live capture (ctl trace, stats)")
      ->capture_default_str();
  c.run = [f] { return runAgent(*f); };
  return c;
}

}  // namespace siphon::cli
