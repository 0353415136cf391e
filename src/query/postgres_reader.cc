#include "query/postgres_reader.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "core/byte_order.h"
#include "core/byte_reader.h"
#include "query/sql_filter.h"
#include "query/stored_row.h"
#include "sink/postgres/postgres_connection.h"
#include "sink/postgres/postgres_schema.h"

namespace siphon::query {
namespace {

// Column order of the SELECT, with casts to the widths the binary result is read with (a table
// altered by hand still reads right or fails the query, never misreads).
constexpr const char* kSelect =
    "micro_ts::int8, source_ip::text, source_port::int4, destination_ip::text, "
    "destination_port::int4, family::int4, ip_proto::int4, hep_version::int4, capture_id::int8, "
    "payload_type::int4, has_auth_key, payload_compressed, keepalive::int4, node::text, "
    "correlation_id::text, msg, hep_chunks, id::int8";
enum Col : int {
  kMicroTs,
  kSourceIp,
  kSourcePort,
  kDestinationIp,
  kDestinationPort,
  kFamily,
  kIpProto,
  kHepVersion,
  kCaptureId,
  kPayloadType,
  kHasAuthKey,
  kCompressed,
  kKeepalive,
  kNode,
  kCorrelation,
  kMsg,
  kChunks,
  kId,
  kColumnCount
};

std::string_view value(PGresult* r, int row, int col) {
  return {PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col))};
}

// Binary result values are big-endian and as wide as the SELECT's casts.
template <class T>
T integer(PGresult* r, int row, int col) {
  auto v = value(r, row, col);
  const auto* p = reinterpret_cast<const std::byte*>(v.data());
  if constexpr (sizeof(T) == 8) {
    return v.size() == 8 ? static_cast<T>(core::loadBe64(p)) : 0;
  } else {
    return v.size() == 4 ? static_cast<T>(core::loadBe32(p)) : 0;
  }
}

core::Result<std::vector<SqlTable>, core::Failure> captureTables(pg_conn* conn,
                                                                 sink::SocketWatchdog& watchdog,
                                                                 std::chrono::seconds io_timeout) {
  // Tables (plain or partitioned) of the current schema with the writer's layout
  // (hep_chunks), and the columns that say what kind each is.
  const char* sql =
      "SELECT c.relname, a.attname FROM pg_class c "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() "
      "AND a.attname IN ('hep_chunks', 'callid', 'callid_aleg', 'traced_user', 'micro_ts', "
      "'date', 'time_stamp') ORDER BY c.relname";
  const auto guard = watchdog.arm(PQsocket(conn), io_timeout);
  sink::PgResultPtr r(PQexec(conn, sql));
  if (guard.fired()) return core::unexpected(sink::pgSilenceFailure(io_timeout));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return core::unexpected(core::Failure{"listing tables: " + sink::pgError(conn), 1});
  }
  std::vector<SqlTable> all;
  std::vector<bool> has_chunks, has_micro_ts;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    const std::string_view name = value(r.get(), i, 0), column = value(r.get(), i, 1);
    if (all.empty() || all.back().name != name) {
      SqlTable t;
      t.name = std::string(name);
      all.push_back(std::move(t));
      has_chunks.push_back(false);
      has_micro_ts.push_back(false);
    }
    SqlTable& t = all.back();
    if (column == "hep_chunks") has_chunks.back() = true;
    if (column == "micro_ts") has_micro_ts.back() = true;
    if (column == "callid") t.sip = true;
    if (column == "callid_aleg") t.callid_aleg = true;
    if (column == "traced_user") t.trace = true;
    if (column == "date") t.time_column = "date";
    if (column == "time_stamp") t.time_column = "time_stamp";
  }
  std::vector<SqlTable> out;
  for (size_t i = 0; i < all.size(); ++i) {
    // Homer-6 report tables (homer5_on = 0) keep their time as tss/tsu, without micro_ts.
    // TODO(#12): read them too.
    if (has_chunks[i] && has_micro_ts[i]) out.push_back(std::move(all[i]));
  }
  return out;
}

// One row back into the record the collector stored.
Found decodeRow(PGresult* r, int i, const std::string& table) {
  StoredRow row;
  row.micro_ts = integer<int64_t>(r, i, kMicroTs);
  row.source_ip = value(r, i, kSourceIp);
  row.destination_ip = value(r, i, kDestinationIp);
  row.source_port = integer<int32_t>(r, i, kSourcePort);
  row.destination_port = integer<int32_t>(r, i, kDestinationPort);
  row.family = integer<int32_t>(r, i, kFamily);
  row.ip_proto = integer<int32_t>(r, i, kIpProto);
  row.hep_version = integer<int32_t>(r, i, kHepVersion);
  row.capture_id = integer<int64_t>(r, i, kCaptureId);
  row.payload_type = integer<int32_t>(r, i, kPayloadType);
  row.has_auth_key = value(r, i, kHasAuthKey) == std::string_view("\x01", 1);
  row.payload_compressed = value(r, i, kCompressed) == std::string_view("\x01", 1);
  row.keepalive = integer<int32_t>(r, i, kKeepalive);
  row.node = value(r, i, kNode);
  row.correlation_id = value(r, i, kCorrelation);
  row.msg = core::asBytes(value(r, i, kMsg));
  row.hep_chunks = core::asBytes(value(r, i, kChunks));
  row.id = integer<int64_t>(r, i, kId);
  return foundFromRow(row, table);
}

}  // namespace

core::Result<sink::PgResultPtr, core::Failure> PostgresReader::execParams(
    const std::string& sql, const std::vector<const char*>& values, int binary) {
  const auto guard = watchdog_->arm(PQsocket(conn_.get()), io_timeout_);
  sink::PgResultPtr r(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()),
                                   nullptr, values.data(), nullptr, nullptr, binary));
  if (guard.fired()) return core::unexpected(sink::pgSilenceFailure(io_timeout_));
  return r;
}

// Runs `sql` with `w`'s parameters (text, cast in the SQL) and decodes every row.
core::Result<void, core::Failure> PostgresReader::select(const SqlTable& t, const SqlWhere& w,
                                                         const std::string& tail,
                                                         std::vector<Found>& out) {
  const std::string sql =
      std::string("SELECT ") + kSelect + " FROM " + sink::quoteIdent(t.name) + w.sql + tail;
  std::vector<const char*> values;
  for (const auto& p : w.params) values.push_back(p.text.c_str());
  SIPHON_ASSIGN_OR_RETURN(sink::PgResultPtr r, execParams(sql, values, /*binary=*/1));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQnfields(r.get()) != kColumnCount) {
    return core::unexpected(core::Failure{"read " + t.name + ": " + sink::pgError(conn_.get()), 1});
  }
  for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(decodeRow(r.get(), i, t.name));
  return {};
}

core::Result<void, core::Failure> PostgresReader::aggregate(const SqlTable& t, const SqlStats& s,
                                                            std::vector<store::StatsRow>& out) {
  const std::string sql = "SELECT " + s.columns + " FROM " + sink::quoteIdent(t.name) + s.where.sql +
                          " GROUP BY b, k" + s.tail;
  std::vector<const char*> values;
  for (const auto& p : s.where.params) values.push_back(p.text.c_str());
  SIPHON_ASSIGN_OR_RETURN(sink::PgResultPtr r, execParams(sql, values, /*binary=*/0));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQnfields(r.get()) != 3) {
    return core::unexpected(core::Failure{"statistics of " + t.name + ": " + sink::pgError(conn_.get()), 1});
  }
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    store::StatsRow row;
    const std::string_view b = PQgetvalue(r.get(), i, 0), n = PQgetvalue(r.get(), i, 2);
    std::from_chars(b.data(), b.data() + b.size(), row.bucket);
    std::from_chars(n.data(), n.data() + n.size(), row.count);
    row.key.assign(PQgetvalue(r.get(), i, 1), static_cast<size_t>(PQgetlength(r.get(), i, 1)));
    out.push_back(std::move(row));
  }
  return {};
}

core::Result<CaptureReaderPtr, core::Failure> PostgresReader::open(
    const core::DbUrl& url, const record::CaptureRowOptions& row) {
  SIPHON_ASSIGN_OR_RETURN(const std::chrono::seconds io_timeout, sink::pgIoTimeout(url));
  auto conn = sink::connectPostgres(url);
  if (!conn.has_value()) return core::unexpected(std::move(conn).error());
  // The listing runs before the reader exists, under the watchdog the reader then keeps.
  auto watchdog = std::make_unique<sink::SocketWatchdog>();
  auto tables = captureTables(conn->get(), *watchdog, io_timeout);
  if (!tables.has_value()) return core::unexpected(std::move(tables).error());
  return CaptureReaderPtr(std::make_unique<PostgresReader>(
      std::move(*conn), std::move(*tables), row, io_timeout, std::move(watchdog)));
}

}  // namespace siphon::query
