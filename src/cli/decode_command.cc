// `siphon decode FILE... [--format jsonl|text]` (docs/CLI.md): every SIP or HEP message in
// pcap/pcapng files, one record per line on stdout, a summary line on stderr. The frames go
// through source::FrameRecordExtractor, the same path the agent sends from: IP reassembly,
// tunnels, TCP stream reassembly (and SIP over WebSocket), SCTP DATA chunks.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "net/frame_decoder.h"
#include "record/record_json.h"
#include "record/record_text.h"
#include "source/frame_record_extractor.h"
#include "source/pcap_file_source.h"

namespace siphon::cli {

namespace {

enum class Format { Jsonl, Text };

class Decoder {
 public:
  explicit Decoder(Format format)
      : format_(format), extractor_({}, [this](core::Capture&& c) { emit(c.meta); }) {
    extractor_.setErrorCallback([this](std::string_view reason, std::string_view detail) {
      if (reason.starts_with("hep_")) {
        std::fprintf(stderr, "siphon decode: %s: packet %llu: HEP packet not decoded: %.*s (%.*s)\n",
                     path_ ? path_->c_str() : "", static_cast<unsigned long long>(index_),
                     static_cast<int>(reason.size() - 4), reason.data() + 4,
                     static_cast<int>(detail.size()), detail.data());
      }
    });
  }

  /// Decodes every packet of one file; false when the file could not be read to its end.
  bool decodeFile(const std::string& path) {
    auto opened = source::PcapFileSource::open(path);
    if (!opened) {
      std::fprintf(stderr, "siphon decode: %s\n", opened.error().message.c_str());
      return false;
    }
    source::PcapFileSource& src = **opened;
    if (!net::isSupportedLinkType(src.linkType())) {
      std::fprintf(stderr, "siphon decode: %s: link type %u is not supported\n", path.c_str(),
                   src.linkType());
    }
    bool complete = true;
    path_ = &path;
    while (true) {
      auto next = src.next();
      if (!next) {
        std::fprintf(stderr, "siphon decode: %s\n", next.error().message.c_str());
        complete = false;
        break;
      }
      if (!next->has_value()) break;
      index_ = src.packetCount();
      extractor_.onFrame(**next);
    }
    extractor_.finish();  // messages still held by TCP streams of this file
    return complete;
  }

  [[nodiscard]] std::string summary() const {
    const auto& c = extractor_.counters();
    std::string errors;
    uint64_t error_count = 0;
    for (const auto& [reason, count] : extractor_.errors()) {
      errors += fmt::format("{}{}: {}", errors.empty() ? "" : ", ", reason, count);
      error_count += count;
    }
    const uint64_t fragments_lost = c.ip_fragments_dropped;
    if (fragments_lost > 0) {
      errors += fmt::format("{}ip_fragments_dropped: {}", errors.empty() ? "" : ", ", fragments_lost);
    }
    return fmt::format(
        "decode: {} packets, {} records, skipped: {} (not sip: {}, unsupported: {}), "
        "fragment: {} (datagrams reassembled: {}), tcp: {} streams not sip, errors: {}{}",
        c.frames.get(), c.records.get(), c.not_sip + c.unsupported, c.not_sip.get(),
        c.unsupported.get(), c.fragments.get(), c.reassembled.get(), c.tcp_streams_not_sip.get(),
        error_count + fragments_lost,
        errors.empty() ? "" : fmt::format(" ({})", errors));
  }

 private:
  void emit(const core::CaptureMeta& meta) {
    record::ParsedSip sip;
    record::parseSip(meta, {}, sip);
    std::string line = format_ == Format::Jsonl ? record::recordJsonText(meta, sip)
                                                : record::recordText(meta, sip);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
  }

  Format format_;
  source::FrameRecordExtractor extractor_;
  const std::string* path_ = nullptr;
  uint64_t index_ = 0;
};

}  // namespace

Command addDecodeCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("decode", "Print the SIP/HEP records of pcap/pcapng files");
  auto files = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>("jsonl");
  c.app->add_option("FILE", *files, "pcap or pcapng files")->required();
  c.app->add_option("--format", *format, "jsonl (one JSON record per line) or text")
      ->check(CLI::IsMember({"jsonl", "text"}))
      ->capture_default_str();
  c.run = [files, format] {
    Decoder decoder(*format == "text" ? Format::Text : Format::Jsonl);
    bool all_read = true;
    for (const std::string& path : *files) {
      all_read = decoder.decodeFile(path) && all_read;
    }
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", decoder.summary().c_str());
    return all_read ? 0 : 1;
  };
  return c;
}

}  // namespace siphon::cli
