#include "media/sdp_media.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace siphon::media {
namespace {

std::optional<uint16_t> port(std::string_view text) {
  uint16_t p = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return p;
}

std::string_view word(std::string_view& rest) {
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const size_t end = std::min(rest.find(' '), rest.size());
  std::string_view w = rest.substr(0, end);
  rest.remove_prefix(end);
  return w;
}

// "IN IP4 192.0.2.1" or "IN IP6 2001:db8::1", with an optional "/ttl[/count]" (RFC 4566 §5.7).
std::optional<core::IpAddress> connectionAddress(std::string_view value) {
  if (word(value) != "IN") return std::nullopt;
  const std::string_view type = word(value);
  if (type != "IP4" && type != "IP6") return std::nullopt;
  std::string_view addr = word(value);
  addr = addr.substr(0, std::min(addr.find('/'), addr.size()));
  return core::IpAddress::parse(addr);
}

struct Media {
  bool open = false;
  uint16_t rtp = 0;
  std::optional<core::IpAddress> address;  // media-level c=
  std::optional<uint16_t> rtcp;
  std::optional<core::IpAddress> rtcp_address;
  bool mux = false;
};

}  // namespace

size_t sdpMediaEndpoints(std::string_view sdp, std::span<MediaEndpoint> out) {
  size_t n = 0;
  std::optional<core::IpAddress> session;
  Media m;
  auto close = [&] {
    if (!m.open || m.rtp == 0 || n >= out.size()) return;
    const auto& addr = m.rtcp_address ? m.rtcp_address : (m.address ? m.address : session);
    if (!addr) return;
    const uint32_t rtcp = m.rtcp ? *m.rtcp : m.mux ? m.rtp : m.rtp + 1u;
    if (rtcp > 0xFFFF) return;
    out[n++] = MediaEndpoint{*addr, m.rtp, static_cast<uint16_t>(rtcp)};
  };
  while (!sdp.empty()) {
    const size_t lf = sdp.find('\n');
    std::string_view line = sdp.substr(0, lf);
    sdp.remove_prefix(lf == std::string_view::npos ? sdp.size() : lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 2 || line[1] != '=') continue;
    const std::string_view value = line.substr(2);
    switch (line[0]) {
      case 'm': {
        close();
        m = Media{};
        m.open = true;
        std::string_view rest = value;
        (void)word(rest);  // media type
        std::string_view p = word(rest);
        p = p.substr(0, std::min(p.find('/'), p.size()));  // "49170/2": a port count
        m.rtp = port(p).value_or(0);
        break;
      }
      case 'c':
        if (m.open) {
          m.address = connectionAddress(value);
        } else {
          session = connectionAddress(value);
        }
        break;
      case 'a':
        if (!m.open) break;
        if (value == "rtcp-mux") {
          m.mux = true;
        } else if (value.starts_with("rtcp:")) {
          std::string_view rest = value.substr(5);
          m.rtcp = port(word(rest));
          if (!rest.empty()) m.rtcp_address = connectionAddress(rest);
        }
        break;
      default:
        break;
    }
  }
  close();
  return n;
}

}  // namespace siphon::media
