// `siphon decode FILE... [--format jsonl|text]` (docs/CLI.md): every SIP or HEP message in
// pcap/pcapng files, one record per line on stdout, a summary line on stderr.
//
// UDP payloads are classified by content, never by port: HEP first (its magic is exact), then
// SIP. TCP segments are decoded one by one for now (TODO(agent): stream reassembly), IP
// fragments are counted and skipped (TODO(agent): IP reassembly).

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/byte_reader.h"
#include "core/capture.h"
#include "hep/hep_decoder.h"
#include "net/frame_decoder.h"
#include "sink/record_json.h"
#include "sink/record_text.h"
#include "sip/sip_message.h"
#include "source/pcap_file_source.h"

namespace siphon::cli {

namespace {

enum class Format { Jsonl, Text };

struct DecodeStats {
  uint64_t packets = 0;
  uint64_t records = 0;
  uint64_t not_sip = 0;
  uint64_t fragments = 0;
  uint64_t unsupported = 0;
  std::map<std::string, uint64_t> errors;  ///< by reason; ordered for a stable summary

  [[nodiscard]] uint64_t skipped() const { return not_sip + fragments + unsupported; }
  [[nodiscard]] uint64_t errorCount() const {
    uint64_t n = 0;
    for (const auto& [reason, count] : errors) {
      n += count;
    }
    return n;
  }
};

class Decoder {
 public:
  explicit Decoder(Format format) : format_(format) {}

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
    while (true) {
      auto next = src.next();
      if (!next) {
        std::fprintf(stderr, "siphon decode: %s\n", next.error().message.c_str());
        return false;
      }
      if (!next->has_value()) {
        return true;
      }
      ++stats_.packets;
      decodePacket(path, src.packetCount(), **next);
    }
  }

  [[nodiscard]] const DecodeStats& stats() const { return stats_; }

 private:
  void decodePacket(const std::string& path, uint64_t index, const source::RawPacket& pkt) {
    auto frame = net::decodeFrame(pkt.link_type, pkt.bytes);
    if (!frame) {
      if (net::isUnsupported(frame.error().code)) {
        ++stats_.unsupported;
      } else {
        ++stats_.errors[std::string(net::netErrcName(frame.error().code))];
      }
      return;
    }
    const net::DecodedPacket& p = *frame;
    if (p.isFragment()) {
      ++stats_.fragments;
      return;
    }
    if (p.ip_proto == net::kIpProtoUdp) {
      if (hep::looksLikeHep(p.payload)) {
        decodeHepPacket(path, index, pkt, p.payload);
        return;
      }
      decodeSipPayload(pkt, p);
      return;
    }
    if (p.ip_proto == net::kIpProtoTcp) {
      if (p.payload.size() >= 6 && hep::hep3FrameLength(p.payload).has_value()) {
        decodeHepSegment(path, index, pkt, p.payload);
        return;
      }
      decodeSipPayload(pkt, p);
      return;
    }
    ++stats_.unsupported;
  }

  // HEPv3 over TCP, one segment at a time: every whole frame in the segment is decoded; a
  // frame cut by the segment end is counted (stream reassembly comes with the agent).
  void decodeHepSegment(const std::string& path, uint64_t index, const source::RawPacket& pkt,
                        std::span<const std::byte> segment) {
    while (!segment.empty()) {
      auto len = hep::hep3FrameLength(segment);
      if (!len.has_value() || *len == 0 || *len > segment.size()) {
        ++stats_.errors["hep_tcp_frame_split"];
        return;
      }
      decodeHepPacket(path, index, pkt, segment.first(*len));
      segment = segment.subspan(*len);
    }
  }

  void decodeHepPacket(const std::string& path, uint64_t index, const source::RawPacket& pkt,
                       std::span<const std::byte> packet) {
    core::CaptureMeta meta;
    auto info = hep::decodeHep(packet, meta, &inflated_);
    if (!info) {
      const hep::HepError& e = info.error();
      std::string reason = fmt::format("hep_{}", hep::hepErrcName(e.code));
      std::fprintf(stderr, "siphon decode: %s: packet %llu: HEP packet not decoded: %s (%.*s)\n",
                   path.c_str(), static_cast<unsigned long long>(index),
                   std::string(hep::hepErrcName(e.code)).c_str(), static_cast<int>(e.detail.size()),
                   e.detail.data());
      ++stats_.errors[reason];
      return;
    }
    if (meta.ts_sec == 0) {  // HEPv1 carries no time: the capture's is the best we have
      meta.ts_sec = pkt.ts_sec;
      meta.ts_usec = pkt.tsUsec();
    }
    emit(meta);
  }

  void decodeSipPayload(const source::RawPacket& pkt, const net::DecodedPacket& p) {
    if (!sip::looksLikeSip(core::asText(p.payload))) {
      ++stats_.not_sip;
      return;
    }
    core::CaptureMeta meta;
    meta.hep_version = 0;
    meta.ip_family = p.family();
    meta.ip_proto = p.ip_proto;
    meta.src_ip = p.src;
    meta.dst_ip = p.dst;
    meta.src_port = p.src_port;
    meta.dst_port = p.dst_port;
    meta.ts_sec = pkt.ts_sec;
    meta.ts_usec = pkt.tsUsec();
    meta.payload_type = 1;
    meta.payload = p.payload;
    emit(meta);
  }

  void emit(const core::CaptureMeta& meta) {
    ++stats_.records;
    std::string line =
        format_ == Format::Jsonl ? sink::recordJson(meta).dump() : sink::recordText(meta);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
  }

  Format format_;
  DecodeStats stats_;
  std::vector<std::byte> inflated_;  ///< reused buffer for compressed HEP payloads
};

std::string summary(const DecodeStats& s) {
  std::string errors;
  for (const auto& [reason, count] : s.errors) {
    errors += fmt::format("{}{}: {}", errors.empty() ? "" : ", ", reason, count);
  }
  return fmt::format(
      "decode: {} packets, {} records, skipped: {} (not sip: {}, fragment: {}, unsupported: {}), "
      "errors: {}{}",
      s.packets, s.records, s.skipped(), s.not_sip, s.fragments, s.unsupported, s.errorCount(),
      errors.empty() ? "" : fmt::format(" ({})", errors));
}

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
    std::fprintf(stderr, "%s\n", summary(decoder.stats()).c_str());
    return all_read ? 0 : 1;
  };
  return c;
}

}  // namespace siphon::cli
