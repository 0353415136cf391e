#pragma once
// EmbeddedReader: the CaptureReader of the embedded store (sqlite:PATH), opened read-only
// beside a running writer (SQLite WAL). search() is query::search(); byIdentifier() looks the
// id up in the store's index (Call-ID, callid_aleg and correlation keys), loads each candidate
// block once per reader (a call's legs share blocks), and keeps the records whose bytes or
// correlation chunks mention the id: a cheap gate before the caller's parse.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/capture_reader.h"
#include "store/block_store.h"

namespace siphon::query {

class EmbeddedReader final : public CaptureReader {
 public:
  /// Owns `store`.
  EmbeddedReader(std::unique_ptr<store::BlockStore> store, record::CaptureRowOptions row)
      : owned_(std::move(store)), store_(owned_.get()), row_(std::move(row)) {}
  /// Reads `store`, which must outlive the reader (a benchmark's, a test's).
  EmbeddedReader(store::BlockStore& store, record::CaptureRowOptions row)
      : store_(&store), row_(std::move(row)) {}

  /// Opens `path` read-only with a small page cache (a read touches a few blocks once).
  [[nodiscard]] static core::Result<CaptureReaderPtr, core::Failure> open(
      const std::string& path, const record::CaptureRowOptions& row);

  [[nodiscard]] core::Result<SearchResult, core::Failure> search(const SearchQuery& q) override;
  [[nodiscard]] core::Result<std::vector<Found>, core::Failure> byIdentifier(
      std::string_view id, int64_t since, int64_t until, size_t limit) override;
  /// The statistics the store kept at ingest (store/traffic_stats.h).
  [[nodiscard]] core::Result<std::vector<store::StatsRow>, core::Failure> statsSeries(
      store::StatsDim dim, int64_t since_s, int64_t until_s, int64_t interval_s) override {
    return store_->statsSeries(dim, since_s, until_s, interval_s);
  }
  [[nodiscard]] core::Result<std::vector<store::StatsRow>, core::Failure> statsTop(
      store::StatsDim dim, int64_t since_s, int64_t until_s, size_t limit) override {
    return store_->statsTop(dim, since_s, until_s, limit);
  }

  [[nodiscard]] store::BlockStore& store() { return *store_; }

 private:
  struct CachedBlock {
    std::shared_ptr<const std::vector<std::byte>> bytes;
    std::vector<core::CaptureMeta> records;
    std::string table;
  };

  std::unique_ptr<store::BlockStore> owned_;
  store::BlockStore* store_;
  record::CaptureRowOptions row_;
  std::unordered_map<int64_t, CachedBlock> cache_;
};

}  // namespace siphon::query
