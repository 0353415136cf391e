// `siphon flow`: the ladder diagram of one call, every leg joined (docs/CLI.md).

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "core/byte_reader.h"
#include "query/call_request.h"
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
  auto& q = f->req.query;
  Command c;
  c.app = root.add_subcommand("flow", "Ladder diagram of one call, every leg joined");
  c.app->add_option("--db", f->req.db_url, "store URL, e.g. sqlite:siphon.db")->required();
  auto* id = c.app->add_option("--call-id", q.call_id, "Call-ID of any leg of the call");
  auto* corr = c.app->add_option("--correlation", q.correlation,
                                 "correlation id (HEP 0x0011, callid_aleg, OpenSIPS 0x0065)");
  id->excludes(corr);
  c.app->add_option("--since", f->req.since, "RFC 3339 or relative (-15m, -2h, -7d)");
  c.app->add_option("--until", f->req.until, "RFC 3339 or relative");
  c.app->add_option("--max-legs", q.max_legs, "Call-IDs joined at most")->check(CLI::Range(1, 100000));
  c.app->add_option("--max-messages", q.max_messages, "messages at most")->check(CLI::Range(1, 10000000));
  c.app->add_option("--callid-aleg-header", f->req.callid_aleg_header,
                    "callid_aleg_header names, ';'-separated (default X-CID)");
  c.app->add_option("--format", f->format, "text, svg or html")->check(CLI::IsMember({"text", "svg", "html"}));
  c.app->add_option("-o,--output", f->output, "output file (default: standard output)");
  c.app->add_option("--width", f->width, "text: terminal columns")->check(CLI::Range(40, 1000));
  c.app->add_flag("--box", f->box, "text: Unicode box-drawing characters");
  c.run = [f] { return runFlow(*f); };
  return c;
}

}  // namespace siphon::cli
