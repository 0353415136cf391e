#include "sink/postgres/postgres_sink.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "record/capture_columns.h"
#include "record/traced_users.h"
#include "record/utf8.h"
#include "sink/postgres/postgres_schema.h"

namespace siphon::sink {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Sequence length announced by a UTF-8 lead byte (RFC 3629 §4), 0 when it cannot lead.
size_t utf8Length(unsigned char b) {
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

// PostgreSQL text must be valid in the database encoding (UTF-8) and cannot hold NUL: one bad
// header value would otherwise fail every record of its batch. The raw bytes stay in msg.
void appendText(std::string& out, std::string_view v) {
  if (v.empty()) return;  // an empty view may have no data() at all
  if (std::memchr(v.data(), 0, v.size()) == nullptr && record::isValidUtf8(v)) {
    out.append(v);
    return;
  }
  for (size_t i = 0; i < v.size();) {
    auto b = static_cast<unsigned char>(v[i]);
    if (b != 0 && b < 0x80) {
      out += v[i++];
      continue;
    }
    size_t n = utf8Length(b);
    if (n != 0 && n <= v.size() - i && record::isValidUtf8(v.substr(i, n))) {
      out.append(v.substr(i, n));
      i += n;
      continue;
    }
    out.append(kReplacement);
    ++i;
  }
}

}  // namespace

PostgresSinkOptions PostgresSinkOptions::from(core::DbUrl url, const StoreSinkOptions& store) {
  PostgresSinkOptions o;
  o.url = std::move(url);
  o.row = store.row;
  o.batch_size = store.batch_size;
  o.flush_interval = store.flush_interval;
  o.insert_retries = store.insert_retries;
  o.insert_retry_timeout = store.insert_retry_timeout;
  o.trace_tables = store.trace_to_database;
  return o;
}

// ---- PgRowBuffer ---------------------------------------------------------------------------

PgRowBuffer::PgRowBuffer(record::ColumnSet set)
    : set_(set), columns_(postgresColumns(set).size()) {}

void PgRowBuffer::text(std::string_view v) {
  Slot s;
  s.offset = static_cast<uint32_t>(data_.size());
  appendText(data_, v);
  s.length = static_cast<uint32_t>(data_.size() - s.offset);
  // libpq reads a text-format parameter up to its NUL and ignores the length given with it.
  data_ += '\0';
  slots_.push_back(s);
}

void PgRowBuffer::integer(int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;  // 24 bytes hold any int64
  text(std::string_view(buf, static_cast<size_t>(end - buf)));
}

void PgRowBuffer::boolean(bool v) { text(v ? "t" : "f"); }

void PgRowBuffer::bytes(std::span<const std::byte> v) {
  Slot s;
  s.offset = static_cast<uint32_t>(data_.size());
  s.length = static_cast<uint32_t>(v.size());
  s.binary = true;  // bytea in binary format: the bytes as they are, no escaping
  data_.append(reinterpret_cast<const char*>(v.data()), v.size());
  slots_.push_back(s);
}

void PgRowBuffer::null() {
  Slot s;
  s.null = true;
  slots_.push_back(s);
}

void PgRowBuffer::add(const core::CaptureMeta& meta, const record::CaptureRow& row) {
  using record::ColumnType;
  for (const record::CaptureColumn& c : record::captureColumns(set_)) {
    if (!c.in(record::kInPostgres)) continue;
    switch (c.type) {
      case ColumnType::Timestamp:
        text(record::formatSqlDate(c.value(meta, row).integer / 1'000'000));
        break;
      case ColumnType::Text:
        text(c.value(meta, row).text);
        break;
      case ColumnType::OptionalText: {
        record::ColumnValue v = c.value(meta, row);
        if (v.null) {
          null();
        } else {
          text(v.text);
        }
        break;
      }
      case ColumnType::Integer:
        integer(c.value(meta, row).integer);
        break;
      case ColumnType::Boolean:
        boolean(c.value(meta, row).integer != 0);
        break;
      case ColumnType::Payload:
        bytes(meta.payload);
        break;
      case ColumnType::Chunks: {
        Slot s;
        s.offset = static_cast<uint32_t>(data_.size());
        encodeHepChunks(meta.other_chunks, data_);
        s.length = static_cast<uint32_t>(data_.size() - s.offset);
        s.binary = true;
        slots_.push_back(s);
        break;
      }
    }
  }
  ++rows_;
}

PgRowBuffer::Param PgRowBuffer::param(size_t i) const {
  const Slot& s = slots_[i];
  if (s.null) return {nullptr, 0, 0};
  return {data_.data() + s.offset, static_cast<int>(s.length), s.binary ? 1 : 0};
}

// ---- PostgresSink --------------------------------------------------------------------------

PostgresSink::PostgresSink(PostgresSinkOptions options, const core::Clock& clock)
    : Sink("postgres " + options.url.redacted(), storeCounterNames()),
      options_(std::move(options)),
      clock_(clock) {}

PostgresSink::~PostgresSink() { close(); }

core::Result<void, core::Failure> PostgresSink::open() {
  auto c = connectPostgres(options_.url);
  if (!c.has_value()) return core::unexpected(std::move(c).error());
  conn_ = std::move(*c);
  return {};
}

SinkTiming PostgresSink::timing() const {
  return {options_.batch_size, options_.flush_interval, /*fill=*/true};
}

void PostgresSink::writeFailed(std::span<const record::RecordPtr> batch,
                               std::string_view what) noexcept {
  std::fprintf(stderr, "siphon: postgres sink: %.*s\n", static_cast<int>(what.size()), what.data());
  counters_.drop(StoreDrop::StorageError, batch.size());
  conn_.reset();  // it may be inside a transaction that will never end
}

core::Result<void, core::Failure> PostgresSink::insertRows(const std::string& table,
                                                           const PgRowBuffer& rows) {
  const size_t cols = rows.columns();
  const size_t per_statement = std::max<size_t>(1, kMaxParams / cols);
  auto names = postgresColumns(rows.columnSet());
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (size_t first = 0; first < rows.rows(); first += per_statement) {
    size_t n = std::min(per_statement, rows.rows() - first);
    std::string sql = "INSERT INTO " + quoteIdent(table) + " (";
    for (size_t c = 0; c < cols; ++c) {
      if (c) sql += ',';
      sql += names[c];
    }
    sql += ") VALUES ";
    size_t p = 1;
    for (size_t r = 0; r < n; ++r) {
      sql += r ? ",(" : "(";
      for (size_t c = 0; c < cols; ++c) {
        if (c) sql += ',';
        sql += '$';
        sql += std::to_string(p++);
      }
      sql += ')';
    }
    values.clear();
    lengths.clear();
    formats.clear();
    for (size_t i = first * cols; i < (first + n) * cols; ++i) {
      auto prm = rows.param(i);
      values.push_back(prm.value);
      lengths.push_back(prm.length);
      formats.push_back(prm.format);
    }
    PgResultPtr res(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()),
                                 /*paramTypes=*/nullptr, values.data(), lengths.data(),
                                 formats.data(), /*resultFormat=*/0));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return core::unexpected(
          core::Failure{"insert into " + table + ": " + pgError(conn_.get()), 1});
    }
  }
  return {};
}

core::Result<void, core::Failure> PostgresSink::tryWrite() {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    conn_.reset();
    created_.clear();
    auto c = connectPostgres(options_.url);
    if (!c.has_value()) return core::unexpected(std::move(c).error());
    conn_ = std::move(*c);
  }
  SIPHON_TRY(pgExec(conn_.get(), "BEGIN"));
  std::vector<std::string> created;
  for (const auto& [table, rows] : tables_) {
    if (!created_.contains(table)) {
      for (const auto& sql : postgresCreateTable(table, rows.columnSet())) {
        if (auto r = pgExec(conn_.get(), sql); !r.has_value()) {
          return core::unexpected(core::Failure{"create " + table + ": " + r.error().message, 1});
        }
      }
      created.push_back(table);
    }
    SIPHON_TRY(insertRows(table, rows));
  }
  SIPHON_TRY(pgExec(conn_.get(), "COMMIT"));
  created_.insert(created.begin(), created.end());  // only what a commit made real
  return {};
}

PgRowBuffer& PostgresSink::rowsFor(std::string_view table, record::ColumnSet set) {
  for (auto& [name, rows] : tables_) {
    if (name == table) return rows;
  }
  return tables_.emplace_back(std::string(table), PgRowBuffer(set)).second;
}

void PostgresSink::write(std::span<const record::RecordPtr> batch) {
  tables_.clear();
  for (const auto& r : batch) {
    const auto& meta = r->meta();
    record::buildCaptureRow(meta, r->sip, options_.row, row_);
    if (options_.trace_tables && !row_.trace_table.empty() && r->sip.isSip()) {
      // A table a sender's chunk names is only ever a bound identifier (quoteIdent).
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
  if (batch.empty()) return;

  // insert_retries / insert_retry_timeout as Kamailio: retry at once, stop after the count or
  // the time is exceeded (docs/HEP-AND-MODULES.md §2.7).
  auto first_failure = clock_.steadyNow();
  int failures = 0;
  for (;;) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = tryWrite();
    if (r.has_value()) {
      countCommit(counters_, batch.size(), t0);
      if (failing_) std::fprintf(stderr, "siphon: postgres: writing again\n");
      failing_ = false;
      break;
    }
    // Whatever state the connection is in (broken, or inside an aborted transaction), the
    // next attempt starts from a new one; tables are checked again on it.
    conn_.reset();
    created_.clear();
    if (failures == 0) first_failure = clock_.steadyNow();
    ++failures;
    if (failures > options_.insert_retries ||
        clock_.steadyNow() - first_failure > options_.insert_retry_timeout) {
      // One line per failing batch would flood the log while the server is down: say it when
      // it starts; the storage_error counter tells the rest.
      if (!failing_) {
        std::fprintf(stderr,
                     "siphon: postgres: %s; %zu records dropped (and further batches "
                     "until the database is back)\n",
                     r.error().message.c_str(), batch.size());
      }
      failing_ = true;
      counters_.drop(StoreDrop::StorageError, batch.size());
      break;
    }
  }
}

}  // namespace siphon::sink
