#pragma once
// ClickHouseHttp: one connection to ClickHouse's HTTP interface (db_url =
// clickhouse://[user[:password]@]host[:port]/database, port 8123 by default), through libcurl,
// kept alive between requests. Shared by the ClickHouse writer and search.
//
// Statements go in the POST body, or in the URL's `query` parameter when the body carries data
// (INSERT ... FORMAT RowBinary) or external tables. Values never enter SQL text: an INSERT
// sends its rows as RowBinary, and a query's parameters travel as an external table (ClickHouse's
// "external data for query processing", multipart/form-data) that the SQL selects from — the
// one way to bind values that Debian's ClickHouse 18.16 has (query parameters came in 19.x).
//
// Errors carry ClickHouse's message ("Code: 60, e.displayText() = ...") or libcurl's. One thread
// at a time.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/db_url.h"
#include "core/result.h"

namespace siphon::sink {

/// An external table of one request: a name, its structure ("p1 String, p2 Int64") and its rows
/// in RowBinary.
struct ClickHouseTable {
  std::string name;
  std::string structure;
  std::string row_binary;
};

class ClickHouseHttp {
 public:
  /// `url` has scheme ClickHouse. Connects lazily; see version().
  explicit ClickHouseHttp(core::DbUrl url);
  ~ClickHouseHttp();
  ClickHouseHttp(const ClickHouseHttp&) = delete;
  ClickHouseHttp& operator=(const ClickHouseHttp&) = delete;

  /// Runs `sql` (the body) and returns the response body.
  [[nodiscard]] core::Result<std::string, core::Failure> query(const std::string& sql);
  /// Runs `sql` (in the URL) with `body` as its data (INSERT ... FORMAT ...), sent once: when
  /// the connection breaks, the error comes back rather than libcurl sending it again.
  [[nodiscard]] core::Result<std::string, core::Failure> insert(const std::string& sql,
                                                                std::span<const std::byte> body);
  /// Runs `sql` (in the URL) with `tables` as external data. libcurl may send it twice (see
  /// insert()): for queries, and for INSERT ... SELECT that leaves out what is already there.
  [[nodiscard]] core::Result<std::string, core::Failure> queryWith(
      const std::string& sql, const std::vector<ClickHouseTable>& tables);

  /// The server's version (major, minor), asked once: what the schema may use.
  [[nodiscard]] core::Result<std::pair<int, int>, core::Failure> version();
  [[nodiscard]] const core::DbUrl& url() const { return url_; }
  /// The database of the URL ("default" without one).
  [[nodiscard]] const std::string& database() const { return database_; }
  /// Drops the kept-alive connection (after a failure).
  void reset();
  /// Any thread: the request in flight is aborted (libcurl's progress callback, called at
  /// least once a second, says so) and every later one fails at once. For a collector that
  /// stops while ClickHouse does not answer, rather than waiting out the 300 s timeout.
  void interrupt() { interrupted_.store(true, std::memory_order_relaxed); }

 private:
  struct Curl;
  [[nodiscard]] core::Result<std::string, core::Failure> perform(const std::string& url_query,
                                                                 const void* body, size_t size,
                                                                 const std::vector<ClickHouseTable>* tables,
                                                                 bool once);

  core::DbUrl url_;
  std::string database_;
  std::string base_;  ///< http://host:port/?database=...
  std::unique_ptr<Curl> curl_;
  std::pair<int, int> version_{0, 0};
  std::atomic<bool> interrupted_{false};
};

/// ClickHouse's identifier quoting (backquotes, backslash escapes): table names are not SQL.
[[nodiscard]] std::string clickhouseQuoteIdent(std::string_view name);

}  // namespace siphon::sink
