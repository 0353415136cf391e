#pragma once
// ClickHouseWriter: how a batch goes into ClickHouse (db_url = clickhouse://host:8123/db), the
// BatchWriter behind the collector's ClickHouse storage lane (sink/database/database_sink.h:
// retries, the spool, the replay).
//
// A batch is, per table, one `INSERT INTO table (columns) FORMAT RowBinary` over HTTP: the rows
// as typed binary values, never SQL text. A MergeTree insert of one block is atomic: it is all
// there or not at all (one part per day partition it touches). The key rows (siphon_keys,
// clickhouse_schema.h) go first, then one insert per table (strftime table names; ClickHouse
// partitions by day, so one table is the better layout). So a failed write may have left some
// of its inserts behind, and one that failed on a broken connection (the server killed after
// it committed, before it answered) may have left all of them: write() is not all or nothing.
// rewrite() is what makes the replay store each message once anyway: it sends the batch as an
// external table, counts the rows the table already holds in the batch's time range (compared
// by clickhouseRowShape's identity) and inserts only the others.
//
// Tables are created the first time a writer sees them; with clickhouse_cluster the
// Distributed tables `<table>_all` too. Retention (sink/retention.h, days per table): TTL where
// the server has it (19.6+), else the writer drops day partitions past it, once an hour
// (prune()).
//
// One connection, confined to the lane's (or a WriterCrew's) thread.

#include <array>
#include <chrono>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/db_url.h"
#include "core/result.h"
#include "process/table_router.h"
#include "record/capture_columns.h"
#include "record/capture_row.h"
#include "sink/clickhouse/clickhouse_http.h"
#include "sink/clickhouse/clickhouse_schema.h"
#include "sink/clickhouse/row_binary.h"
#include "sink/database/batch_writer.h"
#include "sink/database/sql_writer_options.h"
#include "sink/retention.h"

namespace siphon::sink {

struct ClickHouseWriterOptions : SqlWriterOptions {
  std::string cluster;  ///< clickhouse_cluster: Distributed tables over it; "" none
};

class ClickHouseWriter final : public BatchWriter {
 public:
  explicit ClickHouseWriter(ClickHouseWriterOptions options);

  [[nodiscard]] core::Result<void, core::Failure> open() override;
  [[nodiscard]] core::Result<void, core::Failure> write(
      std::span<const record::RecordPtr> batch) override;
  /// Per table (siphon_keys too): the rows already there are left out of the insert.
  [[nodiscard]] core::Result<uint64_t, core::Failure> rewrite(
      std::span<const record::RecordPtr> batch) override;
  void disconnect() override { http_.reset(); }
  /// Aborts the request in flight and fails every later one (ClickHouseHttp::interrupt).
  void interrupt() override { http_.interrupt(); }
  /// prune() once an hour.
  Expired maintain(int64_t now_us) override;

  /// Drops the day partitions past each table's retention from every table this writer made,
  /// on a server without TTL (their rows counted from system.parts).
  [[nodiscard]] core::Result<Expired, core::Failure> prune(int64_t now_us);

 private:
  struct Rows {
    record::ColumnSet set;
    std::string data;  ///< RowBinary
    size_t rows = 0;
    size_t records = 0;  ///< fewer than rows in sip_trace: a row per traced user
  };
  /// The batch in RowBinary, per table (tables_) and for siphon_keys (keys_).
  void build(std::span<const record::RecordPtr> batch);
  Rows& rowsFor(std::string_view table, record::ColumnSet set);
  [[nodiscard]] const ClickHouseRowShape& shape(record::ColumnSet set) const {
    return shapes_[static_cast<size_t>(set)];
  }
  [[nodiscard]] core::Result<void, core::Failure> ensureKeyTable();
  [[nodiscard]] core::Result<void, core::Failure> insert(std::string_view table,
                                                       const ClickHouseRowShape& shape,
                                                       const std::string& data);
  /// Inserts the rows of `data` (`rows` of them) that `table` does not hold yet; returns how
  /// many it held.
  [[nodiscard]] core::Result<uint64_t, core::Failure> insertMissing(std::string_view table,
                                                                    const ClickHouseRowShape& shape,
                                                                    const std::string& data,
                                                                    uint64_t rows);
  /// The table's retention in days; siphon_keys keeps as long as the longest kept table.
  [[nodiscard]] int daysFor(std::string_view table) const;
  void addRow(Rows& rows, const core::CaptureMeta& meta);
  void addKeys(std::string_view table, const core::CaptureMeta& meta);
  [[nodiscard]] core::Result<void, core::Failure> ensureTable(const std::string& table,
                                                             record::ColumnSet set);

  ClickHouseWriterOptions options_;
  ClickHouseHttp http_;
  std::array<ClickHouseRowShape, 4> shapes_;  ///< per record::ColumnSet
  process::TableNames names_;
  bool has_ttl_ = false;
  std::set<std::string, std::less<>> created_;
  std::vector<std::pair<std::string, Rows>> tables_;  ///< the batch, per table
  std::string keys_;                                  ///< the batch's siphon_keys rows
  size_t key_rows_ = 0;
  record::CaptureRow row_;
  int64_t pruned_us_ = 0;  ///< when prune() last ran
};

}  // namespace siphon::sink
