// Fuzz target for the spool's record codec (record/record_codec.h): a database sink reads these
// bytes back from disk, where they may be damaged. Any input: no crash, no read out of bounds;
// bytes that decode re-encode to exactly the same bytes (nothing is lost or invented), and the
// record they hold is parsed like any other.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "record/record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  auto decoded = siphon::record::decodeRecord(in, {});
  if (!decoded.has_value()) return 0;
  if (siphon::record::encodedSpoolTime(in) != decoded->spooled_us) std::abort();
  std::vector<std::byte> again;
  if (!siphon::record::encodeRecord(*decoded->record, decoded->spooled_us, again)) std::abort();
  // The auth key's value is never kept, so bytes round-trip exactly.
  if (again.size() != in.size() || !std::equal(again.begin(), again.end(), in.begin())) std::abort();
  return 0;
}
