// The collector in process, end to end: real UDP/TCP sockets on loopback (port 0), a real
// SQLite store in a temporary directory, traffic from the load generator's SIP scenarios.

#include "pipeline/collector.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "core/byte_reader.h"
#include "hep/hep_encoder.h"
#include "query/search.h"
#include "sip/xheaders.h"
#include "support/fake_clock.h"
#include "support/loopback_sender.h"
#include "support/records.h"
#include "support/sip_traffic.h"
#include "support/tls_certificate.h"
#include "support/wait.h"

namespace siphon::pipeline {
namespace {

using Packet = std::vector<std::byte>;

using Sender = support::LoopbackSender;

class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("siphon-collector-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_ = defaultCollectorConfig();
    config_.listen = {*core::Endpoint::parse("udp:127.0.0.1:0"),
                      *core::Endpoint::parse("tcp:127.0.0.1:0")};
    config_.db_url = "sqlite:" + (dir_ / "siphon.db").string();
    config_.store.flush_interval = std::chrono::milliseconds(20);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `n` HEP packets of realistic SIP traffic; payloads are kept in `messages_`.
  std::vector<Packet> traffic(size_t n, uint8_t version, load::TrafficOptions opt = {}) {
    opt.run_id = "t" + std::to_string(version) + "-" + std::to_string(++runs_);
    load::SipTraffic gen(opt);
    std::vector<Packet> out;
    core::CaptureMeta meta;
    hep::EncodeOptions enc;
    enc.version = version;
    uint32_t usec = 0;
    while (out.size() < n) {
      std::vector<load::TrafficMessage> batch;
      gen.nextScenario(batch);
      for (auto& m : batch) {
        if (out.size() == n) break;
        messages_.push_back(std::move(m));
        gen.toMeta(messages_.back(), meta, 1700000000, usec++);
        Packet p;
        EXPECT_TRUE(hep::encodeHep(meta, p, enc).has_value());
        out.push_back(std::move(p));
      }
    }
    return out;
  }

  // Waits (bounded) until the collector has received `n` packets.
  void waitReceived(const Collector& c, uint64_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (c.stats().received < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  query::SearchResult find(const query::SearchQuery& q) {
    auto store = store::BlockStore::open((dir_ / "siphon.db").string(), {}, true);
    EXPECT_TRUE(store.has_value());
    auto r = query::search(**store, q);
    EXPECT_TRUE(r.has_value());
    return std::move(*r);
  }

  std::filesystem::path dir_;
  CollectorConfig config_;
  std::deque<load::TrafficMessage> messages_;
  int runs_ = 0;
};

TEST_F(CollectorTest, StoresEveryPacketOfEveryHepVersionAndTransport) {
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  auto listeners = c.listeners();
  ASSERT_EQ(listeners.size(), 2u);
  uint64_t sent = 0;
  for (uint8_t v : {1, 2, 3}) {
    Sender udp(core::EndpointProto::Udp, listeners[0].port);
    for (const auto& p : traffic(700, v)) {
      udp.send(p);
      ++sent;
    }
  }
  {
    Sender tcp(core::EndpointProto::Tcp, listeners[1].port);
    ASSERT_TRUE(tcp.connected());
    for (const auto& p : traffic(700, 3)) {
      tcp.send(p);
      ++sent;
    }
  }
  waitReceived(c, sent);
  c.stop();
  EXPECT_EQ(c.stats().received, sent);
  EXPECT_EQ(c.stats().stored, sent);
  EXPECT_EQ(c.stats().droppedTotal(), 0u);

  // A whole call comes back by Call-ID, with addresses, ports and times as sent (the first
  // call sent over TCP: HEPv3 carries the capture time, v1 does not).
  const auto& first = messages_[messages_.size() - 700];
  query::SearchQuery q;
  q.call_id = first.call_id;
  q.limit = 1000;
  auto r = find(q);
  ASSERT_FALSE(r.records.empty());
  size_t expected = 0;
  for (const auto& m : messages_) expected += m.call_id == first.call_id;
  EXPECT_EQ(r.records.size(), expected);
  const auto& oldest = r.records.back();
  EXPECT_EQ(core::asText(oldest.meta.payload), first.payload);
  EXPECT_EQ(oldest.meta.src_ip, first.src);
  EXPECT_EQ(oldest.meta.src_port, first.src_port);
  EXPECT_EQ(oldest.meta.dst_port, first.dst_port);
  EXPECT_EQ(oldest.meta.ts_sec, 1700000000u);
}

TEST_F(CollectorTest, Ipv6TrafficIsStoredAndParses) {
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  load::TrafficOptions v6;
  v6.ipv6 = true;
  Sender udp(core::EndpointProto::Udp, c.listeners()[0].port);
  for (const auto& p : traffic(200, 3, v6)) udp.send(p);
  waitReceived(c, 200);
  c.stop();
  EXPECT_EQ(c.stats().stored, 200u);
  EXPECT_EQ(c.stats().unparsed_sip, 0u);
  query::SearchQuery q;
  q.ip = "::1";
  q.limit = 1000;
  auto r = find(q);
  EXPECT_EQ(r.records.size(), 200u);
}

TEST_F(CollectorTest, CaptureOffStoresNothingAndCountsIt) {
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  c.captureSwitch().capture_on = false;
  Sender udp(core::EndpointProto::Udp, c.listeners()[0].port);
  for (const auto& p : traffic(50, 3)) udp.send(p);
  waitReceived(c, 50);
  c.stop();
  EXPECT_EQ(c.stats().stored, 0u);
  EXPECT_EQ(c.stats().dropped("capture_off"), 50u);
}

TEST_F(CollectorTest, BrokenHepIsCountedAndBrokenSipIsStoredRaw) {
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  Sender udp(core::EndpointProto::Udp, c.listeners()[0].port);
  // Not HEP at all, and HEPv3 whose only chunk length is 5 (< 6).
  udp.send(Packet(40, std::byte{'x'}));
  Packet bad_chunk = {std::byte{'H'}, std::byte{'E'}, std::byte{'P'}, std::byte{'3'},
                      std::byte{0},   std::byte{12},  std::byte{0},   std::byte{0},
                      std::byte{0},   std::byte{1},   std::byte{0},   std::byte{5}};
  udp.send(bad_chunk);
  // Valid HEP carrying a SIP message that does not parse: kept, with its reason.
  core::CaptureMeta meta;
  meta.hep_version = 3;
  meta.ip_family = 2;
  meta.ip_proto = 17;
  meta.src_ip = *core::IpAddress::parse("10.1.1.1");
  meta.dst_ip = *core::IpAddress::parse("10.1.1.2");
  meta.src_port = 5060;
  meta.dst_port = 5060;
  meta.ts_sec = 1700000100;
  meta.correlation_id = "broken-1";
  std::string garbage = "INVITE this is not SIP\r\nno colon here\r\n\r\n";
  meta.payload = core::asBytes(garbage);
  Packet p;
  ASSERT_TRUE(hep::encodeHep(meta, p).has_value());
  udp.send(p);
  waitReceived(c, 3);
  c.stop();
  EXPECT_EQ(c.stats().dropped("bad_hep"), 2u);
  EXPECT_EQ(c.stats().stored, 1u);
  EXPECT_EQ(c.stats().unparsed_sip, 1u);
  query::SearchQuery q;
  q.correlation = "broken-1";
  auto r = find(q);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(core::asText(r.records[0].meta.payload), garbage);
}

// With only the embedded store, the collector's parse at ingest checks the framing alone
// (FieldSet::Ingest): a message whose framing holds but whose From URI does not parse is
// stored without a parse error, and the reader's full parse gives the verdict.
TEST_F(CollectorTest, EmbeddedStoreLeavesTheValuesVerdictToItsReaders) {
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  Sender udp(core::EndpointProto::Udp, c.listeners()[0].port);
  const std::string bad_from =
      "OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\r\n"
      "From: <sip:mallory@example.com >;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: bad-from-1\r\n"
      "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  const Packet p = support::hepPacket(bad_from);
  ASSERT_FALSE(p.empty());
  udp.send(p);
  waitReceived(c, 1);
  c.stop();
  EXPECT_EQ(c.stats().stored, 1u);
  EXPECT_EQ(c.stats().unparsed_sip, 0u) << "the framing holds";
  query::SearchQuery q;
  q.call_id = "bad-from-1";
  auto r = find(q);
  ASSERT_EQ(r.records.size(), 1u);
  ASSERT_TRUE(r.records[0].sip.parse_error.has_value());
  EXPECT_EQ(*r.records[0].sip.parse_error, sip::SipErrc::BadHeaderValue);
}

TEST_F(CollectorTest, AuthKeyMismatchIsDropped) {
  config_.hep_auth_key = "s3cret";
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  Sender udp(core::EndpointProto::Udp, c.listeners()[0].port);
  load::TrafficOptions good;
  good.auth_key = "s3cret";
  load::TrafficOptions wrong;
  wrong.auth_key = "guess";
  for (const auto& p : traffic(20, 3, good)) udp.send(p);
  for (const auto& p : traffic(10, 3, wrong)) udp.send(p);
  for (const auto& p : traffic(5, 3)) udp.send(p);  // no key at all
  waitReceived(c, 35);
  c.stop();
  EXPECT_EQ(c.stats().stored, 20u);
  EXPECT_EQ(c.stats().dropped("auth_key"), 15u);
}

TEST_F(CollectorTest, StopUnderLoadLosesNothingReceived) {
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  auto packets = traffic(20000, 3);
  Sender udp(core::EndpointProto::Udp, c.listeners()[0].port);
  for (const auto& p : packets) udp.send(p);
  c.stop();  // at once: whatever was received must be stored or counted
  const auto s = c.stats();
  EXPECT_GT(s.received, 0u);
  EXPECT_EQ(s.received, s.stored + s.droppedTotal());
  EXPECT_EQ(s.dropped("queue_full"), 0u);
  query::SearchQuery q;
  q.limit = 1000000;
  EXPECT_EQ(find(q).records.size(), s.stored);
}

TEST_F(CollectorTest, StoresHepOverTls) {
  support::writeSelfSignedCert(dir_);
  config_.listen = {*core::Endpoint::parse("tls:127.0.0.1:0")};
  config_.tls_certificate = (dir_ / "cert.pem").string();
  config_.tls_private_key = (dir_ / "key.pem").string();
  Collector c(config_);
  auto started = c.start();
  ASSERT_TRUE(started.has_value()) << started.error().message;
  auto packets = traffic(300, 3);
  {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(c.listeners()[0].port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ASSERT_EQ(SSL_connect(ssl), 1);
    // Packets written back to back and split at odd places: the stream framing must cope.
    std::vector<std::byte> stream;
    for (const auto& p : packets) stream.insert(stream.end(), p.begin(), p.end());
    for (size_t off = 0; off < stream.size();) {
      int n = static_cast<int>(std::min<size_t>(777, stream.size() - off));
      ASSERT_EQ(SSL_write(ssl, stream.data() + off, n), n);
      off += static_cast<size_t>(n);
    }
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
  }
  waitReceived(c, packets.size());
  c.stop();
  EXPECT_EQ(c.stats().stored, packets.size());
}

TEST_F(CollectorTest, TlsWithoutCertificateFailsStartNamingTheKey) {
  config_.listen = {*core::Endpoint::parse("tls:127.0.0.1:0")};
  config_.tls_certificate = (dir_ / "missing.pem").string();
  config_.tls_private_key = (dir_ / "missing.key").string();
  Collector c(config_);
  auto r = c.start();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("tls_certificate"), std::string::npos);
  EXPECT_EQ(r.error().exit_code, 2);
}

// Issue 9: a second `siphon serve` on the ports a running collector holds must not start (its
// UDP workers would have joined the first one's SO_REUSEPORT group and taken part of its
// traffic); it fails with "address in use", and the first keeps everything.
TEST_F(CollectorTest, ASecondCollectorOnTheSamePortsFailsToStart) {
  Collector first(config_);
  ASSERT_TRUE(first.start().has_value());
  for (const auto& ep : first.listeners()) {
    auto second_config = config_;
    second_config.db_url = "sqlite:" + (dir_ / "second.db").string();
    second_config.listen = {ep};
    Collector second(second_config);
    auto r = second.start();
    ASSERT_FALSE(r.has_value()) << ep.toString();
    EXPECT_NE(r.error().message.find("address in use"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().exit_code, 0);
  }
  Sender udp(core::EndpointProto::Udp, first.listeners()[0].port);
  for (const auto& p : traffic(100, 3)) udp.send(p);
  waitReceived(first, 100);
  first.stop();
  EXPECT_EQ(first.stats().stored, 100u);
}

// The counts of the collector's first source (its only listener in these tests).
core::StageSnapshot listenerStage(const Collector& c) {
  for (const auto& s : c.pipeline().snapshot()) {
    if (s.kind == "source") return s;
  }
  return {};
}

// A TCP connection from `from` (a loopback address) to 127.0.0.1:`port`; -1 on failure.
int connectFrom(const char* from, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, from, &local.sin_addr);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// 2,000 idle connections need file descriptors beyond the usual 1,024 (ours plus the
// collector's, in one process).
bool raiseFileLimit(rlim_t want) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return false;
  if (r.rlim_cur >= want) return true;
  r.rlim_cur = std::min(want, r.rlim_max);
  return ::setrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur >= want;
}

// Issue 15: 1,024 idle TCP connections filled every slot and locked every later sender out,
// uncounted. Now a sender is held to tcp_max_connections_per_source, newcomers evict the
// oldest idle connection, idle ones are closed after tcp_idle_timeout, and every refusal and
// close is counted by reason.
TEST_F(CollectorTest, IdleTcpConnectionsCannotLockSendersOut) {
  if (!raiseFileLimit(4500)) GTEST_SKIP() << "needs 4,500 file descriptors";
  support::FakeClock clock;
  config_.listen = {*core::Endpoint::parse("tcp:127.0.0.1:0")};
  Collector c(config_, clock);
  ASSERT_TRUE(c.start().has_value());
  const uint16_t port = c.listeners()[0].port;
  const size_t per_source = config_.stream_limits.max_per_source;  // 256 by default

  std::vector<int> idle;
  for (int i = 0; i < 2000; ++i) {
    int fd = connectFrom("127.0.0.1", port);
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  auto count = [&](std::string_view name) { return listenerStage(c).count(name); };
  ASSERT_TRUE(
      support::waitFor([&] { return count("connections") + count("tcp_refused_limit") == 2000; }));
  EXPECT_EQ(count("connections"), per_source);
  EXPECT_EQ(count("tcp_refused_limit"), 2000 - per_source) << "none was idle long enough to evict";

  {  // A new sender still gets its messages stored.
    int fd = connectFrom("127.0.0.2", port);
    ASSERT_GE(fd, 0);
    Packet stream;
    for (const auto& p : traffic(100, 3)) stream.insert(stream.end(), p.begin(), p.end());
    ASSERT_EQ(::send(fd, stream.data(), stream.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(stream.size()));
    waitReceived(c, 100);
    ::close(fd);
  }
  // Once they have been idle a while, newcomers of the same sender take the oldest slots.
  clock.advance(std::chrono::seconds(2));
  for (int i = 0; i < 10; ++i) {
    int fd = connectFrom("127.0.0.1", port);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  ASSERT_TRUE(support::waitFor([&] { return count("tcp_evicted") == 10; }));
  // After tcp_idle_timeout every idle connection is closed.
  clock.advance(config_.stream_limits.idle_timeout);
  ASSERT_TRUE(support::waitFor([&] { return count("tcp_idle_closed") == per_source; }));
  for (int fd : idle) ::close(fd);
  c.stop();
  const auto s = c.stats();
  EXPECT_EQ(s.stored, 100u);
  EXPECT_EQ(s.received, s.stored + s.droppedTotal());
  EXPECT_EQ(count("connections"), per_source + 1 + 10);
}

// Issue 15: a TLS client that never finishes its handshake held a slot; it is closed after
// tls_handshake_timeout (counted), and senders that finish theirs are served as before.
TEST_F(CollectorTest, ATlsClientThatStopsMidHandshakeIsTimedOut) {
  support::writeSelfSignedCert(dir_);
  support::FakeClock clock;
  config_.listen = {*core::Endpoint::parse("tls:127.0.0.1:0")};
  config_.tls_certificate = (dir_ / "cert.pem").string();
  config_.tls_private_key = (dir_ / "key.pem").string();
  Collector c(config_, clock);
  ASSERT_TRUE(c.start().has_value());
  const uint16_t port = c.listeners()[0].port;
  int stuck = connectFrom("127.0.0.1", port);
  ASSERT_GE(stuck, 0);
  const char partial_hello[] = {0x16, 0x03, 0x01};  // a record header, then silence
  ASSERT_EQ(::send(stuck, partial_hello, sizeof partial_hello, MSG_NOSIGNAL), 3);
  auto count = [&](std::string_view name) { return listenerStage(c).count(name); };
  ASSERT_TRUE(support::waitFor([&] { return count("connections") == 1; }));
  clock.advance(config_.stream_limits.handshake_timeout);
  ASSERT_TRUE(support::waitFor([&] { return count("tls_handshake_timeout") == 1; }));
  timeval tv{5, 0};
  ::setsockopt(stuck, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[64];
  EXPECT_LE(::recv(stuck, buf, sizeof buf, 0), 0) << "the collector closed it";
  ::close(stuck);
  c.stop();
  EXPECT_EQ(c.stats().received, 0u);
}

// Issue 15: TCP streams cut in the middle of a packet, or broken by garbage, balance:
// received = stored + dropped, by reason.
TEST_F(CollectorTest, TcpStreamsCutOrBrokenBalanceTheirCounts) {
  config_.listen = {*core::Endpoint::parse("tcp:127.0.0.1:0")};
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  const uint16_t port = c.listeners()[0].port;
  auto packets = traffic(20, 3);
  {
    Sender cut(core::EndpointProto::Tcp, port);  // 9 packets and half of the 10th
    for (size_t i = 0; i < 9; ++i) cut.send(packets[i]);
    cut.send(Packet(packets[9].begin(), packets[9].begin() + packets[9].size() / 2));
  }
  {
    Sender broken(core::EndpointProto::Tcp, port);  // 10 packets, then not HEP at all
    for (size_t i = 10; i < 20; ++i) broken.send(packets[i]);
    broken.send(Packet(64, std::byte{'x'}));
  }
  waitReceived(c, 21);
  c.stop();
  const auto s = c.stats();
  EXPECT_EQ(s.stored, 19u);
  EXPECT_EQ(s.dropped("stream_cut"), 1u);
  EXPECT_EQ(s.dropped("stream_error"), 1u);
  EXPECT_EQ(s.received, 21u);
  EXPECT_EQ(s.received, s.stored + s.droppedTotal());
}

TEST_F(CollectorTest, BadStorePathFailsStart) {
  config_.db_url = "sqlite:/nonexistent-dir/x/siphon.db";
  Collector c(config_);
  auto r = c.start();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("/nonexistent-dir/x/siphon.db"), std::string::npos);
}

}  // namespace
}  // namespace siphon::pipeline

namespace siphon::pipeline {
namespace {

// capture_mode profiles chosen by capture_mode_rule: by HEP capture id, and by listener.
TEST_F(CollectorTest, CaptureModeRulesRouteRecordsToTheirProfiles) {
  auto m1 = parseCaptureMode("m1=>db_url=sqlite:" + (dir_ / "m1.db").string() +
                             ";table_name=mode1_capture;mt_mode=rand");
  auto m2 = parseCaptureMode("m2=>db_url=sqlite:" + (dir_ / "m2.db").string() +
                             ";table_name=a|b;mt_mode=hash;hash_source=call_id");
  ASSERT_TRUE(m1.has_value() && m2.has_value());
  config_.capture_modes = {*m1, *m2};
  config_.capture_mode_rules = {"capture_id=7001 => m1", "listen=tcp:127.0.0.1:0 => m2"};
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  Sender udp(core::EndpointProto::Udp, c.listeners()[0].port);
  Sender tcp(core::EndpointProto::Tcp, c.listeners()[1].port);
  load::TrafficOptions to_m1;
  to_m1.capture_id = 7001;
  for (const auto& p : traffic(40, 3, to_m1)) udp.send(p);  // rule 1
  for (const auto& p : traffic(30, 3)) udp.send(p);         // no rule: default store
  for (const auto& p : traffic(20, 3)) tcp.send(p);         // rule 2 (capture id 2001)
  waitReceived(c, 90);
  c.stop();
  ASSERT_EQ(c.stats().stored, 90u);
  auto count = [&](const std::string& file) {
    auto store = store::BlockStore::open((dir_ / file).string(), {}, true);
    EXPECT_TRUE(store.has_value());
    if (!store.has_value()) return std::map<std::string, size_t>{};
    query::SearchQuery q;
    q.limit = 1000;
    auto r = query::search(**store, q);
    EXPECT_TRUE(r.has_value());
    std::map<std::string, size_t> tables;
    for (const auto& f : r->records) ++tables[f.table];
    return tables;
  };
  auto d = count("siphon.db");
  EXPECT_EQ(d["sip_capture"], 30u);
  EXPECT_EQ(d.size(), 1u);
  auto a = count("m1.db");
  EXPECT_EQ(a["mode1_capture"], 40u);
  EXPECT_EQ(a.size(), 1u);
  auto b = count("m2.db");
  EXPECT_EQ(b["a"] + b["b"], 20u);
}

TEST_F(CollectorTest, CaptureModeRuleNamingAnUnknownModeFailsStart) {
  config_.capture_mode_rules = {"capture_id=1 => nope"};
  Collector c(config_);
  auto r = c.start();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("capture_mode_rule"), std::string::npos);
  EXPECT_EQ(r.error().exit_code, 2);
}

}  // namespace
}  // namespace siphon::pipeline

namespace siphon::pipeline {
namespace {

// xheaders_read: plain SIP copies with X-Siptrace-* headers are stored with the addresses,
// time and transport the headers give, the headers removed; without them: dropped, counted.
TEST_F(CollectorTest, XHeadersReadStoresPlainSipCopiesAndDropsTheRest) {
  config_.xheaders_read = true;
  Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  Sender udp(core::EndpointProto::Udp, c.listeners()[0].port);
  const std::string sip =
      "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bKx1\r\n"
      "From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: xh-1@test\r\n"
      "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  sip::XHeaderValues v;
  v.fromip = "tcp:10.1.1.1:5060";
  v.toip = "tcp:10.2.2.2:5080";
  v.ts_sec = 1700000123;
  v.ts_usec = 456;
  v.method = "INVITE";
  v.dir = "in";
  auto with = sip::writeXHeaders(sip, v);
  ASSERT_TRUE(with.has_value());
  auto bytes = [](const std::string& s) {
    auto b = core::asBytes(s);
    return Packet(b.begin(), b.end());
  };
  udp.send(bytes(*with));
  udp.send(bytes(sip));                             // no X-Siptrace headers
  for (const auto& p : traffic(5, 3)) udp.send(p);  // HEP still works beside it
  waitReceived(c, 7);
  c.stop();
  EXPECT_EQ(c.stats().stored, 6u);
  EXPECT_EQ(c.stats().dropped("no_xheaders"), 1u);
  query::SearchQuery q;
  q.call_id = "xh-1@test";
  auto r = find(q);
  ASSERT_EQ(r.records.size(), 1u);
  const auto& m = r.records[0].meta;
  EXPECT_EQ(core::asText(m.payload), sip);  // the headers are gone, the rest byte-exact
  EXPECT_EQ(m.src_ip.toString(), "10.1.1.1");
  EXPECT_EQ(m.dst_port, 5080);
  EXPECT_EQ(m.ip_proto, 6);
  EXPECT_EQ(m.ts_sec, 1700000123u);
  EXPECT_EQ(m.ts_usec, 456u);
}

}  // namespace
}  // namespace siphon::pipeline
