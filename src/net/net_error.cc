#include "net/net_error.h"

namespace siphon::net {

std::string_view netErrcName(NetErrc code) {
  switch (code) {
    case NetErrc::Truncated:
      return "truncated";
    case NetErrc::UnsupportedLinkType:
      return "unsupported_link_type";
    case NetErrc::UnsupportedEtherType:
      return "unsupported_ether_type";
    case NetErrc::UnsupportedLinkFamily:
      return "unsupported_link_family";
    case NetErrc::TooManyVlanTags:
      return "too_many_vlan_tags";
    case NetErrc::BadIpHeader:
      return "bad_ip_header";
    case NetErrc::TooManyExtensionHeaders:
      return "too_many_extension_headers";
    case NetErrc::BadUdpHeader:
      return "bad_udp_header";
    case NetErrc::BadTcpHeader:
      return "bad_tcp_header";
    case NetErrc::BadGreHeader:
      return "bad_gre_header";
    case NetErrc::BadErspanHeader:
      return "bad_erspan_header";
    case NetErrc::UnsupportedTunnel:
      return "unsupported_tunnel";
    case NetErrc::TooManyTunnels:
      return "too_many_tunnels";
    case NetErrc::BadSctpHeader:
      return "bad_sctp_header";
  }
  return "unknown";
}

bool isUnsupported(NetErrc code) {
  return code == NetErrc::UnsupportedLinkType || code == NetErrc::UnsupportedEtherType ||
         code == NetErrc::UnsupportedLinkFamily || code == NetErrc::UnsupportedTunnel;
}

}  // namespace siphon::net
