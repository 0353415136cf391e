#pragma once
// HepConnection: the socket to one HEP collector (udp:, tcp: or tls:), as the HEP-out sink
// uses it. UDP sends one packet per datagram on a connected socket; TCP and TLS write
// packets back to back on one long-lived stream (HEP3 frames itself by its length field).
// Reconnecting, backoff and spooling are the sink's business; this class only connects,
// sends whole packets and tells when the stream broke.
//
// Threads: one owner (the sink thread).

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "core/endpoint.h"
#include "core/result.h"

namespace siphon::sink {

struct HepTlsClientOptions {
  bool verify = false;  ///< check the collector's certificate (off by default, like most agents)
  std::string ca_file;  ///< PEM bundle to verify against; empty = system default paths
};

class HepConnection {
 public:
  /// `timeout` bounds a connect, a TLS handshake and one blocked send.
  HepConnection(core::Endpoint destination, HepTlsClientOptions tls,
                std::chrono::milliseconds timeout);
  ~HepConnection();
  HepConnection(const HepConnection&) = delete;
  HepConnection& operator=(const HepConnection&) = delete;

  /// Prepares what does not need the peer (the TLS context, loading ca_file). Errors are
  /// configuration errors (exit code 2) naming the file.
  [[nodiscard]] core::Result<void, core::Failure> prepare();
  /// Opens the socket (UDP) or connects and handshakes (TCP/TLS). The error names the peer.
  [[nodiscard]] core::Result<void, core::Failure> connect();
  [[nodiscard]] bool connected() const { return fd_ >= 0; }
  /// Writes one whole packet. On a stream error the connection is closed (connected() turns
  /// false); the caller keeps the packet. `error` receives the reason.
  [[nodiscard]] bool send(std::span<const std::byte> packet, std::string& error);
  /// UDP only: sends each of `packets` as one datagram, many per system call (sendmmsg).
  /// Returns how many leading packets went out; when fewer than all, the next one failed and
  /// `error` says why (the socket stays usable, as after a failed send()).
  [[nodiscard]] size_t sendDatagrams(std::span<const std::span<const std::byte>> packets,
                                     std::string& error);
  /// Stream connections: false (and closed) when the collector hung up. UDP: always true.
  [[nodiscard]] bool checkAlive();
  /// Drops the connection at once (an error path).
  void close();
  /// Ends the connection cleanly at stop: TLS close_notify, then a TCP half-close, then waits
  /// up to the timeout for the collector's EOF, so that everything written was read before
  /// the socket goes (closing with unread bytes would make the kernel reset the stream).
  void closeGracefully();

  [[nodiscard]] const core::Endpoint& destination() const { return destination_; }
  [[nodiscard]] bool isStream() const { return destination_.proto != core::EndpointProto::Udp; }

 private:
  [[nodiscard]] bool sendPlain(std::span<const std::byte> packet, std::string& error);
  [[nodiscard]] bool sendTls(std::span<const std::byte> packet, std::string& error);

  core::Endpoint destination_;
  HepTlsClientOptions tls_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  void* ctx_ = nullptr;  // SSL_CTX*, one per destination
  void* ssl_ = nullptr;  // SSL* of the live connection
};

using HepConnectionPtr = std::unique_ptr<HepConnection>;

}  // namespace siphon::sink
