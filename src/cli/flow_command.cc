// `siphon flow`: the ladder diagram of one call, every leg joined (docs/CLI.md).

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/call_options.h"
#include "cli/commands.h"
#include "core/byte_reader.h"
#include "query/call_request.h"
#include "query/call_quality.h"
#include "query/ladder.h"
#include "query/ladder_svg.h"
#include "query/ladder_text.h"
#include "query/pcap_export.h"

namespace siphon::cli {
namespace {

struct FlowFlags {
  query::CallRequest req;
  std::string format = "text", output;
  size_t width = 120;
  bool box = false;
};

int runFlow(FlowFlags& f) {
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto call = query::loadCall(f.req, now);
  if (!call.has_value()) {
    std::fprintf(stderr, "siphon flow: %s\n", call.error().message.c_str());
    return call.error().exit_code;
  }
  if (call->truncated) std::fprintf(stderr, "siphon flow: truncated: %s\n", call->truncated_reason.c_str());
  auto ladder = query::buildLadder(*call);
  std::string out;
  if (f.format == "svg") {
    out = query::renderLadderSvg(ladder, *call);
  } else if (f.format == "html") {
    out = query::renderLadderHtml(ladder, *call);
  } else {
    query::TextLadderOptions o;
    o.box = f.box;
    o.width = f.width;
    out = query::renderLadderText(ladder, *call, o);
    // Media quality under the ladder: one line per RTP stream its RTCP reported on.
    const auto quality = query::callQuality(*call);
    if (!quality.streams.empty() || quality.unreadable != 0) out += "\nMedia quality (RTCP):\n";
    for (const auto& s : quality.streams) out += "  " + query::streamSummaryLine(s) + "\n";
    if (quality.unreadable != 0) {
      out += "  " + std::to_string(quality.unreadable) + " RTCP record(s) not readable as RTCP\n";
    }
  }
  if (f.output.empty() || f.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  auto w = query::writeFile(f.output, core::asBytes(out));
  if (!w.has_value()) {
    std::fprintf(stderr, "siphon flow: %s\n", w.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

Command addFlowCommand(CLI::App& root) {
  auto f = std::make_shared<FlowFlags>();
  Command c;
  c.app = root.add_subcommand("flow", "Ladder diagram of one call, every leg joined");
  addCallRequestOptions(*c.app, f->req);
  c.app->add_option("--format", f->format, "text, svg or html")->check(CLI::IsMember({"text", "svg", "html"}));
  c.app->add_option("-o,--output", f->output, "output file (default: standard output)");
  c.app->add_option("--width", f->width, "text: terminal columns")->check(CLI::Range(40, 1000));
  c.app->add_flag("--box", f->box, "text: Unicode box-drawing characters");
  c.run = [f] { return runFlow(*f); };
  return c;
}

}  // namespace siphon::cli
