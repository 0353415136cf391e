#pragma once
// DbUrl: the `db_url` setting (Kamailio sipcapture's parameter name) split into its parts.
//
//   sqlite:PATH                                       the embedded store (a file path, as is)
//   postgres://[user[:password]@][host][:port][/database][?key=value&...]
//   postgresql://...                                  the same (libpq accepts both spellings)
//   mysql://...  clickhouse://...                     recognised so that the collector can say
//                                                     "not supported yet" instead of "bad URL"
//
// The user, password, host, database and query values are percent-decoded (RFC 3986 §2.1), so
// that a password may hold '@', ':' or '/' as %40, %3A, %2F, and a host may be a Unix socket
// directory (%2Ftmp%2Fpg). An IPv6 host is written in brackets: postgres://[::1]:5432/db.
// Query parameters are passed to the driver as connection keywords (sslmode, connect_timeout,
// host=/socket/dir, ...), in order.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace siphon::core {

enum class DbScheme : uint8_t { Sqlite, Postgres, Mysql, ClickHouse };

struct DbUrl {
  DbScheme scheme = DbScheme::Sqlite;
  std::string path;           ///< sqlite: the store file
  std::string user;           ///< network schemes: empty = driver default
  std::string password;       ///< empty = none
  bool has_password = false;  ///< "user:@host" names an empty password
  std::string host;           ///< without brackets; empty = driver default (Unix socket)
  uint16_t port = 0;          ///< 0 = driver default
  std::string database;       ///< empty = driver default
  std::vector<std::pair<std::string, std::string>> params;  ///< ?key=value, decoded, in order

  /// Parses `text`; the error message starts with "db_url: " and quotes the URL with its
  /// password hidden. Exit code 2 (configuration).
  [[nodiscard]] static Result<DbUrl, Failure> parse(std::string_view text);

  /// The URL for logs and messages: the password replaced by "***".
  [[nodiscard]] std::string redacted() const;
  /// "sqlite", "postgres", "mysql", "clickhouse".
  [[nodiscard]] std::string_view schemeName() const;
};

/// RFC 3986 §2.1 percent-decoding; nullopt-like failure (false) on a '%' not followed by two
/// hex digits. '+' stays '+' (it is not a space outside form encoding).
[[nodiscard]] bool percentDecode(std::string_view in, std::string& out);

}  // namespace siphon::core
