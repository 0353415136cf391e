#pragma once
// HEP over UDP: one SO_REUSEPORT socket per worker thread, read with recvmmsg in batches, so
// the kernel spreads datagrams over workers and no worker shares state with another. The port
// is claimed exclusively first (socket_util.h claimUdpPort): only this collector's workers
// form the port's group.

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include "core/endpoint.h"
#include "core/result.h"
#include "source/hep_ingest.h"
#include "source/source.h"

namespace siphon::source {

class UdpHepSource final : public Source {
 public:
  /// `index` is the listener's position in the configuration (Record::source).
  UdpHepSource(core::Endpoint endpoint, int workers, uint16_t index, Ingress& ingress,
               HepIngestOptions options);
  ~UdpHepSource() override;
  UdpHepSource(const UdpHepSource&) = delete;
  UdpHepSource& operator=(const UdpHepSource&) = delete;

  /// Claims the port, binds every worker's socket (port 0 picks one free port for all) and
  /// starts the workers. "address in use" when another process holds the port.
  [[nodiscard]] core::Result<void, core::Failure> start() override;
  /// Stops reading; returns when every worker has handed its last packet to the ingest step.
  void stop() override;
  void snapshot(std::vector<core::StageSnapshot>& out) const override;
  [[nodiscard]] std::optional<core::Endpoint> endpoint() const override { return endpoint_; }

 private:
  void run(std::stop_token stop, int fd);
  /// The address a received datagram was sent to (its IP_PKTINFO / IPV6_PKTINFO).
  [[nodiscard]] core::IpAddress localAddress(msghdr& h) const;

  core::Endpoint endpoint_;
  int workers_;
  HepIngest ingest_;
  std::vector<int> fds_;
  std::vector<std::jthread> threads_;
};

}  // namespace siphon::source
