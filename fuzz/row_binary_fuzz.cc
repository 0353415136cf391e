// Fuzz target for the RowBinary reader (sink/clickhouse/row_binary.h), which reads a ClickHouse
// server's replies. Any input: no crash, no read past the end; what reads as a sequence of
// (Int64, String) pairs writes back to the same bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sink/clickhouse/row_binary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  siphon::sink::RowBinaryReader r(in);
  std::string again;
  while (!r.empty()) {
    auto i = r.int64();
    if (!i) return 0;
    auto s = r.string();
    if (!s) return 0;
    if (s->data() < in.data() || s->data() + s->size() > in.data() + in.size()) std::abort();
    siphon::sink::rowBinaryInt(again, *i, 8);
    siphon::sink::rowBinaryString(again, *s);
  }
  // Minimal varints only round-trip; a padded one (0x80 0x00) reads the same length.
  if (again.size() > in.size()) std::abort();
  return 0;
}
