// `siphon export`: the messages of one call, every leg joined, as a pcap file (docs/CLI.md).

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/call_options.h"
#include "cli/commands.h"
#include "core/progress.h"
#include "query/call_request.h"
#include "query/pcap_export.h"

namespace siphon::cli {
namespace {

struct ExportFlags {
  query::CallRequest req;
  std::string output;
};

int runExport(ExportFlags& f) {
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto call = query::loadCall(f.req, now);
  if (!call.has_value()) {
    std::fprintf(stderr, "siphon export: %s\n", call.error().message.c_str());
    return call.error().exit_code;
  }
  if (call->truncated) std::fprintf(stderr, "siphon export: truncated: %s\n", call->truncated_reason.c_str());
  query::PcapBuilder pcap;
  core::ProgressBar progress("exporting " + std::to_string(call->messages.size()) + " messages",
                             call->messages.size(), core::ProgressUnit::Items, core::stderrIsTerminal());
  for (size_t i = 0; i < call->messages.size(); ++i) {
    pcap.add(call->messages[i].meta);
    progress.update(i + 1);
  }
  progress.finish();
  auto w = query::writeFile(f.output, pcap.bytes());
  if (!w.has_value()) {
    std::fprintf(stderr, "siphon export: %s\n", w.error().message.c_str());
    return 1;
  }
  const auto& s = pcap.stats();
  std::fprintf(stderr, "%zu message(s) of %zu leg(s) in %zu frame(s) written to %s\n", s.messages,
               call->legs.size(), s.frames, f.output.c_str());
  if (s.udp_as_tcp) {
    std::fprintf(stderr, "siphon export: %zu UDP message(s) too large for one datagram written as TCP\n",
                 s.udp_as_tcp);
  }
  return 0;
}

}  // namespace

Command addExportCommand(CLI::App& root) {
  auto f = std::make_shared<ExportFlags>();
  Command c;
  c.app = root.add_subcommand("export", "The messages of one call as a pcap file");
  addCallRequestOptions(*c.app, f->req);
  c.app->add_option("-o,--output", f->output, "the pcap file to write")->required();
  c.run = [f] { return runExport(*f); };
  return c;
}

}  // namespace siphon::cli
