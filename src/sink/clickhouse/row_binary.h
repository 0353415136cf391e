#pragma once
// RowBinary, ClickHouse's binary row format, written (INSERT ... FORMAT RowBinary, external
// tables) and read back (SELECT ... FORMAT RowBinary): integers little-endian in their width,
// String as an unsigned LEB128 length then the bytes, DateTime as UInt32 seconds, Nullable(T)
// as a byte (1 = NULL) then T when not NULL.
//
// A reply is read as untrusted bytes: every length is checked against what is left, a varint
// longer than 64 bits is an error (fuzz/row_binary_fuzz.cc).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siphon::sink {

void rowBinaryString(std::string& out, std::string_view v);
/// The low `bytes` bytes of `v`, little-endian (1, 2, 4 or 8).
void rowBinaryInt(std::string& out, int64_t v, size_t bytes);

class RowBinaryReader {
 public:
  explicit RowBinaryReader(std::string_view in) : in_(in) {}
  [[nodiscard]] bool empty() const { return at_ == in_.size(); }
  /// An Int64 / UInt64; nullopt when fewer than 8 bytes are left.
  [[nodiscard]] std::optional<int64_t> int64();
  /// A String, viewing the input; nullopt when its length is bad or runs past the end.
  [[nodiscard]] std::optional<std::string_view> string();

 private:
  std::string_view in_;
  size_t at_ = 0;
};

}  // namespace siphon::sink
