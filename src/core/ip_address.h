#pragma once
// An IPv4 or IPv6 address as raw network-order bytes, small and copyable.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace siphon::core {

enum class IpVersion : uint8_t { None = 0, V4 = 4, V6 = 6 };

class IpAddress {
 public:
  IpAddress() = default;
  [[nodiscard]] static IpAddress v4(std::span<const std::byte, 4> b);
  [[nodiscard]] static IpAddress v6(std::span<const std::byte, 16> b);
  /// Parses dotted IPv4 or textual IPv6 (brackets allowed); nullopt when neither.
  [[nodiscard]] static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] IpVersion version() const { return version_; }
  [[nodiscard]] bool isV4() const { return version_ == IpVersion::V4; }
  [[nodiscard]] bool isV6() const { return version_ == IpVersion::V6; }
  [[nodiscard]] bool empty() const { return version_ == IpVersion::None; }
  /// 4 bytes for IPv4, 16 for IPv6, none when empty.
  [[nodiscard]] std::span<const std::byte> bytes() const;
  /// ::ffff:a.b.c.d holds an IPv4 address (tolerated in HEP's IPv4 chunks too).
  [[nodiscard]] bool isV4Mapped() const;
  /// The IPv4 address inside a v4-mapped IPv6 address; itself otherwise. Inline for the
  /// common IPv4 case: the tracer unmaps both addresses of every message (trace/trace_hop.cc).
  [[nodiscard]] IpAddress unmapped() const { return isV6() ? unmappedV6() : *this; }

  /// Canonical text: dotted quad, or RFC 5952 IPv6 without brackets; "" when empty.
  [[nodiscard]] std::string toString() const;

  /// As the member-wise comparison, in two 8-byte words: std::array's own == over std::byte
  /// is a memcmp call, and the tracer compares four pairs of addresses per message
  /// (trace/trace_hop.cc). The bytes past an IPv4 address are zero, as for the default.
  friend bool operator==(const IpAddress& x, const IpAddress& y) {
    return x.version_ == y.version_ && x.word(0) == y.word(0) && x.word(1) == y.word(1);
  }
  /// An order for maps (by version, then bytes); no meaning beyond that.
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  [[nodiscard]] IpAddress unmappedV6() const;
  [[nodiscard]] uint64_t word(size_t i) const {
    uint64_t w;
    std::memcpy(&w, b_.data() + i * sizeof w, sizeof w);
    return w;
  }

  std::array<std::byte, 16> b_{};
  IpVersion version_ = IpVersion::None;
};

}  // namespace siphon::core
