// `siphon tui`: the interactive terminal UI over a store (tui/tui_app.h).

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "sip/sip_capture_fields.h"
#include "tui/tui_app.h"

namespace siphon::cli {
namespace {

struct TuiFlags {
  tui::TuiOptions options;
  double refresh_s = 1.0;
  std::string callid_aleg_header = "X-CID";
};

int runTuiCommand(TuiFlags& f) {
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) {
    std::fprintf(stderr, "siphon tui: needs a terminal (use siphon search or flow in scripts)\n");
    return 2;
  }
  auto names = sip::splitHeaderNames("--callid-aleg-header", f.callid_aleg_header);
  if (!names.has_value()) {
    std::fprintf(stderr, "siphon tui: %s\n", names.error().message.c_str());
    return 2;
  }
  f.options.row.fields.callid_aleg_headers = *names;
  f.options.refresh_ms = static_cast<int>(f.refresh_s * 1000);
  return tui::runTui(f.options);
}

}  // namespace

Command addTuiCommand(CLI::App& root) {
  auto f = std::make_shared<TuiFlags>();
  Command c;
  c.app = root.add_subcommand("tui", "Interactive call list and ladders in the terminal (ncurses)");
  c.app->add_option("--db", f->options.db_url, "store URL: sqlite:PATH, postgres://, mysql://, clickhouse://")->required();
  c.app->add_option("--since", f->options.since, "how far back the call list reaches (default -1h)");
  c.app->add_option("--refresh", f->refresh_s, "seconds between call list refreshes (default 1)")
      ->check(CLI::Range(0.2, 3600.0));
  c.app->add_option("--limit", f->options.limit, "messages read per refresh, at most")->check(CLI::Range(1, 1000000));
  c.app->add_option("--callid-aleg-header", f->callid_aleg_header, "header names joining B2BUA legs (';'-separated)");
  c.run = [f] { return runTuiCommand(*f); };
  return c;
}

}  // namespace siphon::cli
