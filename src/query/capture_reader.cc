#include "query/capture_reader.h"

#include <algorithm>

#include "query/clickhouse_reader.h"
#include "query/embedded_reader.h"
#include "query/mysql_reader.h"
#include "query/postgres_reader.h"

namespace siphon::query {

core::Result<CaptureReaderPtr, core::Failure> openCaptureReader(
    const core::DbUrl& url, const record::CaptureRowOptions& row) {
  switch (url.scheme) {
    case core::DbScheme::Sqlite:
      return EmbeddedReader::open(url.path, row);
    case core::DbScheme::Postgres:
      return PostgresReader::open(url, row);
    case core::DbScheme::Mysql:
      return MysqlReader::open(url, row);
    case core::DbScheme::ClickHouse:
      return ClickHouseReader::open(url, row);
  }
  return core::unexpected(core::Failure{std::string(url.schemeName()) + ":// has no reader", 2});
}

void finishSqlSearch(const SearchQuery& q, const record::CaptureRowOptions& row,
                     std::vector<Found>& rows, SearchResult& result) {
  for (auto& f : rows) {
    record::parseSip(f.meta, row.fields, f.sip);
    if (matches(q, f.meta, f.sip, row)) result.records.push_back(std::move(f));
  }
  std::stable_sort(result.records.begin(), result.records.end(),
                   [](const Found& a, const Found& b) {
                     return a.meta.microsSinceEpoch() > b.meta.microsSinceEpoch();
                   });
  const size_t skip = std::min(q.offset, result.records.size());
  result.records.erase(result.records.begin(),
                       result.records.begin() + static_cast<ptrdiff_t>(skip));
  if (result.records.size() > q.limit) {
    result.records.resize(q.limit);
    result.truncated = true;
  }
}

}  // namespace siphon::query
