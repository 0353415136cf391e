#include "source/interface_addresses.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <span>
#include <string>

namespace siphon::source {

core::Result<std::vector<core::IpAddress>, core::Failure> interfaceAddresses(
    std::string_view name) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    return core::unexpected(core::Failure{std::string("getifaddrs: ") + std::strerror(errno), 1});
  }
  std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> owned(list, &::freeifaddrs);
  std::vector<core::IpAddress> out;
  for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_name == nullptr) continue;
    if (name != "any" && name != i->ifa_name) continue;
    core::IpAddress a;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      a = core::IpAddress::v4(
          std::span<const std::byte, 4>(reinterpret_cast<const std::byte*>(&in->sin_addr), 4));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      a = core::IpAddress::v6(
          std::span<const std::byte, 16>(reinterpret_cast<const std::byte*>(&in6->sin6_addr), 16));
    } else {
      continue;  // AF_PACKET and the like: no IP address
    }
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  return out;
}

}  // namespace siphon::source
