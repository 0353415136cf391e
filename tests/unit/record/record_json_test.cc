#include "record/record_json.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "hep/hep_decoder.h"
#include "record/base64.h"
#include "record/record_text.h"
#include "sip/sip_message.h"

namespace siphon::record {
namespace {

std::vector<std::byte> readData(const std::string& rel) {
  std::ifstream in(std::string(SIPHON_TEST_DATA_DIR) + "/" + rel, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  for (size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

core::CaptureMeta sniffedSip(std::string_view payload) {
  core::CaptureMeta meta;
  meta.hep_version = 0;
  meta.ip_family = 2;
  meta.ip_proto = 17;
  meta.src_ip = *core::IpAddress::parse("10.0.0.1");
  meta.dst_ip = *core::IpAddress::parse("10.0.0.2");
  meta.src_port = 5060;
  meta.dst_port = 5062;
  meta.ts_sec = 1700000000;
  meta.ts_usec = 42;
  meta.payload = core::asBytes(payload);
  return meta;
}

TEST(RecordJson, RendersHepRecordWithKamailioColumns) {
  auto packet = readData("hep/heplify_hep3_sip_200ok.bin");
  ASSERT_EQ(packet.size(), 778u);
  core::CaptureMeta meta;
  auto info = hep::decodeHep(packet, meta, nullptr);
  ASSERT_TRUE(info.has_value());

  auto j = recordJson(meta);
  EXPECT_EQ(j["date"], "2018-03-09T14:35:04.119540Z");
  EXPECT_EQ(j["micro_ts"], 1520606104119540);
  EXPECT_EQ(j["hep_version"], 3);
  EXPECT_EQ(j["payload_type"], 1);
  EXPECT_EQ(j["capture_id"], 0);
  EXPECT_EQ(j["has_auth_key"], true);  // an empty 0x000e chunk is still an auth key chunk
  EXPECT_FALSE(j.contains("auth_key"));
  EXPECT_EQ(j["source_ip"], "192.168.247.250");
  EXPECT_EQ(j["destination_ip"], "192.168.245.250");
  EXPECT_EQ(j["source_port"], 5060);
  EXPECT_EQ(j["destination_port"], 5060);
  EXPECT_EQ(j["proto"], 1);
  EXPECT_EQ(j["family"], 2);
  EXPECT_EQ(j["type"], 2);
  EXPECT_EQ(j["reply_reason"], "OK");
  EXPECT_EQ(j["callid"], "BC099884@6dfcffe8");
  EXPECT_EQ(j["correlation_id"], "BC099884@6dfcffe8");  // no 0x0011: the Call-ID
  EXPECT_EQ(j["cseq"], "215834489 OPTIONS");
  EXPECT_EQ(j["from_tag"], "6dfcffe8+1+b0a90003+c9efc20b");
  EXPECT_EQ(j["via_1_branch"], "z9hG4bK+21f113e7e3d04c846148a9ad7607aefa1+6dfcffe8+1");
  EXPECT_EQ(j["content_type"], "application/sdp");
  EXPECT_EQ(j["msg"], std::string(core::asText(meta.payload)));
  EXPECT_EQ(j["msg"].get<std::string>().size(), 673u);
  EXPECT_FALSE(j.contains("msg_b64"));
  EXPECT_FALSE(j.contains("parse_error"));
  for (const char* key : {"method",          "ruri",          "ruri_user",     "ruri_domain",
                          "from_user",       "from_domain",   "to_user",       "to_domain",
                          "to_tag",          "pid_user",      "contact_user",  "contact_ip",
                          "contact_port",    "auth_user",     "callid_aleg",   "via_1",
                          "diversion",       "reason",        "user_agent",    "originator_ip",
                          "originator_port", "custom_field1", "custom_field2", "custom_field3",
                          "rtp_stat",        "node",          "chunks"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_NO_THROW((void)j.dump());
}

TEST(RecordJson, KeepsBrokenNonUtf8SipAsBase64WithParseError) {
  // Headers never end, and a Latin-1 byte sits in the Call-ID.
  const std::string payload = "INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: caf\xE9@x\r\nVia: ";
  auto meta = sniffedSip(payload);
  auto j = recordJson(meta);
  EXPECT_FALSE(j.contains("msg"));
  ASSERT_TRUE(j.contains("msg_b64"));
  EXPECT_EQ(j["msg_b64"], base64Encode(core::asBytes(payload)));
  auto expected = sip::SipMessage::parse(payload).parseError();
  ASSERT_TRUE(expected.has_value());
  ASSERT_TRUE(j.contains("parse_error"));
  EXPECT_EQ(j["parse_error"], std::string(sip::sipErrcName(expected->code)));
  EXPECT_EQ(j["hep_version"], 0);
  EXPECT_EQ(j["micro_ts"], 1700000000000042);
  EXPECT_EQ(j["date"], "2023-11-14T22:13:20.000042Z");
  EXPECT_NO_THROW((void)j.dump());  // no non-UTF-8 string survives into the object
}

TEST(RecordJson, KeepsBrokenUtf8SipAsTextWithParseError) {
  const std::string payload = "SIP/2.0 200 OK\r\nContent-Length: 50\r\n\r\nshort";
  auto j = recordJson(sniffedSip(payload));
  EXPECT_EQ(j["msg"], payload);
  EXPECT_TRUE(j.contains("parse_error"));
}

TEST(RecordJson, DoesNotParseNonSipPayloadTypes) {
  const std::string log = "{\"level\":\"error\",\"msg\":\"not sip\"}";
  auto meta = sniffedSip(log);
  meta.hep_version = 3;
  meta.payload_type = 100;
  meta.correlation_id = "corr-1";
  auto j = recordJson(meta);
  EXPECT_EQ(j["payload_type"], 100);
  EXPECT_FALSE(j.contains("parse_error"));
  EXPECT_EQ(j["msg"], log);
  EXPECT_EQ(j["correlation_id"], "corr-1");
  EXPECT_EQ(j["callid"], "");
}

TEST(RecordJson, ListsOtherChunksAsHex) {
  auto meta = sniffedSip("OPTIONS sip:a@b SIP/2.0\r\n\r\n");
  const std::byte value[] = {std::byte{0x01}, std::byte{0xAB}};
  meta.other_chunks.push_back(core::ChunkView{0x0002, 0x0020, value});
  auto j = recordJson(meta);
  ASSERT_EQ(j["chunks"].size(), 1u);
  EXPECT_EQ(j["chunks"][0]["vendor"], 2);
  EXPECT_EQ(j["chunks"][0]["type"], 32);
  EXPECT_EQ(j["chunks"][0]["hex"], "01ab");
}

TEST(RecordJson, FormatsTimesInUtc) {
  EXPECT_EQ(formatRfc3339Micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(formatRfc3339Micros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(formatRfc3339Micros(951782400'000'000), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(formatRfc3339Micros(4107542399'999'999), "2100-02-28T23:59:59.999999Z");
  // The calendar arithmetic against the C library's, one time in every ~11.5 days over years
  // 0001 to 9999 (the C library's gmtime_r and a fixed-width format).
  for (int64_t secs = -62135596800; secs < 253402300799; secs += 997'003) {
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char want[96];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.000007Z", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    ASSERT_EQ(formatRfc3339Micros(secs * 1'000'000 + 7), want) << secs;
  }
}

TEST(RecordText, PrintsOneLineSummary) {
  const std::string invite =
      "INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: abc@host\r\nContent-Length: 0\r\n\r\n";
  auto meta = sniffedSip(invite);
  std::string line = recordText(meta);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind("2023-11-14T22:13:20.000042Z 10.0.0.1:5060 -> 10.0.0.2:5062 UDP INVITE", 0),
            0u)
      << line;
  EXPECT_NE(line.find("call-id=abc@host"), std::string::npos) << line;

  const std::string broken = "SIP/2.0 486 Busy Here\r\nCall-ID: q\r\n";
  std::string err = recordText(sniffedSip(broken));
  EXPECT_NE(err.find("486 Busy Here"), std::string::npos) << err;
  EXPECT_NE(err.find("parse_error="), std::string::npos) << err;
}

}  // namespace
}  // namespace siphon::record

namespace siphon::record {
namespace {

// appendRecordJson writes what recordJson(...).dump() writes, byte for byte: every message of
// the RFC 4475 torture tests, RFC 5118 and the real-world set (quotes, backslashes, control
// characters, UTF-8, unparsable ones), a binary payload, HEP chunks, with and without the
// message; and it declines (false, nothing written) where only the caller can decide.
TEST(RecordJsonWriter, WritesWhatTheJsonObjectDumps) {
  size_t compared = 0;
  for (const char* dir : {"sip/rfc4475", "sip/rfc5118", "sip/real-world"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SIPHON_TEST_DATA_DIR) + "/" + dir)) {
      if (entry.path().extension() == ".md") continue;
      const auto bytes = readData(std::string(dir) + "/" + entry.path().filename().string());
      const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      core::CaptureMeta meta = sniffedSip(text);
      ParsedSip parsed;
      parseSip(meta, {}, parsed);
      for (bool with_message : {true, false}) {
        std::string out = "prefix";
        ASSERT_TRUE(appendRecordJson(out, meta, parsed, {}, with_message)) << entry.path();
        EXPECT_EQ(out, "prefix" + recordJson(meta, parsed, {}, with_message).dump()) << entry.path();
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 60u);

  const std::string binary("\x01\x02\xff\xfe\"\\\n", 7);
  core::CaptureMeta meta = sniffedSip(binary);
  meta.payload_type = 5;
  const std::string chunk_value("\x00\xab", 2);
  meta.other_chunks.push_back({0, 0x65, core::asBytes(std::string_view(chunk_value))});
  meta.node_name = "node \"1\"\t\x01";
  ParsedSip parsed;
  parseSip(meta, {}, parsed);
  std::string out;
  ASSERT_TRUE(appendRecordJson(out, meta, parsed));
  EXPECT_EQ(out, recordJson(meta, parsed).dump());

  // A text payload and a node name that is not UTF-8: the caller's decision.
  core::CaptureMeta bad = sniffedSip("OPTIONS sip:x SIP/2.0\r\nCall-ID: a\r\n\r\n");
  bad.node_name = "\xff\xfe";
  parseSip(bad, {}, parsed);
  out = "kept";
  EXPECT_FALSE(appendRecordJson(out, bad, parsed));
  EXPECT_EQ(out, "kept");
}

}  // namespace
}  // namespace siphon::record
