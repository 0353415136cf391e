#include "sink/mysql/mysql_writer.h"

#include <mysql.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "record/traced_users.h"
#include "record/utf8.h"
#include "sink/mysql/mysql_schema.h"
#include "sink/postgres/postgres_schema.h"

namespace siphon::sink {

// ---- MysqlRowBuffer --------------------------------------------------------------------------

MysqlRowBuffer::MysqlRowBuffer(record::ColumnSet set)
    : set_(set), columns_(mysqlColumns(set).size()) {}

void MysqlRowBuffer::add(const core::CaptureMeta& meta, const record::CaptureRow& row) {
  using record::ColumnType;
  auto bytes = [&](Kind kind, auto&& append) {
    Value v;
    v.kind = kind;
    v.offset = static_cast<uint32_t>(data_.size());
    append();
    v.length = static_cast<uint32_t>(data_.size() - v.offset);
    values_.push_back(v);
  };
  for (const record::CaptureColumn& c : record::captureColumns(set_)) {
    if (!c.in(record::kInPostgres)) continue;
    switch (c.type) {
      case ColumnType::Timestamp: {
        const std::string date = record::formatSqlDate(c.value(meta, row).integer / 1'000'000);
        bytes(Kind::Text, [&] { data_ += date; });
        break;
      }
      case ColumnType::Text:
        bytes(Kind::Text, [&] { record::appendDatabaseText(data_, c.value(meta, row).text); });
        break;
      case ColumnType::OptionalText: {
        const record::ColumnValue v = c.value(meta, row);
        if (v.null) {
          values_.push_back({});
        } else {
          bytes(Kind::Text, [&] { record::appendDatabaseText(data_, v.text); });
        }
        break;
      }
      case ColumnType::Integer:
      case ColumnType::Boolean: {
        Value v;
        v.kind = Kind::Integer;
        v.integer = c.value(meta, row).integer;
        values_.push_back(v);
        break;
      }
      case ColumnType::Payload:
        bytes(Kind::Blob, [&] {
          data_.append(reinterpret_cast<const char*>(meta.payload.data()), meta.payload.size());
        });
        break;
      case ColumnType::Chunks:
        bytes(Kind::Blob, [&] { encodeHepChunks(meta.other_chunks, data_); });
        break;
    }
  }
  ++rows_;
}

// ---- MysqlWriter -----------------------------------------------------------------------------

core::Result<void, core::Failure> MysqlWriter::open() {
  auto c = connectMysql(options_.url);
  if (!c.has_value()) return core::unexpected(std::move(c).error());
  conn_ = std::move(*c);
  return {};
}

void MysqlWriter::disconnect() {
  prepared_.clear();  // statements belong to the connection: before it goes
  tail_.reset();
  conn_.reset();
  created_.clear();
}

MysqlRowBuffer& MysqlWriter::rowsFor(std::string_view table, record::ColumnSet set) {
  for (auto& [name, rows] : tables_) {
    if (name == table) return rows;
  }
  return tables_.emplace_back(std::string(table), MysqlRowBuffer(set)).second;
}

core::Result<st_mysql_stmt*, core::Failure> MysqlWriter::statement(const std::string& table,
                                                                  record::ColumnSet set,
                                                                  size_t n) {
  if (n == kRowsPerStatement) {
    if (auto it = prepared_.find(table); it != prepared_.end()) return it->second.get();
  }
  const auto names = mysqlColumns(set);
  std::string sql = "INSERT INTO " + mysqlQuoteIdent(table) + " (";
  for (size_t c = 0; c < names.size(); ++c) {
    if (c) sql += ',';
    sql += names[c];
  }
  sql += ") VALUES ";
  std::string one = "(";
  for (size_t c = 0; c < names.size(); ++c) one += c ? ",?" : "?";
  one += ')';
  for (size_t r = 0; r < n; ++r) {
    if (r) sql += ',';
    sql += one;
  }
  MysqlStmtPtr stmt(mysql_stmt_init(conn_.get()));
  if (!stmt || mysql_stmt_prepare(stmt.get(), sql.data(), sql.size()) != 0) {
    return core::unexpected(
        core::Failure{"prepare insert into " + table + ": " + mysqlStmtError(stmt.get()), 1});
  }
  st_mysql_stmt* raw = stmt.get();
  if (n == kRowsPerStatement) {
    prepared_.emplace(table, std::move(stmt));
  } else {
    tail_ = std::move(stmt);
  }
  return raw;
}

core::Result<void, core::Failure> MysqlWriter::insertRows(const std::string& table,
                                                          const MysqlRowBuffer& rows) {
  const size_t cols = rows.columns();
  std::vector<MYSQL_BIND> binds;
  std::vector<unsigned long> lengths;
  for (size_t first = 0; first < rows.rows(); first += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rows.rows() - first);
    SIPHON_ASSIGN_OR_RETURN(st_mysql_stmt * stmt, statement(table, rows.columnSet(), n));
    binds.assign(n * cols, MYSQL_BIND{});
    lengths.assign(n * cols, 0);
    for (size_t i = 0; i < n * cols; ++i) {
      const auto& v = rows.value(first * cols + i);
      MYSQL_BIND& b = binds[i];
      switch (v.kind) {
        case MysqlRowBuffer::Kind::Null:
          b.buffer_type = MYSQL_TYPE_NULL;
          break;
        case MysqlRowBuffer::Kind::Integer:
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = const_cast<int64_t*>(&v.integer);
          break;
        case MysqlRowBuffer::Kind::Text:
        case MysqlRowBuffer::Kind::Blob:
          b.buffer_type = v.kind == MysqlRowBuffer::Kind::Text ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
          // The connector only reads bound buffers.
          b.buffer = const_cast<char*>(rows.data().data() + v.offset);
          lengths[i] = v.length;
          b.buffer_length = v.length;
          b.length = &lengths[i];
          break;
      }
    }
    if (mysql_stmt_bind_param(stmt, binds.data()) != 0 || mysql_stmt_execute(stmt) != 0) {
      return core::unexpected(
          core::Failure{"insert into " + table + ": " + mysqlStmtError(stmt), 1});
    }
  }
  return {};
}

core::Result<void, core::Failure> MysqlWriter::write(std::span<const record::RecordPtr> batch) {
  tables_.clear();
  for (const auto& r : batch) {
    const auto& meta = r->meta();
    record::buildCaptureRow(meta, r->sip, options_.row, row_);
    if (options_.trace_tables && !row_.trace_table.empty() && r->sip.isSip()) {
      std::string_view table = names_.expand(row_.trace_table, meta.microsSinceEpoch());
      MysqlRowBuffer& rows = rowsFor(table, record::ColumnSet::SipTrace);
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

  if (!conn_) SIPHON_TRY(open());
  // Connector/C gives up on a silent server by itself (60 s, mysql_connection.cc); the
  // watchdog is here for interrupt() only, hence its day-long limit.
  const auto guard = watchdog_.arm(static_cast<int>(mysql_get_socket(conn_.get())),
                                   std::chrono::hours(24));
  auto written = writeTables();
  if (guard.fired()) {
    disconnect();
    return core::unexpected(interruptedFailure());
  }
  return written;
}

core::Result<void, core::Failure> MysqlWriter::writeTables() {
  // DDL commits implicitly in MySQL: tables are created before the batch's transaction.
  for (const auto& [table, rows] : tables_) {
    if (created_.contains(table)) continue;
    if (auto r = mysqlExec(conn_.get(), mysqlCreateTable(table, rows.columnSet())); !r.has_value()) {
      return core::unexpected(core::Failure{"create " + table + ": " + r.error().message, 1});
    }
    created_.insert(table);
  }
  SIPHON_TRY(mysqlExec(conn_.get(), "START TRANSACTION"));
  for (const auto& [table, rows] : tables_) {
    if (auto r = insertRows(table, rows); !r.has_value()) {
      (void)mysqlExec(conn_.get(), "ROLLBACK");
      return r;
    }
  }
  SIPHON_TRY(mysqlExec(conn_.get(), "COMMIT"));
  return {};
}

Expired MysqlWriter::maintain(int64_t now_us) {
  Expired out;
  if (!options_.retention.enabled() || patterns_.empty() || now_us - pruned_us_ < 3'600'000'000) {
    return out;
  }
  pruned_us_ = now_us;
  if (watchdog_.interrupted()) return out;
  if (!conn_ && !open().has_value()) return out;  // the next batch says why
  auto fail = [&](const std::string& what) {
    std::fprintf(stderr, "siphon: mysql: retention: %s: %s\n", what.c_str(),
                 mysqlError(conn_.get()).c_str());
    return out;
  };
  // The writer's tables (hep_chunks), their time column and the server's row estimate.
  const std::string list =
      "SELECT c.table_name, t.column_name, COALESCE(s.table_rows, 0) FROM information_schema.columns c "
      "JOIN information_schema.columns t ON t.table_schema = c.table_schema AND t.table_name = "
      "c.table_name AND t.column_name IN ('date', 'time_stamp', 'tss') JOIN information_schema.tables "
      "s ON s.table_schema = c.table_schema AND s.table_name = c.table_name WHERE c.table_schema = "
      "DATABASE() AND c.column_name = 'hep_chunks'";
  if (mysql_real_query(conn_.get(), list.data(), list.size()) != 0) return fail("listing tables");
  MYSQL_RES* res = mysql_store_result(conn_.get());
  if (!res) return fail("listing tables");
  struct Table {
    std::string name, column;
    uint64_t rows;
  };
  std::vector<Table> tables;
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    tables.push_back({row[0], row[1], std::strtoull(row[2] ? row[2] : "0", nullptr, 10)});
  }
  mysql_free_result(res);
  const std::vector<std::string> patterns(patterns_.begin(), patterns_.end());
  const int64_t now_s = now_us / 1'000'000;
  for (const auto& t : tables) {
    const int days = options_.retention.daysFor(t.name);
    if (days <= 0) continue;
    const int64_t cutoff_s = now_s - int64_t{days} * 86400;
    if (auto day = options_.retention.dayOf(t.name, patterns)) {
      if (*day + 86400 > cutoff_s) continue;
      if (!mysqlExec(conn_.get(), "DROP TABLE IF EXISTS " + mysqlQuoteIdent(t.name)).has_value()) {
        return fail("drop " + t.name);
      }
      created_.erase(t.name);
      prepared_.erase(t.name);
      out.records += t.rows;  // InnoDB's estimate: counting exactly is a full scan
      ++out.tables;
      continue;
    }
    const std::string sql = "DELETE FROM " + mysqlQuoteIdent(t.name) + " WHERE " + t.column +
                            " < ? LIMIT 50000";
    MysqlStmtPtr stmt(mysql_stmt_init(conn_.get()));
    if (!stmt || mysql_stmt_prepare(stmt.get(), sql.data(), sql.size()) != 0) return fail("delete");
    std::string cutoff = record::formatSqlDate(cutoff_s);
    unsigned long length = cutoff.size();
    MYSQL_BIND b{};
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = cutoff.data();
    b.buffer_length = length;
    b.length = &length;
    if (mysql_stmt_bind_param(stmt.get(), &b) != 0) return fail("delete");
    for (int chunk = 0; chunk < 20; ++chunk) {
      if (mysql_stmt_execute(stmt.get()) != 0 || !mysqlExec(conn_.get(), "COMMIT").has_value()) {
        return fail("delete from " + t.name);
      }
      const auto n = static_cast<uint64_t>(mysql_stmt_affected_rows(stmt.get()));
      out.records += n;
      if (n < 50000) break;
    }
  }
  return out;
}

}  // namespace siphon::sink
