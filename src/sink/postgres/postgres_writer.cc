#include "sink/postgres/postgres_writer.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "record/traced_users.h"
#include "sink/postgres/postgres_schema.h"

namespace siphon::sink {

core::Result<void, core::Failure> PostgresWriter::open() {
  SIPHON_ASSIGN_OR_RETURN(io_timeout_, pgIoTimeout(options_.url));
  auto c = connectPostgres(options_.url);
  if (!c.has_value()) return core::unexpected(std::move(c).error());
  conn_ = std::move(*c);
  return {};
}

void PostgresWriter::disconnect() {
  conn_.reset();
  created_.clear();  // checked again on the next connection
}

PgRowBuffer& PostgresWriter::rowsFor(std::string_view table, record::ColumnSet set) {
  for (auto& [name, rows] : tables_) {
    if (name == table) return rows;
  }
  return tables_.emplace_back(std::string(table), PgRowBuffer(set)).second;
}

core::Result<void, core::Failure> PostgresWriter::copyRows(const std::string& table,
                                                           PgRowBuffer& rows) {
  std::string sql = "COPY " + quoteIdent(table) + " (";
  bool first = true;
  for (auto name : postgresColumns(rows.columnSet())) {
    if (!first) sql += ',';
    sql += name;
    first = false;
  }
  sql += ") FROM STDIN (FORMAT binary)";
  auto fail = [&](const std::string& what) {
    return core::unexpected(core::Failure{"copy into " + table + ": " + what, 1});
  };
  PgResultPtr start(PQexec(conn_.get(), sql.c_str()));
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) return fail(pgError(conn_.get()));
  const auto data = rows.copyData();
  // libpq takes an int per call: hand the data over in pieces well below that.
  constexpr size_t kPiece = 1u << 20;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    if (PQputCopyData(conn_.get(), reinterpret_cast<const char*>(data.data() + at),
                      static_cast<int>(n)) != 1) {
      return fail(pgError(conn_.get()));
    }
  }
  if (PQputCopyEnd(conn_.get(), nullptr) != 1) return fail(pgError(conn_.get()));
  // The COPY's outcome, then the end of the results (libpq: call until NULL).
  bool ok = true;
  std::string error;
  while (PGresult* r = PQgetResult(conn_.get())) {
    PgResultPtr res(r);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      ok = false;
      error = pgError(conn_.get());
    }
  }
  if (!ok) return fail(error);
  return {};
}

core::Result<void, core::Failure> PostgresWriter::write(std::span<const record::RecordPtr> batch) {
  tables_.clear();
  for (const auto& r : batch) {
    const auto& meta = r->meta();
    record::buildCaptureRow(meta, r->sip, options_.row, row_);
    if (options_.trace_tables && !row_.trace_table.empty() && r->sip.isSip()) {
      // A table a sender's chunk names is only ever a quoted identifier (quoteIdent).
      std::string_view table = names_.expand(row_.trace_table, meta.microsSinceEpoch());
      PgRowBuffer& rows = rowsFor(table, record::ColumnSet::SipTrace);
      for (const auto& user : record::tracedUserList(row_.traced_users)) {
        row_.traced_user = user;
        rows.add(meta, row_);
      }
      continue;
    }
    std::string_view pattern = r->table.empty() ? record::reportTableName(r->sip.kind) : r->table;
    if (!patterns_.contains(pattern)) patterns_.emplace(pattern);
    std::string_view table = names_.expand(pattern, meta.microsSinceEpoch());
    rowsFor(table, record::columnSetFor(r->sip.kind, options_.row.homer6_reports)).add(meta, row_);
  }
  if (tables_.empty()) return {};
  if (watchdog_.interrupted()) return core::unexpected(interruptedFailure());

  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    disconnect();
    auto c = connectPostgres(options_.url);
    if (!c.has_value()) return core::unexpected(std::move(c).error());
    conn_ = std::move(*c);
  }
  const auto guard = watchdog_.arm(PQsocket(conn_.get()), io_timeout_);
  auto written = writeTables();
  if (guard.fired()) {
    // Whatever libpq said, the cause is the silence: the connection is gone either way.
    disconnect();
    if (watchdog_.interrupted()) return core::unexpected(interruptedFailure());
    return core::unexpected(pgSilenceFailure(io_timeout_));
  }
  return written;
}

core::Result<void, core::Failure> PostgresWriter::writeTables() {
  SIPHON_TRY(pgExec(conn_.get(), "BEGIN"));
  std::vector<std::string> created;
  for (auto& [table, rows] : tables_) {
    if (!created_.contains(table)) {
      // Two connections (db_connections, or two collectors at midnight) creating one table
      // at once make CREATE TABLE IF NOT EXISTS fail with a duplicate key in pg_type: a lock
      // on the table's name, held to the end of the transaction, lets one create it and the
      // other find it.
      const char* name = table.c_str();
      PgResultPtr lock(PQexecParams(conn_.get(), "SELECT pg_advisory_xact_lock(hashtext($1))", 1,
                                    nullptr, &name, nullptr, nullptr, 0));
      if (!lock || PQresultStatus(lock.get()) != PGRES_TUPLES_OK) {
        return core::unexpected(core::Failure{"lock " + table + ": " + pgError(conn_.get()), 1});
      }
      for (const auto& sql : postgresCreateTable(table, rows.columnSet())) {
        if (auto r = pgExec(conn_.get(), sql); !r.has_value()) {
          return core::unexpected(core::Failure{"create " + table + ": " + r.error().message, 1});
        }
      }
      created.push_back(table);
    }
    SIPHON_TRY(copyRows(table, rows));
  }
  SIPHON_TRY(pgExec(conn_.get(), "COMMIT"));
  created_.insert(created.begin(), created.end());  // only what a commit made real
  return {};
}

Expired PostgresWriter::maintain(int64_t now_us) {
  Expired out;
  if (!options_.retention.enabled() || patterns_.empty() || now_us - pruned_us_ < 3'600'000'000) {
    return out;
  }
  pruned_us_ = now_us;
  if (watchdog_.interrupted()) return out;
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    auto c = connectPostgres(options_.url);
    if (!c.has_value()) return out;  // the next batch says why
    conn_ = std::move(*c);
  }
  // Each statement gets io_timeout on its own: a chunked DELETE may be slow, not silent.
  std::optional<SocketWatchdog::Guard> guard;
  auto arm = [&] {
    guard.reset();
    guard.emplace(watchdog_.arm(PQsocket(conn_.get()), io_timeout_));
  };
  auto fail = [&](const std::string& what) {
    const bool silent = guard && guard->fired();
    std::fprintf(stderr, "siphon: postgres: retention: %s: %s\n", what.c_str(),
                 silent ? "no answer within io_timeout: connection closed"
                        : pgError(conn_.get()).c_str());
    guard.reset();
    if (silent) disconnect();
    return out;
  };
  // The writer's tables (hep_chunks) and their time column.
  arm();
  PgResultPtr tables(PQexec(
      conn_.get(),
      "SELECT c.relname, t.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute h ON h.attrelid = c.oid AND h.attname = 'hep_chunks' AND NOT h.attisdropped "
      "JOIN pg_attribute t ON t.attrelid = c.oid AND t.attname IN ('date', 'time_stamp', 'tss') "
      "AND NOT t.attisdropped WHERE c.relkind = 'r' AND n.nspname = current_schema()"));
  if (!tables || PQresultStatus(tables.get()) != PGRES_TUPLES_OK) return fail("listing tables");
  const std::vector<std::string> patterns(patterns_.begin(), patterns_.end());
  const int64_t now_s = now_us / 1'000'000;
  for (int i = 0; i < PQntuples(tables.get()); ++i) {
    const std::string table = PQgetvalue(tables.get(), i, 0), column = PQgetvalue(tables.get(), i, 1);
    const int days = options_.retention.daysFor(table);
    if (days <= 0) continue;
    const int64_t cutoff_s = now_s - int64_t{days} * 86400;
    if (auto day = options_.retention.dayOf(table, patterns)) {
      if (*day + 86400 > cutoff_s) continue;
      // Its rows as the planner estimates them: counting a day table exactly is a full scan.
      const char* name = table.c_str();
      arm();
      PgResultPtr est(PQexecParams(conn_.get(),
                                   "SELECT greatest(reltuples, 0)::int8 FROM pg_class WHERE relname = $1",
                                   1, nullptr, &name, nullptr, nullptr, 0));
      if (est && PQresultStatus(est.get()) == PGRES_TUPLES_OK && PQntuples(est.get()) == 1) {
        out.records += std::strtoull(PQgetvalue(est.get(), 0, 0), nullptr, 10);
      }
      arm();
      if (!pgExec(conn_.get(), "DROP TABLE IF EXISTS " + quoteIdent(table)).has_value()) {
        return fail("drop " + table);
      }
      created_.erase(table);
      ++out.tables;
      continue;
    }
    const std::string cutoff = record::formatSqlDate(cutoff_s);
    const std::string sql = "DELETE FROM " + quoteIdent(table) + " WHERE ctid IN (SELECT ctid FROM " +
                            quoteIdent(table) + " WHERE " + column +
                            " < $1::timestamp LIMIT 50000)";
    for (int chunk = 0; chunk < 20; ++chunk) {
      const char* value = cutoff.c_str();
      arm();
      PgResultPtr del(PQexecParams(conn_.get(), sql.c_str(), 1, nullptr, &value, nullptr, nullptr, 0));
      if (!del || PQresultStatus(del.get()) != PGRES_COMMAND_OK) return fail("delete from " + table);
      const uint64_t n = std::strtoull(PQcmdTuples(del.get()), nullptr, 10);
      out.records += n;
      if (n < 50000) break;
    }
  }
  return out;
}

}  // namespace siphon::sink
