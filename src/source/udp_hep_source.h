#pragma once
// HEP over UDP: one SO_REUSEPORT socket per worker thread, read with recvmmsg in batches, so
// the kernel spreads datagrams over workers and no worker shares state with another.

#include <cstdint>
#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include "core/endpoint.h"
#include "core/result.h"
#include "source/hep_ingest.h"

namespace siphon::source {

class UdpHepSource {
 public:
  UdpHepSource(core::Endpoint endpoint, int workers, HepIngest& ingest);
  ~UdpHepSource();
  UdpHepSource(const UdpHepSource&) = delete;
  UdpHepSource& operator=(const UdpHepSource&) = delete;

  /// Binds every worker's socket (port 0 picks one free port for all) and starts the workers.
  [[nodiscard]] core::Result<void, core::Failure> start();
  /// Stops reading; returns when every worker has handed its last packet to the ingest step.
  void stop();
  [[nodiscard]] uint16_t port() const { return endpoint_.port; }
  [[nodiscard]] const core::Endpoint& endpoint() const { return endpoint_; }

 private:
  void run(std::stop_token stop, int fd);

  core::Endpoint endpoint_;
  int workers_;
  HepIngest& ingest_;
  std::vector<int> fds_;
  std::vector<std::jthread> threads_;
};

}  // namespace siphon::source
