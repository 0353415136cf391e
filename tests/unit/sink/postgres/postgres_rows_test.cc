// The PostgreSQL sink's pure parts, without a server: the parameters of a row (order, NULLs,
// binary msg, repaired text), the table DDL, and the HEP chunk column round trip. The sink
// against a real server is tests/integration/postgres_sink_test.sh.

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "record/utf8.h"
#include "sink/postgres/postgres_connection.h"
#include "sink/postgres/postgres_schema.h"
#include "sink/postgres/postgres_sink.h"

namespace siphon::sink {
namespace {

using namespace std::string_literals;
using record::buildCaptureRow;
using record::CaptureRow;
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
RowKind addRow(PgRowBuffer& b, const core::CaptureMeta& meta) {
  record::ParsedSip sip;
  record::parseSip(meta, {}, sip);
  CaptureRow row;
  buildCaptureRow(meta, sip, {}, row);
  b.add(meta, row);
  return row.kind();
}

std::string paramText(const PgRowBuffer& b, size_t i) {
  auto p = b.param(i);
  return p.value ? std::string(p.value, static_cast<size_t>(p.length)) : "<null>";
}

size_t columnIndex(RowKind kind, std::string_view name) {
  auto cols = postgresColumns(kind);
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(PgRowBuffer, SipRowHasEveryColumnInOrder) {
  const std::string& payload = kInvite;
  auto c = capture(payload, 1);
  PgRowBuffer b(RowKind::Sip);
  ASSERT_EQ(addRow(b, c.meta), RowKind::Sip);
  ASSERT_EQ(b.rows(), 1u);
  ASSERT_EQ(b.columns(), postgresColumns(RowKind::Sip).size());
  auto at = [&](std::string_view col) { return paramText(b, columnIndex(RowKind::Sip, col)); };
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
  auto msg = b.param(columnIndex(RowKind::Sip, "msg"));
  EXPECT_EQ(msg.format, 1);
  ASSERT_EQ(static_cast<size_t>(msg.length), payload.size());
  EXPECT_EQ(std::memcmp(msg.value, payload.data(), payload.size()), 0);
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
    PgRowBuffer b(RowKind::Sip);
    ASSERT_EQ(addRow(b, c.meta), RowKind::Sip);
    auto names = postgresColumns(RowKind::Sip);
    for (size_t i = 0; i < b.columns(); ++i) {
      auto p = b.param(i);
      if (!p.value || p.format == 1) continue;
      std::string_view v(p.value, static_cast<size_t>(p.length));
      EXPECT_TRUE(record::isValidUtf8(v)) << names[i] << ": " << v;
      EXPECT_EQ(v.find('\0'), std::string_view::npos) << names[i];
      EXPECT_EQ(p.value[p.length], '\0') << names[i] << ": libpq reads text up to a NUL";
    }
    EXPECT_EQ(b.param(columnIndex(RowKind::Sip, "msg")).format, 1);
  }
}

TEST(PgRowBuffer, UnparsedSipNamesTheError) {
  auto c = capture("this is not SIP\r\n\r\n", 1);
  PgRowBuffer b(RowKind::Sip);
  ASSERT_EQ(addRow(b, c.meta), RowKind::Sip);
  EXPECT_NE(paramText(b, columnIndex(RowKind::Sip, "parse_error")), "<null>");
  EXPECT_EQ(paramText(b, columnIndex(RowKind::Sip, "type")), "0");
}

TEST(PgRowBuffer, RtcpRowHasTheReportColumns) {
  auto c = capture(std::string("\x81\xc8\x00\x06", 4), 5);
  c.meta.correlation_id = "corr-1";
  const std::byte v[] = {std::byte{1}, std::byte{2}};
  c.meta.other_chunks.push_back({0x0000, 0x0020, v});
  PgRowBuffer b(RowKind::Rtcp);
  ASSERT_EQ(addRow(b, c.meta), RowKind::Rtcp);
  ASSERT_EQ(b.columns(), postgresColumns(RowKind::Rtcp).size());
  EXPECT_EQ(paramText(b, columnIndex(RowKind::Rtcp, "correlation_id")), "corr-1");
  EXPECT_EQ(paramText(b, columnIndex(RowKind::Rtcp, "type")), "3");
  EXPECT_EQ(paramText(b, columnIndex(RowKind::Rtcp, "payload_type")), "5");
  EXPECT_EQ(paramText(b, columnIndex(RowKind::Rtcp, "hep_chunks")),
            std::string("\x00\x00\x00\x20\x00\x08\x01\x02", 8));
  EXPECT_EQ(reportTableName(RowKind::Rtcp), "rtcp_capture");
}

TEST(PgRowBuffer, ManyRowsKeepTheirOwnValues) {
  PgRowBuffer b(RowKind::Sip);
  std::vector<core::Capture> cs;
  for (int i = 0; i < 300; ++i) {
    cs.push_back(capture(kInvite.substr(0, 20) + std::to_string(i), 1));
    (void)addRow(b, cs.back().meta);
  }
  size_t msg = columnIndex(RowKind::Sip, "msg");
  for (size_t i = 0; i < 300; ++i) {
    EXPECT_EQ(paramText(b, i * b.columns() + msg), kInvite.substr(0, 20) + std::to_string(i));
  }
}

TEST(PostgresSchema, CreateTableQuotesTheNameAndIndexes) {
  auto sql = postgresCreateTable("sip_capture_20231114", RowKind::Sip);
  ASSERT_GE(sql.size(), 4u);
  EXPECT_TRUE(sql[0].starts_with("CREATE TABLE IF NOT EXISTS \"sip_capture_20231114\" ("));
  EXPECT_NE(sql[0].find("msg BYTEA NOT NULL"), std::string::npos);
  EXPECT_NE(sql[0].find("PRIMARY KEY (id, date)"), std::string::npos);
  std::string all;
  for (const auto& s : sql) all += s + ";";
  for (const char* col : {"(date)", "(callid)", "(correlation_id)"}) {
    EXPECT_NE(all.find(col), std::string::npos) << col;
  }
  auto rtcp = postgresCreateTable("rtcp_capture", RowKind::Rtcp);
  EXPECT_EQ(rtcp[0].find("callid"), std::string::npos);
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
