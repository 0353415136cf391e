// Fuzz target for the X-Siptrace-* reader (xheaders_read). Any input: no crash, no read out
// of bounds; an accepted message shrinks, and writing its values back and reading again gives
// the same values (the round trip the relay mode depends on).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sip/xheaders.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto read = siphon::sip::readXHeaders(in);
  if (!read.has_value()) return 0;
  if (read->message.size() >= in.size()) std::abort();  // the block was removed
  auto written = siphon::sip::writeXHeaders(read->message, read->values);
  if (!written.has_value()) return 0;  // e.g. the stripped message has a different header end
  auto again = siphon::sip::readXHeaders(*written);
  if (!again.has_value() || again->values.fromip != read->values.fromip ||
      again->values.toip != read->values.toip || again->values.ts_sec != read->values.ts_sec ||
      again->values.ts_usec != read->values.ts_usec ||
      again->values.method != read->values.method || again->values.dir != read->values.dir) {
    std::abort();
  }
  return 0;
}
