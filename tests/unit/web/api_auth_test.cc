// Access rules, message ids and URL parameters of the HTTP API, without a server.

#include "web/api_auth.h"

#include <gtest/gtest.h>

#include "core/config_file.h"
#include "pipeline/collector_config.h"
#include "web/message_id.h"
#include "web/request_params.h"

namespace siphon::web {
namespace {

constexpr std::string_view kRead = "read-token-0123456789";
constexpr std::string_view kAdmin = "admin-token-0123456789";

AuthDecision ask(const ApiAuth& auth, std::string_view method, std::string_view path,
                 std::string_view authorization, std::string_view addr = "10.1.2.3",
                 std::string_view query_token = "") {
  return auth.authorize({method, path, addr, authorization, query_token});
}

TEST(ApiAuth, WithoutTokensOnlyLoopbackClientsAreServed) {
  ApiAuth auth({});
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", "", "127.0.0.1").status, 0);
  EXPECT_EQ(ask(auth, "POST", "/api/v1/capture/off", "", "::1").status, 0);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", "", "::ffff:127.0.0.1").status, 0);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", "", "10.1.2.3").status, 403);
  EXPECT_EQ(ask(auth, "GET", "/health", "", "10.1.2.3").status, 0);
}

TEST(ApiAuth, ReadTokensReadAndAdminTokensControl) {
  ApiAuth auth({{std::string(kRead)}, {std::string(kAdmin)}});
  std::string read = "Bearer " + std::string(kRead), admin = "bearer " + std::string(kAdmin);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", "").status, 401);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", "", "127.0.0.1").status, 401);  // loopback too
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", "Bearer wrong-token-0123456789").status, 401);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", "Basic " + std::string(kRead)).status, 401);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", read).status, 0);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/call/export.pcap", "", "10.1.2.3", kRead).status, 0);
  EXPECT_EQ(ask(auth, "GET", "/", read).status, 0);
  EXPECT_EQ(ask(auth, "POST", "/api/v1/capture/off", read).status, 403);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/capture", read).status, 403);
  EXPECT_EQ(ask(auth, "POST", "/api/v1/capture/off", admin).status, 0);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", admin).status, 0);
  EXPECT_EQ(ask(auth, "GET", "/health", "").status, 0);
  // A prefix or an extension of a token is not the token.
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", read.substr(0, read.size() - 1)).status, 401);
  EXPECT_EQ(ask(auth, "GET", "/api/v1/search", read + "x").status, 401);
}

TEST(ApiAuth, BearerTokenIsTakenFromTheHeader) {
  EXPECT_EQ(bearerToken("Bearer abc"), "abc");
  EXPECT_EQ(bearerToken("BEARER  abc "), "abc");
  EXPECT_EQ(bearerToken("Bearer "), "");
  EXPECT_EQ(bearerToken("Basic abc"), "");
  EXPECT_EQ(bearerToken(""), "");
}

TEST(MessageId, RoundTripsAndRejectsAnythingElse) {
  auto ref = parseMessageId(messageId(42, 7));
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->block_id, 42);
  EXPECT_EQ(ref->index, 7u);
  for (const char* bad : {"", "42", "42.", ".7", "0.1", "-1.2", "1.-2", "1.2.3", "a.b", "1.2x",
                          "99999999999999999999.1"}) {
    EXPECT_FALSE(parseMessageId(bad)) << bad;
  }
}

TEST(MessageId, SqlRowsNameTheirTableTimeAndKey) {
  const std::string id = messageIdOf("sip_capture_20231114", 0, 123456, 1'700'000'000'000'042);
  EXPECT_EQ(id, "r.7369705f636170747572655f3230323331313134.1700000000000042.123456");
  auto ref = parseMessageId(id);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->block_id, 0);
  EXPECT_EQ(ref->table, "sip_capture_20231114");
  EXPECT_EQ(ref->micro_ts, 1'700'000'000'000'042);
  EXPECT_EQ(ref->index, 123456u);
  EXPECT_EQ(messageIdOf("t", 42, 7, 5), "42.7") << "embedded blocks keep their form";
  auto odd = parseMessageId(messageIdOf("a\"b';--", 0, 1, 2));
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->table, "a\"b';--") << "any table name survives, as hex";
  for (const char* bad : {"r.", "r.7.1.2", "r.zz.1.2", "r.61.1", "r.61.-1.2", "r.61.1.x", "r..1.2"}) {
    EXPECT_FALSE(parseMessageId(bad)) << bad;
  }
}

TEST(RequestParams, SearchParametersBecomeTheQuery) {
  Params p{{"call_id", "c1"},           {"method", "INVITE"},
           {"status", "200"},           {"ip", "10.0.0.1"},
           {"limit", "10"},             {"offset", "20"},
           {"header", "User-Agent:x"},  {"header", "X-CID:a:b"},
           {"custom_field2", "v"},      {"since", "2023-11-14T22:13:20Z"},
           {"until", "-1h"},            {"token", "t"}};
  auto q = searchQueryFrom(p, 1'800'000'000'000'000);
  ASSERT_TRUE(q.has_value()) << q.error().message;
  EXPECT_EQ(q->call_id, "c1");
  EXPECT_EQ(q->status, 200);
  EXPECT_EQ(q->limit, 10u);
  EXPECT_EQ(q->offset, 20u);
  ASSERT_EQ(q->headers.size(), 2u);
  EXPECT_EQ(q->headers[1].first, "X-CID");
  EXPECT_EQ(q->headers[1].second, "a:b");
  EXPECT_EQ(q->custom_field2, "v");
  EXPECT_EQ(q->since, 1'700'000'000'000'000);
  EXPECT_EQ(q->until, 1'800'000'000'000'000 - 3'600'000'000);
  auto defaults = searchQueryFrom({}, 0);
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->limit, kDefaultPageSize);
  EXPECT_EQ(defaults->offset, 0u);
}

TEST(RequestParams, BadSearchParametersAreRefusedNamingThem) {
  for (Params p : {Params{{"callid", "x"}}, Params{{"limit", "0"}}, Params{{"limit", "1001"}},
                   Params{{"limit", "ten"}}, Params{{"offset", "-1"}}, Params{{"status", "99"}},
                   Params{{"status", "2000"}}, Params{{"ip", "10.0.0"}}, Params{{"since", "yesterday"}},
                   Params{{"header", "NoColon"}}, Params{{"header", ":v"}}, Params{{"header", "N:"}},
                   Params{{"call_id", "a"}, {"call_id", "b"}},
                   Params{{"since", "2023-11-15T00:00:00Z"}, {"until", "2023-11-14T00:00:00Z"}}}) {
    auto q = searchQueryFrom(p, 1'800'000'000'000'000);
    ASSERT_FALSE(q.has_value()) << p.begin()->first << "=" << p.begin()->second;
    EXPECT_NE(q.error().message.find(p.begin()->first == "until" ? "since" : p.begin()->first),
              std::string::npos)
        << q.error().message;
  }
}

TEST(RequestParams, CallParametersNeedExactlyOneId) {
  EXPECT_TRUE(callQueryFrom({{"call_id", "a"}}, 0).has_value());
  EXPECT_TRUE(callQueryFrom({{"correlation", "a"}, {"since", "-1h"}}, 1'800'000'000'000'000).has_value());
  EXPECT_FALSE(callQueryFrom({}, 0).has_value());
  EXPECT_FALSE(callQueryFrom({{"call_id", "a"}, {"correlation", "b"}}, 0).has_value());
  EXPECT_FALSE(callQueryFrom({{"call_id", "a"}, {"format", "svg"}}, 0).has_value());
  EXPECT_TRUE(callQueryFrom({{"call_id", "a"}, {"format", "svg"}}, 0, {"format"}).has_value());
}

TEST(ApiTokenConfig, TokensAreReadAndBadOnesNameTheKey) {
  auto file = core::ConfigFile::parse(
      "api_read_tokens = [\"read-token-0123456789\"]\napi_admin_tokens = [\"admin-token-0123456789\"]\n",
      "t.toml");
  ASSERT_TRUE(file.has_value());
  auto config = pipeline::defaultCollectorConfig();
  ASSERT_TRUE(pipeline::applyConfigFile(*file, config).has_value());
  EXPECT_EQ(config.api_read_tokens, std::vector<std::string>{"read-token-0123456789"});
  EXPECT_EQ(config.api_admin_tokens, std::vector<std::string>{"admin-token-0123456789"});
  for (const char* text : {"api_read_tokens = [\"short\"]\n", "api_admin_tokens = [\"has a space in it!!\"]\n",
                           "api_admin_tokens = 5\n", "api_read_tokens = [1]\n"}) {
    auto bad = core::ConfigFile::parse(text, "t.toml");
    ASSERT_TRUE(bad.has_value());
    auto c = pipeline::defaultCollectorConfig();
    auto r = pipeline::applyConfigFile(*bad, c);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_NE(r.error().message.find(std::string(text).substr(0, std::string(text).find(' '))),
              std::string::npos)
        << r.error().message;
  }
}

}  // namespace
}  // namespace siphon::web
