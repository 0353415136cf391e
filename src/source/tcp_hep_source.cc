#include "source/tcp_hep_source.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "source/hep_stream_buffer.h"
#include "source/socket_util.h"

namespace siphon::source {
namespace {

struct Connection {
  int fd = -1;
  HepStreamBuffer stream;
};

// Reads what is available; false when the peer closed or the stream broke.
bool readConnection(Connection& c, HepIngest& ingest) {
  std::byte chunk[65536];
  for (;;) {
    ssize_t n = ::recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n > 0) {
      if (!c.stream.feed({chunk, static_cast<size_t>(n)}, ingest)) return false;
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }
}

}  // namespace

TcpHepSource::TcpHepSource(core::Endpoint endpoint, uint16_t index, Ingress& ingress,
                           HepIngestOptions options)
    : endpoint_(std::move(endpoint)),
      ingest_(endpoint_.toString(), index, ingress, std::move(options)) {}

TcpHepSource::~TcpHepSource() { stop(); }

void TcpHepSource::snapshot(std::vector<core::StageSnapshot>& out) const {
  out.push_back(ingest_.stats().snapshot());
  out.back().stage = endpoint_.toString();  // with the port bound for port 0
}

core::Result<void, core::Failure> TcpHepSource::start() {
  auto fd = listenSocket(endpoint_);
  if (!fd.has_value()) return core::unexpected(std::move(fd).error());
  listen_fd_ = *fd;
  endpoint_.port = boundPort(listen_fd_);
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
  return {};
}

void TcpHepSource::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

void TcpHepSource::run(std::stop_token stop) {
  std::vector<Connection> conns;
  std::vector<pollfd> fds;
  while (!stop.stop_requested()) {
    fds.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    for (auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
    int ready = ::poll(fds.data(), fds.size(), 100);
    if (ready <= 0) continue;
    // Index 0 is the listener; connections follow in order.
    for (size_t i = conns.size(); i-- > 0;) {
      if (fds[i + 1].revents == 0) continue;
      if (!readConnection(conns[i], ingest_)) {
        ::close(conns[i].fd);
        conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
    if (fds[0].revents & POLLIN) {
      int cfd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (cfd >= 0) {
        if (conns.size() >= kMaxConnections) {
          ::close(cfd);
        } else {
          conns.push_back({cfd, {}});
        }
      }
    }
  }
  // Shutdown: take what peers already sent, then close.
  for (auto& c : conns) {
    readConnection(c, ingest_);
    ::close(c.fd);
  }
}

}  // namespace siphon::source
