// libsiphon_tracer through its C header, linked as a SIP server links it (the shared
// library): configuration errors named, eight threads tracing at once with nothing lost or
// doubled, a full queue refusing without waiting and counting, bad arguments rejected, the
// [[trace]] rules applied to what the server hands in (scope, correlation, the server's own
// direction in sip_trace rows), trace_on at run time, and the stats. A real collector
// receives the HEP on loopback; the embedded store is read back through its views.

#include <siphon/tracer.h>

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/collector.h"
#include "query/search.h"
#include "support/sqlite_rows.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace siphon {
namespace {

std::string options(const std::string& call_id) {
  return "OPTIONS sip:proxy@10.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bK-" +
         call_id +
         "\r\n"
         "From: <sip:alice@example.com>;tag=a1\r\n"
         "To: <sip:proxy@10.0.0.1>\r\n"
         "Call-ID: " +
         call_id +
         "\r\n"
         "CSeq: 1 OPTIONS\r\n"
         "Content-Length: 0\r\n\r\n";
}

int trace(siphon_tracer* t, const std::string& msg, const char* src, const char* dst,
          int direction = SIPHON_DIRECTION_IN, const char* correlation = nullptr) {
  return siphon_tracer_trace(t, msg.data(), msg.size(), src, dst, SIPHON_TRANSPORT_TLS, direction,
                             correlation);
}

std::vector<query::Found> foundIn(const std::string& db) {
  auto store = store::BlockStore::open(db, {}, /*read_only=*/true);
  EXPECT_TRUE(store.has_value());
  if (!store.has_value()) return {};
  query::SearchQuery q;
  q.limit = 100000;
  auto r = query::search(**store, q);
  EXPECT_TRUE(r.has_value());
  return r.has_value() ? std::move(r->records) : std::vector<query::Found>{};
}

class TracerCApiTest : public ::testing::Test {
 protected:
  std::unique_ptr<pipeline::Collector> startCollector(const std::string& listen) {
    pipeline::CollectorConfig cc = pipeline::defaultCollectorConfig();
    cc.listen = {*core::Endpoint::parse(listen)};
    cc.db_url = "sqlite:" + db("collector");
    auto c = std::make_unique<pipeline::Collector>(cc);
    if (!c->start().has_value()) return nullptr;
    return c;
  }
  std::string db(const std::string& name) const { return (dir_ / (name + ".db")).string(); }

  support::TempDir dir_{"tracer"};
};

TEST_F(TracerCApiTest, ConfigurationErrorsNameTheKey) {
  char err[256];
  EXPECT_EQ(siphon_tracer_create(nullptr, err, sizeof err), nullptr);
  EXPECT_NE(std::string(err).find("NULL"), std::string::npos);
  EXPECT_EQ(siphon_tracer_create("duplicate_uri = [\"udp:127.0.0.1:9\"]\nqueue_sise = 5\n", err,
                                 sizeof err),
            nullptr);
  EXPECT_NE(std::string(err).find("queue_sise"), std::string::npos) << err;
  EXPECT_EQ(siphon_tracer_create("duplicate_uri = [\"udp:127.0.0.1:9\"]\ntracer_queue_size = 0\n",
                                 err, sizeof err),
            nullptr);
  EXPECT_NE(std::string(err).find("tracer_queue_size"), std::string::npos) << err;
  EXPECT_EQ(siphon_tracer_create("duplicate_uri = [\"udp:127.0.0.1:9\"]\nraw_interface = \"lo\"\n",
                                 err, sizeof err),
            nullptr);
  EXPECT_NE(std::string(err).find("raw_interface"), std::string::npos) << err;
  EXPECT_EQ(siphon_tracer_create("trace_on = 1\n", err, sizeof err), nullptr);  // no destination
  EXPECT_NE(std::string(err).find("no destination"), std::string::npos) << err;
  EXPECT_EQ(siphon_tracer_create("[[trace]]\nscope = \"q\"\n", err, sizeof err), nullptr);
  EXPECT_NE(std::string(err).find("scope"), std::string::npos) << err;
  EXPECT_EQ(siphon_tracer_create("this is = = not toml", err, sizeof err), nullptr);
  EXPECT_NE(std::string(err), "");
  char tiny[8];  // truncated, still terminated
  EXPECT_EQ(siphon_tracer_create("trace_on = 1\n", tiny, sizeof tiny), nullptr);
  EXPECT_EQ(std::string(tiny).size(), 7u);
  EXPECT_EQ(siphon_tracer_create("trace_on = 1\n", nullptr, 0), nullptr);
  siphon_tracer_destroy(nullptr);
  EXPECT_EQ(siphon_tracer_flush(nullptr, 0), -1);
}

// Eight server threads trace 1,000 messages each at once over HEP/TCP: every one arrives at
// the collector exactly once, with the endpoints and the TLS transport it was given.
TEST_F(TracerCApiTest, EightThreadsTraceAtOnceAndEachMessageArrivesOnce) {
  auto collector = startCollector("tcp:127.0.0.1:0");
  ASSERT_TRUE(collector);
  const std::string toml = "duplicate_uri = [\"" + collector->listeners()[0].toString() +
                           "\"]\nhep_capture_id = 2001\ntracer_queue_size = 100000\n";
  char err[256];
  siphon_tracer* t = siphon_tracer_create(toml.c_str(), err, sizeof err);
  ASSERT_NE(t, nullptr) << err;
  constexpr int kThreads = 8, kEach = 1000;
  std::atomic<int> not_queued{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < kEach; ++n) {
        const std::string msg = options("t" + std::to_string(i) + "-" + std::to_string(n));
        if (trace(t, msg, "10.0.0.9:5061", "10.0.0.1:5061") != SIPHON_TRACE_QUEUED) ++not_queued;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(siphon_tracer_flush(t, 20000), 0);
  siphon_tracer_stats s;
  siphon_tracer_stats_get(t, &s);
  EXPECT_EQ(not_queued.load(), 0);
  EXPECT_EQ(s.accepted, uint64_t{kThreads * kEach});
  EXPECT_EQ(s.processed, s.accepted);
  EXPECT_EQ(s.traced, s.accepted);  // no rule: every message on its own
  EXPECT_EQ(s.dropped_queue_full + s.rejected + s.dropped, 0u);
  EXPECT_EQ(s.queue_depth, 0u);
  siphon_tracer_destroy(t);
  EXPECT_TRUE(support::waitFor([&] { return collector->stats().stored >= kThreads * kEach; }));
  collector->stop();
  std::set<std::string> ids;
  for (const auto& f : foundIn(db("collector"))) {
    ids.insert(std::string(f.sip.fields.callid));
    EXPECT_EQ(f.meta.transport(), core::Transport::Tls);
    EXPECT_EQ(f.meta.src_ip.toString() + ":" + std::to_string(f.meta.src_port), "10.0.0.9:5061");
    EXPECT_EQ(f.meta.capture_id, 2001u);
  }
  EXPECT_EQ(ids.size(), size_t{kThreads * kEach});
}

// A queue of one: the caller is never made to wait; what does not fit is refused with
// SIPHON_TRACE_DROPPED and counted, and everything taken is stored.
TEST_F(TracerCApiTest, AFullQueueRefusesAndCountsWithoutWaiting) {
  const std::string path = db("full");
  const std::string toml =
      "trace_to_database = 1\ndb_url = \"sqlite:" + path + "\"\ntracer_queue_size = 1\n";
  char err[256];
  siphon_tracer* t = siphon_tracer_create(toml.c_str(), err, sizeof err);
  ASSERT_NE(t, nullptr) << err;
  std::atomic<uint64_t> queued{0}, dropped{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 2500; ++n) {
        const int rc = trace(t, options("f" + std::to_string(i) + "-" + std::to_string(n)),
                             "10.0.0.9:5061", "10.0.0.1:5061");
        ++(rc == SIPHON_TRACE_QUEUED ? queued : dropped);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(siphon_tracer_flush(t, 20000), 0);
  siphon_tracer_stats s;
  siphon_tracer_stats_get(t, &s);
  EXPECT_EQ(queued + dropped, 20000u);
  EXPECT_EQ(s.accepted, queued.load());
  EXPECT_EQ(s.dropped_queue_full, dropped.load());
  EXPECT_GT(s.dropped_queue_full, 0u);  // one slot against eight producers
  siphon_tracer_destroy(t);
  EXPECT_EQ(foundIn(path).size(), queued.load());
}

TEST_F(TracerCApiTest, BadArgumentsAreRejectedAndCounted) {
  const std::string toml = "trace_to_database = 1\ndb_url = \"sqlite:" + db("bad") + "\"\n";
  siphon_tracer* t = siphon_tracer_create(toml.c_str(), nullptr, 0);
  ASSERT_NE(t, nullptr);
  const std::string msg = options("bad-1");
  const char* ok = "10.0.0.9:5061";
  EXPECT_EQ(siphon_tracer_trace(nullptr, msg.data(), msg.size(), ok, ok, 1, 0, nullptr),
            SIPHON_TRACE_BAD_ARGUMENT);
  EXPECT_EQ(siphon_tracer_trace(t, nullptr, 10, ok, ok, 1, 0, nullptr), SIPHON_TRACE_BAD_ARGUMENT);
  EXPECT_EQ(siphon_tracer_trace(t, msg.data(), 0, ok, ok, 1, 0, nullptr),
            SIPHON_TRACE_BAD_ARGUMENT);
  const std::string huge(70000, 'x');
  EXPECT_EQ(siphon_tracer_trace(t, huge.data(), huge.size(), ok, ok, 1, 0, nullptr),
            SIPHON_TRACE_BAD_ARGUMENT);
  for (const char* addr :
       {"", "10.0.0.9", "example.com:5060", "udp:10.0.0.9:5060", "10.0.0.9:99999", "::1:5060"}) {
    EXPECT_EQ(siphon_tracer_trace(t, msg.data(), msg.size(), addr, ok, 1, 0, nullptr),
              SIPHON_TRACE_BAD_ARGUMENT)
        << addr;
  }
  EXPECT_EQ(siphon_tracer_trace(t, msg.data(), msg.size(), ok, nullptr, 1, 0, nullptr),
            SIPHON_TRACE_BAD_ARGUMENT);
  EXPECT_EQ(siphon_tracer_trace(t, msg.data(), msg.size(), ok, "[::1]:5060", 1, 0, nullptr),
            SIPHON_TRACE_BAD_ARGUMENT);  // one family per message
  EXPECT_EQ(siphon_tracer_trace(t, msg.data(), msg.size(), ok, ok, 0, 0, nullptr),
            SIPHON_TRACE_BAD_ARGUMENT);
  EXPECT_EQ(siphon_tracer_trace(t, msg.data(), msg.size(), ok, ok, 1, 3, nullptr),
            SIPHON_TRACE_BAD_ARGUMENT);
  // Not SIP at all is still traced: kept raw and marked unparsed, as the agent does.
  const std::string junk = "\x01\x02 not a SIP message";
  EXPECT_EQ(siphon_tracer_trace(t, junk.data(), junk.size(), "[::1]:5060", "[::1]:5070", 1, 0, ""),
            SIPHON_TRACE_QUEUED);
  EXPECT_EQ(siphon_tracer_flush(t, 20000), 0);
  siphon_tracer_stats s;
  siphon_tracer_stats_get(t, &s);
  EXPECT_EQ(s.rejected, 13u);  // all but the NULL tracer, which has no counters
  EXPECT_EQ(s.accepted, 1u);
  siphon_tracer_destroy(t);
  EXPECT_EQ(foundIn(db("bad")).size(), 1u);
}

// The agent's rules apply to what the server hands in: a d rule on the INVITE with the
// Replaces-style header correlation traces the whole call (relayed copies included) and
// nothing else; the caller's own correlation id stands where the rule names none; the
// direction the server gave is the sip_trace row's.
TEST_F(TracerCApiTest, RulesScopeTheCallAndTheServersDirectionFillsSipTrace) {
  const std::string path = db("rules");
  const std::string toml = "trace_to_database = 1\ndb_url = \"sqlite:" + path +
                           "\"\n"
                           "[[trace]]\nmethod = [\"INVITE\"]\nscope = \"d\"\n"
                           "[[trace]]\nmethod = [\"MESSAGE\"]\n";
  char err[256];
  siphon_tracer* t = siphon_tracer_create(toml.c_str(), err, sizeof err);
  ASSERT_NE(t, nullptr) << err;
  const std::string via = "Via: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bK-inv1\r\n";
  const std::string dialog =
      "From: <sip:alice@example.com>;tag=a1\r\nCall-ID: call-1@example.com\r\n";
  const std::string invite = "INVITE sip:bob@example.com SIP/2.0\r\n" + via + dialog +
                             "To: <sip:bob@example.com>\r\nCSeq: 1 INVITE\r\n"
                             "Content-Length: 0\r\n\r\n";
  const std::string ok = "SIP/2.0 200 OK\r\n" + via + dialog +
                         "To: <sip:bob@example.com>;tag=b1\r\nCSeq: 1 INVITE\r\n"
                         "Content-Length: 0\r\n\r\n";
  const std::string bye =
      "BYE sip:bob@10.0.0.7 SIP/2.0\r\n"
      "Via: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bK-bye1\r\n" +
      dialog +
      "To: <sip:bob@example.com>;tag=b1\r\nCSeq: 2 BYE\r\n"
      "Content-Length: 0\r\n\r\n";
  const char *alice = "10.0.0.9:5061", *proxy = "10.0.0.1:5061", *bob = "10.0.0.7:5060";
  EXPECT_EQ(trace(t, invite, alice, proxy, SIPHON_DIRECTION_IN, "my-session-7"), 0);
  EXPECT_EQ(trace(t, invite, proxy, bob, SIPHON_DIRECTION_OUT, "my-session-7"), 0);
  EXPECT_EQ(trace(t, ok, bob, proxy, SIPHON_DIRECTION_IN), 0);
  EXPECT_EQ(trace(t, ok, proxy, alice, SIPHON_DIRECTION_OUT), 0);
  EXPECT_EQ(trace(t, bye, alice, proxy, SIPHON_DIRECTION_IN), 0);
  EXPECT_EQ(trace(t, options("not-traced"), alice, proxy), 0);  // no rule takes it
  EXPECT_EQ(siphon_tracer_flush(t, 20000), 0);
  siphon_tracer_stats s;
  siphon_tracer_stats_get(t, &s);
  EXPECT_EQ(s.processed, 6u);
  EXPECT_EQ(s.traced, 5u);
  EXPECT_EQ(s.dropped, 1u);
  char json[16384];
  const size_t need = siphon_tracer_stats_json(t, json, sizeof json);
  ASSERT_LT(need, sizeof json);
  EXPECT_NE(std::string(json).find("\"no_rule\":1"), std::string::npos) << json;
  EXPECT_NE(std::string(json).find("\"library\""), std::string::npos) << json;
  char small[4];
  EXPECT_EQ(siphon_tracer_stats_json(t, small, sizeof small), need);
  EXPECT_EQ(std::string(small).size(), 3u);
  siphon_tracer_destroy(t);

  auto found = foundIn(path);
  ASSERT_EQ(found.size(), 5u);
  for (const auto& f : found) {
    EXPECT_EQ(f.sip.fields.callid, "call-1@example.com");
    EXPECT_EQ(f.meta.transport(), core::Transport::Tls);
  }
  support::StoreViews views(path);
  EXPECT_EQ(views.row("SELECT group_concat(d, ' ') FROM (SELECT method || status || '>' || "
                      "direction AS d FROM sip_trace ORDER BY id)"),
            "INVITE>in INVITE>out INVITE200>in INVITE200>out BYE>in");
}

TEST_F(TracerCApiTest, TraceOffStopsEveryOutputAndOnResumes) {
  const std::string path = db("switch");
  const std::string toml = "trace_to_database = 1\ndb_url = \"sqlite:" + path + "\"\n";
  siphon_tracer* t = siphon_tracer_create(toml.c_str(), nullptr, 0);
  ASSERT_NE(t, nullptr);
  siphon_tracer_set_on(t, 0);
  EXPECT_EQ(trace(t, options("off-1"), "10.0.0.9:5061", "10.0.0.1:5061"), 0);
  EXPECT_EQ(siphon_tracer_flush(t, 20000), 0);
  siphon_tracer_set_on(t, 1);
  EXPECT_EQ(trace(t, options("on-1"), "10.0.0.9:5061", "10.0.0.1:5061"), 0);
  EXPECT_EQ(siphon_tracer_flush(t, 20000), 0);
  siphon_tracer_stats s;
  siphon_tracer_stats_get(t, &s);
  EXPECT_EQ(s.processed, 2u);
  EXPECT_EQ(s.traced, 1u);
  siphon_tracer_destroy(t);
  auto found = foundIn(path);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sip.fields.callid, "on-1");
}

}  // namespace
}  // namespace siphon
