#pragma once
// Cursor over untrusted bytes. Never throws, never reads outside its span. Binary parsers do
// all index arithmetic through it (STYLE.md §5).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/byte_order.h"

namespace siphon::core {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> in) : in_(in) {}

  [[nodiscard]] size_t remaining() const { return in_.size() - pos_; }
  [[nodiscard]] size_t position() const { return pos_; }
  [[nodiscard]] bool empty() const { return pos_ == in_.size(); }
  /// The bytes not read yet.
  [[nodiscard]] std::span<const std::byte> rest() const { return in_.subspan(pos_); }

  [[nodiscard]] std::optional<uint8_t> readU8() {
    if (remaining() < 1) return std::nullopt;
    return static_cast<uint8_t>(in_[pos_++]);
  }
  [[nodiscard]] std::optional<uint16_t> readU16be() { return read<uint16_t>(&loadBe16); }
  [[nodiscard]] std::optional<uint32_t> readU32be() { return read<uint32_t>(&loadBe32); }
  [[nodiscard]] std::optional<uint64_t> readU64be() { return read<uint64_t>(&loadBe64); }
  [[nodiscard]] std::optional<uint16_t> readU16le() { return read<uint16_t>(&loadLe16); }
  [[nodiscard]] std::optional<uint32_t> readU32le() { return read<uint32_t>(&loadLe32); }

  /// Next n bytes, or nullopt (and nothing consumed) when fewer remain.
  [[nodiscard]] std::optional<std::span<const std::byte>> take(size_t n) {
    if (n > remaining()) return std::nullopt;  // compare with what is left: no pos_+n overflow
    auto out = in_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  [[nodiscard]] bool skip(size_t n) {
    if (n > remaining()) return false;
    pos_ += n;
    return true;
  }

 private:
  template <class T>
  std::optional<T> read(T (*load)(const std::byte*)) {
    if (remaining() < sizeof(T)) return std::nullopt;
    T v = load(in_.data() + pos_);
    pos_ += sizeof(T);
    return v;
  }

  std::span<const std::byte> in_;
  size_t pos_ = 0;
};

/// View of a byte span as text (SIP is text over the record's bytes).
[[nodiscard]] inline std::string_view asText(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT: byte/char aliasing is allowed
}
[[nodiscard]] inline std::span<const std::byte> asBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};  // NOLINT
}

}  // namespace siphon::core
