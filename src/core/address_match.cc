#include "core/address_match.h"

#include "core/number_text.h"

namespace siphon::core {
namespace {

bool prefixEqual(std::span<const std::byte> a, std::span<const std::byte> b, unsigned bits) {
  size_t i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - bits));
  return (static_cast<uint8_t>(a[i]) & mask) == (static_cast<uint8_t>(b[i]) & mask);
}

template <class T>
bool parseNumber(std::string_view s, T max, T& out) {
  auto v = parseUnsigned(s, max);
  if (!v) return false;
  out = static_cast<T>(*v);
  return true;
}

}  // namespace

Result<AddressMatch, std::string> AddressMatch::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return unexpected("'" + std::string(text) + "': " + std::string(why));
  };
  AddressMatch m;
  std::string_view addr = text;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    auto ip = IpAddress::parse(addr);
    if (!ip) return bad("not an address/prefix network");
    unsigned bits = 0;
    const unsigned max = ip->isV4() ? 32 : 128;
    if (!parseNumber(text.substr(slash + 1), max, bits)) return bad("prefix length out of range");
    m.network_ = *ip;
    m.prefix_bits_ = bits;
    return m;
  }
  // "[v6]:port", "v4:port"; a bare IPv6 address has several colons and no port.
  if (!addr.empty() && addr.front() == '[') {
    auto close = addr.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    std::string_view rest = addr.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' || !parseNumber<uint16_t>(rest.substr(1), 65535, m.port_) ||
          m.port_ == 0) {
        return bad("bad port");
      }
    }
    addr = addr.substr(1, close - 1);
  } else if (auto colon = addr.find(':'); colon != std::string_view::npos &&
                                          addr.find(':', colon + 1) == std::string_view::npos) {
    if (!parseNumber<uint16_t>(addr.substr(colon + 1), 65535, m.port_) || m.port_ == 0)
      return bad("bad port");
    addr = addr.substr(0, colon);
  }
  auto ip = IpAddress::parse(addr);
  if (!ip) return bad("not an address, network or address:port");
  m.network_ = *ip;
  m.prefix_bits_ = ip->isV4() ? 32 : 128;
  return m;
}

bool AddressMatch::matches(const IpAddress& ip, uint16_t port) const {
  if (port_ != 0 && port != port_) return false;
  const IpAddress a = network_.isV4() ? ip.unmapped() : ip;
  if (a.version() != network_.version()) return false;
  return prefixEqual(a.bytes(), network_.bytes(), prefix_bits_);
}

}  // namespace siphon::core
