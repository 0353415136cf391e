// Fuzz target for the OpenSIPS extra correlation chunk (0x0065) reader. Any input: no crash,
// no read out of bounds, every value returned is a non-empty view inside the input.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hep/extra_correlation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::array<std::string_view, siphon::hep::kMaxExtraCorrelationValues> out;
  size_t n = siphon::hep::extraCorrelationValues(in, out);
  if (n > out.size()) std::abort();
  for (size_t i = 0; i < n; ++i) {
    if (out[i].empty() || out[i].data() < in.data() ||
        out[i].data() + out[i].size() > in.data() + in.size()) {
      std::abort();  // a value must view the input
    }
  }
  return 0;
}
