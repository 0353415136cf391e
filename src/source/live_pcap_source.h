#pragma once
// LivePcapSource: frames from a live interface through libpcap (raw_moni_capture_on, and
// `siphon agent --interface IF`).
//
// The handle is opened with pcap_create + pcap_activate so that the kernel ring can be sized
// (a mirror port bursts far above the 2 MB default), the snaplen is 65535 (a SIP message over
// UDP may be up to 64 KB; pcap_set_snaplen(3PCAP)), immediate mode is on (no batching delay)
// and the handle is non-blocking: next() waits itself, in poll() on libpcap's selectable fd and
// an eventfd, and returns an idle RawPacket (packet_source.h) after each quiet
// `poll_timeout_ms`, so the capture thread can look at its stop flag. (libpcap's own read
// timeout does not do this on Linux: with TPACKET_V2/V3 its read loop polls again after a
// timeout instead of returning.) stop(), from any thread, writes the eventfd; next() then
// returns nullopt (end).
//
// Timestamps are nanosecond when the kernel offers it (pcap_set_tstamp_precision), else µs.
// Threads: everything but stop() belongs to the one capture thread that calls next().

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "source/packet_source.h"

struct pcap;  // libpcap's pcap_t, kept out of this header

namespace siphon::source {

struct LivePcapOptions {
  std::string interface;        ///< raw_interface / --interface; "any" captures all (Linux SLL)
  bool promiscuous = false;     ///< promiscuous_on
  std::string filter;           ///< BPF expression (--filter or portRangeBpf()); "" = none
  int snaplen = 65535;          ///< bytes kept per frame
  int buffer_bytes = 32 << 20;  ///< kernel ring size (pcap_set_buffer_size)
  int poll_timeout_ms = 100;    ///< longest wait before next() returns an idle packet
};

/// Kernel counters since activation (pcap_stats(3PCAP)); on Linux ps_recv counts frames that
/// passed the filter, ps_drop those lost because the ring was full, ps_ifdrop the interface's
/// own drops (from /sys/class/net/IF/statistics).
struct LiveCaptureStats {
  uint64_t received = 0;    ///< ps_recv
  uint64_t dropped = 0;     ///< ps_drop: ring full, lost before we read them
  uint64_t if_dropped = 0;  ///< ps_ifdrop: dropped by the interface / driver
};

class LivePcapSource final : public PacketSource {
 public:
  /// Opens and activates the interface and installs the filter. Errors (exit code 1), each
  /// starting with "interface IF: ": libpcap's reason for pcap_create/pcap_activate failing
  /// (no such device, permission denied: needs CAP_NET_RAW), and for a filter libpcap does not
  /// compile: "interface IF: bad filter 'EXPR': <reason>".
  [[nodiscard]] static core::Result<std::unique_ptr<LivePcapSource>, core::Failure> open(
      const LivePcapOptions& options);

  ~LivePcapSource() override;
  LivePcapSource(const LivePcapSource&) = delete;
  LivePcapSource& operator=(const LivePcapSource&) = delete;

  /// A frame, an idle packet after a quiet poll interval, nullopt after stop(), or an error
  /// (interface gone down or removed) that ends the capture.
  [[nodiscard]] core::Result<std::optional<RawPacket>, core::Failure> next() override;
  /// Thread-safe; wakes a waiting next() and makes it return nullopt from then on.
  void stop() override;

  /// Kernel counters; call from the capture thread (libpcap handles are not thread-safe).
  [[nodiscard]] core::Result<LiveCaptureStats, core::Failure> stats();

  [[nodiscard]] const std::string& interface() const { return options_.interface; }
  /// DLT_ of the interface (Ethernet, Linux SLL for "any", ...).
  [[nodiscard]] uint32_t linkType() const { return link_type_; }
  /// Frames handed out so far (idle packets not counted).
  [[nodiscard]] uint64_t packetCount() const { return count_; }

 private:
  LivePcapSource(LivePcapOptions options, pcap* handle, bool nano, int wake_fd);
  /// One pcap_next_ex on the non-blocking handle: a frame, nothing (nullopt), or an error.
  [[nodiscard]] core::Result<std::optional<RawPacket>, core::Failure> readOne();

  LivePcapOptions options_;
  pcap* handle_ = nullptr;
  int selectable_fd_ = -1;  // libpcap's socket, for poll()
  int wake_fd_ = -1;        // eventfd written by stop()
  bool nano_ = false;       // timestamps in ns (else µs)
  uint32_t link_type_ = 0;
  uint64_t count_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace siphon::source
