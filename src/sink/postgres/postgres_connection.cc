#include "sink/postgres/postgres_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <string>
#include <vector>

namespace siphon::sink {
namespace {

constexpr std::string_view kIoTimeout = "io_timeout";

}  // namespace

void PgConnCloser::operator()(pg_conn* c) const { PQfinish(c); }
void PgResultClearer::operator()(pg_result* r) const { PQclear(r); }

std::string pgError(pg_conn* conn) {
  std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  for (char& c : msg) {
    if (c == '\n') c = ' ';
  }
  return msg;
}

core::Result<PgConnPtr, core::Failure> connectPostgres(const core::DbUrl& url) {
  std::vector<std::pair<std::string, std::string>> kv;
  std::string port = url.port ? std::to_string(url.port) : "";
  const std::pair<const char*, const std::string*> parts[] = {
      {"host", &url.host}, {"port", &port}, {"user", &url.user}, {"dbname", &url.database}};
  for (const auto& [key, value] : parts) {
    if (!value->empty()) kv.emplace_back(key, *value);
  }
  if (url.has_password) kv.emplace_back("password", url.password);
  bool has_timeout = false;
  for (const auto& [k, v] : url.params) {
    if (k == kIoTimeout) continue;  // ours, not libpq's
    kv.emplace_back(k, v);
    has_timeout = has_timeout || k == "connect_timeout";
  }
  // A dead host must not hold the sink thread for the OS's TCP timeout (minutes).
  if (!has_timeout) kv.emplace_back("connect_timeout", "5");
  kv.emplace_back("application_name", "siphon");
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return core::unexpected(
        core::Failure{"db_url: " + url.redacted() + ": " + pgError(conn.get()), 1});
  }
  // CREATE ... IF NOT EXISTS answers with a NOTICE when the object exists; libpq would print
  // each one on stderr.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

core::Result<std::chrono::seconds, core::Failure> pgIoTimeout(const core::DbUrl& url) {
  std::chrono::seconds timeout{60};
  for (const auto& [k, v] : url.params) {
    if (k != kIoTimeout) continue;
    unsigned seconds = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec != std::errc() || end != v.data() + v.size() || seconds == 0 || seconds > 86400) {
      return core::unexpected(core::Failure{
          "db_url: " + url.redacted() + ": io_timeout must be whole seconds, 1 to 86400", 2});
    }
    timeout = std::chrono::seconds(seconds);
  }
  return timeout;
}

core::Failure pgSilenceFailure(std::chrono::seconds io_timeout) {
  return core::Failure{
      "no answer within " + std::to_string(io_timeout.count()) + " s (io_timeout): connection closed",
      1};
}

core::Result<void, core::Failure> pgExec(pg_conn* conn, const std::string& sql) {
  PgResultPtr r(PQexec(conn, sql.c_str()));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return core::unexpected(core::Failure{pgError(conn), 1});
  }
  return {};
}

std::string quoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace siphon::sink
