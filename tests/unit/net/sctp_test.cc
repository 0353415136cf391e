#include "net/sctp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "support/frame_builder.h"

namespace siphon::net {
namespace {

using test::Bytes;

std::vector<std::string> dataPayloads(std::span<const std::byte> chunks,
                                      std::optional<NetError>* error = nullptr) {
  std::vector<std::string> out;
  SctpDataChunks walk(chunks);
  while (auto c = walk.next()) {
    out.emplace_back(core::asText(c->user_data));
  }
  if (error != nullptr) {
    *error = walk.error();
  }
  return out;
}

TEST(Sctp, DecodesCommonHeader) {
  auto packet = test::sctp(5060, 5070, test::sctpData(1, 0, "x"));
  DecodedPacket p;
  ASSERT_TRUE(decodeSctp(packet, p).has_value());
  EXPECT_EQ(p.src_port, 5060);
  EXPECT_EQ(p.dst_port, 5070);
  EXPECT_EQ(p.payload.size(), packet.size() - kSctpCommonHeaderBytes);
  std::vector<std::byte> eleven(11);
  EXPECT_EQ(decodeSctp(eleven, p).error().code, NetErrc::Truncated);
}

TEST(Sctp, YieldsTwoDataChunksAndSkipsOthers) {
  // "INVITE" is 6 bytes (2 bytes of padding), "SIP/2.0" 7 (1 byte); a SACK chunk between them.
  auto chunks = Bytes()
                    .append(test::sctpData(10, 0, "INVITE", 0x02))
                    .u8(3)
                    .u8(0)
                    .u16(16)
                    .u32(9)
                    .u16(0)
                    .u16(0)
                    .u32(0)  // SACK, no gap blocks
                    .append(test::sctpData(11, 46, "SIP/2.0", 0x01))
                    .bytes();
  SctpDataChunks walk(chunks);
  auto first = walk.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(core::asText(first->user_data), "INVITE");
  EXPECT_EQ(first->tsn, 10u);
  EXPECT_TRUE(first->beginning());
  EXPECT_FALSE(first->ending());
  auto second = walk.next();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(core::asText(second->user_data), "SIP/2.0");
  EXPECT_EQ(second->ppid, 46u);
  EXPECT_TRUE(second->ending());
  EXPECT_FALSE(walk.next().has_value());
  EXPECT_FALSE(walk.error().has_value());

  size_t seen = 0;
  auto count = forEachSctpData(chunks, [&](const SctpDataChunk&) { ++seen; });
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 2u);
  EXPECT_EQ(seen, 2u);
}

TEST(Sctp, ToleratesMissingPaddingAfterTheLastChunk) {
  auto chunks = test::sctpData(1, 0, "abcde");
  chunks.resize(chunks.size() - 3);  // 16 + 5 = 21 bytes, padding dropped
  EXPECT_EQ(dataPayloads(chunks), std::vector<std::string>{"abcde"});
}

TEST(Sctp, StopsAtATruncatedChunk) {
  auto chunks =
      Bytes().append(test::sctpData(1, 0, "first")).append(test::sctpData(2, 0, "second"));
  auto bytes = chunks.bytes();
  bytes.resize(bytes.size() - 6);  // the second chunk's length now runs past the packet
  std::optional<NetError> error;
  EXPECT_EQ(dataPayloads(bytes, &error), std::vector<std::string>{"first"});
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, NetErrc::Truncated);

  auto result = forEachSctpData(bytes, [](const SctpDataChunk&) {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, NetErrc::Truncated);
}

TEST(Sctp, RejectsChunkLengthsBelowTheirMinimum) {
  std::optional<NetError> error;
  auto zero = Bytes().u8(3).u8(0).u16(0).u32(0).bytes();  // would never advance
  EXPECT_TRUE(dataPayloads(zero, &error).empty());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, NetErrc::BadSctpHeader);

  auto short_data = Bytes().u8(0).u8(3).u16(12).u32(1).u32(0).u32(0).bytes();
  EXPECT_TRUE(dataPayloads(short_data, &error).empty());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, NetErrc::BadSctpHeader);
}

TEST(Sctp, SkipsDataChunkWithoutUserData) {
  auto empty = Bytes().u8(0).u8(3).u16(16).u32(1).u32(0).u32(0).append(test::sctpData(2, 0, "x"));
  EXPECT_EQ(dataPayloads(empty.bytes()), std::vector<std::string>{"x"});
}

TEST(Sctp, EveryCutEndsCleanly) {
  auto chunks =
      Bytes().append(test::sctpData(1, 0, "INVITE")).append(test::sctpData(2, 0, "abc")).bytes();
  for (size_t n = 0; n <= chunks.size(); ++n) {
    std::vector<std::byte> cut(chunks.begin(), chunks.begin() + static_cast<ptrdiff_t>(n));
    std::optional<NetError> error;
    auto got = dataPayloads(cut, &error);
    EXPECT_LE(got.size(), 2u);
  }
}

}  // namespace
}  // namespace siphon::net
