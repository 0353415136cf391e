#include "core/endpoint.h"

#include <charconv>

namespace siphon::core {

std::string_view endpointProtoName(EndpointProto p) {
  switch (p) {
    case EndpointProto::Udp:
      return "udp";
    case EndpointProto::Tcp:
      return "tcp";
    case EndpointProto::Tls:
      return "tls";
  }
  return "udp";
}

Result<Endpoint, Failure> Endpoint::parse(std::string_view text) {
  const std::string original(text);
  auto bad = [&](std::string_view why) {
    std::string msg = "bad address '";
    msg.append(original).append("': ").append(why);
    return unexpected(Failure{std::move(msg), 2});
  };
  Endpoint ep;
  for (auto p : {EndpointProto::Udp, EndpointProto::Tcp, EndpointProto::Tls}) {
    std::string prefix = std::string(endpointProtoName(p)) + ":";
    if (text.starts_with(prefix)) {
      ep.proto = p;
      text.remove_prefix(prefix.size());
      break;
    }
  }
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected host:port");
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.find(':') != std::string_view::npos && !host.starts_with('[')) {
    return bad("IPv6 addresses need brackets, e.g. [::1]:9060");
  }
  auto ip = IpAddress::parse(host);
  if (!ip) return bad("host must be an IPv4 or IPv6 address");
  uint16_t port_value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_value);
  if (ec != std::errc() || end != port.data() + port.size() || port.empty()) {
    return bad("port must be a number 0-65535");
  }
  ep.ip = *ip;
  ep.port = port_value;
  return ep;
}

std::string Endpoint::toString() const {
  std::string out(endpointProtoName(proto));
  out += ':';
  out += hostPortText(ip.toString(), port);
  return out;
}

std::string bracketedHost(std::string_view host) {
  // Built with append(): gcc 12 -O3 warns falsely (-Wrestrict) on "[" + string chains.
  std::string out;
  const bool v6 = host.find(':') != std::string_view::npos;
  out.reserve(host.size() + 2);
  if (v6) out += '[';
  out.append(host);
  if (v6) out += ']';
  return out;
}

std::string hostPortText(std::string_view host, uint16_t port) {
  std::string out = bracketedHost(host);
  out += ':';
  out.append(std::to_string(port));
  return out;
}

}  // namespace siphon::core
