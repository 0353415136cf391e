// The HTTP API over a running collector, on loopback port 0.

#include "web/api_server.h"

#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline/agent.h"
#include "pipeline/collector.h"

namespace siphon::web {
namespace {

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("siphon-api-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto config = pipeline::defaultCollectorConfig();
    config.listen = {*core::Endpoint::parse("udp:127.0.0.1:0")};
    config.db_url = "sqlite:" + (dir_ / "api.db").string();
    collector_ = std::make_unique<pipeline::Collector>(config);
    ASSERT_TRUE(collector_->start().has_value());
    api_ = std::make_unique<ApiServer>(collector_->pipeline());
    ASSERT_TRUE(api_->start("127.0.0.1:0").has_value());
  }
  void TearDown() override {
    api_.reset();
    collector_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<pipeline::Collector> collector_;
  std::unique_ptr<ApiServer> api_;
};

TEST_F(ApiServerTest, HealthMetricsAndCaptureSwitch) {
  httplib::Client client("http://" + api_->address());
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(health->body.find("ok"), std::string::npos);

  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("siphon_received_total 0"), std::string::npos);
  EXPECT_NE(metrics->body.find("siphon_dropped_total{reason=\"queue_full\"} 0"), std::string::npos);
  EXPECT_NE(metrics->body.find("siphon_store_batch_seconds_count"), std::string::npos);
  EXPECT_NE(metrics->body.find("siphon_capture_on 1"), std::string::npos);

  auto off = client.Post("/api/v1/capture/off");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->body, "{\"capture\":\"off\"}");
  EXPECT_FALSE(collector_->captureSwitch().capture_on.load());
  auto check = client.Get("/api/v1/capture");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->body, "{\"capture\":\"off\"}");
  ASSERT_TRUE(client.Post("/api/v1/capture/on"));
  EXPECT_TRUE(collector_->captureSwitch().capture_on.load());

  auto stats = client.Get("/api/v1/stats");
  ASSERT_TRUE(stats);
  EXPECT_NE(stats->body.find("\"dropped_by_reason\""), std::string::npos);
  // Issue 15: the parts of the resident memory, and every stage in the one shape.
  auto j = nlohmann::json::parse(stats->body);
  for (const char* part :
       {"rss_bytes", "queue_bytes", "queue_peak_bytes", "store_cache_bytes", "other_bytes"}) {
    EXPECT_TRUE(j["memory"].contains(part)) << part;
  }
  EXPECT_GT(j["memory"]["rss_bytes"].get<uint64_t>(), 0u);
  EXPECT_TRUE(j["stages"].is_array());
  EXPECT_NE(metrics->body.find("siphon_memory_bytes{part=\"store_cache\"}"), std::string::npos);
  EXPECT_EQ(client.Get("/nope")->status, 404);
}

TEST_F(ApiServerTest, BadAddressIsAnError) {
  ApiServer other(collector_->pipeline());
  auto r = other.start("not-an-address");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 2);
}

// The same server over an agent's pipeline offers what that pipeline holds: the trace switch
// and the counters, no capture switch and no store routes (the agent stores nothing here).
TEST(ApiServerOverAgent, OffersTheTraceSwitchAndStatsOnly) {
  pipeline::AgentConfig config;
  config.hep = {"udp:127.0.0.1:9"};  // discard port: nothing is sent in this test
  pipeline::Agent agent(config);
  ASSERT_TRUE(agent.start().has_value());
  ApiServer api(agent.pipeline());
  ASSERT_TRUE(api.start("127.0.0.1:0").has_value());
  httplib::Client client("http://" + api.address());
  auto off = client.Post("/api/v1/trace/off");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->body, "{\"trace\":\"off\"}");
  EXPECT_FALSE(agent.traceOn().load());
  auto stats = client.Get("/api/v1/stats");
  ASSERT_TRUE(stats);
  EXPECT_NE(stats->body.find("\"trace\":\"off\""), std::string::npos);
  EXPECT_NE(stats->body.find("\"stages\""), std::string::npos);
  EXPECT_EQ(client.Get("/api/v1/capture")->status, 404);
  EXPECT_EQ(client.Get("/api/v1/search")->status, 404);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("siphon_trace_on 0"), std::string::npos);
  api.stop();
  agent.stop();
}

// Stopping the collector ends a live tail with `event: end` and the stream's last chunk: the
// viewer sees an end, not a broken connection (live_tail's flake under load).
TEST_F(ApiServerTest, StoppingEndsATailStreamWithItsLastChunk) {
  httplib::Client client("http://" + api_->address());
  client.set_read_timeout(10);
  std::promise<void> connected;
  std::string body;
  auto viewer = std::async(std::launch::async, [&] {
    return client.Get(
        "/api/v1/tail",
        [&](const httplib::Response& r) {
          connected.set_value();
          return r.status == 200;
        },
        [&](const char* bytes, size_t n) {
          body.append(bytes, n);
          return true;
        });
  });
  ASSERT_EQ(connected.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  api_->stop();
  auto res = viewer.get();
  EXPECT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_NE(body.find("event: end\n"), std::string::npos) << body;
}

}  // namespace
}  // namespace siphon::web
