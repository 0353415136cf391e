#include "sip/stream_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sip/sip_message.h"

namespace siphon::sip {
namespace {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\n"
    "Call-ID: a\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 31\r\n"
    "\r\n"
    "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n";
const std::string kOk =  // compact l, folded header, bare LF
    "SIP/2.0 200 OK\n"
    "i: b\n"
    "Subject: folded\n"
    " continuation\n"
    "l: 5\n"
    "\n"
    "hello";
const std::string kBye = "BYE sip:bob@example.com SIP/2.0\r\nCall-ID: c\r\nContent-Length: 0\r\n\r\n";
const std::string kNoCl = "ACK sip:bob@example.com SIP/2.0\r\nCall-ID: d\r\n\r\n";

// Feeds `stream` in chunks of `chunk` bytes; returns the messages framed (copied).
std::vector<std::string> frameAll(StreamFramer& framer, const std::string& stream, size_t chunk) {
  std::vector<std::string> out;
  for (size_t off = 0; off < stream.size(); off += chunk) {
    framer.feed(std::string_view(stream).substr(off, chunk));
    for (;;) {
      const Frame f = framer.next();
      if (f.status == FrameStatus::Message) {
        out.emplace_back(f.message);
        continue;
      }
      if (f.status == FrameStatus::Error) return out;
      break;
    }
  }
  return out;
}

TEST(StreamFramer, EveryChunkSizeGivesTheSameMessages) {
  const std::string stream = kInvite + "\r\n\r\n" + kOk + kBye + "\r\n" + kNoCl + kInvite;
  const std::vector<std::string> expected = {kInvite, kOk, kBye, kNoCl, kInvite};
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    StreamFramer framer;
    const auto got = frameAll(framer, stream, chunk);
    ASSERT_EQ(got, expected) << "chunk size " << chunk;
    EXPECT_EQ(framer.stats().messages, 5u);
    EXPECT_EQ(framer.stats().skipped_bytes, 0u);
    EXPECT_GE(framer.stats().keepalives, 2u);
    EXPECT_EQ(framer.bufferedBytes(), 0u);
  }
}

TEST(StreamFramer, WholeMessagesInOneChunkAreNotCopied) {
  const std::string stream = kInvite + kBye;
  StreamFramer framer;
  framer.feed(stream);
  Frame f = framer.next();
  ASSERT_EQ(f.status, FrameStatus::Message);
  EXPECT_EQ(f.message.data(), stream.data());
  f = framer.next();
  ASSERT_EQ(f.status, FrameStatus::Message);
  EXPECT_EQ(f.message.data(), stream.data() + kInvite.size());
  EXPECT_EQ(framer.next().status, FrameStatus::NeedMore);
}

TEST(StreamFramer, FramedMessagesParse) {
  StreamFramer framer;
  const auto got = frameAll(framer, kOk + kInvite, 7);
  ASSERT_EQ(got.size(), 2u);
  auto ok = SipMessage::parse(got[0]);
  EXPECT_FALSE(ok.parseError());
  EXPECT_EQ(ok.body(), "hello");
  auto inv = SipMessage::parse(got[1]);
  EXPECT_FALSE(inv.parseError());
  EXPECT_EQ(inv.body().size(), 31u);
}

TEST(StreamFramer, ResynchronisesAfterGarbage) {
  const std::string garbage = "\x16\x03\x01 binary junk\r\nHTTP/1.1 200 OK\r\nmore junk\n";
  const std::string stream = garbage + kBye + "garbage line\r\n" + kInvite;
  for (size_t chunk : {1u, 3u, 1000u}) {
    StreamFramer framer;
    const auto got = frameAll(framer, stream, chunk);
    ASSERT_EQ(got.size(), 2u) << chunk;
    EXPECT_EQ(got[0], kBye);
    EXPECT_EQ(got[1], kInvite);
    EXPECT_EQ(framer.stats().skipped_bytes, garbage.size() + 14) << chunk;
    EXPECT_EQ(framer.stats().resyncs, 4u);
  }
}

TEST(StreamFramer, HeaderSectionOverTheLimitIsFatal) {
  FramerLimits limits;
  limits.max_header_bytes = 100;
  std::string big = "INVITE sip:a@b SIP/2.0\r\nX-Long: " + std::string(200, 'x') + "\r\n\r\n";
  for (size_t chunk : {1u, 10u, 1000u}) {
    StreamFramer framer(limits);
    std::vector<std::string> got = frameAll(framer, kBye + big + kBye, chunk);
    EXPECT_EQ(got.size(), 1u);
    EXPECT_TRUE(framer.failed());
    EXPECT_EQ(framer.stats().errors, 1u);
    const Frame f = framer.next();
    EXPECT_EQ(f.status, FrameStatus::Error);
    EXPECT_EQ(f.error.code, SipErrc::TooLarge);
  }
  // The same with no empty line at all.
  StreamFramer framer(limits);
  const std::string unterminated = "INVITE sip:a@b SIP/2.0\r\n" + std::string(200, 'x');
  framer.feed(unterminated);
  EXPECT_EQ(framer.next().status, FrameStatus::Error);
}

TEST(StreamFramer, BodyOfSixtyFourKilobytes) {
  const std::string body(64 * 1024, 'b');
  const std::string msg = "MESSAGE sip:a@b SIP/2.0\r\nl: " + std::to_string(body.size()) +
                          "\r\n\r\n" + body;
  StreamFramer framer;
  const auto got = frameAll(framer, msg + kBye, 1400);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], msg);
  FramerLimits small;
  small.max_body_bytes = 1000;
  StreamFramer limited(small);
  limited.feed(msg);
  const Frame f = limited.next();
  EXPECT_EQ(f.status, FrameStatus::Error);
  EXPECT_EQ(f.error.code, SipErrc::TooLarge);
}

TEST(StreamFramer, BadContentLengthIsFatal) {
  for (const char* cl : {"-5", "abc", "5 5", ""}) {
    StreamFramer framer;
    const std::string msg = std::string("BYE sip:a@b SIP/2.0\r\nContent-Length: ") + cl + "\r\n\r\n";
    framer.feed(msg);
    const Frame f = framer.next();
    EXPECT_EQ(f.status, FrameStatus::Error) << cl;
    EXPECT_EQ(f.error.code, SipErrc::BadContentLength) << cl;
  }
}

TEST(StreamFramer, ContentLengthIsNotASubstringSearch) {
  // "Content-Length" inside another header's value must not be taken.
  const std::string msg = "INFO sip:a@b SIP/2.0\r\nSubject: Content-Length: 99\r\n"
                          "X-Content-Length: 99\r\nContent-Length: 2\r\n\r\nok";
  StreamFramer framer;
  const auto got = frameAll(framer, msg + kBye, 5);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], msg);
}

TEST(StreamFramer, KeepalivesOnly) {
  StreamFramer framer;
  const auto got = frameAll(framer, "\r\n\r\n\r\n\r\n\r\n", 1);
  EXPECT_TRUE(got.empty());
  EXPECT_GE(framer.stats().keepalives, 1u);
  EXPECT_EQ(framer.stats().skipped_bytes, 0u);
}

TEST(StreamFramer, FeedingBeforeDrainingKeepsOrder) {
  StreamFramer framer;
  framer.feed(std::string_view(kBye).substr(0, 10));
  framer.feed(std::string_view(kBye).substr(10));
  framer.feed(kInvite);
  Frame f = framer.next();
  ASSERT_EQ(f.status, FrameStatus::Message);
  EXPECT_EQ(f.message, kBye);
  f = framer.next();
  ASSERT_EQ(f.status, FrameStatus::Message);
  EXPECT_EQ(f.message, kInvite);
}

}  // namespace
}  // namespace siphon::sip
