#include <gtest/gtest.h>

#include <string>

#include "core/byte_reader.h"
#include "record/base64.h"
#include "record/utf8.h"

namespace siphon::record {
namespace {

TEST(Base64, MatchesRfc4648TestVectors) {
  // RFC 4648 §10.
  EXPECT_EQ(base64Encode(core::asBytes("")), "");
  EXPECT_EQ(base64Encode(core::asBytes("f")), "Zg==");
  EXPECT_EQ(base64Encode(core::asBytes("fo")), "Zm8=");
  EXPECT_EQ(base64Encode(core::asBytes("foo")), "Zm9v");
  EXPECT_EQ(base64Encode(core::asBytes("foob")), "Zm9vYg==");
  EXPECT_EQ(base64Encode(core::asBytes("fooba")), "Zm9vYmE=");
  EXPECT_EQ(base64Encode(core::asBytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64Encode(core::asBytes(std::string("\xff\xfe\x00", 3))), "//4A");
}

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("INVITE sip:a@b SIP/2.0\r\n"));
  EXPECT_TRUE(isValidUtf8("caf\xC3\xA9"));           // é
  EXPECT_TRUE(isValidUtf8("\xE2\x82\xAC"));          // €
  EXPECT_TRUE(isValidUtf8("\xF0\x9F\x93\x9E"));      // U+1F4DE
  EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF
  EXPECT_TRUE(isValidUtf8(std::string("a\0b", 3)));  // NUL is a valid code point
}

TEST(Utf8, RejectsMalformedText) {
  EXPECT_FALSE(isValidUtf8("caf\xE9"));           // Latin-1
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(isValidUtf8("\x80"));          // lone continuation
  EXPECT_FALSE(isValidUtf8("\xE2\x82"));      // cut sequence
  EXPECT_FALSE(isValidUtf8("\xE2\x28\xA1"));  // bad continuation
}

}  // namespace
}  // namespace siphon::record
