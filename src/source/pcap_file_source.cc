#include "source/pcap_file_source.h"

#include <pcap/pcap.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/byte_order.h"

namespace siphon::source {

namespace {

// pcap file magics as the writer's native u32 (tcpdump.org pcap format, §"File Header"),
// read here big-endian so that both byte orders are listed explicitly.
constexpr std::array<uint32_t, 6> kPcapMagics = {
    0xA1B2C3D4, 0xD4C3B2A1,  // µs timestamps
    0xA1B23C4D, 0x4D3CB2A1,  // ns timestamps
    0xA1B2CD34, 0x34CDB2A1,  // Kuznetzov "modified" pcap (libpcap reads it)
};
// pcapng Section Header Block type: a palindrome, the same in both byte orders.
constexpr uint32_t kPcapNgShb = 0x0A0D0D0A;

core::Failure pcapFileFailure(const std::string& path, const std::string& why) {
  return core::Failure{path + ": " + why, 1};
}

}  // namespace

CaptureFileFormat captureFileFormat(std::span<const std::byte> first_bytes) {
  if (first_bytes.size() < 4) {
    return CaptureFileFormat::NotCapture;
  }
  uint32_t magic = core::loadBe32(first_bytes.data());
  if (magic == kPcapNgShb) {
    return CaptureFileFormat::PcapNg;
  }
  for (uint32_t m : kPcapMagics) {
    if (magic == m) {
      return CaptureFileFormat::Pcap;
    }
  }
  return CaptureFileFormat::NotCapture;
}

core::Result<std::unique_ptr<PcapFileSource>, core::Failure> PcapFileSource::open(
    const std::string& path, const std::string& filter) {
  // Sniff the magic ourselves: libpcap's "unknown file format" does not tell a user that the
  // file is, say, a NetMon capture or a text file.
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return core::unexpected(
        pcapFileFailure(path, std::string("cannot open: ") + std::strerror(errno)));
  }
  std::array<std::byte, 4> head{};
  size_t got = std::fread(head.data(), 1, head.size(), f);
  std::fclose(f);
  CaptureFileFormat format = captureFileFormat(std::span<const std::byte>(head.data(), got));
  if (format == CaptureFileFormat::NotCapture) {
    return core::unexpected(pcapFileFailure(path, "not a pcap or pcapng file (bad magic)"));
  }

  std::array<char, PCAP_ERRBUF_SIZE> errbuf{};
  pcap_t* handle = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO,
                                                           errbuf.data());
  if (handle == nullptr) {
    return core::unexpected(pcapFileFailure(path, errbuf.data()));
  }
  if (!filter.empty()) {
    // libpcap runs the program in user space on an offline handle: the same filter, the same
    // frames as a live capture would have kept.
    bpf_program prog{};
    if (pcap_compile(handle, &prog, filter.c_str(), /*optimize=*/1, PCAP_NETMASK_UNKNOWN) != 0) {
      core::Failure failure{path + ": bad filter '" + filter + "': " + pcap_geterr(handle), 2};
      pcap_close(handle);
      return core::unexpected(std::move(failure));
    }
    const int set = pcap_setfilter(handle, &prog);
    pcap_freecode(&prog);
    if (set != 0) {
      auto failure =
          pcapFileFailure(path, "cannot set filter '" + filter + "': " + pcap_geterr(handle));
      pcap_close(handle);
      return core::unexpected(std::move(failure));
    }
  }
  return std::unique_ptr<PcapFileSource>(new PcapFileSource(path, handle, format));
}

PcapFileSource::PcapFileSource(std::string path, pcap* handle, CaptureFileFormat format)
    : path_(std::move(path)), handle_(handle), format_(format) {
  link_type_ = static_cast<uint32_t>(pcap_datalink(handle_));
}

PcapFileSource::~PcapFileSource() {
  if (handle_ != nullptr) {
    pcap_close(handle_);
  }
}

uint64_t PcapFileSource::bytesRead() const {
  std::FILE* f = pcap_file(handle_);  // the offline capture's stream (pcap_file(3PCAP))
  if (f == nullptr) return 0;
  const long at = std::ftell(f);
  return at < 0 ? 0 : static_cast<uint64_t>(at);
}

core::Result<std::optional<RawPacket>, core::Failure> PcapFileSource::next() {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(handle_, &header, &data);
  if (rc == PCAP_ERROR_BREAK) {  // -2: end of the file
    return std::optional<RawPacket>{};
  }
  if (rc != 1) {
    return core::unexpected(pcapFileFailure(
        path_,
        std::string("after packet ") + std::to_string(count_) + ": " + pcap_geterr(handle_)));
  }
  ++count_;
  RawPacket p;
  // Opened with nanosecond precision: tv_usec holds nanoseconds (pcap_open_offline_with_
  // tstamp_precision(3PCAP)); libpcap scales µs files up.
  p.ts_sec = static_cast<uint32_t>(header->ts.tv_sec);
  p.ts_nsec = static_cast<uint32_t>(header->ts.tv_usec);
  p.link_type = link_type_;
  p.wire_length = header->len;
  p.bytes =
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(data),  // NOLINT: u_char → byte
                                 header->caplen);
  return std::optional<RawPacket>{p};
}

}  // namespace siphon::source
