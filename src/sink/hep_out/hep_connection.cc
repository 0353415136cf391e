#include "sink/hep_out/hep_connection.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "sink/hep_out/hep_socket.h"

namespace siphon::sink {
namespace {

std::string sslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

SSL_CTX* ctxOf(void* p) { return static_cast<SSL_CTX*>(p); }
SSL* sslOf(void* p) { return static_cast<SSL*>(p); }

}  // namespace

HepConnection::HepConnection(core::Endpoint destination, HepTlsClientOptions tls,
                             std::chrono::milliseconds timeout)
    : destination_(std::move(destination)), tls_(std::move(tls)), timeout_(timeout) {}

HepConnection::~HepConnection() {
  close();
  SSL_CTX_free(ctxOf(ctx_));
}

core::Result<void, core::Failure> HepConnection::prepare() {
  if (destination_.proto != core::EndpointProto::Tls || ctx_ != nullptr) return {};
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return core::unexpected(core::Failure{"TLS: " + sslError(), 1});
  ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (tls_.verify) {
    const bool loaded = tls_.ca_file.empty()
                            ? SSL_CTX_set_default_verify_paths(ctx) == 1
                            : SSL_CTX_load_verify_locations(ctx, tls_.ca_file.c_str(), nullptr) == 1;
    if (!loaded) {
      return core::unexpected(core::Failure{"tls_ca_file: " + tls_.ca_file + ": " + sslError(), 2});
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  return {};
}

core::Result<void, core::Failure> HepConnection::connect() {
  close();
  if (destination_.proto == core::EndpointProto::Udp) {
    SIPHON_ASSIGN_OR_RETURN(fd_, openUdpSender(destination_, nullptr));
    return {};
  }
  // A collector that closes while we write would raise SIGPIPE; the error is handled here.
  std::signal(SIGPIPE, SIG_IGN);
  SIPHON_ASSIGN_OR_RETURN(int fd, connectTcp(destination_, timeout_));
  fd_ = fd;
  if (destination_.proto != core::EndpointProto::Tls) return {};
  SIPHON_TRY(prepare());
  SSL* ssl = SSL_new(ctxOf(ctx_));
  if (ssl == nullptr) {
    close();
    return core::unexpected(core::Failure{"TLS: " + sslError(), 1});
  }
  ssl_ = ssl;
  SSL_set_fd(ssl, fd_);
  if (tls_.verify) {
    // The collector is named by its address: check it against the certificate's IP SANs/CN.
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), destination_.ip.toString().c_str());
  }
  if (SSL_connect(ssl) != 1) {
    std::string why = "TLS handshake with " + destination_.toString() + ": " + sslError();
    close();
    return core::unexpected(core::Failure{std::move(why), 1});
  }
  return {};
}

bool HepConnection::send(std::span<const std::byte> packet, std::string& error) {
  if (fd_ < 0) {
    error = "not connected";
    return false;
  }
  return ssl_ != nullptr ? sendTls(packet, error) : sendPlain(packet, error);
}

size_t HepConnection::sendDatagrams(std::span<const std::span<const std::byte>> packets,
                                    std::string& error) {
  if (fd_ < 0 || isStream()) {
    error = fd_ < 0 ? "not connected" : "sendDatagrams on a stream";
    return 0;
  }
  // One system call per up to kPerCall datagrams: the per-call cost, not the copy, is what
  // dominates small UDP sends.
  constexpr size_t kPerCall = 64;
  std::array<iovec, kPerCall> iov;
  std::array<mmsghdr, kPerCall> msgs;
  size_t done = 0;
  while (done < packets.size()) {
    const size_t n = std::min(kPerCall, packets.size() - done);
    for (size_t i = 0; i < n; ++i) {
      const auto& p = packets[done + i];
      iov[i].iov_base = const_cast<std::byte*>(p.data());  // sendmmsg does not write to it
      iov[i].iov_len = p.size();
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(fd_, msgs.data(), static_cast<unsigned>(n), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) {
      error = errnoText("send to " + destination_.toString());
      return done;
    }
    done += static_cast<size_t>(sent);
    // A short count: the next datagram failed and sendmmsg dropped its error; the next call
    // starts with it and reports the error if it fails again.
  }
  return done;
}

bool HepConnection::sendPlain(std::span<const std::byte> packet, std::string& error) {
  size_t off = 0;
  while (off < packet.size()) {
    ssize_t n = ::send(fd_, packet.data() + off, packet.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = errnoText("send to " + destination_.toString());
      // A UDP error (ECONNREFUSED from an earlier datagram's ICMP) leaves the socket usable.
      if (isStream()) close();
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

bool HepConnection::sendTls(std::span<const std::byte> packet, std::string& error) {
  size_t off = 0;
  while (off < packet.size()) {
    size_t written = 0;
    if (SSL_write_ex(sslOf(ssl_), packet.data() + off, packet.size() - off, &written) != 1) {
      error = "TLS write to " + destination_.toString() + ": " + sslError();
      close();
      return false;
    }
    off += written;
  }
  return true;
}

bool HepConnection::checkAlive() {
  if (fd_ < 0) return false;
  if (!isStream()) return true;
  PeerState state = peekPeer(fd_);
  if (state == PeerState::HasData && ssl_ != nullptr) {
    // TLS 1.3 servers may send session tickets after the handshake: read them away. A
    // close_notify or an error here means the collector is leaving.
    std::byte buf[512];
    size_t got = 0;
    if (SSL_read_ex(sslOf(ssl_), buf, sizeof buf, &got) == 1) return true;
    const int err = SSL_get_error(sslOf(ssl_), 0);
    ERR_clear_error();
    state = err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ? PeerState::Quiet
                                                                      : PeerState::HungUp;
  }
  if (state == PeerState::HungUp) {
    close();
    return false;
  }
  return true;  // Quiet, or plain-TCP bytes a collector should not send (ignored)
}

void HepConnection::closeGracefully() {
  if (fd_ < 0) return;
  if (isStream()) {
    if (ssl_ != nullptr) SSL_shutdown(sslOf(ssl_));
    ::shutdown(fd_, SHUT_WR);
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    std::byte buf[512];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) < 0 && errno != EINTR) break;
      if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    }
  }
  close();
}

void HepConnection::close() {
  if (ssl_ != nullptr) {
    SSL_free(sslOf(ssl_));
    ssl_ = nullptr;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace siphon::sink
