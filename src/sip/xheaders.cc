// X-Siptrace-* headers, after Kamailio siptrace_send.c (sip_trace_xheaders_write/_read).

#include "sip/xheaders.h"

#include <array>
#include <charconv>

#include "core/byte_reader.h"
#include "core/text_cursor.h"
#include "sip/sip_message.h"

namespace siphon::sip {
namespace {

constexpr std::string_view kHeaderEnd = "\r\n\r\n";
constexpr std::string_view kFromip = "\r\nX-Siptrace-Fromip: ";
constexpr std::string_view kToip = "\r\nX-Siptrace-Toip: ";
constexpr std::string_view kTime = "\r\nX-Siptrace-Time: ";
constexpr std::string_view kMethod = "\r\nX-Siptrace-Method: ";
constexpr std::string_view kDir = "\r\nX-Siptrace-Dir: ";
// Kamailio formats the five lines into a 512-byte buffer and gives up beyond it.
constexpr size_t kMaxBlockBytes = 512;
// Kamailio scans the values with %50s (%3s for the direction).
constexpr size_t kMaxValueBytes = 50;

constexpr core::CharClass kValueChar = ~core::CharClass::of(" \t\r\n\f\v");

core::Unexpected<XHeaderError> fail(XHeaderErrc code, std::string_view why) {
  return core::unexpected(XHeaderError{code, why});
}

struct ProtoName {
  core::Transport proto;
  std::string_view name;
};
constexpr std::array<ProtoName, 6> kProtoNames = {{{core::Transport::Udp, "udp"},
                                                   {core::Transport::Tcp, "tcp"},
                                                   {core::Transport::Tls, "tls"},
                                                   {core::Transport::Sctp, "sctp"},
                                                   {core::Transport::Ws, "ws"},
                                                   {core::Transport::Wss, "wss"}}};

// Consumes `literal` or fails without a defined position (the caller gives up).
bool expect(core::TextCursor& c, std::string_view literal) {
  auto got = c.take(literal.size());
  return got.has_value() && *got == literal;
}

// A whitespace-free value of 1..max characters.
std::optional<std::string_view> value(core::TextCursor& c, size_t max) {
  std::string_view v = c.takeWhile(kValueChar);
  if (v.empty() || v.size() > max) return std::nullopt;
  return v;
}

template <class T>
std::optional<T> number(std::string_view digits) {
  T v{};
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string traceAddress(core::Transport proto, const core::IpAddress& ip, uint16_t port) {
  std::string_view name = "udp";
  for (const auto& p : kProtoNames) {
    if (p.proto == proto) name = p.name;
  }
  std::string out(name);
  out.append(ip.isV6() ? ":[" : ":");
  out.append(ip.toString());
  out.append(ip.isV6() ? "]:" : ":");
  out.append(std::to_string(port));
  return out;
}

core::Result<TraceAddress, XHeaderError> parseTraceAddress(std::string_view text) {
  TraceAddress out;
  const size_t first = text.find(':');
  const size_t last = text.rfind(':');
  if (first == std::string_view::npos || first == last) {
    return fail(XHeaderErrc::Malformed, "address is not proto:ip:port");
  }
  const std::string_view proto = text.substr(0, first);
  bool known = false;
  for (const auto& p : kProtoNames) {
    if (p.name == proto) {
      out.proto = p.proto;
      known = true;
    }
  }
  if (!known) return fail(XHeaderErrc::Malformed, "address has an unknown transport");
  auto ip = core::IpAddress::parse(text.substr(first + 1, last - first - 1));
  auto port = number<uint16_t>(text.substr(last + 1));
  if (!ip || !port) return fail(XHeaderErrc::Malformed, "address has a bad ip or port");
  out.ip = *ip;
  out.port = *port;
  return out;
}

XHeaderValues xheaderValuesOf(const core::CaptureMeta& meta, bool outgoing,
                              std::string_view trace_local_ip) {
  XHeaderValues v;
  const core::Transport proto = meta.transport();
  v.fromip = traceAddress(proto, meta.src_ip, meta.src_port);
  v.toip = traceAddress(proto, meta.dst_ip, meta.dst_port);
  if (!trace_local_ip.empty()) (outgoing ? v.fromip : v.toip) = std::string(trace_local_ip);
  v.ts_sec = meta.ts_sec;
  v.ts_usec = meta.ts_usec;
  const auto msg = sip::SipMessage::parse(core::asText(meta.payload));
  if (msg.isRequest()) {
    v.method = std::string(msg.method());
  } else if (msg.isResponse()) {
    // Kamailio stores the CSeq method for replies (§4.6 "method").
    const auto& cseq = msg.cseq();
    if (cseq.has_value()) v.method = std::string(cseq->method);
  }
  v.dir = outgoing ? "out" : "in";
  return v;
}

core::Result<std::string, XHeaderError> writeXHeaders(std::string_view message,
                                                     const XHeaderValues& values) {
  const size_t eoh = message.find(kHeaderEnd);
  if (eoh == std::string_view::npos) return fail(XHeaderErrc::NoHeaderEnd, "no end of headers");
  if (values.method.empty()) return fail(XHeaderErrc::NoMethod, "no method to write");
  std::string block;
  block.append(kFromip.substr(2)).append(values.fromip);
  block.append(kToip).append(values.toip);
  block.append(kTime).append(std::to_string(values.ts_sec)).append(" ");
  block.append(std::to_string(values.ts_usec));
  block.append(kMethod).append(values.method);
  block.append(kDir).append(values.dir).append("\r\n");
  if (block.size() >= kMaxBlockBytes) return fail(XHeaderErrc::TooLong, "x-headers above 512 bytes");
  // After the last header's CRLF, before the CRLF of the empty line.
  std::string out;
  out.reserve(message.size() + block.size());
  out.append(message.substr(0, eoh + 2)).append(block).append(message.substr(eoh + 2));
  return out;
}

core::Result<XHeadersRead, XHeaderError> readXHeaders(std::string_view message) {
  const size_t eoh = message.find(kHeaderEnd);
  if (eoh == std::string_view::npos) return fail(XHeaderErrc::NoHeaderEnd, "no end of headers");
  // The block's first CRLF may be the header section's own last one: search up to eoh + 2.
  const std::string_view headers = message.substr(0, eoh + 2);
  const size_t start = headers.find(kFromip);
  if (start == std::string_view::npos) return fail(XHeaderErrc::Missing, "no X-Siptrace headers");

  XHeadersRead out;
  core::TextCursor c(message.substr(start, eoh + 2 - start));
  auto malformed = [] { return fail(XHeaderErrc::Malformed, "malformed X-Siptrace headers"); };
  if (!expect(c, kFromip)) return malformed();
  auto from = value(c, kMaxValueBytes);
  if (!from || !expect(c, kToip)) return malformed();
  auto to = value(c, kMaxValueBytes);
  if (!to || !expect(c, kTime)) return malformed();
  auto sec = number<uint32_t>(c.takeWhile(core::chars::kDigit));
  if (!sec || !c.consume(' ')) return malformed();
  auto usec = number<uint32_t>(c.takeWhile(core::chars::kDigit));
  if (!usec || !expect(c, kMethod)) return malformed();
  auto method = value(c, kMaxValueBytes);
  if (!method || !expect(c, kDir)) return malformed();
  auto dir = value(c, 3);
  if (!dir || (*dir != "in" && *dir != "out")) return malformed();
  if (!c.peekIs('\r')) return malformed();  // the value ends at its line end

  auto from_addr = parseTraceAddress(*from);
  if (!from_addr) return core::unexpected(from_addr.error());
  auto to_addr = parseTraceAddress(*to);
  if (!to_addr) return core::unexpected(to_addr.error());
  out.from = *from_addr;
  out.to = *to_addr;
  out.values.fromip = std::string(*from);
  out.values.toip = std::string(*to);
  out.values.ts_sec = *sec;
  out.values.ts_usec = *usec;
  out.values.method = std::string(*method);
  out.values.dir = std::string(*dir);
  out.outgoing = *dir == "out";
  // Kamailio: memmove(xheaders, eoh, ...): the block up to the header end goes.
  out.message.reserve(message.size() - (eoh - start));
  out.message.append(message.substr(0, start)).append(message.substr(eoh));
  return out;
}

}  // namespace siphon::sip
