#pragma once
// Base64 (RFC 4648 §4, standard alphabet, with padding): binary payloads in JSON records.

#include <cstddef>
#include <span>
#include <string>

namespace siphon::record {

[[nodiscard]] std::string base64Encode(std::span<const std::byte> bytes);

}  // namespace siphon::record
