// ClickHouseHttp::interrupt: a request to a server that never answers (a socket that listens
// and reads nothing: its kernel still completes the TCP handshake and takes the request) ends
// once interrupted, and later requests fail at once. Loopback only.

#include "sink/clickhouse/clickhouse_http.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <thread>

#include "core/db_url.h"
#include "support/loopback_socket.h"

namespace siphon::sink {
namespace {

TEST(ClickHouseHttp, AnInterruptEndsARequestTheServerNeverAnswers) {
  const support::LoopbackSocket server(SOCK_STREAM);  // listens, never accepts
  ASSERT_GE(server.fd(), 0);
  auto url = core::DbUrl::parse("clickhouse://127.0.0.1:" + std::to_string(server.port()) + "/db");
  ASSERT_TRUE(url.has_value());
  ClickHouseHttp http(*url);
  const std::string rows(1000, 'x');
  core::Result<std::string, core::Failure> answer = std::string();
  std::thread writer([&] {
    answer = http.insert("INSERT INTO t FORMAT RowBinary",
                         std::as_bytes(std::span(rows.data(), rows.size())));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  http.interrupt();
  writer.join();  // libcurl asks its progress callback at least once a second
  ASSERT_FALSE(answer.has_value());
  const auto later = http.query("SELECT 1");
  ASSERT_FALSE(later.has_value());
  EXPECT_NE(later.error().message.find("interrupted"), std::string::npos) << later.error().message;
}

}  // namespace
}  // namespace siphon::sink
