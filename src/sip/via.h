#pragma once
// One Via value (RFC 3261 §20.42): sent-protocol, sent-by and parameters.

#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/sip_error.h"

namespace siphon::sip {

struct Via {
  std::string_view text;              ///< the whole value as given to parseVia (trimmed)
  std::string_view protocol_name;     ///< "SIP"
  std::string_view protocol_version;  ///< "2.0"
  std::string_view transport;         ///< "UDP", "TCP", "TLS", "SCTP", "WS", or unknown token
  std::string_view host;              ///< sent-by host without IPv6 brackets
  std::string_view host_text;         ///< as written, brackets kept
  bool host_is_ipv6 = false;
  std::string_view port_text;
  uint16_t port = 0;                  ///< 0 when absent
  std::string_view params;            ///< from the first ';'
  std::string_view branch;            ///< branch parameter, empty when absent
  std::string_view received;          ///< received parameter (IPv6 with or without [ ], RFC 5118 §4.5)
  std::string_view rport;             ///< rport value; empty when absent or valueless
  bool has_rport = false;
};

/// Parses one Via value (already split from the list). LWS is allowed around '/', ':' and ';'
/// and may include folded line ends (RFC 4475 wsinv). Error: BadHeaderValue.
[[nodiscard]] SipResult<Via> parseVia(std::string_view value);

/// parseVia() into an existing Via (no copy of the result); the error, or nullopt on success.
[[nodiscard]] std::optional<SipError> parseViaInto(std::string_view value, Via& via);

namespace detail {
/// parseViaInto() for a Via that is still value-initialised (`Via{}`): skips the reset.
[[nodiscard]] std::optional<SipError> parseViaFresh(std::string_view value, Via& via);
}  // namespace detail

}  // namespace siphon::sip
