#include "web/message_id.h"

#include <charconv>

namespace siphon::web {
namespace {

constexpr std::string_view kRowPrefix = "r.";
constexpr size_t kMaxTable = 256;

template <class T>
bool number(std::string_view text, T& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}

std::optional<MessageRef> parseRow(std::string_view text) {
  // r.<hex>.<micro_ts>.<key>
  const size_t a = text.find('.'), b = text.find('.', a + 1);
  if (a == std::string_view::npos || b == std::string_view::npos) return std::nullopt;
  const std::string_view hex = text.substr(0, a), ts = text.substr(a + 1, b - a - 1),
                         key = text.substr(b + 1);
  if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 2 * kMaxTable) return std::nullopt;
  MessageRef ref;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || p != hex.data() + i + 2) return std::nullopt;
    ref.table += static_cast<char>(v);
  }
  if (!number(ts, ref.micro_ts) || ref.micro_ts < 0 || !number(key, ref.index)) return std::nullopt;
  return ref;
}

}  // namespace

std::string messageId(int64_t block_id, size_t index) {
  return std::to_string(block_id) + "." + std::to_string(index);
}

std::string messageIdOf(std::string_view table, int64_t block_id, size_t index, int64_t micro_ts) {
  if (block_id > 0) return messageId(block_id, index);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kRowPrefix);
  for (unsigned char c : table) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out + "." + std::to_string(micro_ts) + "." + std::to_string(index);
}

std::optional<MessageRef> parseMessageId(std::string_view text) {
  if (text.starts_with(kRowPrefix)) return parseRow(text.substr(kRowPrefix.size()));
  auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return std::nullopt;
  MessageRef ref;
  if (!number(text.substr(0, dot), ref.block_id) || ref.block_id < 1) return std::nullopt;
  if (!number(text.substr(dot + 1), ref.index)) return std::nullopt;
  return ref;
}

}  // namespace siphon::web
