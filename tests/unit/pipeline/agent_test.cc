// The agent's pipeline in process: pcap files through the extractor into HEP out and/or the
// embedded store (trace_to_database), fan-out of one record to both, trace_on, and the summary
// line made of the stages' counters. A real collector receives the HEP on loopback port 0.

#include "pipeline/agent.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "pipeline/collector.h"
#include "query/search.h"
#include "support/sqlite_rows.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace siphon::pipeline {
namespace {

std::string capture(const std::string& name) {
  return std::string(SIPHON_TEST_DATA_DIR) + "/pcap/" + name;
}

std::vector<query::Found> foundIn(const std::filesystem::path& db) {
  auto store = store::BlockStore::open(db.string(), {}, /*read_only=*/true);
  EXPECT_TRUE(store.has_value());
  if (!store.has_value()) return {};
  query::SearchQuery q;
  q.limit = 100000;
  auto r = query::search(**store, q);
  EXPECT_TRUE(r.has_value());
  return r.has_value() ? std::move(r->records) : std::vector<query::Found>{};
}

size_t storedIn(const std::filesystem::path& db) { return foundIn(db).size(); }

class AgentTest : public ::testing::Test {
 protected:
  // A collector on loopback UDP port 0 storing into the test's directory; null if it failed.
  std::unique_ptr<Collector> startCollector(const std::string& name = "collector") {
    CollectorConfig cc = defaultCollectorConfig();
    cc.listen = {*core::Endpoint::parse("udp:127.0.0.1:0")};
    cc.db_url = "sqlite:" + (dir_ / (name + ".db")).string();
    auto c = std::make_unique<Collector>(cc);
    if (!c->start().has_value()) return nullptr;
    return c;
  }

  support::TempDir dir_{"agent"};
};

TEST_F(AgentTest, TraceToDatabaseStoresEveryRecordOfAFile) {
  AgentConfig config;
  config.trace_to_database = true;
  config.db_url = "sqlite:" + (dir_ / "agent.db").string();
  Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ASSERT_TRUE(agent.readFile(capture("sngrep__aaa.pcap")).has_value());
  agent.stop();
  EXPECT_EQ(storedIn(dir_ / "agent.db"), 81u);
  const std::string line = agent.summaryLine();
  EXPECT_TRUE(line.starts_with("agent: read 691 packets, 81 records, sent 0,")) << line;
  EXPECT_NE(line.find("dropped 0"), std::string::npos) << line;
  EXPECT_TRUE(line.ends_with(", stored 81, replayed at 10000/s")) << line;
  // Without rules every message is traced on its own: one sip_trace row each, no user.
  support::StoreViews views((dir_ / "agent.db").string());
  EXPECT_EQ(views.row("SELECT count(*), count(DISTINCT id), max(traced_user) FROM sip_trace"),
            "81|81|");
}

TEST_F(AgentTest, OneRecordGoesToHepOutAndTheStoreAlike) {
  auto started = startCollector();
  ASSERT_TRUE(started);
  Collector& collector = *started;

  AgentConfig config;
  config.hep = {collector.listeners()[0].toString()};
  config.trace_to_database = true;
  config.db_url = "sqlite:" + (dir_ / "agent.db").string();
  Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ASSERT_TRUE(agent.readFile(capture("sngrep__aaa.pcap")).has_value());
  agent.stop();
  EXPECT_TRUE(support::waitFor([&] { return collector.stats().received >= 81; }));
  collector.stop();
  EXPECT_EQ(collector.stats().stored, 81u);
  EXPECT_EQ(storedIn(dir_ / "agent.db"), 81u);
  // The sip_trace chunks went out with the HEP: the collector shows the same rows.
  EXPECT_EQ(
      support::StoreViews((dir_ / "collector.db").string()).row("SELECT count(*) FROM sip_trace"),
      "81");
  auto totals = PipelineTotals::of(agent.pipeline().snapshot());
  EXPECT_EQ(totals.received, 81u);
  EXPECT_EQ(totals.relayed, 81u);
  EXPECT_EQ(totals.stored, 81u);
  EXPECT_EQ(totals.droppedTotal(), 0u);
  EXPECT_TRUE(agent.summaryLine().starts_with("agent: read 691 packets, 81 records, sent 81,"))
      << agent.summaryLine();
}

// Any mix of sinks: HEP to a collector, a plain-SIP copy with X-Siptrace headers to another
// tracer, and the agent's own store, all from one read of the file and one record each.
TEST_F(AgentTest, HepOutAPlainSipCopyAndTheStoreTogether) {
  auto started = startCollector();
  ASSERT_TRUE(started);
  Collector& collector = *started;
  int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  const int rcvbuf = 4 << 20;
  ::setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  ASSERT_EQ(::bind(rx, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(::getsockname(rx, reinterpret_cast<sockaddr*>(&a), &len), 0);

  AgentConfig config;
  config.hep = {collector.listeners()[0].toString()};
  config.sip_duplicate_uri = "udp:127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  config.xheaders_write = true;
  config.trace_to_database = true;
  config.db_url = "sqlite:" + (dir_ / "agent.db").string();
  Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ASSERT_TRUE(agent.readFile(capture("sngrep__aaa.pcap")).has_value());
  agent.stop();

  size_t copies = 0;
  const timeval tv{2, 0};
  ::setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::vector<char> buf(70000);
  while (copies < 81 && ::recv(rx, buf.data(), buf.size(), 0) > 0) {
    ++copies;
    EXPECT_NE(std::string_view(buf.data(), buf.size()).find("X-Siptrace-Fromip: "),
              std::string_view::npos);
  }
  ::close(rx);
  EXPECT_EQ(copies, 81u);
  EXPECT_TRUE(support::waitFor([&] { return collector.stats().received >= 81; }));
  collector.stop();
  EXPECT_EQ(collector.stats().stored, 81u);
  EXPECT_EQ(storedIn(dir_ / "agent.db"), 81u);
  auto totals = PipelineTotals::of(agent.pipeline().snapshot());
  EXPECT_EQ(totals.relayed, 162u) << "81 as HEP, 81 as plain SIP";
  EXPECT_EQ(totals.droppedTotal(), 0u);
}

TEST_F(AgentTest, HepFoundInACaptureIsRelayedWithItsOwnFields) {
  auto started = startCollector();
  ASSERT_TRUE(started);
  Collector& collector = *started;
  AgentConfig config;
  config.hep = {collector.listeners()[0].toString()};
  Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ASSERT_TRUE(agent.readFile(capture("hep-wireshark__hep.pcap")).has_value());
  agent.stop();
  const auto sent = PipelineTotals::of(agent.pipeline().snapshot()).relayed;
  ASSERT_GT(sent, 0u);
  EXPECT_TRUE(support::waitFor([&] { return collector.stats().received >= sent; }));
  collector.stop();
  EXPECT_EQ(collector.stats().stored, sent);
}

TEST_F(AgentTest, TraceOffDropsEveryRecordAndCountsIt) {
  AgentConfig config;
  config.trace_to_database = true;
  config.db_url = "sqlite:" + (dir_ / "agent.db").string();
  config.trace_on = false;
  Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ASSERT_TRUE(agent.readFile(capture("sngrep__aaa.pcap")).has_value());
  agent.traceOn() = true;
  ASSERT_TRUE(agent.readFile(capture("sngrep__aaa.pcap")).has_value());
  agent.stop();
  auto totals = PipelineTotals::of(agent.pipeline().snapshot());
  EXPECT_EQ(totals.received, 162u);
  EXPECT_EQ(totals.dropped("trace_off"), 81u);
  EXPECT_EQ(totals.stored, 81u);
  EXPECT_NE(agent.summaryLine().find("trace_off: 81"), std::string::npos) << agent.summaryLine();
}

// [[trace]] rules (docs/CLI.md "Tracing rules") on sngrep__aaa.pcap (81 messages: 11 INVITEs,
// 34 replies; tshark counts): INVITEs go to the rule's own collector with a fixed correlation,
// replies to the default one with their Call-ID as correlation, the other requests nowhere.
TEST_F(AgentTest, TraceRulesChooseWhatIsTracedWhereAndItsCorrelation) {
  auto a = startCollector("a"), b = startCollector("b");
  ASSERT_TRUE(a && b);
  auto file = core::ConfigFile::parse("duplicate_uri = [\"" + a->listeners()[0].toString() +
                                          "\"]\n"
                                          "[[trace]]\n"
                                          "method = [\"INVITE\"]\n"
                                          "correlation = \"inv-corr\"\n"
                                          "destinations = [\"" +
                                          b->listeners()[0].toString() +
                                          "\"]\n"
                                          "[[trace]]\n"
                                          "type = \"reply\"\n"
                                          "correlation = \"call-id\"\n",
                                      "agent.toml");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  AgentConfig config;
  auto applied = applyAgentConfigFile(*file, config);
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ASSERT_TRUE(agent.readFile(capture("sngrep__aaa.pcap")).has_value());
  agent.stop();
  EXPECT_TRUE(support::waitFor([&] { return a->stats().stored >= 34 && b->stats().stored >= 11; }));
  a->stop();
  b->stop();
  EXPECT_EQ(a->stats().stored, 34u);
  EXPECT_EQ(b->stats().stored, 11u);
  for (const auto& f : foundIn(dir_ / "a.db")) {
    EXPECT_EQ(f.sip.fields.type, 2);
    EXPECT_EQ(f.meta.correlation_id, f.sip.fields.callid);
  }
  for (const auto& f : foundIn(dir_ / "b.db")) {
    EXPECT_EQ(f.sip.fields.method, "INVITE");
    EXPECT_EQ(f.meta.correlation_id, "inv-corr");
  }
  auto totals = PipelineTotals::of(agent.pipeline().snapshot());
  EXPECT_EQ(totals.received, 81u);
  EXPECT_EQ(totals.relayed, 45u);
  uint64_t no_rule = 0;
  for (const auto& st : agent.pipeline().snapshot()) {
    if (st.stage == "trace") no_rule += st.dropped("no_rule");
  }
  EXPECT_EQ(no_rule, 36u);
}

// Scopes on a real proxied call (sipnab__sip-proxy.pcap, 11 messages through the proxy
// 10.33.6.102: INVITE and its relayed copy, 100/180/200 on both legs, the 2xx's ACK, the
// callee's BYE and its 200). A d rule on the INVITE traces all 11 with its correlation; a t
// rule traces the INVITE transaction's 8 and not the ACK to the 2xx, the BYE or its reply.
// Flags: C keeps the hop the INVITE came in on (caller .101 - proxy: INVITE, 100, 180, 200),
// c the rest (the proxy - callee hop, and the ACK, BYE and 200 the UAs sent each other).
// A b rule on a call with no session header is a session of that one dialog: all 11.
TEST_F(AgentTest, TraceScopesFollowAProxiedCallsTransactionAndDialog) {
  struct Case {
    const char* scope;
    const char* flags;
    size_t traced;
  } cases[] = {{"d", "", 11}, {"t", "", 8}, {"d", "C", 4}, {"d", "c", 7}, {"b", "", 11}};
  int n = 0;
  for (const auto& c : cases) {
    const std::string name = std::string("scope ") + c.scope + " flags '" + c.flags + "'";
    const std::string db = (dir_ / ("scope_" + std::to_string(++n) + ".db")).string();
    auto file = core::ConfigFile::parse("trace_to_database = 1\ndb_url = \"sqlite:" + db +
                                            "\"\ntrace_max_dialogs = 10\n"
                                            "trace_max_sessions = 3\n"
                                            "[[trace]]\nmethod = [\"INVITE\"]\nscope = \"" +
                                            c.scope + "\"\nflags = \"" + c.flags +
                                            "\"\ncorrelation = \"proxied-call\"\n",
                                        "agent.toml");
    ASSERT_TRUE(file.has_value()) << file.error().message;
    AgentConfig config;
    auto applied = applyAgentConfigFile(*file, config);
    ASSERT_TRUE(applied.has_value()) << applied.error().message;
    EXPECT_EQ(config.trace_state.max_dialogs, 10u);
    EXPECT_EQ(config.trace_state.max_sessions, 3u);
    Agent agent(config);
    ASSERT_TRUE(agent.start().has_value());
    ASSERT_TRUE(agent.readFile(capture("sipnab__sip-proxy.pcap")).has_value());
    agent.stop();
    auto found = foundIn(db);
    EXPECT_EQ(found.size(), c.traced) << name;
    for (const auto& f : found) EXPECT_EQ(f.meta.correlation_id, "proxied-call");
    uint64_t not_traced = 0, held = 0, dialogs = 0;
    for (const auto& st : agent.pipeline().snapshot()) {
      if (st.stage == "trace") not_traced += st.dropped("no_rule") + st.dropped("other_side");
      if (st.stage == "trace_state") {
        dialogs += st.count("dialogs");
        held += st.count("held");
      }
    }
    EXPECT_EQ(not_traced, 11 - c.traced) << name;
    const bool dialog = c.scope != std::string("t");  // b: the session's one dialog
    EXPECT_EQ(held, dialog ? 10u : 7u) << name;       // all but the INVITE
    EXPECT_EQ(dialogs, dialog ? 1u : 0u);
  }
}

// trace_to_database with traced_users, a table and local_addresses (the proxy .102): Kamailio's
// sip_trace columns read back through the view the sqlite3 shell shows, one row per traced
// user plus the '' row, direction from the proxy's side, the reply's method from its CSeq.
TEST_F(AgentTest, SipTraceRowsPerTracedUserInTheRulesTable) {
  const std::string db = (dir_ / "sip_trace.db").string();
  auto file = core::ConfigFile::parse(
      "trace_to_database = 1\ndb_url = \"sqlite:" + db +
          "\"\nlocal_addresses = [\"10.33.6.102\"]\n"
          "[[trace]]\nmethod = [\"INVITE\"]\nscope = \"d\"\n"
          "traced_users = [\"from_user\", \"to_user\"]\ntable = \"sip_trace_call\"\n",
      "agent.toml");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  AgentConfig config;
  auto applied = applyAgentConfigFile(*file, config);
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ASSERT_TRUE(agent.readFile(capture("sipnab__sip-proxy.pcap")).has_value());
  agent.stop();
  ASSERT_EQ(storedIn(db), 11u);

  support::StoreViews views(db);
  EXPECT_EQ(views.row("SELECT count(*), count(DISTINCT id) FROM sip_trace_call"), "33|11");
  EXPECT_EQ(views.row("SELECT count(*) FROM sip_trace"), "0");  // the rule named its table
  EXPECT_EQ(views.row("SELECT group_concat(traced_user, ',') FROM (SELECT traced_user FROM "
                      "sip_trace_call WHERE method = 'BYE' AND status = '' ORDER BY traced_user)"),
            ",101,201");
  // The callee's 180 to the proxy: received by the traced server.
  EXPECT_EQ(views.row("SELECT method, status, fromip, toip, direction, callid != '', "
                      "fromtag != '', totag != '', length(msg) > 100 FROM sip_trace_call "
                      "WHERE status = '180' AND toip LIKE '%.102:5080' AND traced_user = ''"),
            "INVITE|180|udp:10.33.6.100:5060|udp:10.33.6.102:5080|in|1|1|1|1");
  EXPECT_EQ(views.row("SELECT method, status, direction FROM sip_trace_call WHERE fromip = "
                      "'udp:10.33.6.101:5060' AND toip LIKE '%.102:5080' AND traced_user = ''"),
            "INVITE||in");
  EXPECT_EQ(views.row("SELECT group_concat(direction || '=' || n, ' ') FROM (SELECT direction, "
                      "count(*) AS n FROM sip_trace_call WHERE traced_user = '' GROUP BY "
                      "direction ORDER BY direction)"),
            "=3 in=4 out=4");  // the ACK, BYE and 200 the UAs sent each other pass the proxy by
  EXPECT_EQ(views.row("SELECT count(*) FROM sip_trace_call WHERE time_stamp LIKE '20%' AND "
                      "time_us BETWEEN 0 AND 999999"),
            "33");
}

// siptrace's `table` names the default sip_trace table; trace_delayed, trace_flag and
// trace_sl_acks are taken with the seed's values (README: what each means here).
TEST_F(AgentTest, SiptraceTableAndTheKeysAPassiveTracerAccepts) {
  const std::string db = (dir_ / "strace.db").string();
  auto file = core::ConfigFile::parse("trace_to_database = 1\ndb_url = \"sqlite:" + db +
                                          "\"\ntable = \"strace\"\ntrace_delayed = 1\n"
                                          "trace_flag = 22\ntrace_sl_acks = 0\n",
                                      "agent.toml");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  AgentConfig config;
  auto applied = applyAgentConfigFile(*file, config);
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ASSERT_TRUE(agent.readFile(capture("sngrep__aaa.pcap")).has_value());
  agent.stop();
  support::StoreViews views(db);
  EXPECT_EQ(views.row("SELECT count(*) FROM strace"), "81");
  EXPECT_EQ(views.row("SELECT count(*) FROM sip_trace"), "0");

  for (const char* bad : {"table = \"sip_capture\"\n", "table = \"x y\"\n", "trace_flag = 64\n",
                          "trace_delayed = 2\n"}) {
    auto f = core::ConfigFile::parse(bad, "agent.toml");
    ASSERT_TRUE(f.has_value());
    AgentConfig c;
    auto r = applyAgentConfigFile(*f, c);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().exit_code, 2) << bad;
    const std::string key(bad, std::string_view(bad).find(' '));
    EXPECT_NE(r.error().message.find(key), std::string::npos) << r.error().message;
  }
}

TEST_F(AgentTest, ConfigurationErrorsStopStartUp) {
  {
    Agent agent(AgentConfig{});  // neither --hep nor --db
    auto r = agent.start();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_NE(r.error().message.find("no destination"), std::string::npos);
  }
  {
    AgentConfig two;
    two.hep_mode_on = false;
    two.hep = {"udp:127.0.0.1:9", "udp:127.0.0.1:10"};
    Agent agent(two);
    auto r = agent.start();
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("exactly one address"), std::string::npos);
  }
  {
    AgentConfig pg;  // a scheme the agent does not write
    pg.trace_to_database = true;
    pg.db_url = "redis://127.0.0.1:1/db";
    Agent agent(pg);
    auto r = agent.start();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_NE(r.error().message.find("db_url"), std::string::npos) << r.error().message;
  }
  {
    AgentConfig bad;
    bad.hep = {"udp:127.0.0.1:9"};
    bad.raw_socket_listen = "not-an-address";
    Agent agent(bad);
    auto r = agent.start();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().exit_code, 2);
  }
}

}  // namespace
}  // namespace siphon::pipeline
