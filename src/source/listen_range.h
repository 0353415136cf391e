#pragma once
// raw_socket_listen: the address and SIP port range of the raw capture modes
// (HEP-AND-MODULES.md §2.9; kamailio-sipcapture.txt §3.11), and the BPF filter that
// raw_moni_bpf_on builds from the range.
//
// Written forms: "" (unset), "10.0.0.1" (no port filter), "10.0.0.1:5060" (src or dst port is
// 5060), "10.0.0.1:5060-5090" (src or dst port within the range), "[2001:db8::1]:5060". As in
// Kamailio the text is split at the last ':' and then at the last '-'. In mirror mode the
// address is ignored but must still be written.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "core/result.h"

namespace siphon::source {

/// A parsed raw_socket_listen value.
struct ListenRange {
  core::IpAddress address;  ///< empty when the value was ""
  uint16_t port_min = 0;    ///< 0 together with port_max 0: no port filter
  uint16_t port_max = 0;    ///< equals port_min for a single port

  [[nodiscard]] bool hasPorts() const { return port_min != 0; }
  /// The seed's rule: passes when no port is configured, or when the source or the
  /// destination port lies within [port_min, port_max].
  [[nodiscard]] bool matches(uint16_t src_port, uint16_t dst_port) const {
    if (!hasPorts()) {
      return true;
    }
    return (src_port >= port_min && src_port <= port_max) ||
           (dst_port >= port_min && dst_port <= port_max);
  }
};

/// Parses a raw_socket_listen value. Errors (exit code 2) start with "raw_socket_listen:" and
/// quote the value: a bad address, a port that is not 1..65535, a range whose start is above
/// its end, a ':' with nothing after it.
[[nodiscard]] core::Result<ListenRange, core::Failure> parseListenRange(std::string_view text);

/// The raw_moni_bpf_on filter for libpcap: "(udp or tcp or sctp) and portrange MIN-MAX", plus
/// every IP fragment after the first (IPv4 fragment offset != 0; IPv6 packets whose first
/// extension header is a Fragment header), because those carry no ports and reassembly needs
/// them. `min` above `max` is swapped. Precondition: min and max are ports (1..65535).
[[nodiscard]] std::string portRangeBpf(uint16_t min, uint16_t max);

}  // namespace siphon::source
