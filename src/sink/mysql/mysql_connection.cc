#include "sink/mysql/mysql_connection.h"

#include <mysql.h>

#include <charconv>

namespace siphon::sink {

void MysqlCloser::operator()(st_mysql* m) const { mysql_close(m); }
void MysqlStmtCloser::operator()(st_mysql_stmt* s) const { mysql_stmt_close(s); }

std::string mysqlError(st_mysql* conn) {
  return conn ? std::string(mysql_error(conn)) : std::string("out of memory");
}

std::string mysqlStmtError(st_mysql_stmt* stmt) {
  return stmt ? std::string(mysql_stmt_error(stmt)) : std::string("out of memory");
}

core::Result<MysqlPtr, core::Failure> connectMysql(const core::DbUrl& url) {
  MysqlPtr conn(mysql_init(nullptr));
  if (!conn) return core::unexpected(core::Failure{"db_url: " + url.redacted() + ": out of memory", 1});
  unsigned int timeout = 5;  // a dead host must not hold the sink thread for minutes
  for (const auto& [k, v] : url.params) {
    if (k != "connect_timeout") {
      return core::unexpected(core::Failure{
          "db_url: " + url.redacted() + ": unknown parameter '" + k + "' (connect_timeout only)", 2});
    }
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), timeout);
    if (ec != std::errc() || end != v.data() + v.size() || timeout == 0) {
      return core::unexpected(core::Failure{"db_url: " + url.redacted() + ": bad connect_timeout", 2});
    }
  }
  unsigned int io_timeout = 60;
  const my_bool no = 0;
  mysql_options(conn.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(conn.get(), MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_options(conn.get(), MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  mysql_options(conn.get(), MYSQL_OPT_LOCAL_INFILE, &no);
  mysql_options(conn.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const bool socket = !url.host.empty() && url.host.front() == '/';
  const char* host = url.host.empty() ? nullptr : (socket ? "localhost" : url.host.c_str());
  if (!mysql_real_connect(conn.get(), host, url.user.empty() ? nullptr : url.user.c_str(),
                          url.has_password ? url.password.c_str() : nullptr,
                          url.database.empty() ? nullptr : url.database.c_str(), url.port,
                          socket ? url.host.c_str() : nullptr, 0)) {
    return core::unexpected(
        core::Failure{"db_url: " + url.redacted() + ": " + mysqlError(conn.get()), 1});
  }
  if (mysql_autocommit(conn.get(), 0) != 0) {
    return core::unexpected(
        core::Failure{"db_url: " + url.redacted() + ": " + mysqlError(conn.get()), 1});
  }
  return conn;
}

core::Result<void, core::Failure> mysqlExec(st_mysql* conn, const std::string& sql) {
  if (mysql_real_query(conn, sql.data(), sql.size()) != 0) {
    return core::unexpected(core::Failure{mysqlError(conn), 1});
  }
  // A statement that returns rows (none of ours should) must have them read.
  if (MYSQL_RES* r = mysql_store_result(conn)) mysql_free_result(r);
  return {};
}

std::string mysqlQuoteIdent(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

}  // namespace siphon::sink
