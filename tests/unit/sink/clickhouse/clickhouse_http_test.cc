// ClickHouseHttp::interrupt: a request to a server that never answers (a socket that listens
// and reads nothing: its kernel still completes the TCP handshake and takes the request) ends
// once interrupted, and later requests fail at once. Loopback only.

#include "sink/clickhouse/clickhouse_http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "core/db_url.h"

namespace siphon::sink {
namespace {

// A TCP socket on 127.0.0.1 that listens and never accepts.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port_ = ntohs(a.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  [[nodiscard]] uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(ClickHouseHttp, AnInterruptEndsARequestTheServerNeverAnswers) {
  SilentServer server;
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
