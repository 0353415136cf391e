#include "hep/siphon_chunks.h"

#include <span>

#include "core/byte_order.h"

namespace siphon::hep {
namespace {

const core::ChunkView* findChunk(const core::CaptureMeta& meta, uint16_t type) {
  for (const auto& c : meta.other_chunks) {
    if (c.vendor == kSiphonVendor && c.type == type) return &c;
  }
  return nullptr;
}

}  // namespace

std::vector<uint32_t> relayPath(const core::CaptureMeta& meta) {
  std::vector<uint32_t> out;
  const auto* c = findChunk(meta, kRelayPathChunk);
  if (c == nullptr) return out;
  for (size_t i = 0; i + 4 <= c->value.size(); i += 4)
    out.push_back(core::loadBe32(c->value.data() + i));
  return out;
}

RelayPathCheck checkRelayPath(const core::CaptureMeta& meta, uint32_t id) {
  RelayPathCheck check;
  const auto* c = findChunk(meta, kRelayPathChunk);
  if (c == nullptr) return check;
  for (size_t i = 0; i + 4 <= c->value.size(); i += 4) {
    ++check.hops;
    if (core::loadBe32(c->value.data() + i) == id) check.contains = true;
  }
  return check;
}

std::optional<std::string_view> siphonChunkText(const core::CaptureMeta& meta, uint16_t type) {
  const auto* c = findChunk(meta, type);
  if (c == nullptr) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(c->value.data()), c->value.size());
}

void setSiphonChunk(core::Capture& c, uint16_t type, std::string value) {
  const std::string_view kept = c.keep(std::move(value));
  const auto bytes = std::as_bytes(std::span(kept.data(), kept.size()));
  for (auto& chunk : c.meta.other_chunks) {
    if (chunk.vendor == kSiphonVendor && chunk.type == type) {
      chunk.value = bytes;
      return;
    }
  }
  c.meta.other_chunks.push_back({kSiphonVendor, type, bytes});
}

std::optional<std::string_view> customFieldChunk(const core::CaptureMeta& meta, int n) {
  if (n < 1 || n > 3) return std::nullopt;
  return siphonChunkText(meta, static_cast<uint16_t>(kCustomField1Chunk + n - 1));
}

}  // namespace siphon::hep
