// Fuzz target for hep_set / hep_del (hep/chunk_edit.h) and the encoder after them. The input
// is a list of edits, then a HEP packet: the packet is decoded, the edits are applied (set
// with fuzzed or well-formed values, delete), and the edited record is encoded. Whatever
// encodes must decode back to the same chunks: the edited fields, the chunks a delete left
// out staying out, every list chunk in order (traps otherwise).
//
// Input: [count (mod 8)] count x [op, id index, value length (mod 33), value...] packet...

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hep/chunk_edit.h"
#include "hep/hep_decoder.h"
#include "hep/hep_encoder.h"
#include "hep/siphon_chunks.h"

namespace {

using siphon::hep::ChunkId;

constexpr std::array<ChunkId, 22> kIds = {{
    {0, 0x02}, {0, 0x03}, {0, 0x04},
    {0, 0x05}, {0, 0x06}, {0, 0x07},
    {0, 0x08}, {0, 0x0b}, {0, 0x0c},
    {0, 0x0d}, {0, 0x0e}, {0, 0x0f},
    {0, 0x11}, {0, 0x12}, {0, 0x13},
    {0, 0x14}, {0, 0x20}, {0, 0x24},
    {0, 0x65}, {3, 0x20}, {siphon::hep::kSiphonVendor, 2},
    {0, 0x0a},
}};
constexpr std::array<std::string_view, 10> kValues = {"10.0.0.9", "fd00::9", "5060",  "tcp", "rtcp",
                                                      "edge-1",   "0",       "65535", "wss", ""};

// The chunks whose text must survive encode -> decode unchanged when present in the edit.
constexpr std::array<uint16_t, 12> kCompared = {0x02, 0x03, 0x04, 0x07, 0x08, 0x0b,
                                                0x0c, 0x0d, 0x0e, 0x0f, 0x11, 0x13};

bool sameChunks(const siphon::core::CaptureMeta& a, const siphon::core::CaptureMeta& b) {
  for (uint16_t t : kCompared) {
    if (a.isOmitted(t)) continue;  // left out; the decoder's default stands in its place
    if (siphon::hep::chunkText(a, {0, t}) != siphon::hep::chunkText(b, {0, t})) return false;
  }
  if (a.other_chunks.size() != b.other_chunks.size()) return false;
  for (size_t i = 0; i < a.other_chunks.size(); ++i) {
    const auto& x = a.other_chunks[i];
    const auto& y = b.other_chunks[i];
    if (x.vendor != y.vendor || x.type != y.type || x.value.size() != y.value.size() ||
        !std::equal(x.value.begin(), x.value.end(), y.value.begin())) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t pos = 0;
  auto next = [&]() -> uint8_t { return pos < size ? data[pos++] : 0; };
  struct Edit {
    uint8_t op;
    ChunkId id;
    std::string value;
  };
  std::vector<Edit> edits;
  const size_t count = next() % 8;
  for (size_t i = 0; i < count && pos < size; ++i) {
    Edit e{next(), kIds[next() % kIds.size()], {}};
    const size_t len = next() % 33;
    for (size_t k = 0; k < len && pos < size; ++k) e.value += static_cast<char>(next());
    edits.push_back(std::move(e));
  }
  std::vector<std::byte> packet(reinterpret_cast<const std::byte*>(data) + pos,
                                reinterpret_cast<const std::byte*>(data) + size);
  siphon::hep::DecodeOptions options;
  options.max_inflated_bytes = 256 * 1024;
  auto capture = siphon::hep::decodeHepCapture(std::move(packet), options);
  if (!capture.has_value()) return 0;
  siphon::core::Capture& c = *capture;
  for (const auto& e : edits) {
    switch (e.op % 3) {
      case 0:
        (void)siphon::hep::setChunk(c, e.id, e.value);
        break;
      case 1:
        (void)siphon::hep::setChunk(c, e.id, kValues[e.value.size() % kValues.size()]);
        break;
      default:
        (void)siphon::hep::deleteChunk(c, e.id);
        break;
    }
  }
  for (uint16_t t = 1; t < 0x40; ++t) (void)siphon::hep::chunkText(c.meta, {0, t});

  siphon::hep::EncodeOptions encode;
  encode.version = c.meta.hep_version;
  std::vector<std::byte> wire;
  if (!siphon::hep::encodeHep(c.meta, wire, encode).has_value()) return 0;
  siphon::hep::DecodeOptions again_options = options;
  again_options.max_chunks += 32;
  siphon::core::CaptureMeta back;
  std::vector<std::byte> inflated;
  if (!siphon::hep::decodeHep(wire, back, &inflated, again_options).has_value()) __builtin_trap();
  if (c.meta.hep_version == 3 && !sameChunks(c.meta, back)) __builtin_trap();
  return 0;
}
