// The `siphon` command: parses the command line and runs one subcommand (docs/CLI.md).

#include <csignal>
#include <cstdio>
#include <exception>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // A peer closing its connection must be a write error on that connection, not a signal that
  // ends the process (TLS and HTTP clients, TCP senders).
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App root("Siphon: SIP capture and tracing", "siphon");
  root.require_subcommand(1);
  std::vector<siphon::cli::Command> commands = {
      siphon::cli::addVersionCommand(root),
      siphon::cli::addDecodeCommand(root),
      siphon::cli::addServeCommand(root),
      siphon::cli::addCtlCommand(root),
      siphon::cli::addSearchCommand(root),
      siphon::cli::addAgentCommand(root),
      siphon::cli::addFlowCommand(root),
      siphon::cli::addExportCommand(root),
      siphon::cli::addTuiCommand(root),
  };
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help (exit 0) or the usage error; usage errors exit 2 (CLI.md).
    int rc = root.exit(e);
    return rc == 0 ? 0 : 2;
  }
  for (auto& c : commands) {
    if (c.app->parsed()) {
      try {
        return c.run();
      } catch (const std::exception& e) {  // the one catch-all of the main thread
        std::fprintf(stderr, "siphon %s: %s\n", c.app->get_name().c_str(), e.what());
        return 1;
      }
    }
  }
  return 2;
}
