#include "sink/sip_duplicate_sink.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>

#include "core/byte_reader.h"
#include "sink/hep_out/hep_socket.h"
#include "sip/xheaders.h"

namespace siphon::sink {
namespace {

// IPv4 UDP: 65535 - 20 (IP) - 8 (UDP).
constexpr size_t kMaxDatagramBytes = 65507;

core::Unexpected<core::Failure> bad(std::string_view key, std::string_view text,
                                    std::string_view why) {
  return core::unexpected(core::Failure{
      std::string(key) + ": bad address '" + std::string(text) + "': " + std::string(why), 2});
}

constexpr std::string_view kSipDuplicateSinkCounts[] = {"sent", "send_errors"};
constexpr std::string_view kSipDuplicateSinkDrops[] = {"not_sip", "xheaders", "too_large",
                                                       "send_error", "internal_error"};
static_assert(std::size(kSipDuplicateSinkCounts) == static_cast<size_t>(SipDuplicateCount::kCount));
static_assert(std::size(kSipDuplicateSinkDrops) == static_cast<size_t>(SipDuplicateDrop::kCount));

}  // namespace

core::Result<core::Endpoint, core::Failure> parseDuplicateTarget(std::string_view text,
                                                                std::string_view key,
                                                                uint16_t default_port) {
  if (!text.starts_with("sip:")) {
    auto ep = core::Endpoint::parse(text);
    if (!ep) return bad(key, text, ep.error().message);
    if (ep->proto != core::EndpointProto::Udp) return bad(key, text, "plain SIP copies go over UDP");
    return ep;
  }
  // RFC 3261 §19.1.1 without userinfo: sip:host[:port][;params][?headers]. Kamailio sends the
  // duplicate over UDP whatever transport= says (siptrace README, duplicate_uri).
  std::string_view rest = text.substr(4);
  rest = rest.substr(0, std::min(rest.find(';'), rest.find('?')));
  if (rest.find('@') != std::string_view::npos) return bad(key, text, "no user part expected");
  std::string_view host = rest;
  std::string_view port_text;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad(key, text, "unclosed IPv6 reference");
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad(key, text, "expected :port after ]");
      port_text = after.substr(1);
    }
  } else if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  }
  core::Endpoint ep;
  auto ip = core::IpAddress::parse(host);
  if (!ip) return bad(key, text, "host must be an IPv4 or IPv6 address");
  ep.ip = *ip;
  ep.port = default_port;
  if (!port_text.empty() || rest.ends_with(':')) {
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), ep.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size()) {
      return bad(key, text, "port must be a number 0-65535");
    }
  }
  return ep;
}

SipDuplicateSink::SipDuplicateSink(SipDuplicateOptions options)
    : Sink("sip_duplicate " + options.duplicate_uri,
           {kSipDuplicateSinkCounts, kSipDuplicateSinkDrops}),
      options_(std::move(options)) {}

SipDuplicateSink::~SipDuplicateSink() { close(); }

void SipDuplicateSink::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void SipDuplicateSink::write(std::span<const record::RecordPtr> batch) {
  for (const auto& r : batch) send(r->capture);
}

void SipDuplicateSink::writeFailed(std::span<const record::RecordPtr> batch,
                                   std::string_view what) noexcept {
  std::fprintf(stderr, "siphon: sip duplicate: %.*s\n", static_cast<int>(what.size()), what.data());
  counters_.drop(SipDuplicateDrop::InternalError, batch.size());
}

core::Result<void, core::Failure> SipDuplicateSink::open() {
  if (options_.duplicate_uri.empty()) {
    return core::unexpected(core::Failure{"duplicate_uri: needed when hep_mode_on=0", 2});
  }
  SIPHON_ASSIGN_OR_RETURN(auto destination,
                          parseDuplicateTarget(options_.duplicate_uri, "duplicate_uri", 5060));
  if (destination.port == 0) {
    return core::unexpected(core::Failure{"duplicate_uri: port 0 is not a destination", 2});
  }
  core::Endpoint source;
  const bool forced = !options_.force_send_sock.empty();
  if (forced) {
    // A force_send_sock URI without a port means any local port on that address.
    SIPHON_ASSIGN_OR_RETURN(source,
                            parseDuplicateTarget(options_.force_send_sock, "force_send_sock", 0));
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  auto fd = openUdpSender(destination, forced ? &source : nullptr);
  if (!fd) {
    auto failure = std::move(fd).error();
    if (forced) failure.message = "force_send_sock: " + failure.message;
    return core::unexpected(std::move(failure));
  }
  fd_ = *fd;
  return {};
}

core::Endpoint SipDuplicateSink::localEndpoint() const {
  core::Endpoint ep;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (fd_ < 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return ep;
  if (ss.ss_family == AF_INET6) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, &ss, sizeof sin6);
    ep.ip = core::IpAddress::v6(std::span<const std::byte, 16>(
        reinterpret_cast<const std::byte*>(&sin6.sin6_addr), 16));
    ep.port = ntohs(sin6.sin6_port);
  } else {
    sockaddr_in sin;
    std::memcpy(&sin, &ss, sizeof sin);
    ep.ip = core::IpAddress::v4(
        std::span<const std::byte, 4>(reinterpret_cast<const std::byte*>(&sin.sin_addr), 4));
    ep.port = ntohs(sin.sin_port);
  }
  return ep;
}

void SipDuplicateSink::send(const core::Capture& record) {
  const auto& meta = record.meta;
  if (meta.payload_type != 1) {
    counters_.drop(SipDuplicateDrop::NotSip);
    return;
  }
  std::string with_headers;
  std::string_view datagram = core::asText(meta.payload);
  if (options_.xheaders_write) {
    const bool outgoing = std::find(options_.local_ips.begin(), options_.local_ips.end(),
                                    meta.src_ip) != options_.local_ips.end();
    auto written = sip::writeXHeaders(datagram,
                                 sip::xheaderValuesOf(meta, outgoing, options_.trace_local_ip));
    if (!written) {
      counters_.drop(SipDuplicateDrop::XHeaders);
      return;
    }
    with_headers = std::move(*written);
    datagram = with_headers;
  }
  if (datagram.size() > kMaxDatagramBytes) {
    counters_.drop(SipDuplicateDrop::TooLarge);
    return;
  }
  // A connected UDP socket reports the ICMP error of an earlier datagram on a later send,
  // which then sends nothing: one more try sends this one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::send(fd_, datagram.data(), datagram.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(datagram.size())) {
      counters_.count(SipDuplicateCount::Sent);
      return;
    }
    counters_.count(SipDuplicateCount::SendErrors);
  }
  counters_.drop(SipDuplicateDrop::SendError);
}

}  // namespace siphon::sink
