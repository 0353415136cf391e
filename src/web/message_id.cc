#include "web/message_id.h"

#include <charconv>

namespace siphon::web {

std::string messageId(int64_t block_id, size_t index) {
  return std::to_string(block_id) + "." + std::to_string(index);
}

std::optional<MessageRef> parseMessageId(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return std::nullopt;
  MessageRef ref;
  const char* end = text.data() + dot;
  auto [p1, ec1] = std::from_chars(text.data(), end, ref.block_id);
  if (ec1 != std::errc() || p1 != end || ref.block_id < 1) return std::nullopt;
  end = text.data() + text.size();
  auto [p2, ec2] = std::from_chars(text.data() + dot + 1, end, ref.index);
  if (ec2 != std::errc() || p2 != end) return std::nullopt;
  return ref;
}

}  // namespace siphon::web
