#pragma once
// libpq glue shared by the PostgreSQL sink and the PostgreSQL search: owning handles, a
// connection made from a parsed db_url, and identifier quoting. A connection is used by one
// thread at a time (libpq connections are not thread-safe).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/db_url.h"
#include "core/result.h"

struct pg_conn;    // libpq's PGconn
struct pg_result;  // libpq's PGresult

namespace siphon::sink {

struct PgConnCloser {
  void operator()(pg_conn* c) const;
};
struct PgResultClearer {
  void operator()(pg_result* r) const;
};
using PgConnPtr = std::unique_ptr<pg_conn, PgConnCloser>;
using PgResultPtr = std::unique_ptr<pg_result, PgResultClearer>;

/// Connects with the URL's user, password, host, port and database as libpq keywords (no
/// conninfo string is assembled, so no value needs quoting); the URL's query parameters are
/// passed as further keywords (but io_timeout, ours). connect_timeout defaults to 5 s. The
/// error names the URL with its password hidden.
[[nodiscard]] core::Result<PgConnPtr, core::Failure> connectPostgres(const core::DbUrl& url);

/// The URL's `io_timeout` (whole seconds, default 60): how long a write may wait for the server
/// before the connection is given up (sink/database/socket_watchdog.h). Siphon's own
/// parameter, not libpq's: connectPostgres() does not pass it on. Errors name the URL (exit
/// status 2).
[[nodiscard]] core::Result<std::chrono::seconds, core::Failure> pgIoTimeout(const core::DbUrl& url);

/// The failure of a statement the server did not answer within `io_timeout` (the watchdog shut
/// the connection down): the writer's and the reader's one wording (exit status 1).
[[nodiscard]] core::Failure pgSilenceFailure(std::chrono::seconds io_timeout);

/// Runs one statement without parameters (BEGIN, COMMIT, DDL); the error carries the server's
/// message.
[[nodiscard]] core::Result<void, core::Failure> pgExec(pg_conn* conn, const std::string& sql);

/// The server's or libpq's last message for `conn`, on one line.
[[nodiscard]] std::string pgError(pg_conn* conn);

/// A double-quoted SQL identifier ("a""b" for a"b): table names come from table_name and
/// strftime, are not SQL, and cannot be bound as parameters.
[[nodiscard]] std::string quoteIdent(std::string_view name);

}  // namespace siphon::sink
