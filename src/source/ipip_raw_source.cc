#include "source/ipip_raw_source.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

#include "source/socket_util.h"

namespace siphon::source {

namespace {

constexpr size_t kMaxIpv4Packet = 65535;  // IPv4 total length is 16 bits

core::Failure ipipFailure(const std::string& why, int exit_code = 1) {
  return core::Failure{"raw_ipip_capture_on: " + why, exit_code};
}

}  // namespace

core::Result<std::unique_ptr<IpipRawSource>, core::Failure> IpipRawSource::open(
    const IpipRawOptions& options) {
  if (options.listen.isV6()) {
    return core::unexpected(ipipFailure("raw_socket_listen address " + options.listen.toString() +
                                            " is IPv6; IP-in-IP capture listens on IPv4",
                                        2));
  }
  int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPIP);
  if (fd < 0) {
    return core::unexpected(ipipFailure(errnoText("socket(AF_INET, SOCK_RAW, IPPROTO_IPIP)")));
  }
  auto close_with = [fd](core::Failure f) {
    ::close(fd);
    return core::unexpected(std::move(f));
  };
  if (!options.interface.empty()) {
    if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, options.interface.c_str(),
                     static_cast<socklen_t>(options.interface.size())) != 0) {
      return close_with(ipipFailure(errnoText("raw_interface " + options.interface)));
    }
  }
  if (!options.listen.empty()) {
    // A raw socket bound to an address only receives packets whose destination is that
    // address (raw(7)); 0.0.0.0 is the same as not binding.
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    std::memcpy(&sin.sin_addr, options.listen.bytes().data(), 4);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
      return close_with(
          ipipFailure(errnoText("bind raw_socket_listen " + options.listen.toString())));
    }
  }
  // A mirror feed arrives in bursts; a large receive buffer absorbs them. SO_RCVBUFFORCE
  // passes rmem_max when we have CAP_NET_ADMIN; otherwise the plain option is capped by it.
  int rcvbuf = options.receive_buffer_bytes;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0) {
    return close_with(ipipFailure(errnoText("SO_TIMESTAMPNS")));
  }
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    return close_with(ipipFailure(errnoText("eventfd")));
  }
  return std::unique_ptr<IpipRawSource>(new IpipRawSource(fd, wake, options.poll_timeout_ms));
}

IpipRawSource::IpipRawSource(int fd, int wake_fd, int poll_timeout_ms)
    : fd_(fd), wake_fd_(wake_fd), poll_timeout_ms_(poll_timeout_ms), buf_(kMaxIpv4Packet) {}

IpipRawSource::~IpipRawSource() {
  ::close(fd_);
  ::close(wake_fd_);
}

void IpipRawSource::stop() {
  stopped_.store(true, std::memory_order_relaxed);
  uint64_t one = 1;
  // Cannot fail short of a bad fd; the counter saturating (EAGAIN) still leaves it readable.
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

core::Result<std::optional<RawPacket>, core::Failure> IpipRawSource::next() {
  if (stopped_.load(std::memory_order_relaxed)) {
    return std::optional<RawPacket>{};
  }
  std::array<pollfd, 2> fds{pollfd{fd_, POLLIN, 0}, pollfd{wake_fd_, POLLIN, 0}};
  int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms_);
  if (ready < 0) {
    if (errno == EINTR) {
      return std::optional<RawPacket>{RawPacket::idleTick()};
    }
    return core::unexpected(ipipFailure(errnoText("poll")));
  }
  if (stopped_.load(std::memory_order_relaxed) || (fds[1].revents & POLLIN) != 0) {
    return std::optional<RawPacket>{};
  }
  if (ready == 0 || (fds[0].revents & POLLIN) == 0) {
    return std::optional<RawPacket>{RawPacket::idleTick()};
  }

  iovec iov{buf_.data(), buf_.size()};
  // Room for one struct timespec control message (SCM_TIMESTAMPNS).
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(timespec))> control{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  // MSG_TRUNC: the return value is the real length even when it exceeds the buffer.
  ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT | MSG_TRUNC);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      return std::optional<RawPacket>{RawPacket::idleTick()};
    }
    return core::unexpected(ipipFailure(errnoText("recvmsg")));
  }
  timespec ts{};
  bool have_ts = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
        c->cmsg_len >= CMSG_LEN(sizeof ts)) {
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      have_ts = true;
    }
  }
  if (!have_ts) {
    ::clock_gettime(CLOCK_REALTIME, &ts);
  }
  auto len = static_cast<size_t>(n);
  size_t kept = len;
  if (len > buf_.size()) {
    ++stats_.truncated;
    kept = buf_.size();
  }
  ++stats_.received;
  RawPacket p;
  p.ts_sec = static_cast<uint32_t>(ts.tv_sec);
  p.ts_nsec = static_cast<uint32_t>(ts.tv_nsec);
  p.link_type = 101;  // LINKTYPE_RAW (net::LinkType::Raw): the packet starts at the outer IPv4
  p.wire_length = static_cast<uint32_t>(len);
  p.bytes = std::span<const std::byte>(buf_.data(), kept);
  return std::optional<RawPacket>{p};
}

}  // namespace siphon::source
