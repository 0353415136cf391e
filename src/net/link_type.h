#pragma once
// Link types a capture file or interface may report (tcpdump.org "LINK-LAYER HEADER TYPES").
// libpcap hands out DLT_ values; for the types below those equal the LINKTYPE_ values, except
// the raw-IP family where DLT_RAW is 12 (14 on OpenBSD) and LINKTYPE_RAW is 101: all mean the
// same thing and all are accepted.

#include <cstdint>

namespace siphon::net {

enum class LinkType : uint32_t {
  Null = 0,         ///< BSD loopback: 4-byte address family in the capturing host's byte order
  Ethernet = 1,     ///< DLT_EN10MB
  RawDlt = 12,      ///< DLT_RAW on most systems: a bare IPv4 or IPv6 packet
  RawOpenBsd = 14,  ///< DLT_RAW on OpenBSD
  Raw = 101,        ///< LINKTYPE_RAW, as stored in files
  Loop = 108,       ///< OpenBSD loopback: 4-byte address family in network byte order
  LinuxSll = 113,   ///< Linux "cooked" capture v1 (16-byte header)
  Ipv4 = 228,       ///< a bare IPv4 packet
  Ipv6 = 229,       ///< a bare IPv6 packet
  LinuxSll2 = 276,  ///< Linux "cooked" capture v2 (20-byte header)
};

}  // namespace siphon::net
