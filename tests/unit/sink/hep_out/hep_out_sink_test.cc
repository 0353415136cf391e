// The HEP-out sink against the real collector in process (UDP v1/v2/v3, TCP v3, TLS v3) and
// against a bare TCP listener (order across a reconnect). Loopback only, ports chosen by the
// kernel, every wait bounded.

#include "sink/hep_out/hep_out_sink.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "core/byte_reader.h"
#include "hep/hep_decoder.h"
#include "pipeline/collector.h"
#include "query/search.h"
#include "support/reserved_port.h"
#include "support/sink_lane.h"
#include "support/tls_certificate.h"
#include "support/wait.h"

namespace siphon::sink {
namespace {

using namespace std::chrono_literals;

using support::ReservedPort;
using support::waitFor;
using SinkLane = support::SinkLane<HepOutSink>;

std::string sipMessage(const std::string& call_id, std::string_view body = {}) {
  std::string m = "INVITE sip:bob@example.com SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-" + call_id + "\r\n"
                  "From: <sip:alice@example.com>;tag=a1\r\n"
                  "To: <sip:bob@example.com>\r\n"
                  "Call-ID: " + call_id + "\r\n"
                  "CSeq: 1 INVITE\r\n"
                  "Max-Forwards: 70\r\n";
  if (!body.empty()) m += "Content-Type: application/sdp\r\n";
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  m.append(body);
  return m;
}

// A record as the agent's sniffer makes it: raw = the SIP datagram (then the correlation id
// and a vendor chunk value, which the meta views too).
core::Capture sniffed(const std::string& sip, uint32_t seq, const std::string& correlation = {}) {
  core::Capture c;
  std::string extra = correlation + "vendor-value";
  c.raw.resize(sip.size() + extra.size());
  std::memcpy(c.raw.data(), sip.data(), sip.size());
  std::memcpy(c.raw.data() + sip.size(), extra.data(), extra.size());
  auto& m = c.meta;
  m.ip_family = 2;
  m.ip_proto = 17;
  m.src_ip = *core::IpAddress::parse("10.0.0.1");
  m.dst_ip = *core::IpAddress::parse("10.0.0.2");
  m.src_port = 5060;
  m.dst_port = static_cast<uint16_t>(5070 + seq % 100);
  m.ts_sec = 1700000000 + seq;
  m.ts_usec = 1000 + seq;
  m.payload = std::span<const std::byte>(c.raw).first(sip.size());
  if (!correlation.empty()) {
    m.correlation_id = core::asText(std::span<const std::byte>(c.raw).subspan(sip.size(), correlation.size()));
  }
  m.other_chunks.push_back(core::ChunkView{
      0x0002, 0x0042, std::span<const std::byte>(c.raw).subspan(sip.size() + correlation.size())});
  return c;
}

// The records a lane hands the sink, from captures.
std::vector<record::RecordPtr> recordsOf(std::vector<core::Capture> captures) {
  std::vector<record::RecordPtr> out;
  for (auto& c : captures) out.push_back(record::makeRecord(std::move(c)));
  return out;
}

class HepOutSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("siphon-hepout-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_ = pipeline::defaultCollectorConfig();
    config_.db_url = "sqlite:" + (dir_ / "siphon.db").string();
    config_.store.flush_interval = 20ms;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  HepOutOptions options(const std::string& destination, uint8_t version) {
    HepOutOptions o;
    o.destinations = {*core::Endpoint::parse(destination)};
    o.encoding.hep_version = version;
    o.encoding.hep_capture_id = 2001;
    o.encoding.node_name = "agent-7";
    o.spool_dir = dir_ / "spool";
    return o;
  }

  // Sends `n` records through a sink built from `o`; returns their Call-IDs in order.
  std::vector<std::string> sendThrough(HepOutOptions o, size_t n, const std::string& tag) {
    SinkLane sink(std::move(o));
    auto opened = sink.open();
    EXPECT_TRUE(opened.has_value()) << opened.error().message;
    sink.start();
    std::vector<std::string> ids;
    for (size_t i = 0; i < n; ++i) {
      ids.push_back(tag + "-" + std::to_string(i));
      EXPECT_TRUE(sink.offer(sniffed(sipMessage(ids.back()), static_cast<uint32_t>(i),
                                     i % 2 == 0 ? "corr-" + ids.back() : "")));
    }
    sink.flushAndStop();
    EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent), n);
    EXPECT_EQ(sink.stats().droppedTotal(), 0u);
    return ids;
  }

  // Every stored record, by Call-ID.
  std::map<std::string, query::Found> stored() {
    auto store = store::BlockStore::open((dir_ / "siphon.db").string(), {}, true);
    EXPECT_TRUE(store.has_value());
    query::SearchQuery q;
    q.limit = 100000;
    auto r = query::search(**store, q);
    EXPECT_TRUE(r.has_value());
    std::map<std::string, query::Found> out;
    for (auto& f : r->records) {
      std::string text(core::asText(f.meta.payload));
      auto at = text.find("Call-ID: ");
      std::string id = at == std::string::npos ? "" : text.substr(at + 9, text.find('\r', at) - at - 9);
      EXPECT_EQ(out.count(id), 0u) << "stored twice: " << id;
      out.emplace(id, std::move(f));
    }
    return out;
  }

  // Checks every record arrived once with the fields the sink was asked to send.
  void expectStored(const std::vector<std::string>& ids, uint8_t version) {
    auto all = stored();
    ASSERT_EQ(all.size(), ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      SCOPED_TRACE(ids[i]);
      auto it = all.find(ids[i]);
      ASSERT_NE(it, all.end());
      const auto& m = it->second.meta;
      EXPECT_EQ(m.hep_version, version);
      EXPECT_EQ(core::asText(m.payload), sipMessage(ids[i]));
      EXPECT_EQ(m.src_ip.toString(), "10.0.0.1");
      EXPECT_EQ(m.dst_ip.toString(), "10.0.0.2");
      EXPECT_EQ(m.src_port, 5060);
      EXPECT_EQ(m.dst_port, 5070 + i % 100);
      if (version >= 2) {
        EXPECT_EQ(m.ts_sec, 1700000000 + i);
        EXPECT_EQ(m.ts_usec, 1000 + i);
        EXPECT_EQ(m.capture_id, 2001u);
      }
      if (version == 3) {
        EXPECT_EQ(m.node_name, "agent-7");
        EXPECT_EQ(m.correlation_id, i % 2 == 0 ? "corr-" + ids[i] : "");
        ASSERT_EQ(m.other_chunks.size(), 1u);
        EXPECT_EQ(m.other_chunks[0].vendor, 0x0002);
        EXPECT_EQ(m.other_chunks[0].type, 0x0042);
        EXPECT_EQ(core::asText(m.other_chunks[0].value), "vendor-value");
      }
    }
  }

  void runCollectorTest(const std::string& listen, uint8_t version, size_t n) {
    config_.listen = {*core::Endpoint::parse(listen)};
    pipeline::Collector c(config_);
    auto started = c.start();
    ASSERT_TRUE(started.has_value()) << started.error().message;
    auto ep = c.listeners()[0];
    auto ids = sendThrough(options(ep.toString(), version), n, "v" + std::to_string(version));
    EXPECT_TRUE(waitFor([&] { return c.stats().received >= n; }));
    c.stop();
    EXPECT_EQ(c.stats().stored, n);
    EXPECT_EQ(c.stats().droppedTotal(), 0u);
    expectStored(ids, version);
  }

  std::filesystem::path dir_;
  pipeline::CollectorConfig config_;
};

TEST_F(HepOutSinkTest, UdpHepV1ArrivesWithItsFields) { runCollectorTest("udp:127.0.0.1:0", 1, 100); }
TEST_F(HepOutSinkTest, UdpHepV2ArrivesWithItsFields) { runCollectorTest("udp:127.0.0.1:0", 2, 100); }
TEST_F(HepOutSinkTest, UdpHepV3ArrivesWithItsFields) { runCollectorTest("udp:127.0.0.1:0", 3, 100); }
TEST_F(HepOutSinkTest, TcpHepV3ArrivesWithItsFields) { runCollectorTest("tcp:127.0.0.1:0", 3, 300); }

TEST_F(HepOutSinkTest, TlsHepV3ArrivesWithItsFields) {
  support::writeSelfSignedCert(dir_);
  config_.tls_certificate = (dir_ / "cert.pem").string();
  config_.tls_private_key = (dir_ / "key.pem").string();
  runCollectorTest("tls:127.0.0.1:0", 3, 300);
}

TEST_F(HepOutSinkTest, TlsVerifiesAgainstACaFileWhenAsked) {
  support::writeSelfSignedCert(dir_);
  config_.tls_certificate = (dir_ / "cert.pem").string();
  config_.tls_private_key = (dir_ / "key.pem").string();
  config_.listen = {*core::Endpoint::parse("tls:127.0.0.1:0")};
  pipeline::Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  auto o = options(c.listeners()[0].toString(), 3);
  o.tls.verify = true;
  o.tls.ca_file = (dir_ / "cert.pem").string();  // self-signed: its own CA
  sendThrough(std::move(o), 20, "verified");
  EXPECT_TRUE(waitFor([&] { return c.stats().received >= 20; }));
  c.stop();
  EXPECT_EQ(c.stats().stored, 20u);
}

TEST_F(HepOutSinkTest, TlsVerificationFailureKeepsRecordsSpooled) {
  support::writeSelfSignedCert(dir_);
  config_.tls_certificate = (dir_ / "cert.pem").string();
  config_.tls_private_key = (dir_ / "key.pem").string();
  config_.listen = {*core::Endpoint::parse("tls:127.0.0.1:0")};
  pipeline::Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  auto o = options(c.listeners()[0].toString(), 3);
  o.tls.verify = true;  // system CAs only: our self-signed certificate is not trusted
  SinkLane sink(std::move(o));
  ASSERT_TRUE(sink.open().has_value());
  sink.start();
  for (uint32_t i = 0; i < 5; ++i) ASSERT_TRUE(sink.offer(sniffed(sipMessage("untrusted"), i)));
  sink.flushAndStop();
  c.stop();
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent), 0u);
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Spooled), 5u);
  EXPECT_GT(sink.stats().countOf(HepOutCount::ConnectFailures), 0u);
  EXPECT_EQ(c.stats().stored, 0u);
}

TEST_F(HepOutSinkTest, SpoolsWhileNoCollectorThenReplaysAllInOrderOnce) {
  ReservedPort reserved;  // nobody listens on it: connections are refused
  const uint16_t port = reserved.port();
  const size_t n = 200;
  auto o = options("tcp:127.0.0.1:" + std::to_string(port), 3);
  o.reconnect_max = 200ms;  // keeps the test short; the backoff logic is the same
  SinkLane sink(std::move(o));
  ASSERT_TRUE(sink.open().has_value());
  sink.start();
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) {
    ids.push_back("spooled-" + std::to_string(i));
    ASSERT_TRUE(sink.offer(sniffed(sipMessage(ids.back()), static_cast<uint32_t>(i),
                                   i % 2 == 0 ? "corr-" + ids.back() : "")));
  }
  ASSERT_TRUE(waitFor([&] { return sink.stats().countOf(HepOutCount::Spooled) == n; }));
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent), 0u);
  EXPECT_GT(sink.stats().countOf(HepOutCount::ConnectFailures), 0u);

  config_.listen = {*core::Endpoint::parse("tcp:127.0.0.1:" + std::to_string(port))};
  pipeline::Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  reserved.release();
  EXPECT_TRUE(waitFor([&] { return sink.stats().countOf(HepOutCount::Replayed) == n; }));
  sink.flushAndStop();
  EXPECT_TRUE(waitFor([&] { return c.stats().received >= n; }));
  c.stop();
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent), n);
  EXPECT_EQ(sink.stats().droppedTotal(), 0u);
  EXPECT_EQ(sink.sink().spooledPending(), 0u);
  EXPECT_EQ(c.stats().stored, n);
  expectStored(ids, 3);
  // Capture times rise with the send order; the store returns newest first.
  query::SearchQuery q;
  q.limit = 1000;
  auto store = store::BlockStore::open((dir_ / "siphon.db").string(), {}, true);
  ASSERT_TRUE(store.has_value());
  auto r = query::search(**store, q);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), n);
  for (size_t i = 0; i + 1 < n; ++i) {
    EXPECT_GT(r->records[i].meta.microsSinceEpoch(), r->records[i + 1].meta.microsSinceEpoch());
  }
}

// A bare HEP-over-TCP peer: accepts one connection at a time, splits the stream into packets.
class RawHepListener {
 public:
  explicit RawHepListener(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, 4) == 0;
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~RawHepListener() { ::close(fd_); }
  bool bound() const { return bound_; }
  uint16_t port() const { return port_; }

  // Accepts one connection and reads `n` whole packets (bounded by a 20 s receive timeout);
  // returns each packet's Call-ID in arrival order, then closes the connection.
  std::vector<std::string> acceptAndRead(size_t n) {
    std::vector<std::string> ids;
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return ids;
    timeval tv{20, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::vector<std::byte> buf;
    std::byte chunk[8192];
    while (ids.size() < n) {
      ssize_t r = ::recv(c, chunk, sizeof chunk, 0);
      if (r <= 0) break;
      buf.insert(buf.end(), chunk, chunk + r);
      // HEPv3: bytes 4-5 are the total length.
      while (buf.size() >= 6) {
        size_t total = (std::to_integer<size_t>(buf[4]) << 8) | std::to_integer<size_t>(buf[5]);
        if (total < 6 || buf.size() < total) break;
        core::CaptureMeta meta;
        std::vector<std::byte> inflated;
        auto d = hep::decodeHep(std::span<const std::byte>(buf).first(total), meta, &inflated);
        if (d.has_value()) {
          std::string text(core::asText(meta.payload));
          auto at = text.find("Call-ID: ");
          ids.push_back(text.substr(at + 9, text.find('\r', at) - at - 9));
        } else {
          ids.push_back("<undecodable>");
        }
        buf.erase(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(total));
      }
    }
    ::close(c);
    return ids;
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
  uint16_t port_ = 0;
};

TEST_F(HepOutSinkTest, CollectorGoneAndBackGetsEverythingAfterInOrder) {
  auto listener = std::make_unique<RawHepListener>(0);
  ASSERT_TRUE(listener->bound());
  const uint16_t port = listener->port();
  auto o = options("tcp:127.0.0.1:" + std::to_string(port), 3);
  o.reconnect_max = 200ms;
  SinkLane sink(std::move(o));
  ASSERT_TRUE(sink.open().has_value());
  sink.start();
  auto offer = [&](size_t from, size_t to) {
    std::vector<std::string> ids;
    for (size_t i = from; i < to; ++i) {
      ids.push_back("order-" + std::to_string(i));
      EXPECT_TRUE(sink.offer(sniffed(sipMessage(ids.back()), static_cast<uint32_t>(i))));
    }
    return ids;
  };
  auto first = offer(0, 100);
  EXPECT_EQ(listener->acceptAndRead(100), first);  // then it hangs up
  listener.reset();                                // and stops listening
  // The sink notices the hang-up before its next write and spools from then on.
  auto second = offer(100, 300);
  ASSERT_TRUE(waitFor([&] { return sink.stats().countOf(HepOutCount::Spooled) == 200; }));
  listener = std::make_unique<RawHepListener>(port);
  ASSERT_TRUE(listener->bound());
  EXPECT_EQ(listener->acceptAndRead(200), second);
  sink.flushAndStop();
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent), 300u);
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Replayed), 200u);
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Reconnects), 1u);
  EXPECT_EQ(sink.stats().droppedTotal(), 0u);
}

TEST_F(HepOutSinkTest, SpoolLeftAtStopIsReplayedByTheNextRun) {
  ReservedPort reserved;
  const uint16_t port = reserved.port();
  const std::string dest = "tcp:127.0.0.1:" + std::to_string(port);
  {
    auto o = options(dest, 3);
    o.io_timeout = 200ms;
    SinkLane sink(std::move(o));
    ASSERT_TRUE(sink.open().has_value());
    sink.start();
    for (uint32_t i = 0; i < 30; ++i) {
      ASSERT_TRUE(sink.offer(sniffed(sipMessage("left-" + std::to_string(i)), i)));
    }
    sink.flushAndStop();
    EXPECT_EQ(sink.stats().countOf(HepOutCount::Spooled), 30u);
    EXPECT_EQ(sink.sink().spooledPending(), 30u);
  }
  config_.listen = {*core::Endpoint::parse(dest)};
  pipeline::Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  SinkLane sink(options(dest, 3));
  ASSERT_TRUE(sink.open().has_value());
  EXPECT_EQ(sink.sink().spooledPending(), 30u);
  sink.start();
  sink.flushAndStop();
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Replayed), 30u);
  EXPECT_TRUE(waitFor([&] { return c.stats().received >= 30; }));
  c.stop();
  EXPECT_EQ(c.stats().stored, 30u);
}

TEST_F(HepOutSinkTest, LargePayloadArrivesWholeThroughCompressedChunk) {
  config_.listen = {*core::Endpoint::parse("tcp:127.0.0.1:0")};
  pipeline::Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  std::string sdp;
  for (int i = 0; sdp.size() < 70 * 1024; ++i) {
    sdp += "a=candidate:" + std::to_string(i) + " 1 udp 2130706431 10.0.0.1 " +
           std::to_string(10000 + i) + " typ host\r\n";
  }
  const std::string big = sipMessage("big-1", sdp);
  ASSERT_GT(big.size(), 70u * 1024);
  SinkLane sink(options(c.listeners()[0].toString(), 3));
  ASSERT_TRUE(sink.open().has_value());
  sink.start();
  ASSERT_TRUE(sink.offer(sniffed(big, 1)));
  sink.flushAndStop();
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Compressed), 1u);
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Truncated), 0u);
  EXPECT_TRUE(waitFor([&] { return c.stats().received >= 1; }));
  c.stop();
  ASSERT_EQ(c.stats().stored, 1u);
  auto all = stored();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(core::asText(all.begin()->second.meta.payload), big);
}

TEST_F(HepOutSinkTest, IncompressibleLargePayloadIsTruncatedAndCounted) {
  config_.listen = {*core::Endpoint::parse("udp:127.0.0.1:0")};
  pipeline::Collector c(config_);
  ASSERT_TRUE(c.start().has_value());
  std::mt19937 rng(42);  // random bytes: gzip cannot shrink them
  std::string noise;
  while (noise.size() < 70 * 1024) noise.push_back(static_cast<char>(rng() & 0xff));
  const std::string big = sipMessage("noise-1", noise);
  SinkLane sink(options(c.listeners()[0].toString(), 3));
  ASSERT_TRUE(sink.open().has_value());
  sink.start();
  ASSERT_TRUE(sink.offer(sniffed(big, 1)));
  sink.flushAndStop();
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Truncated), 1u);
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent), 1u);
  EXPECT_TRUE(waitFor([&] { return c.stats().received >= 1; }));
  c.stop();
  ASSERT_EQ(c.stats().stored, 1u);
  query::SearchQuery q;
  auto store = store::BlockStore::open((dir_ / "siphon.db").string(), {}, true);
  ASSERT_TRUE(store.has_value());
  auto r = query::search(**store, q);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 1u);
  const auto got = core::asText(r->records[0].meta.payload);
  EXPECT_GT(got.size(), 60000u);
  EXPECT_LT(got.size(), big.size());
  EXPECT_EQ(got, std::string_view(big).substr(0, got.size()));
}

TEST_F(HepOutSinkTest, UdpSendErrorsAreCounted) {
  // Nothing listens: the kernel answers with ICMP port unreachable, and a later send on the
  // connected socket reports ECONNREFUSED. (The reserved port is TCP; UDP's is unused.)
  ReservedPort reserved;
  const uint16_t port = reserved.port();
  SinkLane sink(options("udp:127.0.0.1:" + std::to_string(port), 3));
  ASSERT_TRUE(sink.open().has_value());
  sink.start();
  for (uint32_t i = 0; i < 400 && sink.stats().countOf(HepOutCount::UdpSendErrors) == 0; ++i) {
    (void)sink.offer(sniffed(sipMessage("refused-" + std::to_string(i)), i));
    std::this_thread::sleep_for(2ms);
  }
  sink.flushAndStop();
  EXPECT_GT(sink.stats().countOf(HepOutCount::UdpSendErrors), 0u);
}

TEST_F(HepOutSinkTest, WriteOnTheCallersThreadSendsEveryDatagramInOrder) {
  // More records than one sendmmsg call takes (64), to a socket read after the batch.
  int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(rx, 0);
  const int rcvbuf = 4 << 20;
  ::setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(rx, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(::getsockname(rx, reinterpret_cast<sockaddr*>(&a), &len), 0);
  constexpr uint32_t kRecords = 150;
  HepOutSink sink(options("udp:127.0.0.1:" + std::to_string(ntohs(a.sin_port)), 3));
  ASSERT_TRUE(sink.open().has_value());
  std::vector<core::Capture> batch;
  for (uint32_t i = 0; i < kRecords; ++i) {
    batch.push_back(sniffed(sipMessage("b-" + std::to_string(i)), i));
  }
  sink.write(recordsOf(std::move(batch)));
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent), kRecords);
  EXPECT_EQ(sink.stats().countOf(HepOutCount::UdpSendErrors), 0u);

  const timeval tv{2, 0};
  ::setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::vector<std::byte> buf(70000);
  for (uint32_t i = 0; i < kRecords; ++i) {
    const ssize_t n = ::recv(rx, buf.data(), buf.size(), 0);
    ASSERT_GT(n, 0) << "datagram " << i;
    core::CaptureMeta meta;
    ASSERT_TRUE(hep::decodeHep(std::span<const std::byte>(buf).first(static_cast<size_t>(n)), meta,
                               nullptr).has_value());
    EXPECT_EQ(meta.ts_sec, 1700000000 + i);
    const std::string call_id = "Call-ID: b-" + std::to_string(i) + "\r\n";
    EXPECT_NE(core::asText(meta.payload).find(call_id), std::string_view::npos);
  }
  ::close(rx);
}

TEST_F(HepOutSinkTest, WriteToARefusingPortAccountsForEveryRecord) {
  // ECONNREFUSED comes back for some datagrams (after the ICMP); each record is either sent
  // or dropped as udp_send_error, never lost without a counter.
  ReservedPort reserved;
  const uint16_t port = reserved.port();
  HepOutSink sink(options("udp:127.0.0.1:" + std::to_string(port), 3));
  ASSERT_TRUE(sink.open().has_value());
  uint64_t offered = 0;
  for (uint32_t round = 0; round < 50 && sink.stats().countOf(HepOutCount::UdpSendErrors) == 0; ++round) {
    std::vector<core::Capture> batch;
    for (uint32_t i = 0; i < 100; ++i) {
      batch.push_back(sniffed(sipMessage("r-" + std::to_string(i)), i));
    }
    offered += batch.size();
    sink.write(recordsOf(std::move(batch)));
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_GT(sink.stats().countOf(HepOutCount::UdpSendErrors), 0u);
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent) + sink.stats().droppedBy(HepOutDrop::UdpSendError), offered);
}

TEST_F(HepOutSinkTest, ConfigurationErrors) {
  auto expectConfigError = [&](HepOutOptions o, std::string_view text) {
    HepOutSink sink(std::move(o));
    auto r = sink.open();
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
  };
  expectConfigError(options("tcp:127.0.0.1:9060", 2), "only be sent over UDP");
  expectConfigError(options("tls:127.0.0.1:9061", 1), "only be sent over UDP");
  expectConfigError(options("udp:127.0.0.1:9060", 4), "hep_version");
  auto none = options("udp:127.0.0.1:9060", 3);
  none.destinations.clear();
  expectConfigError(none, "no destination");
  auto ca = options("tls:127.0.0.1:9061", 3);
  ca.tls.verify = true;
  ca.tls.ca_file = (dir_ / "missing.pem").string();
  expectConfigError(ca, "tls_ca_file");
}

TEST_F(HepOutSinkTest, UnencodableRecordsAreCountedNotSent) {
  // HEPv1 needs an address pair: a record without addresses cannot be written.
  SinkLane sink(options("udp:127.0.0.1:9", 1));
  ASSERT_TRUE(sink.open().has_value());
  sink.start();
  auto rec = sniffed(sipMessage("no-ip"), 1);
  rec.meta.src_ip = {};
  rec.meta.dst_ip = {};
  ASSERT_TRUE(sink.offer(std::move(rec)));
  sink.flushAndStop();
  EXPECT_EQ(sink.stats().droppedBy(HepOutDrop::Unencodable), 1u);
  EXPECT_EQ(sink.stats().countOf(HepOutCount::Sent), 0u);
}

}  // namespace
}  // namespace siphon::sink
