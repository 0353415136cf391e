// The store sink with a real SQLite file: routing to strftime tables, report tables for
// non-SIP payload types, the node column, and the sip_capture view through siphon_messages.

#include "sink/store_sink.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/byte_reader.h"
#include "query/search.h"
#include "store/sqlite_extension.h"
#include "support/fake_clock.h"
#include "support/records.h"
#include "support/sink_lane.h"
#include "support/sqlite_rows.h"

namespace siphon::sink {
namespace {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
    "Call-ID: call-1@example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
const std::string kLog = "{\"event\":\"something happened\"}";

support::CaptureSpec spec(uint8_t payload_type, std::string_view corr) {
  support::CaptureSpec c;
  c.payload_type = payload_type;
  c.correlation = std::string(corr);
  return c;
}

class StoreSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* keep = std::getenv("SIPHON_KEEP_STORE");  // the shell test reads the file
    path_ = keep ? std::string(keep)
                 : (std::filesystem::temp_directory_path() /
                    ("siphon-sink-" + std::to_string(::getpid()) + ".db"))
                       .string();
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    if (!std::getenv("SIPHON_KEEP_STORE")) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    }
  }
  void fill() {
    StoreSinkOptions o;
    o.path = path_;
    o.row.capture_node = "edge";
    support::RecordMaker records(
        *process::TableRouting::parse("sip_capture_%Y%m%d", "rand", "call_id"));
    StoreSink sink(o);
    ASSERT_TRUE(sink.open().has_value());
    sink.stage(*records.make(kInvite, spec(1, "")));
    sink.stage(*records.make(kLog, spec(100, "call-1@example.com")));
    sink.close();
    EXPECT_EQ(sink.stats().countOf(StoreCount::Stored), 2u);
  }
  std::string path_;
};

using support::firstRow;

TEST_F(StoreSinkTest, RoutesByStrftimeAndPayloadTypeAndReadsBackThroughTheView) {
  fill();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  ASSERT_EQ(store::registerSiphonMessages(db), SQLITE_OK);
  auto one = [&](const char* sql) { return firstRow(db, sql); };
  EXPECT_EQ(one("SELECT tbl, method, from_user, to_user, callid, node, source_ip, destination_port "
                "FROM sip_capture WHERE callid = 'call-1@example.com'"),
            "sip_capture_20231114|INVITE|alice|bob|call-1@example.com|edge:7|10.0.0.1|5062");
  EXPECT_EQ(one("SELECT count(*) FROM sip_capture"), "1");
  EXPECT_EQ(one("SELECT correlation_id, type, msg FROM logs_capture"),
            "call-1@example.com|5|" + kLog);
  EXPECT_EQ(one("SELECT count(*) FROM siphon_messages WHERE correlation_id = 'call-1@example.com'"),
            "2");
  sqlite3_close(db);
}

// The embedded store's readers parse in full: its ingest needs the framing only and the
// fields it reads (FieldSet::Store, as the collector parses for it), and the view shows the
// full verdict and every column.
TEST_F(StoreSinkTest, ReadersGiveTheValuesVerdict) {
  StoreSinkOptions o;
  o.path = path_;
  StoreSink sink(o);
  EXPECT_TRUE(sink.needsSipParse());
  EXPECT_FALSE(sink.needsFullSipVerdict());
  ASSERT_TRUE(sink.open().has_value());
  support::RecordMaker ingest({}, {}, sip::FieldSet::Store);
  const std::string bad_via =
      "OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;;branch=z9hG4bK-1\r\n"
      "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: bad-via-1\r\nCSeq: 1 OPTIONS\r\n"
      "Content-Length: 0\r\n\r\n";
  const auto r = ingest.make(bad_via, spec(1, ""));
  EXPECT_FALSE(r->sip.parse_error) << "the framing holds";
  sink.stage(*r);
  sink.close();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  ASSERT_EQ(store::registerSiphonMessages(db), SQLITE_OK);
  EXPECT_EQ(firstRow(db, "SELECT parse_error FROM sip_capture WHERE callid = 'bad-via-1'"),
            "bad_header_value");
  EXPECT_EQ(r->sip.fields.via_1, "") << "the Store set does not read it";
  EXPECT_EQ(firstRow(db, "SELECT via_1 FROM sip_capture WHERE callid = 'bad-via-1'"),
            "SIP/2.0/UDP h;;branch=z9hG4bK-1");
  EXPECT_EQ(firstRow(db, "SELECT count(*) FROM sip_capture WHERE from_user = 'a'"), "1")
      << "found by its user key";
  sqlite3_close(db);
}

// homer5_on = 0 (docs/HEP-AND-MODULES.md §3.4): the report views have OpenSIPS's 17 Homer-6
// columns, a rule's own report table has a view too, and sip_capture leaves it out.
TEST_F(StoreSinkTest, Homer6ReportViewsHaveOpenSipsColumns) {
  StoreSinkOptions o;
  o.path = path_;
  o.row.capture_node = "edge";
  o.row.homer6_reports = true;
  o.store.homer6_reports = true;
  o.store.report_tables = {"ops_report_capture"};
  const std::string xlog = R"({"Event": "WARNING", "text": "retransmission timeout"})";
  support::CaptureSpec log = spec(100, "txn-1");
  log.extra_correlation = R"({"net": "tcp-9"})";
  log.chunks.push_back({0x5350, 0x0005, "127.0.0.9"});
  support::RecordMaker records;
  {
    StoreSink sink(o);
    ASSERT_TRUE(sink.open().has_value());
    sink.stage(*records.make(xlog, log));
    // A SIP packet a rule report_captured into a table of its own (payload type still 1).
    record::Record reported(support::makeCapture(kInvite, spec(1, "txn-2")));
    reported.report_row = true;  // as route::RouteProcessor's report_capture leaves it
    records.process(reported);
    reported.table = "ops_report_capture";
    sink.stage(reported);
    sink.close();
    EXPECT_EQ(sink.stats().countOf(StoreCount::Stored), 2u);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  ASSERT_EQ(store::registerSiphonMessages(db), SQLITE_OK);
  EXPECT_EQ(firstRow(db,
                     "SELECT tss, tsu, transaction_id, correlation_id, source_ip, source_port, "
                     "destination_ip, destination_port, capture_ip, proto, family, type, "
                     "capt_id, node, event, payload_len, data FROM logs_capture"),
            "2023-11-14 22:13:20|0|txn-1|{\"net\": \"tcp-9\"}|10.0.0.1|5060|10.0.0.2|5062|"
            "127.0.0.9|1|2|5|7|edge|WARNING|" +
                std::to_string(xlog.size()) + "|" + xlog);
  EXPECT_EQ(firstRow(db, "SELECT transaction_id, node, event, type FROM ops_report_capture"),
            "txn-2|edge||1");  // a SIP packet reported: its payload type, not JSON
  EXPECT_EQ(firstRow(db, "SELECT count(*) FROM sip_capture"), "0");
  sqlite3_close(db);
}

TEST_F(StoreSinkTest, LogsAreFoundByTheirCorrelationId) {
  fill();
  auto store = store::BlockStore::open(path_, {}, true);
  ASSERT_TRUE(store.has_value());
  query::SearchQuery q;
  q.correlation = "call-1@example.com";
  auto r = query::search(**store, q);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 2u);
}

// The store decides by the injected clock when an open block is due: in a lane, records are
// staged at once and written only once the clock passes open_block_write_interval; no test
// waits for a real second.
TEST_F(StoreSinkTest, OpenBlocksAreWrittenWhenTheClockSaysTheyAreDue) {
  support::FakeClock clock;
  StoreSinkOptions o;
  o.path = path_;
  o.store.open_block_write_interval = std::chrono::seconds(1);
  support::SinkLane<StoreSink> lane(o, clock);
  ASSERT_TRUE(lane.open().has_value());
  lane.start();
  support::RecordMaker records;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(lane.offer(records.make(kInvite, spec(1, ""))));
  lane.sync();
  EXPECT_EQ(lane.stats().countOf(StoreCount::Stored), 0u) << "staged, not due";
  clock.advance(std::chrono::milliseconds(999));
  lane.sync();
  EXPECT_EQ(lane.stats().countOf(StoreCount::Stored), 0u);
  clock.advance(std::chrono::milliseconds(1));
  lane.sync();
  EXPECT_EQ(lane.stats().countOf(StoreCount::Stored), 10u);
  lane.flushAndStop();
  EXPECT_EQ(lane.laneStats().countOf(pipeline::LaneCount::Queued), 10u);
}

// Retention in the embedded store: retention_days by the injected wall clock, at most once a
// minute; what went shows in the counters.
TEST_F(StoreSinkTest, RetentionRemovesWhatIsOlderThanItsDays) {
  support::FakeClock clock;  // 2023-11-14 22:13:20 UTC
  StoreSinkOptions o;
  o.path = path_;
  o.store.open_block_write_interval = std::chrono::milliseconds(0);
  o.retention = RetentionPolicy(2, {});
  support::SinkLane<StoreSink> lane(o, clock);
  ASSERT_TRUE(lane.open().has_value());
  lane.start();
  support::RecordMaker records;
  auto at = [&](int64_t days_ago) {
    support::CaptureSpec s = spec(1, "");
    s.ts_us = clock.wallMicros() - days_ago * 86'400'000'000;
    return s;
  };
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(lane.offer(records.make(kInvite, at(5))));
  lane.sync();
  lane.flushAndStop();  // seals the block: open blocks are never expired

  support::SinkLane<StoreSink> again(o, clock);
  ASSERT_TRUE(again.open().has_value());
  again.start();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(again.offer(records.make(kInvite, at(0))));
  again.sync();
  EXPECT_EQ(again.stats().countOf(StoreCount::ExpiredRecords), 5u) << "at the first write";
  EXPECT_EQ(again.stats().countOf(StoreCount::ExpiredBlocks), 1u);
  again.flushAndStop();
  auto store = store::BlockStore::open(path_, {}, /*read_only=*/true);
  ASSERT_TRUE(store.has_value());
  auto st = (*store)->stats();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->records, 3);
}

// The sip_trace views read chunks 0x5350:0x0006-0x0008, which any HEP sender can set: a
// traced-users value that is not a JSON array gives the one '' row instead of failing the view,
// and a table the store was not told of has no view but stays in siphon_messages.
TEST_F(StoreSinkTest, SipTraceViewsSurviveHostileTraceChunks) {
  StoreSinkOptions o;
  o.path = path_;
  o.store.trace_tables = {"sip_trace_vip", "sip_trace"};
  support::RecordMaker records;
  const std::pair<std::string, std::string> traced[] = {{"sip_trace", "not json ["},
                                                        {"sip_trace", R"({"user": "x"})"},
                                                        {"sip_trace", R"(["", "alice", 7])"},
                                                        {"sip_trace_vip", R"([""])"},
                                                        {"sip_trace_other", R"([""])"}};
  {
    StoreSink sink(o);
    ASSERT_TRUE(sink.open().has_value());
    for (const auto& [table, users] : traced) {
      support::CaptureSpec c = spec(1, "");
      c.chunks.push_back({0x5350, 0x0006, table});
      c.chunks.push_back({0x5350, 0x0007, users});
      c.chunks.push_back({0x5350, 0x0008, "sideways"});
      sink.stage(*records.make(kInvite, c));
    }
    sink.stage(*records.make(kInvite, spec(1, "")));  // not traced: in no sip_trace view
    sink.close();
    EXPECT_EQ(sink.stats().countOf(StoreCount::Stored), 6u);
  }
  support::StoreViews views(path_);
  EXPECT_EQ(views.row("SELECT count(*), count(DISTINCT id), group_concat(traced_user, ',') FROM "
                      "(SELECT id, traced_user FROM sip_trace ORDER BY id, traced_user)"),
            "5|3|,,7,,alice");  // SQLite orders the number before text
  EXPECT_EQ(views.row("SELECT count(*), max(direction), max(method) FROM sip_trace_vip"),
            "1|sideways|INVITE");
  EXPECT_EQ(views.row("SELECT count(*) FROM siphon_messages WHERE trace_table = 'sip_trace_other'"),
            "1");
  EXPECT_EQ(views.row("SELECT count(*) FROM sip_capture"), "6");
}

}  // namespace
}  // namespace siphon::sink
