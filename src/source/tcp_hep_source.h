#pragma once
// HEPv3 over TCP: back-to-back packets, each framed by its own total length (§1.10). One
// thread polls the listener and every connection; a connection's framing state stays on it.
// Slots are managed by a ConnectionTable (connection_table.h): a per-sender limit, eviction
// of the oldest idle connection before a newcomer is refused, an idle timeout — every refusal
// and close counted by reason and logged rate-limited. A stream that ends, however it ends,
// balances: received = pushed + dropped (stream_error, stream_cut).

#include <cstdint>
#include <stop_token>
#include <thread>

#include "core/clock.h"
#include "core/endpoint.h"
#include "core/rate_limited_log.h"
#include "core/result.h"
#include "source/connection_table.h"
#include "source/hep_ingest.h"
#include "source/source.h"

namespace siphon::source {

class TcpHepSource final : public Source {
 public:
  static constexpr size_t kMaxConnections = 1024;

  /// `index` is the listener's position in the configuration (Record::source). `limits`'s
  /// max_connections is at most kMaxConnections.
  TcpHepSource(core::Endpoint endpoint, uint16_t index, Ingress& ingress, HepIngestOptions options,
               StreamLimits limits = {}, const core::Clock& clock = core::systemClock());
  ~TcpHepSource() override;
  TcpHepSource(const TcpHepSource&) = delete;
  TcpHepSource& operator=(const TcpHepSource&) = delete;

  [[nodiscard]] core::Result<void, core::Failure> start() override;
  /// Stops accepting, reads what connections already sent, closes them.
  void stop() override;
  void snapshot(std::vector<core::StageSnapshot>& out) const override;
  [[nodiscard]] std::optional<core::Endpoint> endpoint() const override { return endpoint_; }
  /// Connections holding a slot now.
  [[nodiscard]] size_t connections() const { return table_.size(); }

 private:
  void run(std::stop_token stop);

  core::Endpoint endpoint_;
  HepIngest ingest_;
  ConnectionTable table_;
  core::RateLimitedLog refused_log_;
  core::RateLimitedLog closed_log_;
  int listen_fd_ = -1;
  std::jthread thread_;
};

}  // namespace siphon::source
