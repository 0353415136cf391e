#pragma once
// Kamailio siptrace's X-Siptrace-* headers (docs/HEP-AND-MODULES.md §4.7): metadata carried
// inside a plain-SIP duplicate so that a second tracer can store the original addresses,
// time, method and direction. xheaders_write adds them before the empty line that ends the
// header section; xheaders_read takes them out again and rejects a message without them.
//
// Exactly this text is written (Content-Length is left alone, as Kamailio does):
//   X-Siptrace-Fromip: <proto:ip:port>\r\n
//   X-Siptrace-Toip: <proto:ip:port>\r\n
//   X-Siptrace-Time: <seconds> <microseconds>\r\n
//   X-Siptrace-Method: <method>\r\n
//   X-Siptrace-Dir: <in|out>\r\n

#include <cstdint>
#include <string>
#include <string_view>

#include "core/capture.h"
#include "core/ip_address.h"
#include "core/result.h"

namespace siphon::sip {

enum class XHeaderErrc : uint8_t {
  NoHeaderEnd,  ///< no CRLF CRLF ends the header section
  Missing,      ///< no "\r\nX-Siptrace-Fromip: " before the end of the headers
  Malformed,    ///< the five headers are not in order, a value is empty, too long or bad
  TooLong,      ///< write: the five lines exceed Kamailio's 512-byte buffer
  NoMethod,     ///< write: neither a request method nor a CSeq method to write
};
using XHeaderError = core::ErrorOf<XHeaderErrc>;

/// The values of the five headers, as text.
struct XHeaderValues {
  std::string fromip;  ///< "proto:ip:port"
  std::string toip;
  uint32_t ts_sec = 0;
  uint32_t ts_usec = 0;
  std::string method;  ///< request method, or the CSeq method of a reply
  std::string dir;     ///< "in" or "out"
};

/// A parsed "proto:ip:port" (IPv6 with or without brackets; the port follows the last ':').
struct TraceAddress {
  core::Transport proto = core::Transport::Udp;
  core::IpAddress ip;
  uint16_t port = 0;
};

/// "udp:10.0.0.1:5060", "tcp:[2001:db8::1]:5060" (Kamailio socket-string form; IPv6 in
/// brackets). Unknown transports are written "udp", Kamailio's default.
[[nodiscard]] std::string traceAddress(core::Transport proto, const core::IpAddress& ip,
                                       uint16_t port);
/// Parses the form above; proto one of udp, tcp, tls, sctp, ws, wss.
[[nodiscard]] core::Result<TraceAddress, XHeaderError> parseTraceAddress(std::string_view text);

/// The header values for a record. `outgoing` selects dir "out"; a non-empty
/// `trace_local_ip` replaces the local side as-is, like Kamailio: fromip of an outgoing
/// message, toip of an incoming one. The method comes from the SIP payload (request line, or
/// CSeq for a reply); it stays empty when the payload has neither.
[[nodiscard]] XHeaderValues xheaderValuesOf(const core::CaptureMeta& meta, bool outgoing,
                                            std::string_view trace_local_ip);

/// `message` with the five header lines inserted right before the empty line that ends its
/// header section. Errors: NoHeaderEnd, TooLong, NoMethod (empty method).
[[nodiscard]] core::Result<std::string, XHeaderError> writeXHeaders(std::string_view message,
                                                                   const XHeaderValues& values);

struct XHeadersRead {
  XHeaderValues values;
  TraceAddress from;
  TraceAddress to;
  bool outgoing = false;  ///< dir was "out"
  /// The message without the headers: everything from the CRLF before X-Siptrace-Fromip up
  /// to the end of the header section is removed (Kamailio removes anything after the five
  /// headers, up to the empty line, too).
  std::string message;
};

/// Reads and strips the headers (xheaders_read). The block must start with exactly
/// "\r\nX-Siptrace-Fromip: " (case-sensitive) inside the header section, and the five
/// headers must follow one another in the order above. Values are whitespace-free tokens:
/// addresses and method at most 50 characters; dir "in" or "out"; time two decimal numbers
/// that fit 32 bits. A message without the block is Missing: the caller neither stores nor
/// relays it.
[[nodiscard]] core::Result<XHeadersRead, XHeaderError> readXHeaders(std::string_view message);

}  // namespace siphon::sip
