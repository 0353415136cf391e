// Fuzz target: StreamFramer fed in chunks whose sizes come from the first input bytes; every
// framed message is parsed. Checks the framing invariants as it goes.

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip/stream_framer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siphon::sip;
  // First 4 bytes: chunk sizes used in rotation (0 means 1), then small limits sometimes.
  constexpr size_t kPrefix = 5;
  if (size < kPrefix) return 0;
  size_t sizes[4];
  for (size_t i = 0; i < 4; ++i) sizes[i] = data[i] == 0 ? 1 : data[i];
  FramerLimits limits;
  if (data[4] & 1) {
    limits.max_header_bytes = 64 + data[4];
    limits.max_body_bytes = data[4];
  }
  const std::string_view stream(reinterpret_cast<const char*>(data) + kPrefix,  // NOLINT
                                size - kPrefix);
  StreamFramer framer(limits);
  size_t fed = 0;
  size_t framed_bytes = 0;
  for (size_t k = 0; fed < stream.size(); ++k) {
    const size_t n = std::min(sizes[k % 4], stream.size() - fed);
    framer.feed(stream.substr(fed, n));
    fed += n;
    for (;;) {
      const Frame f = framer.next();
      if (f.status == FrameStatus::NeedMore) break;
      if (f.status == FrameStatus::Error) return 0;
      framed_bytes += f.message.size();
      if (framed_bytes > fed) std::abort();  // a message made of bytes never fed
      if (!looksLikeSip(f.message)) std::abort();  // framing only starts at a start line
      const SipMessage msg = SipMessage::parse(f.message);
      SipCaptureFields fields;
      extractCaptureFields(msg, FieldOptions{}, fields);
      if (msg.body().size() > f.message.size()) std::abort();
    }
  }
  return 0;
}
