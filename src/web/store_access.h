#pragma once
// How the API reads the collector's store while the collector writes it: a CaptureReader
// (query/capture_reader.h) opened for each request, whatever the store (the embedded store
// read-only beside the writer: SQLite WAL lets readers run beside the one writer, and a reader
// is confined to one thread, while httplib serves requests on a thread pool; PostgreSQL or
// MySQL on a connection of the request's own).

#include <memory>
#include <string>

#include "core/db_url.h"
#include "core/result.h"
#include "query/capture_reader.h"
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

  /// A read-only embedded store for this request (message ids name its blocks). Errors: not
  /// the embedded store, file missing.
  [[nodiscard]] core::Result<std::unique_ptr<store::BlockStore>, core::Failure> open() const;

  /// A reader of the store for this request.
  [[nodiscard]] core::Result<query::CaptureReaderPtr, core::Failure> reader() const;

  /// The reader's search.
  [[nodiscard]] core::Result<query::SearchResult, core::Failure> search(
      const query::SearchQuery& q) const;

 private:
  std::string db_url_;
  record::CaptureRowOptions row_;
  bool embedded_ = false;
  std::string sqlite_path_;
};

}  // namespace siphon::web
