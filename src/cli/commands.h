#pragma once
// The `siphon` subcommands (docs/CLI.md). Each add*Command registers its flags on the root app
// and returns the function main() runs when that subcommand was chosen; the function returns
// the process exit status (0 ok, 1 runtime failure, 2 bad usage or configuration).

#include <functional>

#include <CLI/CLI.hpp>

namespace siphon::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command addVersionCommand(CLI::App& root);
Command addDecodeCommand(CLI::App& root);
Command addServeCommand(CLI::App& root);
Command addCtlCommand(CLI::App& root);
Command addSearchCommand(CLI::App& root);
Command addAgentCommand(CLI::App& root);
Command addFlowCommand(CLI::App& root);
Command addExportCommand(CLI::App& root);
Command addTuiCommand(CLI::App& root);

}  // namespace siphon::cli
