#pragma once
// An address condition of a rule (docs/CLI.md: `sender = "10.0.0.0/8"`, `source = ...`): one
// address ("10.1.2.3", "::1"), a network ("10.0.0.0/8", "fd00::/8") or an address and port
// ("10.1.2.3:5060", "[::1]:5060"). An IPv4 condition also matches the v4-mapped IPv6 form.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "core/result.h"

namespace siphon::core {

class AddressMatch {
 public:
  /// The error says what is wrong with `text`.
  [[nodiscard]] static Result<AddressMatch, std::string> parse(std::string_view text);

  [[nodiscard]] bool matches(const IpAddress& ip, uint16_t port) const;

 private:
  IpAddress network_;
  unsigned prefix_bits_ = 0;  ///< 32 / 128 for one address
  uint16_t port_ = 0;         ///< 0: any port
};

}  // namespace siphon::core
