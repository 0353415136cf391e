#pragma once
// PgRowBuffer: the rows of one batch for one PostgreSQL table, as the data of one
// `COPY table (columns) FROM STDIN (FORMAT binary)` (postgres_writer.h).
//
// Why binary COPY: the rows travel as typed values, not SQL text, so no captured byte is ever
// part of a statement (the safety bound parameters gave), and the server neither parses a
// multi-row INSERT nor converts text to integers and timestamps: several times the rows per
// second of the INSERT it replaced (bench/load/db_ingest.sh).
//
// The format (PostgreSQL docs, "COPY", Binary Format): the 11-byte signature
// "PGCOPY\n\377\r\n\0", a 32-bit flags field and a 32-bit header-extension length (both 0);
// per row a 16-bit field count, then per field a 32-bit length (-1 for NULL) and the value in
// the type's binary send form, big-endian: int2/int4/int8, bool as one byte, text and bytea
// as their bytes, timestamp as int8 microseconds since 2000-01-01 00:00:00; then -1 as a
// 16-bit trailer. Binary COPY needs each value's exact type, so the widths come from the
// column's CREATE TABLE type (record/capture_columns.h), the one place that says it.
//
// Columns are the PostgreSQL columns of record/capture_columns.h, read from the record's one
// SIP parse like every other store and printer. Text values are repaired to valid UTF-8
// without NUL bytes where a header was not (PostgreSQL would refuse the whole batch); msg and
// hep_chunks stay binary, byte-exact.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/capture.h"
#include "record/capture_columns.h"
#include "record/capture_row.h"

namespace siphon::sink {

/// How a column's value is sent in binary COPY, from its CREATE TABLE type.
enum class PgWireType : uint8_t { Timestamp, Int2, Int4, Int8, Bool, Text, Bytea };

/// The wire type of a postgres_type ("BIGINT NOT NULL" -> Int8, "TEXT" -> Text, ...).
[[nodiscard]] PgWireType pgWireType(std::string_view postgres_type);

class PgRowBuffer {
 public:
  explicit PgRowBuffer(record::ColumnSet set);
  /// Appends one record's row, in the order of postgresColumns(set). `row` must be
  /// buildCaptureRow() of `meta` (with its traced_user set, for a SipTrace row). Not after
  /// copyData().
  void add(const core::CaptureMeta& meta, const record::CaptureRow& row);
  [[nodiscard]] record::ColumnSet columnSet() const { return set_; }
  [[nodiscard]] size_t rows() const { return rows_; }
  [[nodiscard]] size_t columns() const { return types_.size(); }
  /// The whole COPY data: signature, header, the rows, the trailer.
  [[nodiscard]] std::span<const std::byte> copyData();

 private:
  void length(int32_t n);
  void text(std::string_view v);
  void bytes(std::span<const std::byte> v);
  template <class T>
  void integer(T v);

  record::ColumnSet set_;
  std::vector<PgWireType> types_;  ///< per column written, in order
  size_t rows_ = 0;
  std::string data_;  ///< signature and header, then the rows
  bool sealed_ = false;
};

}  // namespace siphon::sink
