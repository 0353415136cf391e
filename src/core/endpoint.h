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

}  // namespace siphon::core
