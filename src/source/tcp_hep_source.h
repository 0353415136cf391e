#pragma once
// HEPv3 over TCP: back-to-back packets, each framed by its own total length (§1.10). One
// thread polls the listener and every connection; a connection's framing state stays on it.

#include <cstdint>
#include <stop_token>
#include <thread>

#include "core/endpoint.h"
#include "core/result.h"
#include "source/hep_ingest.h"

namespace siphon::source {

class TcpHepSource {
 public:
  static constexpr size_t kMaxConnections = 1024;

  TcpHepSource(core::Endpoint endpoint, HepIngest& ingest);
  ~TcpHepSource();
  TcpHepSource(const TcpHepSource&) = delete;
  TcpHepSource& operator=(const TcpHepSource&) = delete;

  [[nodiscard]] core::Result<void, core::Failure> start();
  /// Stops accepting, reads what connections already sent, closes them.
  void stop();
  [[nodiscard]] uint16_t port() const { return endpoint_.port; }
  [[nodiscard]] const core::Endpoint& endpoint() const { return endpoint_; }

 private:
  void run(std::stop_token stop);

  core::Endpoint endpoint_;
  HepIngest& ingest_;
  int listen_fd_ = -1;
  std::jthread thread_;
};

}  // namespace siphon::source
