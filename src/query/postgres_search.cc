#include "query/postgres_search.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/byte_order.h"
#include "core/byte_reader.h"
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
    "correlation_id::text, msg, hep_chunks";
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
  kColumnCount
};

struct Table {
  std::string name;
  bool sip = false;    ///< has the SIP columns (callid, users, type)
  bool trace = false;  ///< a sip_trace table (traced_user): one row per traced user
  bool micro_ts = false;       ///< the column every search reads its time from
  std::string_view time_column;  ///< date or time_stamp (whole seconds, indexed); "" none
};

struct Where {
  std::string sql;
  std::vector<std::string> params;
  /// Binds `v` and returns its placeholder ($1, $2, ...).
  std::string param(std::string v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  }
  void add(const std::string& clause) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += clause;
  }
};

bool hasSipFilter(const SearchQuery& q) {
  return !q.call_id.empty() || !q.from_user.empty() || !q.to_user.empty() || !q.ruri_user.empty() ||
         !q.method.empty() || q.status.has_value();
}

Where whereFor(const SearchQuery& q, const Table& t) {
  const bool sip = t.sip;
  Where w;
  // A sip_trace table holds a message once per traced user, always once with '' (§4.3).
  if (t.trace) w.add("traced_user = ''");
  // The indexed time column (whole seconds) narrows the scan; micro_ts decides.
  const std::string time(t.time_column);
  if (q.since) {
    if (!time.empty()) {
      w.add(time + " >= " + w.param(record::formatSqlDate(q.since / 1'000'000)) + "::timestamp");
    }
    w.add("micro_ts >= " + w.param(std::to_string(q.since)) + "::int8");
  }
  if (q.until) {
    if (!time.empty()) {
      w.add(time + " <= " + w.param(record::formatSqlDate(q.until / 1'000'000)) + "::timestamp");
    }
    w.add("micro_ts <= " + w.param(std::to_string(q.until)) + "::int8");
  }
  if (!q.correlation.empty()) w.add("correlation_id = " + w.param(q.correlation));
  if (sip) {
    if (!q.call_id.empty()) w.add("callid = " + w.param(q.call_id));
    if (!q.from_user.empty()) w.add("from_user = " + w.param(q.from_user));
    if (!q.to_user.empty()) w.add("to_user = " + w.param(q.to_user));
    if (!q.ruri_user.empty()) w.add("ruri_user = " + w.param(q.ruri_user));
    if (!q.method.empty()) w.add("type = 1 AND method = " + w.param(q.method));
    // Kamailio's sip_capture method column holds a reply's status code (§2.4); sip_trace has
    // a status column for it (§4.6).
    if (q.status) {
      w.add(std::string("type = 2 AND ") + (t.trace ? "status" : "method") + " = " +
            w.param(std::to_string(*q.status)));
    }
  }
  if (!q.ip.empty()) {
    // Stored as canonical text; an IPv4 address may also have come v4-mapped.
    auto ip = core::IpAddress::parse(q.ip);
    std::string text = ip ? ip->unmapped().toString() : q.ip;
    std::string a = w.param(text);
    std::string b = w.param(ip && ip->unmapped().isV4() ? "::ffff:" + text : text);
    w.add("(source_ip IN (" + a + ", " + b + ") OR destination_ip IN (" + a + ", " + b + "))");
  }
  if (!q.node.empty()) {
    // `--node edge1` matches "edge1" and "edge1:2001" (matches() in search.cc).
    std::string n = w.param(q.node) + "::text";
    w.add("(node = " + n + " OR left(node, length(" + n + ") + 1) = " + n + " || ':')");
  }
  return w;
}

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

core::Result<std::vector<Table>, core::Failure> captureTables(pg_conn* conn) {
  // Tables (plain or partitioned) of the current schema with the writer's layout
  // (hep_chunks), and the columns that say what kind each is.
  const char* sql =
      "SELECT c.relname, a.attname FROM pg_class c "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() "
      "AND a.attname IN ('hep_chunks', 'callid', 'traced_user', 'micro_ts', 'date', "
      "'time_stamp') ORDER BY c.relname";
  sink::PgResultPtr r(PQexec(conn, sql));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return core::unexpected(core::Failure{"listing tables: " + sink::pgError(conn), 1});
  }
  std::vector<Table> all;
  std::vector<bool> has_chunks;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    const std::string_view name = value(r.get(), i, 0), column = value(r.get(), i, 1);
    if (all.empty() || all.back().name != name) {
      Table t;
      t.name = std::string(name);
      all.push_back(std::move(t));
      has_chunks.push_back(false);
    }
    Table& t = all.back();
    if (column == "hep_chunks") has_chunks.back() = true;
    if (column == "callid") t.sip = true;
    if (column == "traced_user") t.trace = true;
    if (column == "micro_ts") t.micro_ts = true;
    if (column == "date") t.time_column = "date";
    if (column == "time_stamp") t.time_column = "time_stamp";
  }
  std::vector<Table> out;
  for (size_t i = 0; i < all.size(); ++i) {
    // Homer-6 report tables (homer5_on = 0) keep their time as tss/tsu, without micro_ts.
    // TODO(#12): read them too.
    if (has_chunks[i] && all[i].micro_ts) out.push_back(std::move(all[i]));
  }
  return out;
}

// One row back into the record the collector stored. Every bytes view points into the
// returned buffer.
Found decodeRow(PGresult* r, int i, const std::string& table) {
  auto msg = value(r, i, kMsg), chunks = value(r, i, kChunks), node = value(r, i, kNode),
       corr = value(r, i, kCorrelation);
  auto bytes = std::make_shared<std::vector<std::byte>>(msg.size() + chunks.size() + node.size() +
                                                        corr.size());
  std::byte* at = bytes->data();
  auto put = [&](std::string_view v) {
    if (!v.empty()) std::memcpy(at, v.data(), v.size());
    std::span<const std::byte> span(at, v.size());
    at += v.size();
    return span;
  };
  Found f;
  f.table = table;
  auto& m = f.meta;
  m.payload = put(msg);
  auto chunk_bytes = put(chunks);
  m.node_name = core::asText(put(node));
  m.correlation_id = core::asText(put(corr));
  if (!sink::decodeHepChunks(chunk_bytes, m.other_chunks)) m.other_chunks.clear();
  auto micro = integer<int64_t>(r, i, kMicroTs);
  m.ts_sec = static_cast<uint32_t>(micro / 1'000'000);
  m.ts_usec = static_cast<uint32_t>(micro % 1'000'000);
  m.src_ip = core::IpAddress::parse(value(r, i, kSourceIp)).value_or(core::IpAddress{});
  m.dst_ip = core::IpAddress::parse(value(r, i, kDestinationIp)).value_or(core::IpAddress{});
  m.src_port = static_cast<uint16_t>(integer<int32_t>(r, i, kSourcePort));
  m.dst_port = static_cast<uint16_t>(integer<int32_t>(r, i, kDestinationPort));
  m.ip_family = static_cast<uint8_t>(integer<int32_t>(r, i, kFamily));
  m.ip_proto = static_cast<uint8_t>(integer<int32_t>(r, i, kIpProto));
  m.hep_version = static_cast<uint8_t>(integer<int32_t>(r, i, kHepVersion));
  m.capture_id = static_cast<uint32_t>(integer<int64_t>(r, i, kCaptureId));
  m.payload_type = static_cast<uint8_t>(integer<int32_t>(r, i, kPayloadType));
  m.has_auth_key = value(r, i, kHasAuthKey) == std::string_view("\x01", 1);
  m.payload_compressed = value(r, i, kCompressed) == std::string_view("\x01", 1);
  m.keepalive = static_cast<uint16_t>(integer<int32_t>(r, i, kKeepalive));
  f.block_bytes = std::move(bytes);
  return f;
}

}  // namespace

core::Result<SearchResult, core::Failure> searchPostgres(
    const core::DbUrl& url, const SearchQuery& q, const record::CaptureRowOptions& row_options) {
  auto conn = sink::connectPostgres(url);
  if (!conn.has_value()) return core::unexpected(std::move(conn).error());
  auto tables = captureTables(conn->get());
  if (!tables.has_value()) return core::unexpected(std::move(tables).error());
  SearchResult result;
  for (const auto& t : *tables) {
    if (!t.sip && hasSipFilter(q)) continue;  // report tables have no SIP columns
    Where w = whereFor(q, t);
    std::string sql = std::string("SELECT ") + kSelect + " FROM " + sink::quoteIdent(t.name) +
                      w.sql + " ORDER BY micro_ts DESC LIMIT " + std::to_string(q.limit + 1);
    std::vector<const char*> values;
    for (const auto& p : w.params) values.push_back(p.c_str());
    sink::PgResultPtr r(PQexecParams(conn->get(), sql.c_str(), static_cast<int>(values.size()),
                                     nullptr, values.data(), nullptr, nullptr, /*binary=*/1));
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQnfields(r.get()) != kColumnCount) {
      return core::unexpected(
          core::Failure{"search " + t.name + ": " + sink::pgError(conn->get()), 1});
    }
    ++result.blocks_read;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      Found f = decodeRow(r.get(), i, t.name);
      record::parseSip(f.meta, row_options.fields, f.sip);
      if (matches(q, f.meta, f.sip, row_options)) result.records.push_back(std::move(f));
    }
  }
  std::stable_sort(result.records.begin(), result.records.end(),
                   [](const Found& a, const Found& b) {
                     return a.meta.microsSinceEpoch() > b.meta.microsSinceEpoch();
                   });
  if (result.records.size() > q.limit) {
    result.records.resize(q.limit);
    result.truncated = true;
  }
  return result;
}

}  // namespace siphon::query
