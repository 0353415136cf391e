#include "source/live_pcap_source.h"

#include <pcap/pcap.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <utility>

#include "source/socket_util.h"

namespace siphon::source {

namespace {

core::Failure liveCaptureFailure(const std::string& interface, const std::string& why) {
  return core::Failure{"interface " + interface + ": " + why, 1};
}

// pcap_activate's result as text: warnings and errors both set pcap_geterr only for some
// codes (pcap_activate(3PCAP)), so fall back to pcap_statustostr.
std::string activateError(pcap_t* p, int rc) {
  std::string text = pcap_geterr(p);
  if (text.empty()) {
    text = pcap_statustostr(rc);
  }
  return text;
}

}  // namespace

core::Result<std::unique_ptr<LivePcapSource>, core::Failure> LivePcapSource::open(
    const LivePcapOptions& options) {
  const std::string& dev = options.interface;
  if (dev.empty()) {
    return core::unexpected(core::Failure{"raw_interface: no interface given", 2});
  }
  std::array<char, PCAP_ERRBUF_SIZE> errbuf{};
  pcap_t* p = pcap_create(dev.c_str(), errbuf.data());
  if (p == nullptr) {
    return core::unexpected(liveCaptureFailure(dev, errbuf.data()));
  }
  // The setters only fail on an already activated handle, which this one is not.
  pcap_set_snaplen(p, options.snaplen);
  pcap_set_promisc(p, options.promiscuous ? 1 : 0);
  pcap_set_buffer_size(p, options.buffer_bytes);
  // Immediate mode hands each frame over at once (a SIP trace wants latency, not batching).
  pcap_set_immediate_mode(p, 1);
  pcap_set_timeout(p, options.poll_timeout_ms);
  bool nano = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0;

  int rc = pcap_activate(p);
  if (rc < 0) {
    auto failure = liveCaptureFailure(dev, activateError(p, rc));
    pcap_close(p);
    return core::unexpected(std::move(failure));
  }
  // rc > 0 is a warning (e.g. promiscuous mode not supported); the capture works.
  nano = nano && pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;

  if (!options.filter.empty()) {
    bpf_program prog{};
    if (pcap_compile(p, &prog, options.filter.c_str(), /*optimize=*/1, PCAP_NETMASK_UNKNOWN) != 0) {
      auto failure =
          liveCaptureFailure(dev, "bad filter '" + options.filter + "': " + pcap_geterr(p));
      pcap_close(p);
      return core::unexpected(std::move(failure));
    }
    int set = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (set != 0) {
      auto failure =
          liveCaptureFailure(dev, "cannot set filter '" + options.filter + "': " + pcap_geterr(p));
      pcap_close(p);
      return core::unexpected(std::move(failure));
    }
  }
  std::array<char, PCAP_ERRBUF_SIZE> nb_err{};
  if (pcap_setnonblock(p, 1, nb_err.data()) != 0 || pcap_get_selectable_fd(p) < 0) {
    auto failure = liveCaptureFailure(
        dev, std::string("cannot make the capture non-blocking: ") + nb_err.data());
    pcap_close(p);
    return core::unexpected(std::move(failure));
  }
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    auto failure = liveCaptureFailure(dev, errnoText("eventfd"));
    pcap_close(p);
    return core::unexpected(std::move(failure));
  }
  return std::unique_ptr<LivePcapSource>(new LivePcapSource(options, p, nano, wake));
}

LivePcapSource::LivePcapSource(LivePcapOptions options, pcap* handle, bool nano, int wake_fd)
    : options_(std::move(options)), handle_(handle), wake_fd_(wake_fd), nano_(nano) {
  link_type_ = static_cast<uint32_t>(pcap_datalink(handle_));
  selectable_fd_ = pcap_get_selectable_fd(handle_);
}

LivePcapSource::~LivePcapSource() {
  pcap_close(handle_);
  ::close(wake_fd_);
}

void LivePcapSource::stop() {
  stopped_.store(true, std::memory_order_relaxed);
  uint64_t one = 1;
  // Cannot fail short of a bad fd; a saturated counter (EAGAIN) still leaves it readable.
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

core::Result<std::optional<RawPacket>, core::Failure> LivePcapSource::next() {
  if (stopped_.load(std::memory_order_relaxed)) {
    return std::optional<RawPacket>{};
  }
  // Frames already in the ring come first, without a system call.
  SIPHON_ASSIGN_OR_RETURN(auto ready, readOne());
  if (ready) {
    return ready;
  }
  std::array<pollfd, 2> fds{pollfd{selectable_fd_, POLLIN, 0}, pollfd{wake_fd_, POLLIN, 0}};
  int n = ::poll(fds.data(), fds.size(), options_.poll_timeout_ms);
  if (n < 0 && errno != EINTR) {
    return core::unexpected(liveCaptureFailure(options_.interface, errnoText("poll")));
  }
  if (stopped_.load(std::memory_order_relaxed) || (fds[1].revents & POLLIN) != 0) {
    return std::optional<RawPacket>{};
  }
  if ((fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 && (fds[0].revents & POLLIN) == 0) {
    // The interface went down or away; pcap_next_ex reports why.
    SIPHON_ASSIGN_OR_RETURN(auto last, readOne());
    if (last) {
      return last;
    }
    return core::unexpected(
        liveCaptureFailure(options_.interface, "capture socket error (interface down?)"));
  }
  if (n > 0) {
    SIPHON_ASSIGN_OR_RETURN(auto frame, readOne());
    if (frame) {
      return frame;
    }
  }
  return std::optional<RawPacket>{RawPacket::idleTick()};
}

core::Result<std::optional<RawPacket>, core::Failure> LivePcapSource::readOne() {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(handle_, &header, &data);
  if (rc == 0 || rc == PCAP_ERROR_BREAK) {  // non-blocking: nothing ready
    return std::optional<RawPacket>{};
  }
  if (rc != 1) {
    return core::unexpected(liveCaptureFailure(options_.interface, pcap_geterr(handle_)));
  }
  ++count_;
  RawPacket p;
  p.ts_sec = static_cast<uint32_t>(header->ts.tv_sec);
  // With nanosecond precision tv_usec holds nanoseconds (pcap_set_tstamp_precision(3PCAP)).
  p.ts_nsec = static_cast<uint32_t>(nano_ ? header->ts.tv_usec : header->ts.tv_usec * 1000);
  p.link_type = link_type_;
  p.wire_length = header->len;
  p.bytes =
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(data),  // NOLINT: u_char → byte
                                 header->caplen);
  return std::optional<RawPacket>{p};
}

core::Result<LiveCaptureStats, core::Failure> LivePcapSource::stats() {
  pcap_stat ps{};
  if (pcap_stats(handle_, &ps) != 0) {
    return core::unexpected(liveCaptureFailure(options_.interface, pcap_geterr(handle_)));
  }
  LiveCaptureStats s;
  s.received = ps.ps_recv;
  s.dropped = ps.ps_drop;
  s.if_dropped = ps.ps_ifdrop;
  return s;
}

}  // namespace siphon::source
