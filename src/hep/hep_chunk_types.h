#pragma once
// Catalogue of HEPv3 generic chunks (vendor 0x0000), payload types and vendor ids, with the
// value type and wire size of each chunk (docs/HEP-AND-MODULES.md §1.4-§1.6, spec rev 37).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace siphon::hep {

/// Generic chunk type ids (vendor 0). Rev 37 numbering; the 2013 EEP draft differs (§1.4).
enum class ChunkType : uint16_t {
  Reserved = 0x0000,            ///< never valid: a packet carrying it is rejected
  IpFamily = 0x0001,            ///< uint8, 2 = IPv4, 10 = IPv6 (sender's AF_* value)
  IpProto = 0x0002,             ///< uint8, 17 UDP, 6 TCP, 22 "TLS", 132 SCTP, 50 "WS"
  SrcIpv4 = 0x0003,             ///< inet4-addr
  DstIpv4 = 0x0004,             ///< inet4-addr
  SrcIpv6 = 0x0005,             ///< inet6-addr
  DstIpv6 = 0x0006,             ///< inet6-addr
  SrcPort = 0x0007,             ///< uint16
  DstPort = 0x0008,             ///< uint16
  TimestampSec = 0x0009,        ///< uint32, seconds since the epoch
  TimestampUsec = 0x000a,       ///< uint32, microseconds added to 0x0009
  PayloadType = 0x000b,         ///< uint8, §1.6 (1 = SIP)
  CaptureId = 0x000c,           ///< uint32, capture agent id
  KeepAlive = 0x000d,           ///< uint16, keep-alive timer in seconds
  AuthKey = 0x000e,             ///< octet-string, plain text
  Payload = 0x000f,             ///< octet-string, the captured message
  CompressedPayload = 0x0010,   ///< octet-string, gzip or zlib stream of the payload
  CorrelationId = 0x0011,       ///< octet-string
  VlanId = 0x0012,              ///< uint16
  NodeName = 0x0013,            ///< octet-string, capture agent name (was "group id" < rev 37)
  SrcMac = 0x0014,              ///< "uint64" in the spec; packing UNVERIFIED, kept raw
  DstMac = 0x0015,              ///< same
  EtherType = 0x0016,           ///< uint16
  TcpFlags = 0x0017,            ///< uint8
  IpTos = 0x0018,               ///< uint8
  Mos = 0x0020,                 ///< uint16 (scaling UNVERIFIED, probably MOS x 100)
  RFactor = 0x0021,             ///< uint16
  GeoLocation = 0x0022,         ///< octet-string
  Jitter = 0x0023,              ///< uint32 (unit UNVERIFIED)
  TransactionType = 0x0024,     ///< octet-string ("call", "registration")
  PayloadJsonKeys = 0x0025,     ///< octet-string
  TagValues = 0x0026,           ///< octet-string
  TagType = 0x0027,             ///< uint16
  EventType = 0x0028,           ///< uint16: 0 reserved, 1 recording, 2 recording LI
  GroupId = 0x0029,             ///< octet-string
  ExtraCorrelation = 0x0065,    ///< octet-string (JSON); OpenSIPS, in no spec revision
};

[[nodiscard]] constexpr uint16_t wire(ChunkType t) { return static_cast<uint16_t>(t); }

/// How a chunk's value is encoded on the wire (spec rev 37 "value types").
enum class ChunkValueType : uint8_t {
  None,         ///< reserved type: no value defined
  OctetString,  ///< any bytes, length from the chunk header, no NUL terminator
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Inet4,        ///< 4 bytes, network order
  Inet6,        ///< 16 bytes, network order
};

struct ChunkTypeInfo {
  uint16_t type = 0;
  std::string_view name;          ///< snake_case, stable (JSON, logs)
  ChunkValueType value_type = ChunkValueType::None;
  /// Exact value size the decoder requires; 0 = any size. The MAC chunks (their packing is
  /// UNVERIFIED) and reserved types are not size-checked: they are kept raw.
  uint8_t required_size = 0;
};

/// Every generic chunk 0x0000-0x0029 plus 0x0065, in type order.
[[nodiscard]] std::span<const ChunkTypeInfo> genericChunkCatalogue();
/// The catalogue entry of a generic chunk type, or nullptr for a type not in it.
[[nodiscard]] const ChunkTypeInfo* genericChunkInfo(uint16_t type);

/// Vendor ids of chunk headers (§1.5).
enum class VendorId : uint16_t {
  Generic = 0x0000,
  FreeSwitch = 0x0001,
  Kamailio = 0x0002,
  OpenSips = 0x0003,
  Asterisk = 0x0004,
  Homer = 0x0005,
  SipXecs = 0x0006,
  YetiSwitch = 0x0007,
  Genesys = 0x0008,
};

[[nodiscard]] constexpr uint16_t wire(VendorId v) { return static_cast<uint16_t>(v); }

/// Payload (protocol) type values of chunk 0x000b that the code base names (§1.6).
enum class PayloadType : uint8_t {
  Reserved = 0,
  Sip = 1,
  Rtcp = 5,         ///< RTCP JSON
  QosReport = 32,   ///< Kamailio report_capture
  SipJson = 50,
  DnsJson = 53,
  IsupJson = 54,
  Log = 100,        ///< Kamailio hlog(), OpenSIPS xlog, heplify "log"
};

}  // namespace siphon::hep
