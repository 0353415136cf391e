#include "source/listen_range.h"

#include <charconv>
#include <utility>

namespace siphon::source {

namespace {

core::Failure listenRangeFailure(std::string_view text, std::string_view why) {
  return core::Failure{"raw_socket_listen: '" + std::string(text) + "': " + std::string(why), 2};
}

// A decimal port 1..65535; the whole token must be digits.
std::optional<uint16_t> parsePort(std::string_view s) {
  if (s.empty() || s.size() > 5) {
    return std::nullopt;
  }
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(v);
}

}  // namespace

core::Result<ListenRange, core::Failure> parseListenRange(std::string_view text) {
  ListenRange out;
  if (text.empty()) {
    return out;
  }
  // A bare IPv6 address ("::1") has colons but no port; try the whole value as an address
  // first. An IPv6 address with a port must be bracketed, as in the rest of the configuration.
  if (text.front() != '[') {
    if (auto whole = core::IpAddress::parse(text)) {
      out.address = *whole;
      return out;
    }
  }
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return core::unexpected(listenRangeFailure(text, "not an IP address, IP:port or IP:port-port"));
  }
  std::string_view host = text.substr(0, colon);
  std::string_view ports = text.substr(colon + 1);
  auto ip = core::IpAddress::parse(host);
  if (!ip) {
    return core::unexpected(listenRangeFailure(text, "bad IP address '" + std::string(host) + "'"));
  }
  out.address = *ip;
  if (ports.empty()) {
    return core::unexpected(listenRangeFailure(text, "no port after ':'"));
  }
  size_t dash = ports.rfind('-');
  std::string_view first = dash == std::string_view::npos ? ports : ports.substr(0, dash);
  auto lo = parsePort(first);
  if (!lo) {
    return core::unexpected(
        listenRangeFailure(text, "bad port '" + std::string(first) + "' (1-65535)"));
  }
  out.port_min = *lo;
  out.port_max = *lo;
  if (dash != std::string_view::npos) {
    std::string_view last = ports.substr(dash + 1);
    auto hi = parsePort(last);
    if (!hi) {
      return core::unexpected(
          listenRangeFailure(text, "bad port '" + std::string(last) + "' (1-65535)"));
    }
    if (*hi < *lo) {
      return core::unexpected(listenRangeFailure(text, "port range start is above its end"));
    }
    out.port_max = *hi;
  }
  return out;
}

std::string portRangeBpf(uint16_t min, uint16_t max) {
  if (min > max) {
    std::swap(min, max);
  }
  // libpcap's port primitives already refuse IPv4 non-first fragments (they have no ports),
  // and for IPv6 they only look at a UDP/TCP/SCTP header right after the fixed header. Both
  // kinds of fragments are let through explicitly so that IP reassembly sees every piece;
  // the reassembled datagram is filtered by port after decoding.
  return "((udp or tcp or sctp) and portrange " + std::to_string(min) + "-" + std::to_string(max) +
         ") or (ip and ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44)";
}

}  // namespace siphon::source
