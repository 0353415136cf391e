#include "source/udp_hep_source.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "source/socket_util.h"

namespace siphon::source {
namespace {

constexpr int kDatagramsPerCall = 64;         // datagrams per recvmmsg call
constexpr size_t kMaxDatagram = 65536;        // a HEP packet is at most 64 KiB
constexpr int kReceiveBuffer = 64 << 20;      // absorbs bursts while a worker is busy

}  // namespace

core::IpAddress UdpHepSource::localAddress(msghdr& h) const {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      return core::IpAddress::v4(
          std::span<const std::byte, 4>(reinterpret_cast<const std::byte*>(&info.ipi_addr), 4));
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      return core::IpAddress::v6(std::span<const std::byte, 16>(
          reinterpret_cast<const std::byte*>(&info.ipi6_addr), 16));
    }
  }
  return endpoint_.ip;  // bound to one address: that one
}

UdpHepSource::UdpHepSource(core::Endpoint endpoint, int workers, uint16_t index, Ingress& ingress,
                           HepIngestOptions options)
    : endpoint_(std::move(endpoint)),
      workers_(workers < 1 ? 1 : workers),
      ingest_(endpoint_.toString(), index, ingress, std::move(options)) {}

UdpHepSource::~UdpHepSource() { stop(); }

void UdpHepSource::snapshot(std::vector<core::StageSnapshot>& out) const {
  out.push_back(ingest_.stats().snapshot());
  out.back().stage = endpoint_.toString();  // with the port bound for port 0
}

core::Result<void, core::Failure> UdpHepSource::start() {
  auto port = claimUdpPort(endpoint_);
  if (!port.has_value()) return core::unexpected(std::move(port).error());
  endpoint_.port = *port;
  for (int i = 0; i < workers_; ++i) {
    auto fd = bindSocket(endpoint_, SOCK_DGRAM, AddressSharing::PortGroup);
    if (!fd.has_value()) {
      stop();
      return core::unexpected(std::move(fd).error());
    }
    // SO_RCVBUFFORCE passes rmem_max when we may (root); else take what SO_RCVBUF gives.
    if (::setsockopt(*fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof kReceiveBuffer) != 0) {
      ::setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
    }
    int one = 1;
    ::setsockopt(*fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
    // The address each datagram was sent to: Homer-6's capture_ip when bound to a wildcard.
    if (endpoint_.ip.isV6()) {
      ::setsockopt(*fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    } else {
      ::setsockopt(*fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    }
    // A short receive timeout lets the worker notice a stop request.
    timeval tv{0, 100'000};
    ::setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
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
  std::vector<std::byte> storage(static_cast<size_t>(kDatagramsPerCall) * kMaxDatagram);
  std::array<iovec, kDatagramsPerCall> iov{};
  std::array<mmsghdr, kDatagramsPerCall> msgs{};
  // SO_RXQ_OVFL: each datagram carries the socket's count of datagrams the kernel dropped
  // because the receive buffer was full; the increase is counted as a drop with its reason.
  // IP_PKTINFO / IPV6_PKTINFO: the local address it was sent to.
  struct Control {
    alignas(cmsghdr) std::byte buf[CMSG_SPACE(sizeof(uint32_t)) + CMSG_SPACE(sizeof(in6_pktinfo))];
  };
  std::array<Control, kDatagramsPerCall> control{};
  std::array<sockaddr_storage, kDatagramsPerCall> senders{};
  uint32_t kernel_drops_seen = 0;
  for (int i = 0; i < kDatagramsPerCall; ++i) {
    iov[i].iov_base = storage.data() + static_cast<size_t>(i) * kMaxDatagram;
    iov[i].iov_len = kMaxDatagram;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  auto receive = [&](int flags) {
    for (int i = 0; i < kDatagramsPerCall; ++i) {  // the kernel shrinks msg_controllen on each call
      msgs[i].msg_hdr.msg_control = control[i].buf;
      msgs[i].msg_hdr.msg_controllen = sizeof control[i].buf;
      msgs[i].msg_hdr.msg_name = &senders[i];
      msgs[i].msg_hdr.msg_namelen = sizeof senders[i];
    }
    int n = ::recvmmsg(fd, msgs.data(), kDatagramsPerCall, flags, nullptr);
    for (int i = 0; i < n; ++i) {
      auto* base = static_cast<const std::byte*>(iov[i].iov_base);
      ingest_.accept({base, msgs[i].msg_len}, /*from_stream=*/false,
                     Peer{addressOf(senders[i]), portOf(senders[i]), localAddress(msgs[i].msg_hdr)});
    }
    if (n > 0) {
      msghdr& last = msgs[n - 1].msg_hdr;
      for (cmsghdr* c = CMSG_FIRSTHDR(&last); c != nullptr; c = CMSG_NXTHDR(&last, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) continue;
        uint32_t drops = 0;
        std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
        if (drops != kernel_drops_seen) {
          ingest_.kernelDropped(drops - kernel_drops_seen);
          kernel_drops_seen = drops;
        }
      }
    }
    return n;
  };
  while (!stop.stop_requested()) {
    if (receive(MSG_WAITFORONE) < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      break;  // socket closed under us: shutting down
    }
  }
  // Drain what the kernel already holds so that a stop loses nothing that was received.
  while (receive(MSG_DONTWAIT) > 0) {
  }
}

}  // namespace siphon::source
