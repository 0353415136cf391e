// Fuzz target: WebSocketDecoder fed in chunks whose sizes come from the first input bytes, with
// a resynchronisation (as after a TCP hole) and small limits when the config byte asks.
// Checks the decoder's bounds as it goes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "net/websocket.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siphon::net;
  // Bytes 0-3: chunk sizes in rotation (0 means 1). Byte 4: bit 0 small limits, bits 4-7 the
  // chunk after which resynchronise() is called (0: never).
  constexpr size_t kPrefix = 5;
  if (size < kPrefix) {
    return 0;
  }
  size_t sizes[4];
  for (size_t i = 0; i < 4; ++i) {
    sizes[i] = data[i] == 0 ? 1 : data[i];
  }
  WsLimits limits;
  if (data[4] & 1) {
    limits.max_handshake_bytes = 64;
    limits.max_message_bytes = 200;
  }
  const size_t resync_at = data[4] >> 4;
  const std::span<const std::byte> stream(
      reinterpret_cast<const std::byte*>(data) + kPrefix,  // NOLINT
      size - kPrefix);
  WebSocketDecoder decoder(limits);
  size_t fed = 0;
  for (size_t k = 0; fed < stream.size(); ++k) {
    const size_t n = std::min(sizes[k % 4], stream.size() - fed);
    decoder.feed(stream.subspan(fed, n));
    fed += n;
    if (k + 1 == resync_at) {
      decoder.resynchronise();
    }
    for (size_t step = 0; step < 100000; ++step) {
      const WsResult r = decoder.next();
      if (r.status == WsStatus::Message) {
        if (r.payload.size() > limits.max_message_bytes) std::abort();
        continue;
      }
      if (r.status == WsStatus::Error) {
        decoder.resynchronise();  // must make progress: skips the offending byte
        continue;
      }
      break;
    }
    // Input held: at most what was fed; never more than the message limit plus one chunk and a
    // frame header (or the handshake limit).
    if (decoder.bufferedBytes() > fed + limits.max_message_bytes) std::abort();
  }
  return 0;
}
