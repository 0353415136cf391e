#pragma once
// Index keys of the embedded store: a 64-bit XXH3 hash of (what, value). Integers keep the
// key B-tree small and fast to insert into; a hash collision only costs reading one block
// more, because every search re-checks the real value.

#include <cstdint>
#include <string_view>

namespace siphon::store {

/// What a key indexes. Stored on disk: never renumber.
enum class KeyKind : uint8_t {
  CallId = 1,
  Correlation = 2,
  FromUser = 3,
  ToUser = 4,
  RuriUser = 5,
  CallIdAleg = 6,
  Ip = 7,       ///< source or destination address, textual
  PidUser = 8,
};

[[nodiscard]] int64_t indexKey(KeyKind kind, std::string_view value);

}  // namespace siphon::store
