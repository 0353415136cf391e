#pragma once
// The addresses of the machine's own interfaces (getifaddrs(3)), for what the agent needs to
// know about the server it runs beside: without local_addresses, the addresses of the
// interfaces it captures on are the traced server's own (the sip_trace direction), as a
// Kamailio's listen sockets are its own.

#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace siphon::source {

/// The IPv4 and IPv6 addresses of interface `name` ("any": of every interface). An interface
/// without addresses gives none; getifaddrs failing is an error (exit 1) with its reason.
[[nodiscard]] core::Result<std::vector<core::IpAddress>, core::Failure> interfaceAddresses(
    std::string_view name);

}  // namespace siphon::source
