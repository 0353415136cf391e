#include "web/store_access.h"


namespace siphon::web {

StoreAccess::StoreAccess(std::string db_url, record::CaptureRowOptions row)
    : db_url_(std::move(db_url)), row_(std::move(row)) {
  auto url = core::DbUrl::parse(db_url_);
  if (url.has_value() && url->scheme == core::DbScheme::Sqlite) {
    embedded_ = true;
    sqlite_path_ = url->path;
  }
}

core::Result<std::unique_ptr<store::BlockStore>, core::Failure> StoreAccess::open() const {
  if (!embedded_) {
    return core::unexpected(core::Failure{"this route needs the embedded (sqlite:) store", 1});
  }
  // A small page cache: a request reads a few blocks once.
  store::StoreOptions options;
  options.cache_mb = 8;
  return store::BlockStore::open(sqlite_path_, options, /*read_only=*/true);
}

core::Result<query::CaptureReaderPtr, core::Failure> StoreAccess::reader() const {
  auto url = core::DbUrl::parse(db_url_);
  if (!url.has_value()) return core::unexpected(core::Failure{url.error().message, 1});
  return query::openCaptureReader(*url, row_);
}

core::Result<query::SearchResult, core::Failure> StoreAccess::search(
    const query::SearchQuery& q) const {
  auto r = reader();
  if (!r.has_value()) return core::unexpected(std::move(r).error());
  return (*r)->search(q);
}

}  // namespace siphon::web
