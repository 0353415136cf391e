// Routing rules in running collectors, on loopback (port 0) with real SQLite stores: a relay
// carries the chunk edits to the next collector, two collectors relaying to each other store
// every packet once each and count the loop, a named hep_route reports RTCP and splits SIP by
// capture id into its own table.

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include <sqlite3.h>

#include "hep/hep_encoder.h"
#include "hep/siphon_chunks.h"
#include "pipeline/collector.h"
#include "query/search.h"
#include "store/sqlite_extension.h"
#include "support/loopback_sender.h"
#include "support/records.h"
#include "support/sqlite_rows.h"
#include "support/temp_dir.h"

namespace siphon::pipeline {
namespace {

std::string invite(int n) {
  return "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK" +
         std::to_string(n) + "\r\nFrom: <sip:alice@example.com>;tag=a" + std::to_string(n) +
         "\r\nTo: <sip:bob@example.com>\r\nCall-ID: route-" + std::to_string(n) +
         "@example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
}

class CollectorRoutingTest : public ::testing::Test {
 protected:
  // A collector on 127.0.0.1 (UDP and TCP, port 0) storing into NAME.db, configured by `toml`.
  std::unique_ptr<Collector> start(
      const std::string& name, const std::string& toml,
      const std::string& listen = "[\"udp:127.0.0.1:0\", \"tcp:127.0.0.1:0\"]") {
    auto file =
        core::ConfigFile::parse("listen = " + listen +
                                    "\n"
                                    "db_url = \"sqlite:" +
                                    (dir_.path() / (name + ".db")).string() +
                                    "\"\n"
                                    "relay_spool_dir = \"" +
                                    (dir_.path() / (name + "-spool")).string() + "\"\n" + toml,
                                name + ".toml");
    EXPECT_TRUE(file.has_value()) << (file.has_value() ? "" : file.error().message);
    auto config = defaultCollectorConfig();
    auto applied = applyConfigFile(*file, config);
    EXPECT_TRUE(applied.has_value()) << (applied.has_value() ? "" : applied.error().message);
    config.store.flush_interval = std::chrono::milliseconds(20);
    auto c = std::make_unique<Collector>(std::move(config));
    auto started = c->start();
    EXPECT_TRUE(started.has_value()) << (started.has_value() ? "" : started.error().message);
    return c;
  }

  static void waitStored(const Collector& c, uint64_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (c.stats().stored < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::vector<query::Found> stored(const std::string& name) {
    auto store = store::BlockStore::open((dir_.path() / (name + ".db")).string(), {}, true);
    EXPECT_TRUE(store.has_value());
    if (!store.has_value()) return {};
    query::SearchQuery q;
    q.limit = 10'000;
    auto r = query::search(**store, q);
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? std::move(r->records) : std::vector<query::Found>{};
  }

  static uint64_t processorDrop(const Collector& c, std::string_view stage,
                                std::string_view reason) {
    for (const auto& s : c.pipeline().snapshot()) {
      if (s.stage == stage) return s.dropped(reason);
    }
    return 0;
  }

  support::TempDir dir_{"siphon-routing"};
};

TEST_F(CollectorRoutingTest, ARelayCarriesTheChunkEditsToTheNextCollector) {
  auto b = start("b", "");
  const uint16_t b_tcp = b->listeners()[1].port;
  auto a =
      start("a",
            "[[route]]\ncapture_id = 2001\nset_chunk = [\"captagent_id=2999\", \"node=edge-1\"]\n"
            "del_chunk = [\"auth_key\"]\ncustom_field1 = \"east-$hep_net(proto_id)\"\n"
            "relay = [\"tcp:127.0.0.1:" +
                std::to_string(b_tcp) + "\"]\n");
  support::LoopbackSender udp(core::EndpointProto::Udp, a->listeners()[0].port);
  support::CaptureSpec spec;
  spec.capture_id = 2001;
  for (int i = 0; i < 40; ++i) {
    auto cap = support::makeCapture(invite(i), spec);
    cap.meta.has_auth_key = true;  // the agent's key, which A strips before relaying
    cap.meta.auth_key = "secret";
    std::vector<std::byte> packet;
    ASSERT_TRUE(hep::encodeHep(cap.meta, packet).has_value());
    udp.send(packet);
  }
  spec.capture_id = 5;  // no rule: stored at A only
  for (int i = 40; i < 50; ++i) udp.send(support::hepPacket(invite(i), spec));
  waitStored(*a, 50);
  waitStored(*b, 40);
  a->stop();
  b->stop();
  EXPECT_EQ(a->stats().stored, 50u);
  EXPECT_EQ(b->stats().stored, 40u);
  auto at_b = stored("b");
  ASSERT_EQ(at_b.size(), 40u);
  for (const auto& f : at_b) {
    EXPECT_EQ(f.meta.capture_id, 2999u);
    EXPECT_EQ(f.meta.node_name, "edge-1");
    EXPECT_FALSE(f.meta.has_auth_key);
    EXPECT_EQ(f.sip.fields.custom_field1, "east-udp");
    EXPECT_EQ(hep::relayPath(f.meta).size(), 1u) << "one hop: A";
  }
  auto at_a = stored("a");
  size_t edited = 0;
  for (const auto& f : at_a) edited += f.meta.capture_id == 2999 ? 1 : 0;
  EXPECT_EQ(edited, 40u) << "A stores what it relays, edits included";
}

TEST_F(CollectorRoutingTest, TwoCollectorsRelayingToEachOtherStoreEveryPacketOnceEach) {
  // B first on fixed-by-kernel ports; A relays to B; B relays back to A once A is known.
  auto b_listen = start("probe", "");
  const uint16_t b_udp = b_listen->listeners()[0].port;
  b_listen->stop();
  b_listen.reset();
  auto a = start("a", "[[route]]\nrelay = [\"udp:127.0.0.1:" + std::to_string(b_udp) + "\"]\n");
  const uint16_t a_udp = a->listeners()[0].port;
  auto b = std::unique_ptr<Collector>();
  {
    auto file = core::ConfigFile::parse("listen = [\"udp:127.0.0.1:" + std::to_string(b_udp) +
                                            "\"]\n"
                                            "db_url = \"sqlite:" +
                                            (dir_.path() / "b.db").string() +
                                            "\"\n"
                                            "[[route]]\nrelay = [\"udp:127.0.0.1:" +
                                            std::to_string(a_udp) + "\"]\n",
                                        "b.toml");
    ASSERT_TRUE(file.has_value());
    auto config = defaultCollectorConfig();
    ASSERT_TRUE(applyConfigFile(*file, config).has_value());
    config.store.flush_interval = std::chrono::milliseconds(20);
    b = std::make_unique<Collector>(std::move(config));
    ASSERT_TRUE(b->start().has_value());
  }
  support::LoopbackSender to_a(core::EndpointProto::Udp, a_udp);
  support::LoopbackSender to_b(core::EndpointProto::Udp, b_udp);
  for (int i = 0; i < 30; ++i) to_a.send(support::hepPacket(invite(i)));
  for (int i = 30; i < 50; ++i) to_b.send(support::hepPacket(invite(i)));
  waitStored(*a, 50);
  waitStored(*b, 50);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((processorDrop(*a, "relay_guard", "relay_loop") < 30 ||
          processorDrop(*b, "relay_guard", "relay_loop") < 20) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // anything more would show now
  a->stop();
  b->stop();
  EXPECT_EQ(a->stats().stored, 50u);
  EXPECT_EQ(b->stats().stored, 50u);
  EXPECT_EQ(processorDrop(*a, "relay_guard", "relay_loop"), 30u)
      << "A's own packets came back once";
  EXPECT_EQ(processorDrop(*b, "relay_guard", "relay_loop"), 20u);
  EXPECT_EQ(stored("a").size(), 50u);
  EXPECT_EQ(stored("b").size(), 50u);
}

TEST_F(CollectorRoutingTest, ANamedRouteReportsRtcpAndSplitsSipByCaptureId) {
  auto c = start("c", R"t(
hep_route = "fast"
[[route]]
name = "fast"
payload_type = "rtcp"
report_capture = { correlation = "$hep(correlation_id)", table = "rtcp_capture" }
[[route]]
name = "fast"
capture_id = 3001
table = "sip_capture_3001"
[[route]]
name = "fast"
capture_id = 3002
drop = true
)t");
  support::LoopbackSender udp(core::EndpointProto::Udp, c->listeners()[0].port);
  support::CaptureSpec rtcp;
  rtcp.payload_type = 5;
  rtcp.correlation = "route-1@example.com";
  for (int i = 0; i < 5; ++i)
    udp.send(support::hepPacket("{\"type\":200,\"ssrc\":" + std::to_string(i) + "}", rtcp));
  support::CaptureSpec split;
  split.capture_id = 3001;
  for (int i = 0; i < 7; ++i) udp.send(support::hepPacket(invite(i), split));
  split.capture_id = 3002;
  for (int i = 0; i < 3; ++i) udp.send(support::hepPacket(invite(i), split));
  for (int i = 0; i < 4; ++i) udp.send(support::hepPacket(invite(100 + i)));
  waitStored(*c, 16);
  c->stop();
  EXPECT_EQ(c->stats().stored, 16u);
  EXPECT_EQ(processorDrop(*c, "hep_route", "route_drop"), 3u);
  std::map<std::string, size_t> tables;
  for (const auto& f : stored("c")) ++tables[f.table];
  EXPECT_EQ(tables["rtcp_capture"], 5u);
  EXPECT_EQ(tables["sip_capture_3001"], 7u);
  EXPECT_EQ(tables["sip_capture"], 4u);
}

// homer5_on = 0 (docs/HEP-AND-MODULES.md §3.4): report rows get OpenSIPS's Homer-6 columns,
// capture_ip is the local address each packet was sent to (a UDP listener on the wildcard
// address reads it per datagram; TCP from the accepted socket), and a SIP packet a rule
// reports lands in its table as a report row, not in sip_capture.
TEST_F(CollectorRoutingTest, Homer6ReportsCarryTheirCaptureIp) {
  auto c = start("h6", R"t(
homer5_on = 0
capture_node = "edge"
[[route]]
method = "OPTIONS"
report_capture = { correlation = "ping-$sip(call_id)", table = "ops_report_capture" }
)t",
                 "[\"udp:0.0.0.0:0\", \"tcp:127.0.0.1:0\"]");
  const uint16_t udp_port = c->listeners()[0].port, tcp_port = c->listeners()[1].port;
  support::CaptureSpec log;
  log.payload_type = 100;
  log.correlation = "call-9@example.com";
  log.extra_correlation = R"({"sip": "call-9@example.com"})";
  support::LoopbackSender(core::EndpointProto::Udp, udp_port, 0x7F000005)
      .send(support::hepPacket(R"({"Event": "NOTICE", "text": "registered"})", log));
  support::CaptureSpec rtcp;
  rtcp.payload_type = 5;
  rtcp.correlation = "call-9@example.com";
  {
    support::LoopbackSender tcp(core::EndpointProto::Tcp, tcp_port);
    tcp.send(support::hepPacket(std::string("\x81\xc8\x00\x06", 4), rtcp));
  }
  std::string options = invite(9);
  options.replace(0, 6, "OPTIONS");
  options.replace(options.find("1 INVITE"), 8, "1 OPTIONS");
  support::LoopbackSender(core::EndpointProto::Udp, udp_port, 0x7F000007)
      .send(support::hepPacket(options));
  support::LoopbackSender(core::EndpointProto::Udp, udp_port, 0x7F000001)
      .send(support::hepPacket(invite(10)));
  waitStored(*c, 4);
  c->stop();
  ASSERT_EQ(c->stats().stored, 4u);

  sqlite3* db = nullptr;
  const std::string path = (dir_.path() / "h6.db").string();
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  ASSERT_EQ(store::registerSiphonMessages(db), SQLITE_OK);
  auto row = [&](const char* sql) { return support::firstRow(db, sql); };
  EXPECT_EQ(row("SELECT transaction_id, correlation_id, capture_ip, node, event, type "
                "FROM logs_capture"),
            R"(call-9@example.com|{"sip": "call-9@example.com"}|127.0.0.5|edge|NOTICE|5)");
  EXPECT_EQ(row("SELECT transaction_id, capture_ip, proto, payload_len FROM rtcp_capture"),
            "call-9@example.com|127.0.0.1|1|4");
  EXPECT_EQ(row("SELECT transaction_id, capture_ip, type FROM ops_report_capture"),
            "ping-route-9@example.com|127.0.0.7|1");
  EXPECT_EQ(row("SELECT count(*), min(callid) FROM sip_capture"), "1|route-10@example.com");
  sqlite3_close(db);
}

}  // namespace
}  // namespace siphon::pipeline
