// The PostgreSQL connection's own db_url parameter: io_timeout.

#include "sink/postgres/postgres_connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/db_url.h"

namespace siphon::sink {
namespace {

// io_timeout is a db_url parameter of ours: whole seconds, 60 when absent.
TEST(PgIoTimeout, ReadFromTheUrl) {
  auto timeout = [](const char* url) { return pgIoTimeout(*core::DbUrl::parse(url)); };
  EXPECT_EQ(*timeout("postgres://u@127.0.0.1/db"), std::chrono::seconds(60));
  EXPECT_EQ(*timeout("postgres://u@127.0.0.1/db?connect_timeout=2&io_timeout=7"),
            std::chrono::seconds(7));
  for (const char* bad : {"postgres://u:pw@h/db?io_timeout=0", "postgres://u:pw@h/db?io_timeout=1.5",
                          "postgres://u:pw@h/db?io_timeout=", "postgres://u:pw@h/db?io_timeout=86401"}) {
    const auto r = timeout(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().exit_code, 2) << bad;
    EXPECT_NE(r.error().message.find("io_timeout"), std::string::npos) << bad;
    EXPECT_EQ(r.error().message.find("pw"), std::string::npos) << "the password stays hidden";
  }
}

}  // namespace
}  // namespace siphon::sink
