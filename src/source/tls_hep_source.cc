#include "source/tls_hep_source.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#include <vector>

#include "source/hep_stream_buffer.h"
#include "source/socket_util.h"

namespace siphon::source {
namespace {

std::string sslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

SSL_CTX* ctxOf(void* p) { return static_cast<SSL_CTX*>(p); }

}  // namespace

TlsHepSource::TlsHepSource(core::Endpoint endpoint, TlsOptions tls, uint16_t index,
                           Ingress& ingress, HepIngestOptions options, StreamLimits limits,
                           const core::Clock& clock)
    : endpoint_(std::move(endpoint)),
      tls_(std::move(tls)),
      ingest_(endpoint_.toString(), index, ingress, std::move(options)),
      table_(limits, clock),
      refused_log_(endpoint_.toString() + ": connection refused at the connection limit", clock),
      closed_log_(endpoint_.toString() + ": connection closed (idle, evicted or handshake timeout)",
                  clock) {}

void TlsHepSource::end(ConnectionTable::Id id, HepIngestCount why) {
  std::lock_guard lock(mu_);
  for (auto& c : connections_) {
    if (c.id != id) continue;
    c.thread.request_stop();  // its loop notices within one receive timeout (100 ms)
    ingest_.connection(why);
    closed_log_.event("connection " + std::to_string(id));
    return;
  }
}

void TlsHepSource::snapshot(std::vector<core::StageSnapshot>& out) const {
  out.push_back(ingest_.stats().snapshot());
  out.back().stage = endpoint_.toString();  // with the port bound for port 0
}

TlsHepSource::~TlsHepSource() {
  stop();
  SSL_CTX_free(ctxOf(ctx_));
}

core::Result<void, core::Failure> TlsHepSource::start() {
  if (tls_.certificate.empty() || tls_.private_key.empty()) {
    return core::unexpected(core::Failure{
        "listen " + endpoint_.toString() + ": TLS needs tls_certificate and tls_private_key", 2});
  }
  // OpenSSL writes to the socket with write(): a peer that already hung up would raise
  // SIGPIPE and end the whole collector. The write error is handled per connection instead.
  std::signal(SIGPIPE, SIG_IGN);
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return core::unexpected(core::Failure{"TLS: " + sslError(), 1});
  ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // No TLS 1.3 session tickets: HEP senders only write. A ticket they never read makes their
  // kernel answer close() with a reset, and a reset discards what we had not read yet.
  SSL_CTX_set_num_tickets(ctx, 0);
  if (SSL_CTX_use_certificate_chain_file(ctx, tls_.certificate.c_str()) != 1) {
    return core::unexpected(core::Failure{"tls_certificate: " + tls_.certificate + ": " + sslError(), 2});
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls_.private_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return core::unexpected(core::Failure{"tls_private_key: " + tls_.private_key + ": " + sslError(), 2});
  }
  auto fd = listenSocket(endpoint_);
  if (!fd.has_value()) return core::unexpected(std::move(fd).error());
  listen_fd_ = *fd;
  endpoint_.port = boundPort(listen_fd_);
  acceptor_ = std::jthread([this](std::stop_token st) { acceptLoop(st); });
  return {};
}

void TlsHepSource::stop() {
  if (acceptor_.joinable()) {
    acceptor_.request_stop();
    acceptor_.join();
  }
  std::list<Connection> conns;
  {
    std::lock_guard lock(mu_);
    conns.swap(connections_);
  }
  for (auto& c : conns) c.thread.request_stop();
  conns.clear();  // joins
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

void TlsHepSource::acceptLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    pollfd p{listen_fd_, POLLIN, 0};
    const bool ready = ::poll(&p, 1, 100) > 0;
    auto expired = table_.expire();
    for (auto id : expired.idle) end(id, HepIngestCount::IdleClosed);
    for (auto id : expired.handshake) end(id, HepIngestCount::HandshakeTimeout);
    if (!ready) continue;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int cfd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC);
    if (cfd < 0) continue;
    const core::IpAddress peer = addressOf(ss);
    auto admitted = table_.admit(peer);
    if (admitted.evicted) end(*admitted.evicted, HepIngestCount::Evicted);
    if (!admitted.id) {
      ::close(cfd);
      ingest_.connection(HepIngestCount::RefusedLimit);
      refused_log_.event(peer.toString());
      continue;
    }
    ingest_.connection(HepIngestCount::Connections);
    timeval tv{0, 100'000};  // lets a connection thread notice a stop request
    ::setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::lock_guard lock(mu_);
    std::erase_if(connections_, [](const Connection& c) { return c.done->load(); });  // joins
    Connection& c = connections_.emplace_back();
    c.id = *admitted.id;
    c.thread = std::jthread([this, cfd, id = c.id, done = c.done](std::stop_token st) {
      serve(st, cfd, id);
      done->store(true);
    });
  }
}

void TlsHepSource::serve(std::stop_token stop, int fd, ConnectionTable::Id id) {
  sockaddr_storage peer{};
  socklen_t peer_len = sizeof peer;
  Peer from;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0) {
    from = {addressOf(peer), portOf(peer), localAddressOf(fd)};
  }
  HepStreamBuffer stream(from);
  try {  // the one catch-all of this thread: a connection never takes the process down
    SSL* ssl = SSL_new(ctxOf(ctx_));
    SSL_set_fd(ssl, fd);
    bool ok = false;
    // Until the handshake is done, or the acceptor ends it (tls_handshake_timeout, eviction).
    while (!stop.stop_requested()) {
      int r = SSL_accept(ssl);
      if (r == 1) {
        ok = true;
        table_.handshakeDone(id);
        break;
      }
      int e = SSL_get_error(ssl, r);
      const bool timeout = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ||
                           (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK));
      if (!timeout) break;
      ERR_clear_error();
    }
    std::byte chunk[16384];
    bool draining = false;
    while (ok) {
      if (stop.stop_requested() && !draining) draining = true;  // read what is there, then close
      int n = SSL_read(ssl, chunk, sizeof chunk);
      if (n <= 0) {
        int e = SSL_get_error(ssl, n);
        bool timeout = e == SSL_ERROR_WANT_READ ||
                       (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK));
        if (timeout && !draining) {
          ERR_clear_error();
          continue;
        }
        break;
      }
      table_.touch(id);
      if (!stream.feed({chunk, static_cast<size_t>(n)}, ingest_)) break;
    }
    SSL_shutdown(ssl);
    SSL_free(ssl);
  } catch (const std::exception&) {
    ingest_.streamBroken();
  }
  stream.finish(ingest_);
  ::close(fd);
  table_.remove(id);
}

}  // namespace siphon::source
