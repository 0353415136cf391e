#include "sink/clickhouse/clickhouse_writer.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "record/traced_users.h"
#include "sink/clickhouse/clickhouse_schema.h"
#include "sink/postgres/postgres_schema.h"

namespace siphon::sink {

ClickHouseWriter::ClickHouseWriter(ClickHouseWriterOptions options)
    : options_(std::move(options)), http_(options_.url) {
  for (size_t i = 0; i < shapes_.size(); ++i) {
    shapes_[i] = clickhouseRowShape(static_cast<record::ColumnSet>(i));
  }
}

core::Result<void, core::Failure> ClickHouseWriter::open() {
  auto v = http_.version();
  if (!v.has_value()) return core::unexpected(std::move(v).error());
  // TTL on MergeTree tables came with ClickHouse 19.6.
  has_ttl_ = v->first > 19 || (v->first == 19 && v->second >= 6);
  return {};
}

ClickHouseWriter::Rows& ClickHouseWriter::rowsFor(std::string_view table, record::ColumnSet set) {
  for (auto& [name, rows] : tables_) {
    if (name == table) return rows;
  }
  return tables_.emplace_back(std::string(table), Rows{set, {}, 0, 0}).second;
}

void ClickHouseWriter::addRow(Rows& rows, const core::CaptureMeta& meta) {
  using record::ColumnType;
  std::string& out = rows.data;
  for (const record::CaptureColumn& c : record::captureColumns(rows.set)) {
    if (!c.in(record::kInPostgres)) continue;
    switch (c.type) {
      case ColumnType::Timestamp:
        rowBinaryInt(out, c.value(meta, row_).integer / 1'000'000, 4);  // DateTime: UInt32
        break;
      case ColumnType::Text:
        rowBinaryString(out, c.value(meta, row_).text);
        break;
      case ColumnType::OptionalText: {
        const record::ColumnValue v = c.value(meta, row_);
        out += static_cast<char>(v.null ? 1 : 0);
        if (!v.null) rowBinaryString(out, v.text);
        break;
      }
      case ColumnType::Integer:
      case ColumnType::Boolean: {
        const std::string type = clickhouseType(c);
        const size_t bytes = type.starts_with("Int64") ? 8
                             : type.starts_with("Int32") ? 4
                             : type.starts_with("Int16") ? 2
                                                         : 1;
        rowBinaryInt(out, c.value(meta, row_).integer, bytes);
        break;
      }
      case ColumnType::Payload:
        rowBinaryString(out, std::string_view(reinterpret_cast<const char*>(meta.payload.data()),
                                              meta.payload.size()));
        break;
      case ColumnType::Chunks: {
        std::string chunks;
        encodeHepChunks(meta.other_chunks, chunks);
        rowBinaryString(out, chunks);
        break;
      }
    }
  }
  ++rows.rows;
}

void ClickHouseWriter::addKeys(std::string_view table, const core::CaptureMeta& meta) {
  const auto& f = row_.sip();
  auto key = [&](ClickHouseKey kind, std::string_view value) {
    if (value.empty()) return;
    keys_ += static_cast<char>(kind);
    rowBinaryString(keys_, value);
    rowBinaryInt(keys_, meta.microsSinceEpoch() / 1'000'000, 4);
    rowBinaryInt(keys_, meta.microsSinceEpoch(), 8);
    rowBinaryString(keys_, f.callid);
    rowBinaryString(keys_, table);
    ++key_rows_;
  };
  key(ClickHouseKey::FromUser, f.from_user);
  key(ClickHouseKey::ToUser, f.to_user);
  key(ClickHouseKey::RuriUser, f.ruri_user);
  key(ClickHouseKey::Ip, row_.source_ip);
  if (row_.destination_ip != row_.source_ip) key(ClickHouseKey::Ip, row_.destination_ip);
  if (row_.correlationId() != f.callid) key(ClickHouseKey::Correlation, row_.correlationId());
  key(ClickHouseKey::CallIdAleg, f.callid_aleg);
}

core::Result<void, core::Failure> ClickHouseWriter::ensureTable(const std::string& table,
                                                                record::ColumnSet set) {
  if (created_.contains(table)) return {};
  for (const auto& sql : clickhouseCreateTable(table, set, options_.cluster, daysFor(table),
                                               has_ttl_)) {
    if (auto r = http_.query(sql); !r.has_value()) {
      return core::unexpected(core::Failure{"create " + table + ": " + r.error().message, 1});
    }
  }
  created_.insert(table);
  return {};
}

void ClickHouseWriter::build(std::span<const record::RecordPtr> batch) {
  tables_.clear();
  keys_.clear();
  key_rows_ = 0;
  for (const auto& r : batch) {
    const auto& meta = r->meta();
    record::buildCaptureRow(meta, r->sip, options_.row, row_);
    if (options_.trace_tables && !row_.trace_table.empty() && r->sip.isSip()) {
      std::string_view table = names_.expand(row_.trace_table, meta.microsSinceEpoch());
      Rows& rows = rowsFor(table, record::ColumnSet::SipTrace);
      for (const auto& user : record::tracedUserList(row_.traced_users)) {
        row_.traced_user = user;
        addRow(rows, meta);
      }
      ++rows.records;
      addKeys(table, meta);
      continue;
    }
    std::string_view pattern = r->table.empty() ? record::reportTableName(r->sip.kind) : r->table;
    std::string_view table = names_.expand(pattern, meta.microsSinceEpoch());
    Rows& rows = rowsFor(table, record::columnSetFor(r->sip.kind, options_.row.homer6_reports));
    addRow(rows, meta);
    ++rows.records;
    if (r->sip.isSip()) addKeys(table, meta);
  }
}

core::Result<void, core::Failure> ClickHouseWriter::ensureKeyTable() {
  if (created_.contains(kClickHouseKeyTable)) return {};
  for (const auto& sql : clickhouseCreateKeyTable(options_.cluster, daysFor(kClickHouseKeyTable), has_ttl_)) {
    SIPHON_TRY(http_.query(sql));
  }
  created_.insert(std::string(kClickHouseKeyTable));
  return {};
}

core::Result<void, core::Failure> ClickHouseWriter::write(std::span<const record::RecordPtr> batch) {
  build(batch);
  if (tables_.empty()) return {};
  SIPHON_TRY(ensureKeyTable());
  if (key_rows_ > 0) SIPHON_TRY(insert(kClickHouseKeyTable, clickhouseKeyShape(), keys_));
  for (auto& [table, rows] : tables_) {
    SIPHON_TRY(ensureTable(table, rows.set));
    SIPHON_TRY(insert(table, shape(rows.set), rows.data));
  }
  return {};
}

core::Result<uint64_t, core::Failure> ClickHouseWriter::rewrite(
    std::span<const record::RecordPtr> batch) {
  build(batch);
  if (tables_.empty()) return uint64_t{0};
  SIPHON_TRY(ensureKeyTable());
  if (key_rows_ > 0) {
    SIPHON_TRY(insertMissing(kClickHouseKeyTable, clickhouseKeyShape(), keys_, key_rows_));
  }
  uint64_t found = 0;
  for (auto& [table, rows] : tables_) {
    SIPHON_TRY(ensureTable(table, rows.set));
    SIPHON_ASSIGN_OR_RETURN(uint64_t present, insertMissing(table, shape(rows.set), rows.data, rows.rows));
    // Records, not rows: a sip_trace record is one row per traced user.
    found += present >= rows.rows ? rows.records : std::min<uint64_t>(present, rows.records);
  }
  return found;
}

core::Result<void, core::Failure> ClickHouseWriter::insert(std::string_view table,
                                                           const ClickHouseRowShape& shape,
                                                           const std::string& data) {
  const std::string sql = "INSERT INTO " + clickhouseQuoteIdent(table) + " (" + shape.columns +
                          ") FORMAT RowBinary";
  auto r = http_.insert(sql, std::as_bytes(std::span<const char>(data.data(), data.size())));
  if (!r.has_value()) {
    return core::unexpected(core::Failure{"insert into " + std::string(table) + ": " + r.error().message, 1});
  }
  return {};
}

core::Result<uint64_t, core::Failure> ClickHouseWriter::insertMissing(
    std::string_view table, const ClickHouseRowShape& shape, const std::string& data,
    uint64_t rows) {
  // The batch as the external table `batch`; the table's rows in the batch's time range (its
  // partitions and hours: the primary key's first column) are the ones it may already hold.
  const std::vector<ClickHouseTable> ext = {{"batch", shape.structure, data}};
  const std::string held = "SELECT " + shape.identity + " FROM " + clickhouseQuoteIdent(table) +
                           " WHERE " + shape.time + " >= (SELECT min(" + shape.time +
                           ") FROM batch) AND " + shape.time + " <= (SELECT max(" + shape.time +
                           ") FROM batch)";
  SIPHON_ASSIGN_OR_RETURN(std::string counted,
                          http_.queryWith("SELECT count() FROM batch WHERE " + shape.identity +
                                              " IN (" + held + ")",
                                          ext));
  uint64_t present = 0;
  std::from_chars(counted.data(), counted.data() + counted.size(), present);
  if (present == 0) {
    SIPHON_TRY(insert(table, shape, data));
  } else if (present < rows) {
    // Part of it (a batch over two days is two parts, one per partition): the rest.
    auto r = http_.queryWith("INSERT INTO " + clickhouseQuoteIdent(table) + " (" + shape.columns +
                                 ") SELECT " + shape.columns + " FROM batch WHERE " +
                                 shape.identity + " NOT IN (" + held + ")",
                             ext);
    if (!r.has_value()) {
      return core::unexpected(core::Failure{"insert into " + std::string(table) + ": " + r.error().message, 1});
    }
  }
  return present;
}

int ClickHouseWriter::daysFor(std::string_view table) const {
  if (table != kClickHouseKeyTable) return options_.retention.daysFor(table);
  // The key table serves every table: it keeps as long as the longest kept one (forever when
  // any table is, as the tables no rule names are without retention_days).
  int most = options_.retention.defaultDays();
  if (most == 0) return 0;
  for (const auto& r : options_.retention.rules()) {
    if (r.days == 0) return 0;
    most = std::max(most, r.days);
  }
  return most;
}

Expired ClickHouseWriter::maintain(int64_t now_us) {
  // Nothing to prune before this writer has seen its tables (the lane's first idle ticks).
  if (!options_.retention.enabled() || has_ttl_ || created_.empty() ||
      now_us - pruned_us_ < 3'600'000'000) {
    return {};
  }
  pruned_us_ = now_us;
  auto r = prune(now_us);
  if (!r.has_value()) {
    std::fprintf(stderr, "siphon: clickhouse: retention: %s\n", r.error().message.c_str());
    return {};
  }
  if (r->tables > 0) {
    std::fprintf(stderr, "siphon: clickhouse: retention: dropped %llu day partitions (%llu rows)\n",
                 static_cast<unsigned long long>(r->tables),
                 static_cast<unsigned long long>(r->records));
  }
  return *r;
}

core::Result<Expired, core::Failure> ClickHouseWriter::prune(int64_t now_us) {
  Expired out;
  if (!options_.retention.enabled() || has_ttl_ || created_.empty()) return out;
  SIPHON_ASSIGN_OR_RETURN(
      std::string parts,
      http_.query("SELECT table, partition, sum(rows) FROM system.parts WHERE database = "
                  "currentDatabase() AND active GROUP BY table, partition FORMAT TabSeparated"));
  size_t at = 0;
  while (at < parts.size()) {
    size_t nl = parts.find('\n', at);
    if (nl == std::string::npos) nl = parts.size();
    const std::string line = parts.substr(at, nl - at);
    at = nl + 1;
    const size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos || t2 == std::string::npos) continue;
    const std::string table = line.substr(0, t1), partition = line.substr(t1 + 1, t2 - t1 - 1);
    // Only tables this writer made, and only partitions that are a day number.
    if (!created_.contains(table) || partition.size() != 8 ||
        partition.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const int days = daysFor(table);
    if (days <= 0) continue;
    // The first day to keep, as toYYYYMMDD writes it.
    const std::string day = record::formatSqlDate(now_us / 1'000'000 - int64_t{days} * 86400);
    const std::string keep_from = day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
    if (partition >= keep_from) continue;
    SIPHON_TRY(http_.query("ALTER TABLE " + clickhouseQuoteIdent(table) + " DROP PARTITION " +
                           partition));
    uint64_t rows = 0;
    std::from_chars(line.data() + t2 + 1, line.data() + line.size(), rows);
    if (table != kClickHouseKeyTable) out.records += rows;
    ++out.tables;
  }
  return out;
}

}  // namespace siphon::sink
