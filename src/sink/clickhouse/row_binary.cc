#include "sink/clickhouse/row_binary.h"

namespace siphon::sink {

void rowBinaryString(std::string& out, std::string_view v) {
  uint64_t n = v.size();
  do {  // unsigned LEB128
    uint8_t b = n & 0x7F;
    n >>= 7;
    if (n) b |= 0x80;
    out += static_cast<char>(b);
  } while (n);
  out.append(v);
}

void rowBinaryInt(std::string& out, int64_t v, size_t bytes) {
  const auto u = static_cast<uint64_t>(v);
  for (size_t i = 0; i < bytes; ++i) out += static_cast<char>((u >> (8 * i)) & 0xFF);
}

std::optional<int64_t> RowBinaryReader::int64() {
  if (in_.size() - at_ < 8) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(in_[at_ + i])} << (8 * i);
  at_ += 8;
  return static_cast<int64_t>(v);
}

std::optional<std::string_view> RowBinaryReader::string() {
  uint64_t n = 0;
  size_t at = at_;
  for (int shift = 0;; shift += 7) {
    if (at == in_.size() || shift > 63) return std::nullopt;
    const auto b = static_cast<unsigned char>(in_[at++]);
    n |= uint64_t{b & 0x7Fu} << shift;
    if ((b & 0x80) == 0) break;
  }
  if (n > in_.size() - at) return std::nullopt;  // against what is left: no overflow
  at_ = at + n;
  return in_.substr(at, n);
}

}  // namespace siphon::sink
