// The HTTP API end to end: a real collector on loopback (port 0) storing into a temporary
// SQLite store, real HEP over UDP (two legs of a B2BUA call joined by X-CID, plus calls,
// registrations and OPTIONS from the load generator), then every route through httplib::Client.

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/byte_reader.h"
#include "hep/hep_encoder.h"
#include "support/fake_clock.h"
#include "support/sip_traffic.h"
#include "support/wait.h"
#include "net/frame_decoder.h"
#include "pipeline/collector.h"
#include "source/pcap_file_source.h"
#include "web/api_server.h"

namespace siphon::web {
namespace {

using nlohmann::json;

constexpr uint32_t kT0 = 1700000000;  // 2023-11-14T22:13:20Z
constexpr const char* kLegA = "legA-1@test.example";
constexpr const char* kLegB = "legB-1@test.example";
constexpr std::string_view kRead = "read-token-0123456789";
constexpr std::string_view kAdmin = "admin-token-0123456789";

// One captured message to send: SIP text and where it went.
struct Sent {
  std::string payload;
  std::string src, dst;
  uint16_t sport = 5060, dport = 5060;
  uint32_t ts_sec = kT0, ts_usec = 0;
  std::string node;
};

std::string sip(const std::string& start, const std::string& call_id, const std::string& from_user,
                const std::string& to_user, const std::string& cseq, const std::string& branch,
                const std::string& extra = "", const std::string& body = "") {
  std::string m = start + "\r\n";
  m += "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=" + branch + "\r\n";
  m += "From: <sip:" + from_user + "@example.com>;tag=f-" + call_id.substr(0, 4) + "\r\n";
  m += "To: <sip:" + to_user + "@example.com>\r\n";
  m += "Call-ID: " + call_id + "\r\n";
  m += "CSeq: " + cseq + "\r\n";
  m += "Max-Forwards: 70\r\n" + extra;
  if (!body.empty()) m += "Content-Type: application/sdp\r\n";
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return m;
}

// Leg A (alice -> bob through the B2BUA at 10.0.0.2) and leg B (B2BUA -> carol at 10.0.0.3),
// whose messages carry X-CID: <leg A's Call-ID>.
std::vector<Sent> b2buaCall() {
  const std::string sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                          "m=audio 4000 RTP/AVP 0\r\n";
  const std::string a = kLegA, b = kLegB, xcid = "X-CID: " + a + "\r\n";
  std::vector<Sent> v;
  auto add = [&](std::string payload, const char* src, const char* dst, uint32_t ms) {
    v.push_back({std::move(payload), src, dst, 5060, 5060, kT0, ms * 1000, "edge1"});
  };
  add(sip("INVITE sip:bob@10.0.0.2 SIP/2.0", a, "alice", "bob", "1 INVITE", "z9hG4bK-a1",
          "User-Agent: TestPhone/1.0\r\nMac: aa-bb-cc\r\n", sdp),
      "10.0.0.1", "10.0.0.2", 0);
  add(sip("SIP/2.0 100 Trying", a, "alice", "bob", "1 INVITE", "z9hG4bK-a1"), "10.0.0.2", "10.0.0.1", 5);
  add(sip("INVITE sip:carol@10.0.0.3 SIP/2.0", b, "b2bua", "carol", "1 INVITE", "z9hG4bK-b1", xcid, sdp),
      "10.0.0.2", "10.0.0.3", 10);
  add(sip("SIP/2.0 200 OK", b, "b2bua", "carol", "1 INVITE", "z9hG4bK-b1", xcid, sdp), "10.0.0.3",
      "10.0.0.2", 100);
  add(sip("SIP/2.0 200 OK", a, "alice", "bob", "1 INVITE", "z9hG4bK-a1", "", sdp), "10.0.0.2",
      "10.0.0.1", 110);
  add(sip("ACK sip:bob@10.0.0.2 SIP/2.0", a, "alice", "bob", "1 ACK", "z9hG4bK-a2"), "10.0.0.1",
      "10.0.0.2", 120);
  add(sip("ACK sip:carol@10.0.0.3 SIP/2.0", b, "b2bua", "carol", "1 ACK", "z9hG4bK-b2", xcid),
      "10.0.0.2", "10.0.0.3", 125);
  add(sip("BYE sip:bob@10.0.0.2 SIP/2.0", a, "alice", "bob", "2 BYE", "z9hG4bK-a3"), "10.0.0.1",
      "10.0.0.2", 900);
  add(sip("SIP/2.0 200 OK", a, "alice", "bob", "2 BYE", "z9hG4bK-a3"), "10.0.0.2", "10.0.0.1", 905);
  return v;
}

class ApiRoutesTest : public ::testing::Test {
 protected:
  static constexpr size_t kBulk = 35;

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("siphon-api-routes-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto config = pipeline::defaultCollectorConfig();
    config.listen = {*core::Endpoint::parse("udp:127.0.0.1:0")};
    config.db_url = "sqlite:" + (dir_ / "api.db").string();
    // Time is the fake clock's: records become searchable when the test moves it past the
    // open block's rewrite interval, not when a real interval has passed.
    collector_ = std::make_unique<pipeline::Collector>(config, clock_);
    ASSERT_TRUE(collector_->start().has_value());
    sendTraffic();
  }
  void TearDown() override {
    api_.reset();
    collector_.reset();
    std::filesystem::remove_all(dir_);
  }

  void startApi(ApiOptions options = {}) {
    api_ = std::make_unique<ApiServer>(collector_->pipeline(), std::move(options));
    ASSERT_TRUE(api_->start("127.0.0.1:0").has_value());
    client_ = std::make_unique<httplib::Client>("http://" + api_->address());
  }

  void sendTraffic() {
    std::vector<Sent> all = b2buaCall();
    load::TrafficOptions opt;
    opt.run_id = "bulk";
    load::SipTraffic gen(opt);
    std::vector<load::TrafficMessage> bulk;
    while (bulk.size() < kBulk) gen.nextScenario(bulk);
    bulk.resize(kBulk);
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(collector_->listeners()[0].port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto send = [&](const core::CaptureMeta& meta) {
      std::vector<std::byte> packet;
      ASSERT_TRUE(hep::encodeHep(meta, packet).has_value());
      ASSERT_EQ(::sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a),
                static_cast<ssize_t>(packet.size()));
    };
    for (const auto& s : all) {
      core::CaptureMeta meta;
      meta.hep_version = 3;
      meta.ip_family = 2;
      meta.ip_proto = 17;
      meta.src_ip = *core::IpAddress::parse(s.src);
      meta.dst_ip = *core::IpAddress::parse(s.dst);
      meta.src_port = s.sport;
      meta.dst_port = s.dport;
      meta.ts_sec = s.ts_sec;
      meta.ts_usec = s.ts_usec;
      meta.capture_id = 2001;
      meta.node_name = s.node;
      meta.payload = core::asBytes(s.payload);
      send(meta);
      payloads_.push_back(s.payload);
    }
    for (size_t i = 0; i < bulk.size(); ++i) {
      core::CaptureMeta meta;
      gen.toMeta(bulk[i], meta, kT0 + 10 + static_cast<uint32_t>(i), 0);
      send(meta);
    }
    ::close(fd);
    total_ = all.size() + bulk.size();
    // The datagrams cross a real socket: wait (bounded) until they are in. sync() then has
    // them staged in the store's open block, which is not due before the clock passes its
    // rewrite interval (1 s): nothing is written yet. Once the clock has moved, it is.
    ASSERT_TRUE(support::waitFor([&] { return collector_->stats().received >= total_; }));
    collector_->sync();
    ASSERT_EQ(collector_->stats().stored, 0u);
    // `received` counts a datagram before its record reaches the store's lane, so the last
    // one may still be on its way, and then waits in a block for the clock to move again:
    // move it and sync until all are written (bounded).
    ASSERT_TRUE(support::waitFor([&] {
      clock_.advance(std::chrono::seconds(1));
      collector_->sync();
      return collector_->stats().stored >= total_;
    }));
    ASSERT_EQ(collector_->stats().stored, total_);
  }

  httplib::Result get(const std::string& path, const httplib::Params& params = {},
                      const httplib::Headers& headers = {}) {
    return client_->Get(path.c_str(), params, headers);
  }
  json getJson(const std::string& path, const httplib::Params& params, int status = 200) {
    auto res = get(path, params);
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, status) << path << " " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    return json::parse(res->body);
  }
  json search(const httplib::Params& params) { return getJson("/api/v1/search", params); }

  support::FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<pipeline::Collector> collector_;
  std::unique_ptr<ApiServer> api_;
  std::unique_ptr<httplib::Client> client_;
  std::deque<std::string> payloads_;
  size_t total_ = 0;
};

size_t count(const json& page) { return page.at("records").size(); }

TEST_F(ApiRoutesTest, SearchAppliesEachFilter) {
  startApi();
  auto a = search({{"call_id", kLegA}});
  ASSERT_EQ(count(a), 6u);
  EXPECT_FALSE(a["more"].get<bool>());
  EXPECT_EQ(a["limit"], 50);
  EXPECT_EQ(a["offset"], 0);
  int64_t prev = INT64_MAX;
  for (const auto& r : a["records"]) {
    EXPECT_EQ(r["callid"], kLegA);
    EXPECT_FALSE(r["id"].get<std::string>().empty());
    EXPECT_FALSE(r.contains("msg"));
    EXPECT_FALSE(r.contains("msg_b64"));
    EXPECT_LE(r["micro_ts"].get<int64_t>(), prev);  // newest first
    prev = r["micro_ts"].get<int64_t>();
  }
  EXPECT_EQ(a["records"][0]["method"], "200");  // the BYE's 200 OK is the newest

  EXPECT_EQ(count(search({{"correlation", kLegA}})), 6u);
  EXPECT_EQ(count(search({{"from_user", "alice"}})), 6u);
  EXPECT_EQ(count(search({{"to_user", "carol"}})), 3u);
  EXPECT_EQ(count(search({{"ruri_user", "bob"}})), 3u);  // INVITE, ACK, BYE
  EXPECT_EQ(count(search({{"call_id", kLegA}, {"method", "BYE"}})), 1u);
  EXPECT_EQ(count(search({{"call_id", kLegA}, {"status", "200"}})), 2u);
  EXPECT_EQ(count(search({{"ip", "10.0.0.3"}})), 3u);
  EXPECT_EQ(count(search({{"node", "edge1"}})), 9u);
  EXPECT_EQ(count(search({{"node", "edge1"}, {"since", "2023-11-14T22:13:20.100Z"},
                          {"until", "2023-11-14T22:13:20.150Z"}})),
            4u);  // 200 (B), 200 (A), ACK (A), ACK (B)
  EXPECT_EQ(count(search({{"header", "User-Agent:TestPhone"}})), 1u);
  EXPECT_EQ(count(search({{"header", "user-agent:TestPhone"}})), 1u);  // names: any case
  EXPECT_EQ(count(search({{"header", "User-Agent:testphone"}})), 0u);  // values: as written
  EXPECT_EQ(count(search({{"header", "X-CID:legA-1"}})), 3u);
  EXPECT_EQ(count(search({{"header", "X-CID:legA-1"}, {"header", "CSeq:INVITE"}})), 2u);
  EXPECT_EQ(count(search({{"header", "i:legB-1"}})), 3u);  // compact form of Call-ID
  EXPECT_EQ(count(search({{"custom_field1", "aa-bb-cc"}})), 1u);  // Mac (Kamailio default)
  EXPECT_EQ(count(search({{"custom_field1", "aa-bb"}})), 0u);
  EXPECT_EQ(count(search({{"from_user", "nobody"}})), 0u);
}

TEST_F(ApiRoutesTest, SearchPagesThroughEveryRecordOnce) {
  startApi();
  std::set<std::string> ids;
  int64_t prev = INT64_MAX;
  size_t offset = 0;
  for (int page = 0; page < 100; ++page) {
    auto p = search({{"limit", "4"}, {"offset", std::to_string(offset)}});
    EXPECT_EQ(p["offset"], offset);
    for (const auto& r : p["records"]) {
      EXPECT_TRUE(ids.insert(r["id"].get<std::string>()).second) << r["id"];
      EXPECT_LE(r["micro_ts"].get<int64_t>(), prev);
      prev = r["micro_ts"].get<int64_t>();
    }
    offset += count(p);
    if (!p["more"].get<bool>()) break;
    EXPECT_EQ(count(p), 4u);
  }
  EXPECT_EQ(ids.size(), total_);
  auto past = search({{"offset", std::to_string(total_)}});
  EXPECT_EQ(count(past), 0u);
  EXPECT_FALSE(past["more"].get<bool>());
  auto exact = search({{"limit", std::to_string(total_)}});
  EXPECT_EQ(count(exact), total_);
  EXPECT_FALSE(exact["more"].get<bool>());
  EXPECT_TRUE(search({{"limit", std::to_string(total_ - 1)}})["more"].get<bool>());
}

TEST_F(ApiRoutesTest, BadParametersAre400) {
  startApi();
  for (const httplib::Params& p :
       {httplib::Params{{"callid", "x"}}, httplib::Params{{"limit", "0"}},
        httplib::Params{{"status", "abc"}}, httplib::Params{{"since", "yesterday"}},
        httplib::Params{{"header", "no-colon"}}, httplib::Params{{"ip", "300.1.1.1"}}}) {
    auto j = getJson("/api/v1/search", p, 400);
    EXPECT_TRUE(j.contains("error"));
  }
  getJson("/api/v1/call", {}, 400);
  getJson("/api/v1/call", {{"call_id", kLegA}, {"correlation", kLegA}}, 400);
  getJson("/api/v1/call/ladder", {{"call_id", kLegA}, {"format", "png"}}, 400);
  getJson("/api/v1/call/export.pcap", {{"call_id", kLegA}, {"format", "svg"}}, 400);
  getJson("/api/v1/message/not-an-id", {}, 400);
}

TEST_F(ApiRoutesTest, StatisticsSeriesTopAndHistogram) {
  startApi();
  const httplib::Params range{{"since", "2023-11-14T21:00:00Z"}, {"until", "2023-11-14T23:00:00Z"}};
  auto with = [&](httplib::Params p) {
    p.insert(range.begin(), range.end());
    return p;
  };
  // Every stored record is in the statistics (written with the records).
  auto total = getJson("/api/v1/stats/series", with({{"by", "total"}, {"interval", "3600"}}));
  EXPECT_EQ(total["interval_s"], 3600);
  int64_t counted = 0;
  for (const auto& series : total["series"]) counted += series["total"].get<int64_t>();
  EXPECT_GT(counted, 0);
  EXPECT_LE(counted, static_cast<int64_t>(total_));
  auto buckets = total["buckets"];
  ASSERT_FALSE(buckets.empty());
  for (const auto& series : total["series"]) EXPECT_EQ(series["counts"].size(), buckets.size());
  auto asr = getJson("/api/v1/stats/series", with({{"by", "asr"}}));
  ASSERT_EQ(asr["series"].size(), 3u);
  EXPECT_EQ(asr["series"][2]["key"], "asr");
  // Top lists are sorted, largest first, and cut at the limit.
  auto top = getJson("/api/v1/stats/top", with({{"by", "src_ip"}, {"limit", "3"}}));
  ASSERT_LE(top["top"].size(), 3u);
  ASSERT_FALSE(top["top"].empty());
  for (size_t i = 1; i < top["top"].size(); ++i) {
    EXPECT_GE(top["top"][i - 1]["count"].get<int64_t>(), top["top"][i]["count"].get<int64_t>());
  }
  // A filter the statistics cannot answer is counted by scanning: the search's own matches.
  auto hist = getJson("/api/v1/search/histogram", with({{"call_id", kLegA}}));
  EXPECT_EQ(hist["source"], "scan");
  EXPECT_TRUE(hist["exact"].get<bool>());
  int64_t in_hist = 0;
  for (const auto& c : hist["counts"]) in_hist += c.get<int64_t>();
  EXPECT_EQ(in_hist, static_cast<int64_t>(count(search({{"call_id", kLegA}, {"since", "2023-11-14T21:00:00Z"}}))));
  EXPECT_EQ(getJson("/api/v1/search/histogram", with({{"method", "INVITE"}}))["source"], "statistics");
  // Bad parameters.
  getJson("/api/v1/stats/series", {{"by", "nope"}}, 400);
  getJson("/api/v1/stats/series", {{"by", "method"}, {"interval", "10"}}, 400);
  getJson("/api/v1/stats/series", {{"by", "method"}, {"since", "-1h"}, {"until", "-2h"}}, 400);
  getJson("/api/v1/stats/series", {{"by", "method"}, {"bogus", "1"}}, 400);
  getJson("/api/v1/stats/series", {{"by", "method"}, {"since", "-400d"}, {"interval", "60"}}, 400);
  getJson("/api/v1/stats/series", {{"by", "drops"}, {"since", "-400d"}, {"interval", "60"}}, 400);
  getJson("/api/v1/stats/series", {{"by", "drops"}, {"since", "-1h"}});
  getJson("/api/v1/stats/top", {{"by", "src_ip"}, {"limit", "0"}}, 400);
  getJson("/api/v1/stats/top", {{"by", "src_ip"}, {"limit", "101"}}, 400);
  getJson("/api/v1/search/histogram", {{"status", "abc"}}, 400);
}

TEST_F(ApiRoutesTest, MessageByIdHasTheFullText) {
  startApi();
  auto found = search({{"call_id", kLegA}, {"method", "INVITE"}});
  ASSERT_EQ(count(found), 1u);
  std::string id = found["records"][0]["id"];
  auto m = getJson("/api/v1/message/" + id, {});
  EXPECT_EQ(m["id"], id);
  EXPECT_EQ(m["callid"], kLegA);
  EXPECT_EQ(m["msg"], payloads_[0]);
  EXPECT_EQ(m["source_ip"], "10.0.0.1");
  EXPECT_EQ(m["custom_field1"], "aa-bb-cc");
  auto dot = id.find('.');
  getJson("/api/v1/message/999999" + id.substr(dot), {}, 404);
  getJson("/api/v1/message/" + id.substr(0, dot) + ".99999", {}, 404);
}

TEST_F(ApiRoutesTest, CallJoinsBothLegsInTimeOrder) {
  startApi();
  for (const httplib::Params& p : {httplib::Params{{"call_id", kLegA}}, httplib::Params{{"call_id", kLegB}},
                                   httplib::Params{{"correlation", kLegA}}}) {
    auto call = getJson("/api/v1/call", p);
    EXPECT_EQ(call["call_id"], p.begin()->second);
    ASSERT_EQ(call["legs"].size(), 2u);
    std::map<std::string, int> per_leg;
    for (const auto& leg : call["legs"]) per_leg[leg["call_id"]] = leg["messages"];
    EXPECT_EQ(per_leg[kLegA], 6);
    EXPECT_EQ(per_leg[kLegB], 3);
    EXPECT_FALSE(call["truncated"].get<bool>());
    EXPECT_EQ(call["truncated_reason"], "");
    ASSERT_EQ(call["messages"].size(), 9u);
    for (size_t i = 0; i < 9; ++i) {  // sent in time order
      EXPECT_EQ(call["messages"][i]["msg"], payloads_[i]);
      EXPECT_FALSE(call["messages"][i]["id"].get<std::string>().empty());
    }
  }
  getJson("/api/v1/call", {{"call_id", "no-such-call"}}, 404);
  getJson("/api/v1/call/ladder", {{"correlation", "no-such-call"}}, 404);
  getJson("/api/v1/call/export.pcap", {{"call_id", "no-such-call"}}, 404);
  // Outside the call's time range there is nothing.
  getJson("/api/v1/call", {{"call_id", kLegA}, {"since", "2023-11-15T00:00:00Z"}}, 404);
}

TEST_F(ApiRoutesTest, LadderAsJsonSvgAndHtml) {
  startApi();
  auto ladder = getJson("/api/v1/call/ladder", {{"call_id", kLegA}});
  ASSERT_EQ(ladder["columns"].size(), 3u);
  EXPECT_EQ(ladder["columns"][0]["label"], "10.0.0.1:5060");
  EXPECT_EQ(ladder["columns"][0]["index"], 0);
  EXPECT_EQ(ladder["columns"][2]["label"], "10.0.0.3:5060");
  ASSERT_EQ(ladder["arrows"].size(), 9u);
  const auto& first = ladder["arrows"][0];
  EXPECT_EQ(first["label"], "INVITE");
  EXPECT_EQ(first["from"], 0);
  EXPECT_EQ(first["to"], 1);
  EXPECT_EQ(first["cseq"], "1 INVITE");
  EXPECT_EQ(first["delta_first_us"], 0);
  EXPECT_FALSE(first["retransmission"].get<bool>());
  EXPECT_EQ(first["nodes"], json::array({"edge1"}));
  EXPECT_EQ(ladder["arrows"][2]["to"], 2);  // the B-leg INVITE to carol
  EXPECT_EQ(ladder["arrows"][2]["delta_prev_us"], 5000);
  EXPECT_EQ(ladder["arrows"][4]["label"], "200 OK");
  auto m = getJson("/api/v1/message/" + first["message_id"].get<std::string>(), {});
  EXPECT_EQ(m["msg"], payloads_[0]);

  auto svg = get("/api/v1/call/ladder", {{"call_id", kLegA}, {"format", "svg"}});
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->status, 200);
  EXPECT_EQ(svg->get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_TRUE(svg->body.starts_with("<svg"));
  EXPECT_NE(svg->body.find("id=\"arrow-8\""), std::string::npos);
  auto html = get("/api/v1/call/ladder", {{"call_id", kLegA}, {"format", "html"}});
  ASSERT_TRUE(html);
  EXPECT_EQ(html->status, 200);
  EXPECT_TRUE(html->get_header_value("Content-Type").starts_with("text/html"));
  EXPECT_NE(html->body.find("<svg"), std::string::npos);
}

TEST_F(ApiRoutesTest, PcapExportReadsBackTheSamePayloads) {
  startApi();
  auto res = get("/api/v1/call/export.pcap", {{"call_id", kLegB}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/vnd.tcpdump.pcap");
  EXPECT_EQ(res->get_header_value("Content-Disposition"),
            "attachment; filename=\"call-legB-1@test.example.pcap\"");
  ASSERT_GE(res->body.size(), 24u);
  auto magic = std::as_bytes(std::span(res->body.data(), 4));
  EXPECT_EQ(source::captureFileFormat(magic), source::CaptureFileFormat::Pcap);
  EXPECT_EQ(res->body.substr(0, 4), std::string("\xd4\xc3\xb2\xa1", 4));  // a1b2c3d4, µs

  auto path = dir_ / "call.pcap";
  std::ofstream(path, std::ios::binary) << res->body;
  auto file = source::PcapFileSource::open(path.string());
  ASSERT_TRUE(file.has_value()) << file.error().message;
  size_t n = 0;
  for (; n < 100; ++n) {
    auto frame = (*file)->next();
    ASSERT_TRUE(frame.has_value());
    if (!*frame) break;
    auto decoded = net::decodeFrame((*frame)->link_type, (*frame)->bytes);
    ASSERT_TRUE(decoded.has_value());
    ASSERT_LT(n, payloads_.size());
    EXPECT_EQ(core::asText(decoded->payload), payloads_[n]) << n;
    EXPECT_EQ((*frame)->ts_sec, kT0);
  }
  EXPECT_EQ(n, 9u);  // both legs, from either leg's Call-ID
}

TEST_F(ApiRoutesTest, TextExportHasEveryMessage) {
  startApi();
  auto res = get("/api/v1/call/export.txt", {{"correlation", kLegA}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_TRUE(res->get_header_value("Content-Type").starts_with("text/plain"));
  for (const auto& p : payloads_) EXPECT_NE(res->body.find(p), std::string::npos);
  EXPECT_NE(res->body.find("10.0.0.1:5060 -> 10.0.0.2:5060"), std::string::npos);
}

TEST_F(ApiRoutesTest, TokensGuardEveryRouteButHealth) {
  ApiOptions options;
  options.tokens = {{std::string(kRead)}, {std::string(kAdmin)}};
  startApi(std::move(options));
  httplib::Headers read = {{"Authorization", "Bearer " + std::string(kRead)}};
  httplib::Headers admin = {{"Authorization", "Bearer " + std::string(kAdmin)}};
  auto status = [&](httplib::Result r) { return r ? r->status : -1; };

  EXPECT_EQ(status(get("/health")), 200);
  auto denied = get("/api/v1/search", {{"call_id", kLegA}});
  EXPECT_EQ(status(std::move(denied)), 401);
  EXPECT_EQ(status(get("/api/v1/search", {{"call_id", kLegA}},
                       {{"Authorization", "Bearer not-a-token-0123456789"}})),
            401);
  EXPECT_EQ(status(get("/api/v1/search", {{"call_id", kLegA}}, read)), 200);
  EXPECT_EQ(status(get("/api/v1/stats", {}, read)), 200);
  EXPECT_EQ(status(get("/metrics", {}, read)), 200);
  EXPECT_EQ(status(get("/api/v1/call/export.pcap", {{"call_id", kLegA}, {"token", std::string(kRead)}})),
            200);
  EXPECT_EQ(status(client_->Post("/api/v1/capture/off", read, "", "text/plain")), 403);
  EXPECT_TRUE(collector_->captureSwitch().capture_on.load());
  EXPECT_EQ(status(client_->Post("/api/v1/capture/off")), 401);
  EXPECT_EQ(status(client_->Post("/api/v1/capture/off", admin, "", "text/plain")), 200);
  EXPECT_FALSE(collector_->captureSwitch().capture_on.load());
  EXPECT_EQ(status(get("/api/v1/capture", {}, admin)), 200);
  EXPECT_EQ(status(client_->Post("/api/v1/capture/on", admin, "", "text/plain")), 200);
  EXPECT_TRUE(collector_->captureSwitch().capture_on.load());
}

TEST_F(ApiRoutesTest, StaticFilesComeFromTheHook) {
  static constexpr StaticFile kFiles[] = {
      {"/index.html", "text/html; charset=utf-8", "<!doctype html><title>siphon</title>"},
      {"/ui/app.js", "text/javascript", "export const x = 1;\n"},
  };
  ApiOptions options;
  options.static_files = staticFileTable(kFiles);
  startApi(std::move(options));
  auto index = get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, kFiles[0].bytes);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  auto js = get("/ui/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript");
  EXPECT_EQ(get("/ui/missing.js")->status, 404);
  EXPECT_EQ(get("/other")->status, 404);
}

}  // namespace
}  // namespace siphon::web
