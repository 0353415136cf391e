#include "query/mysql_reader.h"

#include <mysql.h>

#include <array>
#include <charconv>
#include <cstring>

#include "core/byte_reader.h"
#include "query/stored_row.h"

namespace siphon::query {
namespace {

// kRecordColumns and the id; every integer is read as a 64-bit one.
constexpr size_t kColumns = std::size(kRecordColumns) + 1;
constexpr std::array<bool, kColumns> kIsText = {false, true,  false, true,  false, false,
                                                false, false, false, false, false, false,
                                                false, true,  true,  true,  true,  false};

std::string mysqlSelectList() {
  std::string out;
  for (auto c : kRecordColumns) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out + ", id";
}

core::Result<std::vector<SqlTable>, core::Failure> captureTables(st_mysql* conn) {
  // Metadata only; no value from outside goes into this statement.
  const std::string sql =
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
      "DATABASE() AND column_name IN ('hep_chunks', 'callid', 'callid_aleg', 'traced_user', "
      "'micro_ts', 'date', 'time_stamp') ORDER BY table_name";
  if (mysql_real_query(conn, sql.data(), sql.size()) != 0) {
    return core::unexpected(core::Failure{"listing tables: " + sink::mysqlError(conn), 1});
  }
  MYSQL_RES* res = mysql_store_result(conn);
  if (!res) return core::unexpected(core::Failure{"listing tables: " + sink::mysqlError(conn), 1});
  std::vector<SqlTable> all;
  std::vector<bool> chunks, micro;
  while (MYSQL_ROW r = mysql_fetch_row(res)) {
    unsigned long* len = mysql_fetch_lengths(res);
    const std::string_view name(r[0], len[0]), column(r[1], len[1]);
    if (all.empty() || all.back().name != name) {
      SqlTable t;
      t.name = std::string(name);
      all.push_back(std::move(t));
      chunks.push_back(false);
      micro.push_back(false);
    }
    SqlTable& t = all.back();
    if (column == "hep_chunks") chunks.back() = true;
    if (column == "micro_ts") micro.back() = true;
    if (column == "callid") t.sip = true;
    if (column == "callid_aleg") t.callid_aleg = true;
    if (column == "traced_user") t.trace = true;
    if (column == "date") t.time_column = "date";
    if (column == "time_stamp") t.time_column = "time_stamp";
  }
  mysql_free_result(res);
  std::vector<SqlTable> out;
  for (size_t i = 0; i < all.size(); ++i) {
    if (chunks[i] && micro[i]) out.push_back(std::move(all[i]));
  }
  return out;
}

}  // namespace

core::Result<CaptureReaderPtr, core::Failure> MysqlReader::open(
    const core::DbUrl& url, const record::CaptureRowOptions& row) {
  auto conn = sink::connectMysql(url);
  if (!conn.has_value()) return core::unexpected(std::move(conn).error());
  auto tables = captureTables(conn->get());
  if (!tables.has_value()) return core::unexpected(std::move(tables).error());
  return CaptureReaderPtr(std::make_unique<MysqlReader>(std::move(*conn), std::move(*tables), row));
}

core::Result<sink::MysqlStmtPtr, core::Failure> MysqlReader::execute(const std::string& sql,
                                                                     const SqlWhere& w) {
  sink::MysqlStmtPtr stmt(mysql_stmt_init(conn_.get()));
  if (!stmt || mysql_stmt_prepare(stmt.get(), sql.data(), sql.size()) != 0) {
    return core::unexpected(core::Failure{sink::mysqlStmtError(stmt.get()), 1});
  }
  std::vector<MYSQL_BIND> params(w.params.size());
  std::vector<long long> ints(w.params.size());
  std::vector<unsigned long> lens(w.params.size());
  for (size_t i = 0; i < w.params.size(); ++i) {
    const SqlParam& p = w.params[i];
    MYSQL_BIND& b = params[i];
    if (p.integer) {
      std::from_chars(p.text.data(), p.text.data() + p.text.size(), ints[i]);
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.buffer = &ints[i];
    } else {
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = const_cast<char*>(p.text.data());  // read only
      lens[i] = p.text.size();
      b.buffer_length = lens[i];
      b.length = &lens[i];
    }
  }
  // The longest value of each column, so that every row fits its buffers.
  const my_bool update = 1;
  if ((!params.empty() && mysql_stmt_bind_param(stmt.get(), params.data()) != 0) ||
      mysql_stmt_execute(stmt.get()) != 0 ||
      mysql_stmt_attr_set(stmt.get(), STMT_ATTR_UPDATE_MAX_LENGTH, &update) != 0 ||
      mysql_stmt_store_result(stmt.get()) != 0) {
    return core::unexpected(core::Failure{sink::mysqlStmtError(stmt.get()), 1});
  }
  return stmt;
}

core::Result<void, core::Failure> MysqlReader::aggregate(const SqlTable& t, const SqlStats& s,
                                                         std::vector<store::StatsRow>& out) {
  auto fail = [&](const std::string& why) {
    return core::unexpected(core::Failure{"statistics of " + t.name + ": " + why, 1});
  };
  auto stmt = execute("SELECT " + s.columns + " FROM " + sink::mysqlQuoteIdent(t.name) + s.where.sql +
                          " GROUP BY b, k" + s.tail,
                      s.where);
  if (!stmt.has_value()) return fail(stmt.error().message);
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt->get());
  if (!meta || mysql_num_fields(meta) != 3) {
    if (meta) mysql_free_result(meta);
    return fail("unexpected columns");
  }
  std::vector<char> key(std::max<unsigned long>(1, mysql_fetch_fields(meta)[1].max_length));
  mysql_free_result(meta);
  std::array<MYSQL_BIND, 3> cols{};
  long long bucket = 0, count = 0;
  unsigned long key_length = 0;
  my_bool key_null = 0;
  cols[0].buffer_type = MYSQL_TYPE_LONGLONG;
  cols[0].buffer = &bucket;
  cols[1].buffer_type = MYSQL_TYPE_BLOB;
  cols[1].buffer = key.data();
  cols[1].buffer_length = key.size();
  cols[1].length = &key_length;
  cols[1].is_null = &key_null;
  cols[2].buffer_type = MYSQL_TYPE_LONGLONG;
  cols[2].buffer = &count;
  if (mysql_stmt_bind_result(stmt->get(), cols.data()) != 0) return fail(sink::mysqlStmtError(stmt->get()));
  for (;;) {
    const int r = mysql_stmt_fetch(stmt->get());
    if (r == MYSQL_NO_DATA) break;
    if (r != 0 && r != MYSQL_DATA_TRUNCATED) return fail(sink::mysqlStmtError(stmt->get()));
    out.push_back({bucket, store::StatsDim::Total,
                   key_null ? std::string() : std::string(key.data(), std::min<size_t>(key_length, key.size())),
                   count});
  }
  return {};
}

core::Result<void, core::Failure> MysqlReader::select(const SqlTable& t, const SqlWhere& w,
                                                      const std::string& tail,
                                                      std::vector<Found>& out) {
  auto fail = [&](st_mysql_stmt* s) {
    return core::unexpected(core::Failure{"read " + t.name + ": " + sink::mysqlStmtError(s), 1});
  };
  auto executed = execute(
      "SELECT " + mysqlSelectList() + " FROM " + sink::mysqlQuoteIdent(t.name) + w.sql + tail, w);
  if (!executed.has_value()) {
    return core::unexpected(core::Failure{"read " + t.name + ": " + executed.error().message, 1});
  }
  sink::MysqlStmtPtr stmt = std::move(*executed);
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt.get());
  if (!meta || mysql_num_fields(meta) != kColumns) {
    if (meta) mysql_free_result(meta);
    return core::unexpected(core::Failure{"read " + t.name + ": unexpected columns", 1});
  }
  std::array<MYSQL_BIND, kColumns> cols{};
  std::array<long long, kColumns> values{};
  std::array<unsigned long, kColumns> lengths{};
  std::array<my_bool, kColumns> nulls{};
  std::array<std::vector<char>, kColumns> buffers;
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  for (size_t c = 0; c < kColumns; ++c) {
    MYSQL_BIND& b = cols[c];
    b.is_null = &nulls[c];
    b.length = &lengths[c];
    if (kIsText[c]) {
      buffers[c].resize(std::max<unsigned long>(1, fields[c].max_length));
      b.buffer_type = MYSQL_TYPE_BLOB;
      b.buffer = buffers[c].data();
      b.buffer_length = buffers[c].size();
    } else {
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.buffer = &values[c];
    }
  }
  mysql_free_result(meta);
  if (mysql_stmt_bind_result(stmt.get(), cols.data()) != 0) return fail(stmt.get());
  for (;;) {
    const int r = mysql_stmt_fetch(stmt.get());
    if (r == MYSQL_NO_DATA) break;
    if (r != 0 && r != MYSQL_DATA_TRUNCATED) return fail(stmt.get());
    auto text = [&](size_t c) {
      return nulls[c] ? std::string_view() : std::string_view(buffers[c].data(), lengths[c]);
    };
    StoredRow row;
    row.micro_ts = values[0];
    row.source_ip = text(1);
    row.source_port = values[2];
    row.destination_ip = text(3);
    row.destination_port = values[4];
    row.family = values[5];
    row.ip_proto = values[6];
    row.hep_version = values[7];
    row.capture_id = values[8];
    row.payload_type = values[9];
    row.has_auth_key = values[10] != 0;
    row.payload_compressed = values[11] != 0;
    row.keepalive = values[12];
    row.node = text(13);
    row.correlation_id = text(14);
    row.msg = core::asBytes(text(15));
    row.hep_chunks = core::asBytes(text(16));
    row.id = values[17];
    out.push_back(foundFromRow(row, t.name));
  }
  return {};
}

}  // namespace siphon::query
