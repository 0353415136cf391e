// Fuzz target: a HEP-over-TCP/TLS stream (HepStreamBuffer + HepIngest). The first byte picks
// how the rest is cut into reads (1-256 bytes each); the stream then ends. Whatever the bytes,
// the stream must balance: every packet received is pushed or dropped with a reason.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "source/hep_ingest.h"
#include "source/hep_stream_buffer.h"

namespace {

// Counts what reaches the pipeline; nothing more is needed of it here.
class CountingIngress final : public siphon::source::Ingress {
 public:
  bool push(siphon::record::RecordBox r, siphon::source::PushPolicy) override {
    // Read every byte of the payload view: ASan sees a view that left its record.
    for (std::byte b : r->meta().payload) sum_ += static_cast<uint8_t>(b);
    ++pushed;
    return true;
  }
  uint64_t pushed = 0;

 private:
  uint64_t sum_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siphon::source;
  if (size == 0) return 0;
  const size_t read = static_cast<size_t>(data[0]) + 1;
  std::span<const std::byte> stream(reinterpret_cast<const std::byte*>(data + 1), size - 1);
  CountingIngress ingress;
  HepIngest ingest("tcp:fuzz", 0, ingress, {});
  HepStreamBuffer buffer;
  while (!stream.empty()) {
    const size_t n = read < stream.size() ? read : stream.size();
    const bool ok = buffer.feed(stream.first(n), ingest);
    stream = stream.subspan(n);
    if (!ok) break;  // the source closes a broken stream
  }
  buffer.finish(ingest);
  const auto& s = ingest.stats();
  if (s.countOf(HepIngestCount::Received) != ingress.pushed + s.droppedTotal()) std::abort();
  return 0;
}
