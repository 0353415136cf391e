#pragma once
// HEPv3 over TCP: back-to-back packets, each framed by its own total length (§1.10). One
// thread polls the listener and every connection; a connection's framing state stays on it.

#include <cstdint>
#include <stop_token>
#include <thread>

#include "core/endpoint.h"
#include "core/result.h"
#include "source/hep_ingest.h"
#include "source/source.h"

namespace siphon::source {

class TcpHepSource final : public Source {
 public:
  static constexpr size_t kMaxConnections = 1024;

  /// `index` is the listener's position in the configuration (Record::source).
  TcpHepSource(core::Endpoint endpoint, uint16_t index, Ingress& ingress, HepIngestOptions options);
  ~TcpHepSource() override;
  TcpHepSource(const TcpHepSource&) = delete;
  TcpHepSource& operator=(const TcpHepSource&) = delete;

  [[nodiscard]] core::Result<void, core::Failure> start() override;
  /// Stops accepting, reads what connections already sent, closes them.
  void stop() override;
  void snapshot(std::vector<core::StageSnapshot>& out) const override;
  [[nodiscard]] std::optional<core::Endpoint> endpoint() const override { return endpoint_; }

 private:
  void run(std::stop_token stop);

  core::Endpoint endpoint_;
  HepIngest ingest_;
  int listen_fd_ = -1;
  std::jthread thread_;
};

}  // namespace siphon::source
