#pragma once
// SipDuplicateSink: Kamailio siptrace's plain-SIP mode (hep_mode_on=0; docs/HEP-AND-MODULES.md
// §4.6): each captured SIP message is sent unchanged, as one UDP datagram, to duplicate_uri,
// from the local address force_send_sock names (bound before the first send). With
// xheaders_write the X-Siptrace-* headers (xheaders.h) carry the original addresses, time,
// method and direction. Non-SIP records (payload type ≠ 1) are skipped and counted.
//
// Threads: one sink thread drains the queue; offer() from any thread.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/capture.h"
#include "core/endpoint.h"
#include "core/ip_address.h"
#include "core/result.h"
#include "sink/sink.h"

namespace siphon::sink {

struct SipDuplicateOptions {
  std::string duplicate_uri;    ///< "sip:host[:port][;params]" (port 5060 by default) or an
                                ///< address "[udp:]ip:port"; always sent over UDP
  std::string force_send_sock;  ///< local "sip:ip[:port]" or "ip:port" to send from; empty:
                                ///< the kernel picks (port 0 in it: any port)
  bool xheaders_write = false;  ///< xheaders_write
  std::string trace_local_ip;   ///< trace_local_ip: replaces the local side in the x-headers
  /// Addresses of this host: a record sent from one of them has dir "out", others "in".
  std::vector<core::IpAddress> local_ips;
  size_t batch = 256;
};

/// Parses duplicate_uri / force_send_sock: a SIP URI with an IP host ("sip:10.0.0.1:5070",
/// "sip:[::1];transport=udp") or an address ("udp:10.0.0.1:5070", "10.0.0.1:5070").
/// `default_port` applies to a SIP URI without a port. Hostnames are refused (no DNS here).
[[nodiscard]] core::Result<core::Endpoint, core::Failure> parseDuplicateTarget(
    std::string_view text, std::string_view key, uint16_t default_port);

enum class SipDuplicateDrop : uint8_t {
  QueueFull,    ///< offer() found the queue full
  NotSip,       ///< payload type other than SIP
  XHeaders,     ///< xheaders_write could not add the headers (Kamailio then sends nothing)
  TooLarge,     ///< the message does not fit one UDP datagram
  SendError,    ///< the send failed twice (ECONNREFUSED, ...)
  kCount,
};

[[nodiscard]] std::string_view sipDuplicateDropName(SipDuplicateDrop r);

struct SipDuplicateStats {
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> send_errors{0};  ///< failed sends (each try)
  std::array<std::atomic<uint64_t>, static_cast<size_t>(SipDuplicateDrop::kCount)> dropped{};

  void drop(SipDuplicateDrop r) { dropped[static_cast<size_t>(r)].fetch_add(1); }
  [[nodiscard]] uint64_t droppedBy(SipDuplicateDrop r) const {
    return dropped[static_cast<size_t>(r)].load();
  }
};

class SipDuplicateSink final : public Sink {
 public:
  /// `queue` must outlive the sink; the sink closes it in flushAndStop().
  SipDuplicateSink(SipDuplicateOptions options, core::BoundedQueue<core::Capture>& queue);
  ~SipDuplicateSink() override;
  SipDuplicateSink(const SipDuplicateSink&) = delete;
  SipDuplicateSink& operator=(const SipDuplicateSink&) = delete;

  /// Parses duplicate_uri / force_send_sock (exit code 2 naming the key), binds and connects
  /// the UDP socket (a force_send_sock address this host does not have fails here).
  [[nodiscard]] core::Result<void, core::Failure> open() override;
  void start() override;
  void flushAndStop() override;

  bool offer(core::Capture&& record);
  /// Sends one record now, on the caller's thread (what the sink thread does per record).
  void send(const core::Capture& record);

  [[nodiscard]] const SipDuplicateStats& stats() const { return stats_; }
  /// The address the socket is bound to (after open()).
  [[nodiscard]] core::Endpoint localEndpoint() const;

 private:
  void run();

  SipDuplicateOptions options_;
  core::BoundedQueue<core::Capture>& queue_;
  SipDuplicateStats stats_;
  int fd_ = -1;
  std::jthread thread_;
};

}  // namespace siphon::sink
