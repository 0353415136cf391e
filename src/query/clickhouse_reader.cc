#include "query/clickhouse_reader.h"

#include <charconv>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "core/byte_reader.h"
#include "query/stored_row.h"
#include "sink/clickhouse/clickhouse_schema.h"
#include "sink/clickhouse/row_binary.h"

namespace siphon::query {
namespace {

// Every integer as Int64, whatever width the table has: one reader for every table.
std::string clickhouseSelectList() {
  std::string out;
  for (auto c : kRecordColumns) {
    if (!out.empty()) out += ", ";
    const bool text = c == "source_ip" || c == "destination_ip" || c == "node" ||
                      c == "correlation_id" || c == "msg" || c == "hep_chunks";
    out += text ? std::string(c) : "toInt64(" + std::string(c) + ")";
  }
  return out;
}

}  // namespace

core::Result<CaptureReaderPtr, core::Failure> ClickHouseReader::open(
    const core::DbUrl& url, const record::CaptureRowOptions& row) {
  auto reader = std::make_unique<ClickHouseReader>(url, row);
  SIPHON_TRY(reader->listTables());
  return CaptureReaderPtr(std::move(reader));
}

core::Result<void, core::Failure> ClickHouseReader::listTables() {
  SIPHON_ASSIGN_OR_RETURN(
      std::string out,
      http_.query("SELECT table, name FROM system.columns WHERE database = currentDatabase() AND "
                  "name IN ('hep_chunks', 'callid', 'callid_aleg', 'traced_user', 'micro_ts', "
                  "'date', 'time_stamp') ORDER BY table FORMAT TabSeparated"));
  struct Seen {
    SqlTable t;
    bool chunks = false, micro = false;
  };
  std::map<std::string, Seen> all;
  size_t at = 0;
  while (at < out.size()) {
    size_t nl = out.find('\n', at);
    if (nl == std::string::npos) nl = out.size();
    const std::string_view line(out.data() + at, nl - at);
    at = nl + 1;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    const std::string name(line.substr(0, tab));
    const std::string_view column = line.substr(tab + 1);
    Seen& s = all[name];
    s.t.name = name;
    if (column == "hep_chunks") s.chunks = true;
    if (column == "micro_ts") s.micro = true;
    if (column == "callid") s.t.sip = true;
    if (column == "callid_aleg") s.t.callid_aleg = true;
    if (column == "traced_user") s.t.trace = true;
    if (column == "date") s.t.time_column = "date";
    if (column == "time_stamp") s.t.time_column = "time_stamp";
  }
  const bool has_keys = all.contains(std::string(sink::kClickHouseKeyTable));
  tables_.clear();
  for (auto& [name, s] : all) {
    if (!s.chunks || !s.micro) continue;
    if (name.ends_with("_all") && all.contains(name.substr(0, name.size() - 4))) continue;
    SqlTable t = s.t;
    t.key_name = name;
    // Read the Distributed table over the cluster when there is one.
    if (all.contains(name + "_all")) t.name = name + "_all";
    // Qualified: on a Distributed table each shard runs the subquery, in its own default
    // database unless the name says which.
    if (has_keys) {
      t.key_table = sink::clickhouseQuoteIdent(http_.database()) + "." +
                    sink::clickhouseQuoteIdent(sink::kClickHouseKeyTable);
    }
    tables_.push_back(std::move(t));
  }
  return {};
}

core::Result<std::string, core::Failure> ClickHouseReader::run(const std::string& sql,
                                                               const SqlWhere& w) {
  if (w.params.empty()) return http_.query(sql);
  sink::ClickHouseTable params{"params", "", ""};
  for (size_t i = 0; i < w.params.size(); ++i) {
    const SqlParam& p = w.params[i];
    params.structure +=
        (i ? ", p" : "p") + std::to_string(i + 1) + (p.integer ? " Int64" : " String");
    if (p.integer) {
      int64_t v = 0;
      std::from_chars(p.text.data(), p.text.data() + p.text.size(), v);
      sink::rowBinaryInt(params.row_binary, v, 8);
    } else {
      sink::rowBinaryString(params.row_binary, p.text);
    }
  }
  return http_.queryWith(sql, {params});
}

core::Result<void, core::Failure> ClickHouseReader::aggregate(const SqlTable& t, const SqlStats& s,
                                                              std::vector<store::StatsRow>& out) {
  auto body = run("SELECT " + s.columns + " FROM " + sink::clickhouseQuoteIdent(t.name) + s.where.sql +
                      " GROUP BY b, k" + s.tail + " FORMAT RowBinary",
                  s.where);
  if (!body.has_value()) {
    return core::unexpected(core::Failure{"statistics of " + t.name + ": " + body.error().message, 1});
  }
  sink::RowBinaryReader r(*body);
  while (!r.empty()) {
    auto b = r.int64();
    auto k = b ? r.string() : std::nullopt;
    auto n = k ? r.int64() : std::nullopt;  // count() is a UInt64: the same 8 bytes
    if (!n) return core::unexpected(core::Failure{"statistics of " + t.name + ": a short row", 1});
    out.push_back({*b, store::StatsDim::Total, std::string(*k), *n});
  }
  return {};
}

core::Result<void, core::Failure> ClickHouseReader::select(const SqlTable& t, const SqlWhere& w,
                                                           const std::string& tail,
                                                           std::vector<Found>& out) {
  auto body = run("SELECT " + clickhouseSelectList() + " FROM " +
                      sink::clickhouseQuoteIdent(t.name) + w.sql + tail + " FORMAT RowBinary",
                  w);
  if (!body.has_value()) {
    return core::unexpected(core::Failure{"read " + t.name + ": " + body.error().message, 1});
  }
  sink::RowBinaryReader r(*body);
  while (!r.empty()) {
    StoredRow row;
    auto i64 = [&](int64_t& v) {
      auto x = r.int64();
      if (x) v = *x;
      return x.has_value();
    };
    auto str = [&](std::string_view& v) {
      auto x = r.string();
      if (x) v = *x;
      return x.has_value();
    };
    int64_t auth = 0, compressed = 0;
    std::string_view msg, chunks;
    if (!i64(row.micro_ts) || !str(row.source_ip) || !i64(row.source_port) ||
        !str(row.destination_ip) || !i64(row.destination_port) || !i64(row.family) ||
        !i64(row.ip_proto) || !i64(row.hep_version) || !i64(row.capture_id) ||
        !i64(row.payload_type) || !i64(auth) || !i64(compressed) || !i64(row.keepalive) ||
        !str(row.node) || !str(row.correlation_id) || !str(msg) || !str(chunks)) {
      return core::unexpected(core::Failure{"read " + t.name + ": a row does not decode", 1});
    }
    row.has_auth_key = auth != 0;
    row.payload_compressed = compressed != 0;
    row.msg = core::asBytes(msg);
    row.hep_chunks = core::asBytes(chunks);
    // No row id: a hash of what makes a message this one (see the header).
    size_t h = std::hash<std::string_view>{}(msg);
    h ^= std::hash<int64_t>{}(row.micro_ts) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= std::hash<std::string_view>{}(row.source_ip) + (h << 6) + (h >> 2);
    h ^= std::hash<std::string_view>{}(row.node) + (h << 6) + (h >> 2);
    row.id = static_cast<int64_t>(h >> 1);
    out.push_back(foundFromRow(row, t.key_name));
  }
  return {};
}

}  // namespace siphon::query
