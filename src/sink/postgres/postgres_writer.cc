#include "sink/postgres/postgres_writer.h"

#include <libpq-fe.h>

#include "record/traced_users.h"
#include "sink/postgres/postgres_schema.h"

namespace siphon::sink {

core::Result<void, core::Failure> PostgresWriter::open() {
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
    std::string_view table = names_.expand(pattern, meta.microsSinceEpoch());
    rowsFor(table, record::columnSetFor(r->sip.kind, options_.row.homer6_reports)).add(meta, row_);
  }
  if (tables_.empty()) return {};

  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    disconnect();
    auto c = connectPostgres(options_.url);
    if (!c.has_value()) return core::unexpected(std::move(c).error());
    conn_ = std::move(*c);
  }
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

}  // namespace siphon::sink
