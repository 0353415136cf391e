#include <cstdio>

#include "cli/commands.h"

#ifndef SIPHON_VERSION
#define SIPHON_VERSION "0.0.0"
#endif

namespace siphon::cli {

Command addVersionCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("version", "Print the version");
  c.run = [] {
    std::printf("siphon %s\n", SIPHON_VERSION);
    return 0;
  };
  return c;
}

}  // namespace siphon::cli
