#pragma once
// The opaque id the API gives each stored message: "<block id>.<index in block>" of the
// embedded store. Stable: a block keeps its id and record order while it is open, rewritten and
// sealed (block_store.h). Clients treat it as an opaque string.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siphon::web {

struct MessageRef {
  int64_t block_id = 0;
  size_t index = 0;
};

[[nodiscard]] std::string messageId(int64_t block_id, size_t index);

/// nullopt unless `text` is exactly "B.I" with B ≥ 1 and I ≥ 0 decimal integers.
[[nodiscard]] std::optional<MessageRef> parseMessageId(std::string_view text);

}  // namespace siphon::web
