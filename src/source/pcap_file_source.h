#pragma once
// PcapFileSource: frames of a pcap or pcapng file, read through libpcap.
//
// The format is found from the file's first bytes, never from its name (a ".cap" file is
// usually plain pcap). Nanosecond-resolution pcaps are read at full resolution (RawPacket
// carries ns; tsUsec() gives µs).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/result.h"
#include "source/packet_source.h"

struct pcap;  // libpcap's pcap_t, kept out of this header

namespace siphon::source {

/// What the first four bytes of a file say it is.
enum class CaptureFileFormat : uint8_t { NotCapture, Pcap, PcapNg };

/// Classifies by magic number: pcap (µs and ns, either byte order, and the "modified" pcap
/// variant libpcap also reads) or a pcapng Section Header Block.
[[nodiscard]] CaptureFileFormat captureFileFormat(std::span<const std::byte> first_bytes);

class PcapFileSource final : public PacketSource {
 public:
  /// Opens `path`; with a `filter` (BPF, as tcpdump takes it), only the frames it passes are
  /// handed out, as from a live capture with that filter. Errors, each message starting with
  /// the path: "PATH: cannot open: <reason>", "PATH: not a pcap or pcapng file (bad magic)",
  /// "PATH: <libpcap's reason>" for a capture file libpcap rejects (exit code 1);
  /// "PATH: bad filter '...': <reason>" (exit code 2).
  [[nodiscard]] static core::Result<std::unique_ptr<PcapFileSource>, core::Failure> open(
      const std::string& path, const std::string& filter = {});

  ~PcapFileSource() override;
  PcapFileSource(const PcapFileSource&) = delete;
  PcapFileSource& operator=(const PcapFileSource&) = delete;

  [[nodiscard]] core::Result<std::optional<RawPacket>, core::Failure> next() override;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] CaptureFileFormat format() const { return format_; }
  /// The link type of the file (pcapng: of its first interface).
  [[nodiscard]] uint32_t linkType() const { return link_type_; }
  /// Frames handed out so far.
  [[nodiscard]] uint64_t packetCount() const { return count_; }
  /// Bytes of the file read so far (the progress bar's position); 0 when unknown.
  [[nodiscard]] uint64_t bytesRead() const;

 private:
  PcapFileSource(std::string path, pcap* handle, CaptureFileFormat format);

  std::string path_;
  pcap* handle_ = nullptr;
  CaptureFileFormat format_;
  uint32_t link_type_ = 0;
  uint64_t count_ = 0;
};

}  // namespace siphon::source
