#include "core/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace siphon::core {

IpAddress IpAddress::v4(std::span<const std::byte, 4> b) {
  IpAddress a;
  std::copy(b.begin(), b.end(), a.b_.begin());
  a.version_ = IpVersion::V4;
  return a;
}

IpAddress IpAddress::v6(std::span<const std::byte, 16> b) {
  IpAddress a;
  std::copy(b.begin(), b.end(), a.b_.begin());
  a.version_ = IpVersion::V6;
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (inet_pton(AF_INET, buf, a.b_.data()) == 1) {
    a.version_ = IpVersion::V4;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.b_.data()) == 1) {
    a.version_ = IpVersion::V6;
    return a;
  }
  return std::nullopt;
}

std::span<const std::byte> IpAddress::bytes() const {
  switch (version_) {
    case IpVersion::V4:
      return {b_.data(), 4};
    case IpVersion::V6:
      return {b_.data(), 16};
    case IpVersion::None:
      break;
  }
  return {};
}

bool IpAddress::isV4Mapped() const {
  if (version_ != IpVersion::V6) return false;
  for (int i = 0; i < 10; ++i) {
    if (b_[i] != std::byte{0}) return false;
  }
  return b_[10] == std::byte{0xff} && b_[11] == std::byte{0xff};
}

IpAddress IpAddress::unmappedV6() const {
  if (!isV4Mapped()) return *this;
  return v4(std::span<const std::byte, 4>(b_.data() + 12, 4));
}

// Dotted decimal by hand: glibc's inet_ntop formats IPv4 through a printf of "%u.%u.%u.%u",
// about 1,800 instructions, and the store names the addresses of every record it counts
// (sink/store_sink.cc). IPv6 keeps inet_ntop for RFC 5952's zero compression.
std::string IpAddress::toString() const {
  char buf[INET6_ADDRSTRLEN];
  switch (version_) {
    case IpVersion::V4: {
      char* p = buf;
      for (size_t i = 0; i < 4; ++i) {
        const unsigned v = std::to_integer<unsigned>(b_[i]);
        if (i != 0) *p++ = '.';
        if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
        if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
        *p++ = static_cast<char>('0' + v % 10);
      }
      return std::string(buf, p);
    }
    case IpVersion::V6:
      return inet_ntop(AF_INET6, b_.data(), buf, sizeof buf) ? std::string(buf) : std::string();
    case IpVersion::None:
      break;
  }
  return {};
}

}  // namespace siphon::core
