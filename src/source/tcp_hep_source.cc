#include "source/tcp_hep_source.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <vector>

#include "source/hep_stream_buffer.h"
#include "source/socket_util.h"

namespace siphon::source {
namespace {

constexpr int kAcceptPerTurn = 64;  // bounded work per loop turn (STYLE.md §6)
// How long a stopping listener keeps reading senders that have not closed their side yet.
constexpr std::chrono::milliseconds kShutdownGrace{2000};
constexpr std::chrono::milliseconds kShutdownQuiet{250};

struct Connection {
  int fd = -1;
  ConnectionTable::Id id = 0;
  core::IpAddress peer;
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

StreamLimits bounded(StreamLimits limits) {
  limits.max_connections = std::min(limits.max_connections, TcpHepSource::kMaxConnections);
  return limits;
}

}  // namespace

TcpHepSource::TcpHepSource(core::Endpoint endpoint, uint16_t index, Ingress& ingress,
                           HepIngestOptions options, StreamLimits limits, const core::Clock& clock)
    : endpoint_(std::move(endpoint)),
      ingest_(endpoint_.toString(), index, ingress, std::move(options)),
      table_(bounded(limits), clock),
      refused_log_(endpoint_.toString() + ": connection refused at the connection limit", clock),
      closed_log_(endpoint_.toString() + ": idle connection closed", clock) {}

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
  setNonBlocking(listen_fd_);  // each turn accepts until the backlog is empty
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
  // Closes conns[i]: whatever it held of a packet is counted, its slot is freed (if the table
  // has not freed it already, for an eviction or an idle timeout).
  auto close = [&](size_t i) {
    conns[i].stream.finish(ingest_);
    ::close(conns[i].fd);
    table_.remove(conns[i].id);
    conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
  };
  auto closeById = [&](ConnectionTable::Id id, HepIngestCount why) {
    for (size_t i = 0; i < conns.size(); ++i) {
      if (conns[i].id != id) continue;
      const std::string peer = conns[i].peer.toString();
      close(i);
      ingest_.connection(why);
      closed_log_.event(peer);
      return;
    }
  };
  while (!stop.stop_requested()) {
    fds.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    for (auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
    int ready = ::poll(fds.data(), fds.size(), 100);
    // Index 0 is the listener; connections follow in order.
    if (ready > 0) {
      for (size_t i = conns.size(); i-- > 0;) {
        if (fds[i + 1].revents == 0) continue;
        table_.touch(conns[i].id);
        if (!readConnection(conns[i], ingest_)) close(i);
      }
    }
    if (ready > 0 && (fds[0].revents & POLLIN)) {
      for (int n = 0; n < kAcceptPerTurn; ++n) {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        int cfd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len,
                            SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (cfd < 0) break;
        const core::IpAddress peer = addressOf(ss);
        auto admitted = table_.admit(peer);
        if (admitted.evicted) closeById(*admitted.evicted, HepIngestCount::Evicted);
        if (!admitted.id) {
          ::close(cfd);
          ingest_.connection(HepIngestCount::RefusedLimit);
          refused_log_.event(peer.toString());
          continue;
        }
        table_.handshakeDone(*admitted.id);  // TCP has no handshake of ours to wait for
        ingest_.connection(HepIngestCount::Connections);
        conns.push_back({cfd, *admitted.id, peer,
                         HepStreamBuffer(Peer{peer, portOf(ss), localAddressOf(cfd)})});
      }
    }
    for (auto id : table_.expire().idle) closeById(id, HepIngestCount::IdleClosed);
  }
  // Shutdown without losing what senders are writing: half-close each connection (our FIN
  // tells a sender to stop and to keep, or spool, what it has not written yet; ours does,
  // sink/hep_out), then read until every sender closed its side or the grace time ran out.
  // Closing at once would reset the connections and lose what sat in the kernel's buffers.
  // A sender that stays silent that long after our FIN has nothing more to say (or does not
  // listen): waiting on it would only delay the stop.
  for (auto& c : conns) ::shutdown(c.fd, SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
  while (!conns.empty() && std::chrono::steady_clock::now() < deadline) {
    fds.clear();
    for (auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), static_cast<int>(kShutdownQuiet.count())) <= 0) break;
    for (size_t i = conns.size(); i-- > 0;) {
      if (fds[i].revents != 0 && !readConnection(conns[i], ingest_)) close(i);
    }
  }
  for (auto& c : conns) {
    readConnection(c, ingest_);
    c.stream.finish(ingest_);
    ::close(c.fd);
    table_.remove(c.id);
  }
}

}  // namespace siphon::source
