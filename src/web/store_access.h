#pragma once
// How the API reads the collector's store while the collector writes it. The embedded store is
// opened read-only for each request (SQLite WAL lets readers run beside the one writer, and a
// BlockStore is confined to one thread, while httplib serves requests on a thread pool); a
// PostgreSQL store is searched through searchPostgres().

#include <memory>
#include <string>

#include "core/db_url.h"
#include "core/result.h"
#include "query/search.h"
#include "record/capture_row.h"
#include "store/block_store.h"

namespace siphon::web {

class StoreAccess {
 public:
  /// `db_url` is the collector's db_url; `row` its capture_node, callid_aleg_header and
  /// custom_field headers, so records read back get the columns they were stored with.
  StoreAccess(std::string db_url, record::CaptureRowOptions row);

  /// True for sqlite: (blocks, message ids, calls); false for postgres:// and others.
  [[nodiscard]] bool embedded() const { return embedded_; }
  [[nodiscard]] const record::CaptureRowOptions& rowOptions() const { return row_; }

  /// A read-only connection for this request. Errors: not the embedded store, file missing.
  [[nodiscard]] core::Result<std::unique_ptr<store::BlockStore>, core::Failure> open() const;

  /// query::search or query::searchPostgres, whichever the store is.
  [[nodiscard]] core::Result<query::SearchResult, core::Failure> search(
      const query::SearchQuery& q) const;

 private:
  std::string db_url_;
  record::CaptureRowOptions row_;
  bool embedded_ = false;
  std::string sqlite_path_;
};

}  // namespace siphon::web
