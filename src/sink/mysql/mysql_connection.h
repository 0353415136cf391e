#pragma once
// MariaDB Connector/C glue shared by the MySQL/MariaDB writer and search (db_url =
// mysql://...): owning handles, a connection made from a parsed db_url, statements without
// parameters, and identifier quoting. A connection is used by one thread at a time (the
// connector's handles are not thread-safe).

#include <memory>
#include <string>
#include <string_view>

#include "core/db_url.h"
#include "core/result.h"

struct st_mysql;       // MYSQL
struct st_mysql_stmt;  // MYSQL_STMT

namespace siphon::sink {

struct MysqlCloser {
  void operator()(st_mysql* m) const;
};
struct MysqlStmtCloser {
  void operator()(st_mysql_stmt* s) const;
};
using MysqlPtr = std::unique_ptr<st_mysql, MysqlCloser>;
using MysqlStmtPtr = std::unique_ptr<st_mysql_stmt, MysqlStmtCloser>;

/// Connects with the URL's user, password, host (a path starting with '/' is a Unix socket),
/// port and database; utf8mb4, 5 s connect timeout (the URL's ?connect_timeout=N overrides),
/// LOAD DATA LOCAL refused, autocommit off (a batch is one transaction). The error names the
/// URL with its password hidden.
[[nodiscard]] core::Result<MysqlPtr, core::Failure> connectMysql(const core::DbUrl& url);

/// Runs one statement without parameters (DDL, COMMIT); the error carries the server's message.
[[nodiscard]] core::Result<void, core::Failure> mysqlExec(st_mysql* conn, const std::string& sql);

/// The server's or the connector's last message for `conn`.
[[nodiscard]] std::string mysqlError(st_mysql* conn);
[[nodiscard]] std::string mysqlStmtError(st_mysql_stmt* stmt);

/// A backquoted identifier (`a``b` for a`b): table names are not SQL and cannot be bound.
[[nodiscard]] std::string mysqlQuoteIdent(std::string_view name);

}  // namespace siphon::sink
