#pragma once
// IpipRawSource: SIP mirrored to us inside IP-in-IP (raw_ipip_capture_on; HEP-AND-MODULES.md
// §2.9). A switch or a Kamailio/OpenSIPS box tunnels copies of its SIP traffic to this host;
// the raw socket socket(AF_INET, SOCK_RAW, IPPROTO_IPIP) receives every IPv4 packet of
// protocol 4 addressed here, whether or not an ipip tunnel device exists, and the kernel hands
// it over with its outer IPv4 header.
//
// Each packet is handed out unchanged (outer IPv4 header + inner IPv4 packet) as link type
// LINKTYPE_RAW (101), so the ordinary frame decoder unwraps the tunnel, reassembles fragments
// and applies the raw_socket_listen port filter; unlike Kamailio we do not assume a 20-byte
// outer header. The timestamp is the kernel's receive time (SO_TIMESTAMPNS).
//
// Waiting: next() polls the socket and an eventfd; it returns an idle RawPacket after a quiet
// `poll_timeout_ms`, and nullopt once stop() (any thread) has been called.
// Threads: everything but stop() belongs to the one thread that calls next().

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"
#include "source/packet_source.h"

namespace siphon::source {

struct IpipRawOptions {
  core::IpAddress listen;  ///< raw_socket_listen's address; empty or 0.0.0.0 = all local
  std::string interface;   ///< raw_interface (SO_BINDTODEVICE); "" = any
  int receive_buffer_bytes = 8 << 20;  ///< SO_RCVBUF (SO_RCVBUFFORCE when root)
  int poll_timeout_ms = 100;           ///< longest wait before next() returns an idle packet
};

struct IpipRawStats {
  uint64_t received = 0;   ///< packets handed out
  uint64_t truncated = 0;  ///< packets longer than 65535 bytes (cannot happen with IPv4)
};

class IpipRawSource final : public PacketSource {
 public:
  /// Opens and binds the raw socket. Errors (exit code 1) start with "raw_ipip_capture_on: ":
  /// an IPv6 listen address (IPIP is IPv4 only, exit code 2), socket() refused (needs
  /// CAP_NET_RAW), bind to an address that is not local, an unknown interface.
  [[nodiscard]] static core::Result<std::unique_ptr<IpipRawSource>, core::Failure> open(
      const IpipRawOptions& options);

  ~IpipRawSource() override;
  IpipRawSource(const IpipRawSource&) = delete;
  IpipRawSource& operator=(const IpipRawSource&) = delete;

  /// One tunnelled packet (outer IPv4 header included, link type 101), an idle packet after a
  /// quiet poll interval, nullopt after stop(), or an error from the socket.
  [[nodiscard]] core::Result<std::optional<RawPacket>, core::Failure> next() override;
  /// Thread-safe; wakes next() and makes it return nullopt from then on.
  void stop() override;

  [[nodiscard]] const IpipRawStats& stats() const { return stats_; }

 private:
  IpipRawSource(int fd, int wake_fd, int poll_timeout_ms);

  int fd_ = -1;
  int wake_fd_ = -1;  // eventfd written by stop()
  int poll_timeout_ms_;
  std::vector<std::byte> buf_;
  IpipRawStats stats_;
  std::atomic<bool> stopped_{false};
};

}  // namespace siphon::source
