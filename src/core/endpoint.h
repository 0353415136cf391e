#pragma once
// Listen and send addresses written the Kamailio way (docs/CLI.md): `udp:127.0.0.1:9060`,
// `tcp:[::1]:9060`, `tls:0.0.0.0:9061`; a bare `host:port` means UDP.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "core/result.h"

namespace siphon::core {

enum class EndpointProto : uint8_t { Udp, Tcp, Tls };

struct Endpoint {
  EndpointProto proto = EndpointProto::Udp;
  IpAddress ip;
  uint16_t port = 0;

  [[nodiscard]] static Result<Endpoint, Failure> parse(std::string_view text);
  /// Back to the written form, e.g. "tcp:[::1]:9060".
  [[nodiscard]] std::string toString() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

[[nodiscard]] std::string_view endpointProtoName(EndpointProto p);

/// An address as a URI host (RFC 3986 §3.2.2): an IPv6 address (any text with a ':') in
/// brackets, anything else as it is.
[[nodiscard]] std::string bracketedHost(std::string_view host);
/// "host:port" with the host bracketed as bracketedHost() does: "10.0.0.1:5060",
/// "[2001:db8::1]:5060".
[[nodiscard]] std::string hostPortText(std::string_view host, uint16_t port);

}  // namespace siphon::core
