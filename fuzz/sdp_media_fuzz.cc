// Fuzz target for the SDP media endpoint reader. Any input: no crash, no read out of bounds,
// never more endpoints than the room given, every endpoint with an address and a non-zero RTP
// port.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "media/sdp_media.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view sdp(reinterpret_cast<const char*>(data), size);
  std::array<siphon::media::MediaEndpoint, 4> out;
  const size_t n = siphon::media::sdpMediaEndpoints(sdp, out);
  if (n > out.size()) std::abort();
  for (size_t i = 0; i < n; ++i) {
    if (out[i].address.empty() || out[i].rtp_port == 0) std::abort();
  }
  return 0;
}
