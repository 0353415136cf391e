#pragma once
// Index keys of the embedded store: a 64-bit XXH3 hash of (what, value). Integers keep the
// key B-tree small and fast to insert into; a hash collision only costs reading one block
// more, because every search re-checks the real value on the parsed record.

#include <cstdint>
#include <string_view>

#include "core/ip_address.h"

namespace siphon::store {

/// What a key indexes. Stored on disk: never renumber.
enum class KeyKind : uint8_t {
  CallId = 1,
  Correlation = 2,  ///< only when it differs from the Call-ID
  User = 3,         ///< From, To, Request-URI and P-Asserted-Identity users share one kind:
                    ///< in one block they are mostly the same few names, so one key each
  CallIdAleg = 4,
  Ip = 5,           ///< source or destination address, raw bytes
};

[[nodiscard]] int64_t indexKey(KeyKind kind, std::string_view value);
[[nodiscard]] int64_t ipKey(const core::IpAddress& ip);

}  // namespace siphon::store
