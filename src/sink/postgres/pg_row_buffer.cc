#include "sink/postgres/pg_row_buffer.h"

#include <cstring>
#include <type_traits>

#include "record/utf8.h"
#include "sink/postgres/postgres_schema.h"

namespace siphon::sink {

PgWireType pgWireType(std::string_view t) {
  if (t.starts_with("TIMESTAMP")) return PgWireType::Timestamp;
  if (t.starts_with("SMALLINT")) return PgWireType::Int2;
  if (t.starts_with("INTEGER")) return PgWireType::Int4;
  if (t.starts_with("BIGINT")) return PgWireType::Int8;
  if (t.starts_with("BOOLEAN")) return PgWireType::Bool;
  if (t.starts_with("BYTEA")) return PgWireType::Bytea;
  return PgWireType::Text;
}

PgRowBuffer::PgRowBuffer(record::ColumnSet set) : set_(set) {
  for (const auto& c : record::captureColumns(set)) {
    if (c.in(record::kInPostgres)) types_.push_back(pgWireType(c.postgres_type));
  }
  // COPY binary signature, flags (no OIDs), header extension length.
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";
  data_.append(kSignature, sizeof kSignature);  // with its terminating NUL: 11 bytes
  integer<int32_t>(0);
  integer<int32_t>(0);
}

template <class T>
void PgRowBuffer::integer(T v) {
  using U = std::make_unsigned_t<T>;
  const U u = static_cast<U>(v);
  for (size_t i = sizeof(T); i-- > 0;) data_ += static_cast<char>((u >> (8 * i)) & 0xFF);
}

void PgRowBuffer::length(int32_t n) { integer<int32_t>(n); }

void PgRowBuffer::text(std::string_view v) {
  const size_t at = data_.size();
  length(0);
  record::appendDatabaseText(data_, v);
  const auto n = static_cast<uint32_t>(data_.size() - at - 4);
  for (size_t i = 0; i < 4; ++i) data_[at + i] = static_cast<char>((n >> (8 * (3 - i))) & 0xFF);
}

void PgRowBuffer::bytes(std::span<const std::byte> v) {
  length(static_cast<int32_t>(v.size()));
  data_.append(reinterpret_cast<const char*>(v.data()), v.size());
}

void PgRowBuffer::add(const core::CaptureMeta& meta, const record::CaptureRow& row) {
  using record::ColumnType;
  // PostgreSQL's timestamp epoch is 2000-01-01 00:00:00 UTC (946684800 s after Unix's).
  constexpr int64_t kPgEpochMicros = 946'684'800'000'000;
  SIPHON_ASSERT(!sealed_, "a row after copyData() would follow the COPY trailer");
  integer<int16_t>(static_cast<int16_t>(types_.size()));
  size_t i = 0;
  for (const record::CaptureColumn& c : record::captureColumns(set_)) {
    if (!c.in(record::kInPostgres)) continue;
    const PgWireType wire = types_[i++];
    switch (c.type) {
      case ColumnType::Timestamp: {
        // Whole seconds, as Kamailio's date column (the microseconds are micro_ts's).
        const int64_t us = c.value(meta, row).integer / 1'000'000 * 1'000'000;
        length(8);
        integer<int64_t>(us - kPgEpochMicros);
        break;
      }
      case ColumnType::Text:
        text(c.value(meta, row).text);
        break;
      case ColumnType::OptionalText: {
        record::ColumnValue v = c.value(meta, row);
        if (v.null) {
          length(-1);
        } else {
          text(v.text);
        }
        break;
      }
      case ColumnType::Integer:
      case ColumnType::Boolean: {
        const int64_t v = c.value(meta, row).integer;
        switch (wire) {
          case PgWireType::Int2:
            length(2);
            integer<int16_t>(static_cast<int16_t>(v));
            break;
          case PgWireType::Int4:
            length(4);
            integer<int32_t>(static_cast<int32_t>(v));
            break;
          case PgWireType::Bool:
            length(1);
            data_ += static_cast<char>(v != 0 ? 1 : 0);
            break;
          default:
            length(8);
            integer<int64_t>(v);
            break;
        }
        break;
      }
      case ColumnType::Payload:
        bytes(meta.payload);
        break;
      case ColumnType::Chunks: {
        const size_t at = data_.size();
        length(0);
        encodeHepChunks(meta.other_chunks, data_);
        const auto n = static_cast<uint32_t>(data_.size() - at - 4);
        for (size_t k = 0; k < 4; ++k) data_[at + k] = static_cast<char>((n >> (8 * (3 - k))) & 0xFF);
        break;
      }
    }
  }
  ++rows_;
}

std::span<const std::byte> PgRowBuffer::copyData() {
  if (!sealed_) {
    integer<int16_t>(-1);  // file trailer
    sealed_ = true;
  }
  return std::as_bytes(std::span<const char>(data_.data(), data_.size()));
}

}  // namespace siphon::sink
