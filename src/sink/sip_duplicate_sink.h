#pragma once
// SipDuplicateSink: Kamailio siptrace's plain-SIP mode (hep_mode_on=0; docs/HEP-AND-MODULES.md
// §4.6): each captured SIP message is sent unchanged, as one UDP datagram, to duplicate_uri,
// from the local address force_send_sock names (bound before the first send). With
// xheaders_write the X-Siptrace-* headers (xheaders.h) carry the original addresses, time,
// method and direction. Non-SIP records (payload type ≠ 1) are skipped and counted.
//
// It is the sink of a pipeline lane (sink.h): open() on the owner's thread, the rest on the
// lane's.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

enum class SipDuplicateCount : uint8_t {
  Sent,
  SendErrors,  ///< failed sends (each try)
  kCount,
};

enum class SipDuplicateDrop : uint8_t {
  NotSip,       ///< payload type other than SIP
  XHeaders,     ///< xheaders_write could not add the headers (Kamailio then sends nothing)
  TooLarge,     ///< the message does not fit one UDP datagram
  SendError,    ///< the send failed twice (ECONNREFUSED, ...)
  InternalError,  ///< sending threw (out of memory): the batch is lost
  kCount,
};

class SipDuplicateSink final : public Sink {
 public:
  explicit SipDuplicateSink(SipDuplicateOptions options);
  ~SipDuplicateSink() override;

  /// Parses duplicate_uri / force_send_sock (exit code 2 naming the key), binds and connects
  /// the UDP socket (a force_send_sock address this host does not have fails here).
  [[nodiscard]] core::Result<void, core::Failure> open() override;
  void write(std::span<const record::RecordPtr> batch) override;
  void close() override;
  void writeFailed(std::span<const record::RecordPtr> batch, std::string_view what) noexcept override;
  [[nodiscard]] SinkTiming timing() const override {
    return {options_.batch, std::chrono::milliseconds(100), /*fill=*/false};
  }

  /// Sends one record now, on the caller's thread (what write() does per record).
  void send(const core::Capture& record);

  /// The address the socket is bound to (after open()).
  [[nodiscard]] core::Endpoint localEndpoint() const;

 private:
  SipDuplicateOptions options_;
  int fd_ = -1;
};

}  // namespace siphon::sink
