#pragma once
// Why a frame could not be decoded down to its transport payload. Each value is a skip or
// drop reason in the decode/agent statistics.

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace siphon::net {

enum class NetErrc : uint8_t {
  Truncated,                ///< fewer bytes than a header or an advertised length needs
  UnsupportedLinkType,      ///< the capture's link type is not one we decode
  UnsupportedEtherType,     ///< not IPv4/IPv6 (ARP, STP, 802.3 length frames, PPP control...)
  UnsupportedLinkFamily,    ///< NULL/LOOP or cooked header names a family other than IPv4/IPv6
  TooManyVlanTags,          ///< more stacked 802.1Q/802.1ad tags than the configured maximum
  BadIpHeader,              ///< IP version, header length or total length is inconsistent
  TooManyExtensionHeaders,  ///< IPv6 extension-header chain longer than the configured maximum
  BadUdpHeader,             ///< UDP length below 8 or past the IP payload
  BadTcpHeader,             ///< TCP data offset below 5 or past the IP payload
  BadGreHeader,             ///< GRE routing bit set (RFC 1701 source routes are not decoded)
  BadErspanHeader,          ///< ERSPAN version does not match the GRE protocol type
  UnsupportedTunnel,        ///< a tunnel we do not open: GRE version 1 (PPTP), a GRE payload
                            ///< or ERSPAN frame type that is neither Ethernet nor IP
  TooManyTunnels,           ///< more nested tunnels than the configured maximum (loop guard)
  BadSctpHeader,            ///< SCTP chunk length below 4, or a DATA chunk shorter than 16
};

using NetError = core::ErrorOf<NetErrc>;

/// A header or length that runs past the bytes captured, the error every decoder shares.
inline NetError truncatedError(std::string_view why) { return NetError{NetErrc::Truncated, why}; }

/// Stable lower-case name of a code, for metrics labels and summaries ("bad_ip_header").
[[nodiscard]] std::string_view netErrcName(NetErrc code);

/// True for the "not something we decode" outcomes (skipped), false for malformed input.
/// TooManyTunnels counts as malformed: honest traffic does not nest tunnels that deep.
[[nodiscard]] bool isUnsupported(NetErrc code);

}  // namespace siphon::net
