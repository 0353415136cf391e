#include "source/udp_hep_source.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "source/socket_util.h"

namespace siphon::source {
namespace {

constexpr int kBatch = 64;                    // datagrams per recvmmsg call
constexpr size_t kMaxDatagram = 65536;        // a HEP packet is at most 64 KiB
constexpr int kReceiveBuffer = 64 << 20;      // absorbs bursts while a worker is busy

}  // namespace

UdpHepSource::UdpHepSource(core::Endpoint endpoint, int workers, HepIngest& ingest)
    : endpoint_(std::move(endpoint)), workers_(workers < 1 ? 1 : workers), ingest_(ingest) {}

UdpHepSource::~UdpHepSource() { stop(); }

core::Result<void, core::Failure> UdpHepSource::start() {
  for (int i = 0; i < workers_; ++i) {
    auto fd = bindSocket(endpoint_, SOCK_DGRAM, /*reuse_port=*/true);
    if (!fd.has_value()) {
      stop();
      return core::unexpected(std::move(fd).error());
    }
    // SO_RCVBUFFORCE passes rmem_max when we may (root); else take what SO_RCVBUF gives.
    if (::setsockopt(*fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof kReceiveBuffer) != 0) {
      ::setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
    }
    // A short receive timeout lets the worker notice a stop request.
    timeval tv{0, 100'000};
    ::setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (i == 0) endpoint_.port = boundPort(*fd);  // port 0: the others join the chosen port
    fds_.push_back(*fd);
  }
  for (int fd : fds_) {
    threads_.emplace_back([this, fd](std::stop_token st) { run(st, fd); });
  }
  return {};
}

void UdpHepSource::stop() {
  for (auto& t : threads_) t.request_stop();
  threads_.clear();  // jthread joins
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

void UdpHepSource::run(std::stop_token stop, int fd) {
  std::vector<std::byte> storage(static_cast<size_t>(kBatch) * kMaxDatagram);
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  for (int i = 0; i < kBatch; ++i) {
    iov[i].iov_base = storage.data() + static_cast<size_t>(i) * kMaxDatagram;
    iov[i].iov_len = kMaxDatagram;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  while (!stop.stop_requested()) {
    int n = ::recvmmsg(fd, msgs.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      break;  // socket closed under us: shutting down
    }
    for (int i = 0; i < n; ++i) {
      auto* base = static_cast<const std::byte*>(iov[i].iov_base);
      ingest_.accept({base, msgs[i].msg_len}, /*from_stream=*/false);
    }
  }
  // Drain what the kernel already holds so that a stop loses nothing that was received.
  for (;;) {
    int n = ::recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      auto* base = static_cast<const std::byte*>(iov[i].iov_base);
      ingest_.accept({base, msgs[i].msg_len}, /*from_stream=*/false);
    }
  }
}

}  // namespace siphon::source
