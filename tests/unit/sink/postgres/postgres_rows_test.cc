// The PostgreSQL writer's pure parts, without a server: the binary COPY data of a batch (its
// framing, each value's wire form, NULLs, byte-exact msg, repaired text), the table DDL, and
// the HEP chunk column round trip. The writer against a real server is
// tests/integration/postgres_sink_test.sh.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_order.h"
#include "core/byte_reader.h"
#include "hep/siphon_chunks.h"
#include "record/utf8.h"
#include "sink/postgres/postgres_connection.h"
#include "sink/postgres/postgres_schema.h"
#include "sink/postgres/pg_row_buffer.h"

namespace siphon::sink {
namespace {

using namespace std::string_literals;
using record::buildCaptureRow;
using record::CaptureRow;
using record::ColumnSet;
using record::reportTableName;
using record::RowKind;

// The User-Agent value holds a byte that is not UTF-8 and a NUL (kept by the ""s literal).
const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
    "Call-ID: call-1@example.com\r\nCSeq: 1 INVITE\r\nUser-Agent: x\xff\x00y\r\n"
    "Content-Length: 0\r\n\r\n"s;

core::Capture capture(const std::string& payload, uint8_t payload_type) {
  core::Capture c;
  c.raw.assign(reinterpret_cast<const std::byte*>(payload.data()),
               reinterpret_cast<const std::byte*>(payload.data()) + payload.size());
  c.meta.hep_version = 3;
  c.meta.ip_proto = 17;
  c.meta.src_ip = *core::IpAddress::parse("10.0.0.1");
  c.meta.dst_ip = *core::IpAddress::parse("::1");
  c.meta.src_port = 5060;
  c.meta.dst_port = 5062;
  c.meta.ts_sec = 1700000000;  // 2023-11-14 22:13:20 UTC
  c.meta.ts_usec = 42;
  c.meta.capture_id = 7;
  c.meta.payload_type = payload_type;
  c.meta.payload = c.raw;
  return c;
}

// Appends the record's row to `b` as PostgresSink::write does: the one parse, the columns.
// Returns the row kind the parse found.
RowKind addRow(PgRowBuffer& b, const core::CaptureMeta& meta,
               const record::CaptureRowOptions& options = {}) {
  record::ParsedSip sip;
  record::parseSip(meta, {}, sip);
  CaptureRow row;
  buildCaptureRow(meta, sip, options, row);
  b.add(meta, row);
  return row.kind();
}

// One field of the COPY data: its bytes, or nullopt for NULL, with the column's wire type.
struct Field {
  std::optional<std::string> bytes;
  PgWireType type;
};

// Reads PgRowBuffer's COPY data back (PostgreSQL docs, "COPY", Binary Format), row-major.
std::vector<Field> copyFields(PgRowBuffer& b) {
  std::vector<PgWireType> types;
  for (const auto& c : record::captureColumns(b.columnSet())) {
    if (c.in(record::kInPostgres)) types.push_back(pgWireType(c.postgres_type));
  }
  auto data = b.copyData();
  core::ByteReader r(data);
  auto sig = r.take(11);
  EXPECT_TRUE(sig && std::memcmp(sig->data(), "PGCOPY\n\377\r\n\0", 11) == 0);
  EXPECT_EQ(r.readU32be(), 0u);
  EXPECT_EQ(r.readU32be(), 0u);
  std::vector<Field> out;
  for (;;) {
    auto n = r.readU16be();
    if (!n) {
      ADD_FAILURE() << "no trailer";
      break;
    }
    if (*n == 0xFFFF) break;
    EXPECT_EQ(*n, types.size());
    for (size_t i = 0; i < *n; ++i) {
      auto len = r.readU32be();
      if (!len) return out;
      if (*len == 0xFFFFFFFF) {
        out.push_back({std::nullopt, types[i]});
        continue;
      }
      auto v = r.take(*len);
      if (!v) return out;
      out.push_back({std::string(core::asText(*v)), types[i]});
    }
  }
  EXPECT_TRUE(r.empty()) << "bytes after the trailer";
  return out;
}

// A field as the text psql would print (timestamps as dates, integers in decimal).
std::string fieldText(const Field& f) {
  if (!f.bytes) return "<null>";
  const auto* p = reinterpret_cast<const std::byte*>(f.bytes->data());
  switch (f.type) {
    case PgWireType::Timestamp:
      return record::formatSqlDate(static_cast<int64_t>(core::loadBe64(p)) / 1'000'000 + 946'684'800);
    case PgWireType::Int2:
      return std::to_string(static_cast<int16_t>(core::loadBe16(p)));
    case PgWireType::Int4:
      return std::to_string(static_cast<int32_t>(core::loadBe32(p)));
    case PgWireType::Int8:
      return std::to_string(static_cast<int64_t>(core::loadBe64(p)));
    case PgWireType::Bool:
      return (*f.bytes)[0] ? "t" : "f";
    default:
      return *f.bytes;
  }
}

std::string paramText(PgRowBuffer& b, size_t i) { return fieldText(copyFields(b).at(i)); }

size_t columnIndex(ColumnSet set, std::string_view name) {
  auto cols = postgresColumns(set);
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(PgRowBuffer, SipRowHasEveryColumnInOrder) {
  const std::string& payload = kInvite;
  auto c = capture(payload, 1);
  PgRowBuffer b(ColumnSet::Sip);
  ASSERT_EQ(addRow(b, c.meta), RowKind::Sip);
  ASSERT_EQ(b.rows(), 1u);
  ASSERT_EQ(b.columns(), postgresColumns(ColumnSet::Sip).size());
  auto at = [&](std::string_view col) { return paramText(b, columnIndex(ColumnSet::Sip, col)); };
  EXPECT_EQ(at("date"), "2023-11-14 22:13:20");
  EXPECT_EQ(at("micro_ts"), "1700000000000042");
  EXPECT_EQ(at("method"), "INVITE");
  EXPECT_EQ(at("from_user"), "alice");
  EXPECT_EQ(at("callid"), "call-1@example.com");
  EXPECT_EQ(at("correlation_id"), "call-1@example.com");  // no 0x0011: the Call-ID (§2.4)
  EXPECT_EQ(at("destination_ip"), "::1");
  EXPECT_EQ(at("source_port"), "5060");
  EXPECT_EQ(at("proto"), "1");
  EXPECT_EQ(at("type"), "1");
  EXPECT_EQ(at("node"), "homer01:7");
  EXPECT_EQ(at("parse_error"), "<null>");
  EXPECT_EQ(at("has_auth_key"), "f");
  EXPECT_EQ(at("hep_chunks"), "");
  // Text columns are valid UTF-8 without NUL; msg keeps every byte.
  EXPECT_EQ(at("user_agent"), "x\xEF\xBF\xBD\xEF\xBF\xBDy");
  auto msg = copyFields(b).at(columnIndex(ColumnSet::Sip, "msg"));
  EXPECT_EQ(msg.type, PgWireType::Bytea);
  EXPECT_EQ(msg.bytes, payload);
}

TEST(PgRowBuffer, EveryTextParameterIsValidUtf8WithoutNul) {
  const std::string invite =
      "INVITE sip:bob1@it.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.0.1:5060;branch=z9hG4bK-1\r\n"
      "From: \"Alice\" <sip:alice1@it.example>;tag=f1\r\nTo: <sip:bob1@it.example>\r\n"
      "Call-ID: x-1@it.example\r\nCSeq: 2 INVITE\r\nUser-Agent: it\xe9"
      "agent\r\n"
      "Content-Type: application/sdp\r\nContent-Length: 8\r\n\r\nv=0\r\n\x00\xff\r\n"s;
  for (const std::string& payload : {invite, "NOT SIP AT ALL \xff\xfe\r\n\r\nx"s}) {
    auto c = capture(payload, 1);
    PgRowBuffer b(ColumnSet::Sip);
    ASSERT_EQ(addRow(b, c.meta), RowKind::Sip);
    auto names = postgresColumns(ColumnSet::Sip);
    auto fields = copyFields(b);
    ASSERT_EQ(fields.size(), b.columns());
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!fields[i].bytes || fields[i].type != PgWireType::Text) continue;
      const std::string& v = *fields[i].bytes;
      EXPECT_TRUE(record::isValidUtf8(v)) << names[i] << ": " << v;
      EXPECT_EQ(v.find('\0'), std::string::npos) << names[i];
    }
    EXPECT_EQ(fields.at(columnIndex(ColumnSet::Sip, "msg")).bytes, payload);
  }
}

TEST(PgRowBuffer, UnparsedSipNamesTheError) {
  auto c = capture("this is not SIP\r\n\r\n", 1);
  PgRowBuffer b(ColumnSet::Sip);
  ASSERT_EQ(addRow(b, c.meta), RowKind::Sip);
  EXPECT_NE(paramText(b, columnIndex(ColumnSet::Sip, "parse_error")), "<null>");
  EXPECT_EQ(paramText(b, columnIndex(ColumnSet::Sip, "type")), "0");
}

TEST(PgRowBuffer, RtcpRowHasTheReportColumns) {
  auto c = capture(std::string("\x81\xc8\x00\x06", 4), 5);
  c.meta.correlation_id = "corr-1";
  const std::byte v[] = {std::byte{1}, std::byte{2}};
  c.meta.other_chunks.push_back({0x0000, 0x0020, v});
  PgRowBuffer b(ColumnSet::Homer5Report);
  ASSERT_EQ(addRow(b, c.meta), RowKind::Rtcp);
  ASSERT_EQ(b.columns(), postgresColumns(ColumnSet::Homer5Report).size());
  EXPECT_EQ(paramText(b, columnIndex(ColumnSet::Homer5Report, "correlation_id")), "corr-1");
  EXPECT_EQ(paramText(b, columnIndex(ColumnSet::Homer5Report, "type")), "3");
  EXPECT_EQ(paramText(b, columnIndex(ColumnSet::Homer5Report, "payload_type")), "5");
  EXPECT_EQ(paramText(b, columnIndex(ColumnSet::Homer5Report, "hep_chunks")),
            std::string("\x00\x00\x00\x20\x00\x08\x01\x02", 8));
  EXPECT_EQ(reportTableName(RowKind::Rtcp), "rtcp_capture");
}

// homer5_on = 0 (docs/HEP-AND-MODULES.md §3.4): OpenSIPS's 17 columns in its order; the
// script's correlation is transaction_id, the 0x0065 JSON is correlation_id.
TEST(PgRowBuffer, Homer6ReportRowHasOpenSipsColumns) {
  const std::string json = R"({"text": "call failed", "Event": "ERROR", "x": {"Event": "no"}})";
  auto c = capture(json, 100);
  c.meta.correlation_id = "txn-7";
  const std::string extra = R"({"net": "conn-3"})";
  const std::string capture_ip = "127.0.0.9";
  c.meta.other_chunks.push_back({0x0000, 0x0065, core::asBytes(extra)});
  c.meta.other_chunks.push_back({0x5350, 0x0005, core::asBytes(capture_ip)});
  const std::vector<std::string_view> opensips = {
      "tss",        "tsu",         "transaction_id", "correlation_id",
      "source_ip",  "source_port", "destination_ip", "destination_port",
      "capture_ip", "proto",       "family",         "type",
      "capt_id",    "node",        "event",          "payload_len",
      "data"};
  auto names = postgresColumns(ColumnSet::Homer6Report);
  ASSERT_GE(names.size(), opensips.size());
  EXPECT_EQ(std::vector<std::string_view>(names.begin(), names.begin() + 17), opensips);
  EXPECT_EQ(std::find(names.begin(), names.end(), "gid"), names.end()) << "gid is not written";

  record::CaptureRowOptions options;
  options.homer6_reports = true;
  options.capture_node = "edge1";
  PgRowBuffer b(ColumnSet::Homer6Report);
  ASSERT_EQ(addRow(b, c.meta, options), RowKind::Log);
  ASSERT_EQ(b.columns(), names.size());
  auto at = [&](std::string_view n) {
    return paramText(b, columnIndex(ColumnSet::Homer6Report, n));
  };
  EXPECT_EQ(at("tss"), "2023-11-14 22:13:20");
  EXPECT_EQ(at("tsu"), "42");
  EXPECT_EQ(at("transaction_id"), "txn-7");
  EXPECT_EQ(at("correlation_id"), extra);
  EXPECT_EQ(at("capture_ip"), "127.0.0.9");
  EXPECT_EQ(at("capt_id"), "7");
  EXPECT_EQ(at("node"), "edge1");  // no ":7": Homer-6 keeps capture_node as it is
  EXPECT_EQ(at("event"), "ERROR");
  EXPECT_EQ(at("payload_len"), std::to_string(json.size()));
  EXPECT_EQ(at("data"), json);
  EXPECT_EQ(at("type"), "5");
}

TEST(PgRowBuffer, Homer6ReportRowWithoutJsonHasEmptyEvent) {
  record::CaptureRowOptions options;
  options.homer6_reports = true;
  for (const std::string& payload : {"\x81\xc8\x00\x06"s, "{\"Event\": \"cut"s, "{\"Event\": 5}"s,
                                     "[\"Event\"]"s, "{\"Event\": \"A\"} trailing"s}) {
    auto c = capture(payload, 5);
    PgRowBuffer b(ColumnSet::Homer6Report);
    (void)addRow(b, c.meta, options);
    EXPECT_EQ(paramText(b, columnIndex(ColumnSet::Homer6Report, "event")), "") << payload;
    EXPECT_EQ(paramText(b, columnIndex(ColumnSet::Homer6Report, "capture_ip")), "");
    EXPECT_EQ(paramText(b, columnIndex(ColumnSet::Homer6Report, "correlation_id")), "");
  }
}

TEST(PostgresSchema, Homer6TableIsKeyedOnTss) {
  auto sql = postgresCreateTable("ops_report_capture", ColumnSet::Homer6Report);
  EXPECT_NE(sql[0].find("PRIMARY KEY (id, tss)"), std::string::npos) << sql[0];
  EXPECT_NE(sql[0].find("gid INTEGER NOT NULL DEFAULT 10"), std::string::npos);
  std::string all;
  for (const auto& s : sql) all += s + ";";
  EXPECT_NE(all.find("(tss)"), std::string::npos);
  EXPECT_NE(all.find("(transaction_id)"), std::string::npos);
  EXPECT_EQ(all.find("(date)"), std::string::npos);
}

TEST(PgRowBuffer, ManyRowsKeepTheirOwnValues) {
  PgRowBuffer b(ColumnSet::Sip);
  std::vector<core::Capture> cs;
  for (int i = 0; i < 300; ++i) {
    cs.push_back(capture(kInvite.substr(0, 20) + std::to_string(i), 1));
    (void)addRow(b, cs.back().meta);
  }
  size_t msg = columnIndex(ColumnSet::Sip, "msg");
  for (size_t i = 0; i < 300; ++i) {
    EXPECT_EQ(paramText(b, i * b.columns() + msg), kInvite.substr(0, 20) + std::to_string(i));
  }
}

TEST(PostgresSchema, CreateTableQuotesTheNameAndIndexes) {
  auto sql = postgresCreateTable("sip_capture_20231114", ColumnSet::Sip);
  ASSERT_GE(sql.size(), 4u);
  EXPECT_TRUE(sql[0].starts_with("CREATE TABLE IF NOT EXISTS \"sip_capture_20231114\" ("));
  EXPECT_NE(sql[0].find("msg BYTEA NOT NULL"), std::string::npos);
  EXPECT_NE(sql[0].find("PRIMARY KEY (id, date)"), std::string::npos);
  std::string all;
  for (const auto& s : sql) all += s + ";";
  for (const char* col : {"(date)", "(callid)", "(correlation_id)"}) {
    EXPECT_NE(all.find(col), std::string::npos) << col;
  }
  auto rtcp = postgresCreateTable("rtcp_capture", ColumnSet::Homer5Report);
  EXPECT_EQ(rtcp[0].find("callid"), std::string::npos);
}

// trace_to_database into PostgreSQL: Kamailio's sip_trace columns (§4.6) with the values its
// siptrace writes, from the chunks the tracing rules stamp (trace/sip_trace_rows.h).
TEST(PgRowBuffer, SipTraceRowHasKamailiosColumns) {
  auto c = capture(kInvite, 1);
  hep::setSiphonChunk(c, hep::kTraceTableChunk, "sip_trace");
  hep::setSiphonChunk(c, hep::kTraceDirectionChunk, "in");
  PgRowBuffer b(ColumnSet::SipTrace);
  record::ParsedSip sip;
  record::parseSip(c.meta, {}, sip);
  CaptureRow row;
  buildCaptureRow(c.meta, sip, {}, row);
  row.traced_user = "alice";
  b.add(c.meta, row);
  auto at = [&](std::string_view col) {
    return paramText(b, columnIndex(ColumnSet::SipTrace, col));
  };
  auto cols = postgresColumns(ColumnSet::SipTrace);
  const std::vector<std::string_view> kamailio = {"time_stamp", "time_us", "callid", "traced_user",
                                                  "msg",        "method",  "status", "fromip",
                                                  "toip",       "fromtag", "totag",  "direction"};
  ASSERT_GE(cols.size(), kamailio.size());
  EXPECT_TRUE(std::equal(kamailio.begin(), kamailio.end(), cols.begin())) << "Kamailio's order";
  EXPECT_EQ(at("time_stamp"), "2023-11-14 22:13:20");
  EXPECT_EQ(at("time_us"), "42");
  EXPECT_EQ(at("callid"), "call-1@example.com");
  EXPECT_EQ(at("traced_user"), "alice");
  EXPECT_EQ(at("method"), "INVITE");
  EXPECT_EQ(at("status"), "");
  EXPECT_EQ(at("fromip"), "udp:10.0.0.1:5060");
  EXPECT_EQ(at("toip"), "udp:[::1]:5062");
  EXPECT_EQ(at("fromtag"), "a1");
  EXPECT_EQ(at("totag"), "");
  EXPECT_EQ(at("direction"), "in");
  EXPECT_EQ(at("correlation_id"), "call-1@example.com");
  EXPECT_EQ(at("from_user"), "alice");
  EXPECT_EQ(at("type"), "1");

  // A reply: the CSeq's method, and its code as the status.
  auto reply = capture(
      "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
      "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b2\r\n"
      "Call-ID: call-1@example.com\r\nCSeq: 1  INVITE\r\nContent-Length: 0\r\n\r\n",
      1);
  reply.meta.ip_proto = 6;
  hep::setSiphonChunk(reply, hep::kTraceTableChunk, "sip_trace");
  PgRowBuffer r(ColumnSet::SipTrace);
  (void)addRow(r, reply.meta);
  auto rat = [&](std::string_view col) {
    return paramText(r, columnIndex(ColumnSet::SipTrace, col));
  };
  EXPECT_EQ(rat("method"), "INVITE");
  EXPECT_EQ(rat("status"), "486");
  EXPECT_EQ(rat("fromip"), "tcp:10.0.0.1:5060");
  EXPECT_EQ(rat("totag"), "b2");
  EXPECT_EQ(rat("traced_user"), "");
  EXPECT_EQ(rat("direction"), "");
}

TEST(PostgresSchema, SipTraceTableHasKamailiosIndexes) {
  auto sql = postgresCreateTable("sip_trace", ColumnSet::SipTrace);
  EXPECT_NE(sql[0].find("PRIMARY KEY (id, time_stamp)"), std::string::npos) << sql[0];
  std::string all;
  for (const auto& s : sql) all += s + ";";
  for (const char* col : {"(traced_user)", "(time_stamp)", "(fromip)", "(callid)"}) {
    EXPECT_NE(all.find(col), std::string::npos) << col;
  }
}

TEST(PostgresSchema, QuoteIdentDoublesQuotes) {
  EXPECT_EQ(quoteIdent("a\"b; DROP TABLE x"), "\"a\"\"b; DROP TABLE x\"");
}

TEST(HepChunksColumn, RoundTripsAndRejectsBadLengths) {
  const std::byte a[] = {std::byte{0xAA}};
  std::vector<core::ChunkView> in = {{0, 0x20, a}, {0x0021, 0x0099, {}}};
  std::string enc;
  encodeHepChunks(in, enc);
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(enc.data()), enc.size());
  std::vector<core::ChunkView> out;
  ASSERT_TRUE(decodeHepChunks(bytes, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, 0x20);
  ASSERT_EQ(out[0].value.size(), 1u);
  EXPECT_EQ(out[0].value[0], std::byte{0xAA});
  EXPECT_EQ(out[1].vendor, 0x21);
  EXPECT_TRUE(out[1].value.empty());
  // Every prefix shorter than the whole is truncated: never a crash, never a read past the end.
  for (size_t n = 1; n < enc.size(); ++n) {
    std::vector<core::ChunkView> part;
    if (n == 7) continue;  // the first chunk alone is complete
    EXPECT_FALSE(decodeHepChunks(bytes.first(n), part)) << n;
  }
  const std::byte short_len[] = {std::byte{0}, std::byte{0}, std::byte{0},
                                 std::byte{1}, std::byte{0}, std::byte{5}};
  std::vector<core::ChunkView> bad;
  EXPECT_FALSE(decodeHepChunks(short_len, bad));
}

}  // namespace
}  // namespace siphon::sink
