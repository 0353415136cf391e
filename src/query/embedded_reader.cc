#include "query/embedded_reader.h"

#include <algorithm>

#include "core/byte_reader.h"
#include "store/index_key.h"

namespace siphon::query {
namespace {

bool hasExtraChunkContaining(const core::CaptureMeta& meta, std::string_view id) {
  for (const auto& c : meta.other_chunks) {
    if (c.vendor == 0 && c.type == 0x0065 && core::asText(c.value).find(id) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

core::Result<CaptureReaderPtr, core::Failure> EmbeddedReader::open(
    const std::string& path, const record::CaptureRowOptions& row) {
  store::StoreOptions options;
  options.cache_mb = 8;
  auto s = store::BlockStore::open(path, options, /*read_only=*/true);
  if (!s.has_value()) return core::unexpected(std::move(s).error());
  return CaptureReaderPtr(std::make_unique<EmbeddedReader>(std::move(*s), row));
}

core::Result<SearchResult, core::Failure> EmbeddedReader::search(const SearchQuery& q) {
  return query::search(*store_, q, row_);
}

core::Result<std::vector<Found>, core::Failure> EmbeddedReader::byIdentifier(
    std::string_view id, int64_t since, int64_t until, size_t limit) {
  std::vector<int64_t> block_ids;
  for (auto kind : {store::KeyKind::CallId, store::KeyKind::CallIdAleg, store::KeyKind::Correlation}) {
    auto ids = store_->blocksForKey(store::indexKey(kind, id), since, until);
    if (!ids.has_value()) return core::unexpected(std::move(ids).error());
    block_ids.insert(block_ids.end(), ids->begin(), ids->end());
  }
  std::sort(block_ids.begin(), block_ids.end());
  block_ids.erase(std::unique(block_ids.begin(), block_ids.end()), block_ids.end());

  std::vector<Found> out;
  for (int64_t block_id : block_ids) {
    auto it = cache_.find(block_id);
    if (it == cache_.end()) {
      auto loaded = store_->loadBlock(block_id);
      if (!loaded.has_value()) return core::unexpected(std::move(loaded).error());
      CachedBlock b;
      b.bytes = std::move(loaded->owner);
      b.records = std::move(loaded->records);
      b.table = std::move(loaded->info.table);
      it = cache_.emplace(block_id, std::move(b)).first;
    }
    const CachedBlock& b = it->second;
    for (size_t i = 0; i < b.records.size() && out.size() < limit; ++i) {
      const auto& meta = b.records[i];
      const int64_t ts = meta.microsSinceEpoch();
      if ((since && ts < since) || (until && ts > until)) continue;
      // Most records of a candidate block belong to other calls: the id must appear in the
      // message or its correlation chunks.
      if (core::asText(meta.payload).find(id) == std::string_view::npos &&
          meta.correlation_id != id && !hasExtraChunkContaining(meta, id)) {
        continue;
      }
      Found f;
      f.block_bytes = b.bytes;
      f.meta = meta;
      f.table = b.table;
      f.block_id = block_id;
      f.record_index = i;
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace siphon::query
