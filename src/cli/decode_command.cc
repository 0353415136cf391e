// Placeholder until the pcap reader lands: `siphon decode` (docs/CLI.md).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace siphon::cli {

Command addDecodeCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("decode", "Print the SIP/HEP records of pcap files");
  auto files = std::make_shared<std::vector<std::string>>();
  c.app->add_option("FILE", *files, "pcap or pcapng files")->required();
  c.run = [] {
    std::fprintf(stderr, "siphon decode: not implemented yet\n");
    return 1;
  };
  return c;
}

}  // namespace siphon::cli
