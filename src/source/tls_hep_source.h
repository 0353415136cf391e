#pragma once
// HEPv3 over TLS (OpenSSL): the TCP framing of tcp_hep_source inside a TLS session. HEP
// senders keep a few long-lived connections, so each connection gets its own thread with
// blocking reads (a short receive timeout lets it notice a stop), up to kMaxConnections.
// Slots are managed as for TCP (connection_table.h), and a client that never finishes its
// handshake is closed after tls_handshake_timeout: it cannot hold a slot.

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/endpoint.h"
#include "core/rate_limited_log.h"
#include "core/result.h"
#include "source/connection_table.h"
#include "source/hep_ingest.h"
#include "source/source.h"

namespace siphon::source {

struct TlsOptions {
  std::string certificate;  ///< tls_certificate: PEM file (chain allowed)
  std::string private_key;  ///< tls_private_key: PEM file
};

class TlsHepSource final : public Source {
 public:
  static constexpr size_t kMaxConnections = 256;

  /// `index` is the listener's position in the configuration (Record::source).
  TlsHepSource(core::Endpoint endpoint, TlsOptions tls, uint16_t index, Ingress& ingress,
               HepIngestOptions options, StreamLimits limits = defaultLimits(),
               const core::Clock& clock = core::systemClock());
  [[nodiscard]] static StreamLimits defaultLimits() {
    StreamLimits l;
    l.max_connections = kMaxConnections;
    return l;
  }
  ~TlsHepSource() override;
  TlsHepSource(const TlsHepSource&) = delete;
  TlsHepSource& operator=(const TlsHepSource&) = delete;

  /// Loads the certificate and key (errors name the file), binds, listens, starts accepting.
  [[nodiscard]] core::Result<void, core::Failure> start() override;
  /// Stops accepting; each connection reads what is already there, then closes.
  void stop() override;
  void snapshot(std::vector<core::StageSnapshot>& out) const override;
  [[nodiscard]] std::optional<core::Endpoint> endpoint() const override { return endpoint_; }

 private:
  void acceptLoop(std::stop_token stop);
  void serve(std::stop_token stop, int fd, ConnectionTable::Id id);
  /// Asks the connection's thread to end (an eviction or a timeout) and counts why.
  void end(ConnectionTable::Id id, HepIngestCount why);

  struct Connection {
    ConnectionTable::Id id = 0;
    std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
    std::jthread thread;
  };

  core::Endpoint endpoint_;
  TlsOptions tls_;
  HepIngest ingest_;
  ConnectionTable table_;
  core::RateLimitedLog refused_log_;
  core::RateLimitedLog closed_log_;
  void* ctx_ = nullptr;  // SSL_CTX*
  int listen_fd_ = -1;
  std::mutex mu_;
  std::list<Connection> connections_;  ///< guarded by mu_; finished ones are reaped on accept
  std::jthread acceptor_;
};

}  // namespace siphon::source
