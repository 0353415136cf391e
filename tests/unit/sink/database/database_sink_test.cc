// DatabaseSink's policy with a scripted database (a BatchWriter that fails when told, commits
// all or nothing) and a fake clock: retries, the spool while the database is away, the replay
// in order once it is back, bounds, and what health() reports. The same sink against a real
// PostgreSQL that is stopped and started is tests/integration/postgres_sink_test.sh.

#include "sink/database/database_sink.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_clock.h"
#include "support/records.h"
#include "support/temp_dir.h"

namespace siphon::sink {
namespace {

using namespace std::chrono_literals;

// What the scripted database holds: the Call-IDs of committed records, in commit order.
struct Database {
  std::vector<std::string> rows;
  int fail_next = 0;   ///< the next N writes fail
  int fail_on = -1;    ///< the write with this number (1, 2, ...) fails
  bool down = false;   ///< every write fails
  int lose_answer_on = -1;  ///< the write with this number stores its records, then fails
  int writes = 0;      ///< attempts
  int rewrites = 0;    ///< attempts through rewrite()
};

class ScriptedWriter final : public BatchWriter {
 public:
  ScriptedWriter(Database& db, std::mutex& mutex) : db_(db), mutex_(mutex) {}
  core::Result<void, core::Failure> open() override { return {}; }
  core::Result<void, core::Failure> write(std::span<const record::RecordPtr> batch) override {
    std::lock_guard lock(mutex_);  // two connections write at once
    ++db_.writes;
    if (db_.down || db_.fail_next > 0 || db_.writes == db_.fail_on) {
      if (db_.fail_next > 0) --db_.fail_next;
      return core::unexpected(core::Failure{"connection refused", 1});
    }
    for (const auto& r : batch) {
      EXPECT_TRUE(r->parsed) << "a replayed record is parsed again";
      db_.rows.emplace_back(r->sip.fields.callid);
    }
    if (db_.writes == db_.lose_answer_on) return core::unexpected(core::Failure{"connection reset", 1});
    return {};
  }
  // As ClickHouse's: the records already held are left out.
  core::Result<uint64_t, core::Failure> rewrite(std::span<const record::RecordPtr> batch) override {
    std::vector<record::RecordPtr> missing;
    {
      std::lock_guard lock(mutex_);
      ++db_.rewrites;
      for (const auto& r : batch) {
        if (std::find(db_.rows.begin(), db_.rows.end(), r->sip.fields.callid) == db_.rows.end()) {
          missing.push_back(r);
        }
      }
    }
    SIPHON_TRY(write(missing));
    return batch.size() - missing.size();
  }
  void disconnect() override {}

 private:
  Database& db_;
  std::mutex& mutex_;
};

std::vector<std::string> ids(int first, int n) {
  std::vector<std::string> out;
  for (int i = first; i < first + n; ++i) out.push_back("call-" + std::to_string(i));
  return out;
}

class DatabaseSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<DatabaseSink> make(bool spool, int retries = 0, uint64_t spool_bytes = 64 << 20,
                                     size_t connections = 1) {
    DatabaseSinkOptions o;
    o.name = "scripted db";
    o.batch_size = 100;
    o.insert_retries = retries;
    o.connections = connections;
    o.min_part = 10;
    if (spool) o.spool_dir = dir_ / "spool";
    o.spool_max_bytes = spool_bytes;
    auto s = std::make_unique<DatabaseSink>(
        o, [this] { return std::make_unique<ScriptedWriter>(db_, mutex_); }, clock_);
    auto opened = s->open();
    EXPECT_TRUE(opened.has_value()) << opened.error().message;
    return s;
  }
  uint64_t count(const DatabaseSink& s, std::string_view name) {
    return s.stats().snapshot().count(name);
  }
  uint64_t dropped(const DatabaseSink& s, std::string_view reason) {
    return s.stats().snapshot().dropped(reason);
  }

  // Records of `n` INVITEs, Call-IDs call-FIRST ... call-(FIRST+n-1).
  std::vector<record::RecordPtr> batch(int first, int n) {
    std::vector<record::RecordPtr> out;
    for (int i = first; i < first + n; ++i) {
      const std::string id = "call-" + std::to_string(i);
      out.push_back(maker_.make("INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK" +
                               id + "\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: " + id +
                               "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"));
    }
    return out;
  }

  support::TempDir dir_{"dbsink"};
  support::FakeClock clock_;
  Database db_;
  std::mutex mutex_;
  // A record's table views its maker's table routing (as the pipeline's processors outlive
  // its lanes): the maker lives as long as the test's records.
  support::RecordMaker maker_;
};

TEST_F(DatabaseSinkTest, WritesAndReportsOk) {
  auto s = make(true);
  s->write(batch(0, 10));
  EXPECT_EQ(db_.rows, ids(0, 10));
  EXPECT_EQ(count(*s, "stored"), 10u);
  EXPECT_EQ(s->health().state, SinkState::Ok);
}

// The SQL tables keep parse_error as the collector found it: the parse validates every value.
TEST_F(DatabaseSinkTest, NeedsTheValuesVerdictAtIngest) {
  auto s = make(true);
  EXPECT_TRUE(s->needsSipParse());
  EXPECT_TRUE(s->needsFullSipVerdict());
}

TEST_F(DatabaseSinkTest, InsertRetriesRetryAtOnce) {
  auto s = make(true, /*retries=*/2);
  db_.fail_next = 2;
  s->write(batch(0, 5));
  EXPECT_EQ(db_.writes, 3);
  EXPECT_EQ(db_.rows, ids(0, 5));
  EXPECT_EQ(count(*s, "spooled"), 0u);
  EXPECT_EQ(s->health().state, SinkState::Ok);
}

TEST_F(DatabaseSinkTest, WithoutASpoolAFailedBatchIsDroppedAndCounted) {
  auto s = make(false);
  db_.down = true;
  s->write(batch(0, 7));
  EXPECT_EQ(dropped(*s, "storage_error"), 7u);
  EXPECT_EQ(s->health().state, SinkState::Down);
  EXPECT_EQ(s->health().error, "connection refused");
  db_.down = false;
  s->write(batch(7, 3));  // every batch tries, as Kamailio does
  EXPECT_EQ(db_.rows, ids(7, 3));
  EXPECT_EQ(s->health().state, SinkState::Ok);
}

TEST_F(DatabaseSinkTest, AnOutageIsSpooledAndReplayedInOrder) {
  auto s = make(true);
  s->write(batch(0, 10));
  db_.down = true;
  s->write(batch(10, 10));  // fails: spooled, backoff starts
  const int attempts = db_.writes;
  s->write(batch(20, 10));  // within the backoff: straight to the spool, no attempt
  s->tick();
  EXPECT_EQ(db_.writes, attempts);
  auto h = s->health();
  EXPECT_EQ(h.state, SinkState::Spooling);
  EXPECT_EQ(h.spool_records, 20u);
  EXPECT_GT(h.spool_bytes, 0u);
  clock_.advance(90s);
  EXPECT_EQ(s->health().spool_age_s, 90);
  EXPECT_EQ(count(*s, "spool_records"), 20u);

  s->tick();  // backoff over, still down: the next wait doubles
  EXPECT_EQ(db_.writes, attempts + 1);
  clock_.advance(1500ms);
  s->tick();
  EXPECT_EQ(db_.writes, attempts + 1) << "2 s backoff now";

  db_.down = false;
  s->write(batch(30, 10));  // behind the spooled records, whatever the database does now
  clock_.advance(1s);
  s->tick();
  EXPECT_EQ(db_.rows, ids(0, 40)) << "every record once, in the order it came";
  EXPECT_EQ(count(*s, "spooled"), 30u);
  EXPECT_EQ(count(*s, "replayed"), 30u);
  EXPECT_EQ(count(*s, "stored"), 40u);
  EXPECT_EQ(dropped(*s, "storage_error"), 0u);
  h = s->health();
  EXPECT_EQ(h.state, SinkState::Ok);
  EXPECT_EQ(h.spool_records, 0u);
  EXPECT_EQ(h.spool_age_s, 0);
}

TEST_F(DatabaseSinkTest, AReplayThatFailsHalfwayLosesAndDoublesNothing) {
  auto s = make(true);
  db_.down = true;
  for (int i = 0; i < 5; ++i) s->write(batch(i * 100, 100));  // 500 records spooled
  db_.down = false;
  db_.fail_on = db_.writes + 3;  // the database takes two replayed batches, fails the third
  clock_.advance(1s);
  s->tick();
  EXPECT_EQ(db_.rows, ids(0, 200));
  EXPECT_EQ(s->health().state, SinkState::Spooling);
  EXPECT_EQ(s->health().spool_records, 300u);
  clock_.advance(5s);
  s->tick();
  EXPECT_EQ(db_.rows, ids(0, 500)) << "each record once, in order";
  EXPECT_EQ(count(*s, "replayed"), 500u);
}

TEST_F(DatabaseSinkTest, AFailureInTheMiddleOfAReplayComesBackToTheSameRecords) {
  auto s = make(true);
  db_.down = true;
  for (int i = 0; i < 4; ++i) s->write(batch(i * 100, 100));
  db_.down = false;
  clock_.advance(1s);
  db_.fail_next = 1;  // the first replayed batch fails: rewound, backoff
  s->tick();
  EXPECT_TRUE(db_.rows.empty());
  EXPECT_EQ(s->health().state, SinkState::Spooling);
  clock_.advance(5s);
  s->tick();
  EXPECT_EQ(db_.rows, ids(0, 400));
  EXPECT_EQ(s->health().state, SinkState::Ok);
}

TEST_F(DatabaseSinkTest, AFullSpoolKeepsTheNewestAndCountsTheRest) {
  // The smallest spool: two segments of one maximum-size record each.
  auto s = make(true, 0, 2 * ((16u << 20) + 4));
  db_.down = true;
  for (int i = 0; i < 400; ++i) s->write(batch(i * 100, 100));
  const auto h = s->health();
  EXPECT_EQ(h.state, SinkState::Spooling);
  EXPECT_EQ(dropped(*s, "spool_full") + h.spool_records, 40'000u);
  EXPECT_EQ(dropped(*s, "storage_error"), 0u);
  db_.down = false;
  clock_.advance(1s);
  s->tick();
  ASSERT_EQ(db_.rows.size(), h.spool_records);
  EXPECT_EQ(db_.rows.back(), "call-39999") << "the newest are kept";
}

// db_connections = 3: a batch in three parts at once, each its own transaction. A part that
// fails is spooled alone; the parts that committed are not written again.
TEST_F(DatabaseSinkTest, PartsOnSeveralConnectionsFailAndReplayOnTheirOwn) {
  auto s = make(true, 0, 64 << 20, 3);
  s->write(batch(0, 90));
  EXPECT_EQ(db_.writes, 3);
  std::vector<std::string> got = db_.rows;
  std::sort(got.begin(), got.end());
  auto want = ids(0, 90);
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  s->write(batch(90, 15));  // too small to split (min_part 10): one part
  EXPECT_EQ(db_.writes, 4);

  db_.fail_next = 1;  // one of the three parts fails
  s->write(batch(200, 90));
  EXPECT_EQ(s->health().state, SinkState::Spooling);
  EXPECT_EQ(s->health().spool_records, 30u);
  EXPECT_EQ(count(*s, "stored"), 165u);
  clock_.advance(1s);
  s->tick();
  got = db_.rows;
  std::sort(got.begin(), got.end());
  want = ids(0, 105);
  auto more = ids(200, 90);
  want.insert(want.end(), more.begin(), more.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want) << "every record once";
  EXPECT_EQ(s->health().state, SinkState::Ok);
}

TEST_F(DatabaseSinkTest, ASpoolLeftByAnEarlierRunIsReplayedFirst) {
  {
    auto s = make(true);
    db_.down = true;
    s->write(batch(0, 50));
    s->close();  // one last try fails: the records stay on disk
  }
  db_.down = false;
  auto s = make(true);
  EXPECT_EQ(s->health().state, SinkState::Retrying);
  EXPECT_EQ(s->health().spool_records, 50u);
  s->write(batch(50, 5));
  EXPECT_EQ(db_.rows, ids(0, 55));
  EXPECT_EQ(s->health().state, SinkState::Ok);
}

// The database stored a batch and the connection broke before it said so: the batch is spooled
// as failed, and its replay finds it stored rather than storing it twice. Once a replayed batch
// finds nothing stored, writing goes back to plain writes.
TEST_F(DatabaseSinkTest, ABatchWhoseAnswerWasLostIsStoredOnce) {
  auto s = make(true);
  db_.lose_answer_on = 1;
  s->write(batch(0, 10));
  EXPECT_EQ(s->health().state, SinkState::Spooling);
  s->write(batch(10, 10));  // within the backoff: spooled behind it
  clock_.advance(1s);
  s->tick();
  EXPECT_EQ(db_.rows, ids(0, 20)) << "each record once, in order";
  EXPECT_EQ(count(*s, "already_stored"), 10u);
  EXPECT_EQ(count(*s, "stored"), 20u);
  EXPECT_EQ(db_.rewrites, 1);
  EXPECT_EQ(s->health().state, SinkState::Ok);

  db_.down = true;  // an outage whose failures have an answer: the replay finds nothing stored
  s->write(batch(20, 100));
  s->write(batch(120, 100));
  db_.down = false;
  clock_.advance(1s);
  s->tick();
  EXPECT_EQ(db_.rows, ids(0, 220));
  EXPECT_EQ(db_.rewrites, 2) << "the first replayed batch is checked, the next is not";
  EXPECT_EQ(count(*s, "already_stored"), 10u);
}

TEST_F(DatabaseSinkTest, ARetryAfterALostAnswerDoesNotStoreTwice) {
  auto s = make(true, /*retries=*/1);
  db_.lose_answer_on = 1;
  s->write(batch(0, 5));
  EXPECT_EQ(db_.rows, ids(0, 5));
  EXPECT_EQ(count(*s, "already_stored"), 5u);
  EXPECT_EQ(count(*s, "spooled"), 0u);
  EXPECT_EQ(s->health().state, SinkState::Ok);
}

// A run stops (SIGKILL) in the middle of its replay, right after the database stored a batch
// whose answer it never got. The spool resumes after what was consumed (its progress file);
// the batch in flight is in doubt, and the next run finds it stored rather than storing it
// twice.
TEST_F(DatabaseSinkTest, ASpoolReplayedInPartBeforeACrashIsStoredOnce) {
  {
    auto s = make(true);
    db_.down = true;
    for (int i = 0; i < 3; ++i) s->write(batch(i * 100, 100));
    db_.down = false;
    db_.lose_answer_on = db_.writes + 2;  // the first replayed batch is stored, the second too, unanswered
    clock_.advance(1s);
    s->tick();
    ASSERT_EQ(db_.rows, ids(0, 200));
  }  // no close(): the process died
  auto s = make(true);
  EXPECT_EQ(s->health().spool_records, 200u) << "the first batch was consumed before the crash";
  s->tick();
  EXPECT_EQ(db_.rows, ids(0, 300)) << "each record once, in order";
  EXPECT_EQ(count(*s, "already_stored"), 100u);
}

}  // namespace
}  // namespace siphon::sink
