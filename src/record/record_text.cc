#include "record/record_text.h"

#include <string_view>

#include <fmt/format.h>

#include "record/record_json.h"
#include "sip/sip_error.h"

namespace siphon::record {

namespace {

std::string_view transportLabel(core::Transport t) {
  switch (t) {
    case core::Transport::Udp:
      return "UDP";
    case core::Transport::Tcp:
      return "TCP";
    case core::Transport::Tls:
      return "TLS";
    case core::Transport::Sctp:
      return "SCTP";
    case core::Transport::Ws:
      return "WS";
    case core::Transport::Wss:
      return "WSS";
    case core::Transport::Unknown:
      break;
  }
  return "?";
}

std::string endpoint(const core::IpAddress& ip, uint16_t port) {
  if (ip.isV6()) {
    return fmt::format("[{}]:{}", ip.toString(), port);
  }
  return fmt::format("{}:{}", ip.empty() ? "-" : ip.toString(), port);
}

/// Header values are bytes off the wire: keep the line one line and printable.
std::string printable(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? '?' : c;
  }
  return out;
}

}  // namespace

std::string recordText(const core::CaptureMeta& meta, const ParsedSip& parsed) {
  std::string line =
      fmt::format("{} {} -> {} {}", formatRfc3339Micros(meta.microsSinceEpoch()),
                  endpoint(meta.src_ip, meta.src_port), endpoint(meta.dst_ip, meta.dst_port),
                  transportLabel(meta.transport()));
  if (meta.hep_version != 0) {
    line += fmt::format(" HEPv{}", meta.hep_version);
  }
  if (meta.payload_type != 1) {
    line += fmt::format(" payload_type={} ({} bytes)", meta.payload_type, meta.payload.size());
    return line;
  }
  const sip::SipCaptureFields& f = parsed.fields;
  if (f.type == 1) {
    line += " " + printable(f.method);
  } else if (f.type == 2) {
    line += fmt::format(" {} {}", f.status_code, printable(f.reply_reason));
  }
  if (!f.callid.empty()) {
    line += " call-id=" + printable(f.callid);
  }
  if (parsed.parse_error) {
    line += fmt::format(" parse_error={}", sip::sipErrcName(*parsed.parse_error));
  }
  return line;
}

std::string recordText(const core::CaptureMeta& meta, const CaptureRowOptions& options) {
  ParsedSip parsed;
  parseSip(meta, options.fields, parsed);
  return recordText(meta, parsed);
}

}  // namespace siphon::record
