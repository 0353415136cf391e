#include "web/store_access.h"

#include "query/postgres_search.h"

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

core::Result<query::SearchResult, core::Failure> StoreAccess::search(
    const query::SearchQuery& q) const {
  if (embedded_) {
    auto store = open();
    if (!store.has_value()) return core::unexpected(std::move(store).error());
    return query::search(**store, q, row_);
  }
  auto url = core::DbUrl::parse(db_url_);
  if (!url.has_value()) return core::unexpected(core::Failure{url.error().message, 1});
  if (url->scheme != core::DbScheme::Postgres) {
    return core::unexpected(core::Failure{
        "search over " + std::string(url->schemeName()) + ":// is not supported yet", 1});
  }
  return query::searchPostgres(*url, q, row_);
}

}  // namespace siphon::web
