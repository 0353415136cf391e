// WebSocketDecoder (RFC 6455) with SIP inside (RFC 7118): handshake skipping, masking,
// lengths, fragmentation, control frames, errors, chunked input and resynchronisation.

#include "net/websocket.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "core/byte_reader.h"

namespace siphon::net {
namespace {

const std::string kInvite =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks\r\n"
    "From: <sip:alice@example.com>;tag=1\r\n"
    "To: <sip:bob@example.com>\r\n"
    "Call-ID: ws1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n\r\n";

const std::string kRequestHead =
    "GET / HTTP/1.1\r\n"
    "Host: proxy.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Protocol: sip\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

const std::string kResponseHead =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: WebSocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "Sec-WebSocket-Protocol: sip\r\n\r\n";

/// One frame: RFC 6455 §5.2, with the shortest length encoding unless `len_bytes` forces one.
std::string frame(uint8_t opcode, std::string_view payload, bool fin = true, bool masked = false,
                  int len_bytes = 0, uint8_t rsv = 0) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | (rsv << 4) | opcode);
  const uint8_t m = masked ? 0x80 : 0;
  const size_t n = payload.size();
  if (len_bytes == 8 || (len_bytes == 0 && n > 0xFFFF)) {
    f += static_cast<char>(m | 127);
    for (int i = 7; i >= 0; --i) {
      f += static_cast<char>((static_cast<uint64_t>(n) >> (8 * i)) & 0xFF);
    }
  } else if (len_bytes == 2 || (len_bytes == 0 && n > 125)) {
    f += static_cast<char>(m | 126);
    f += static_cast<char>((n >> 8) & 0xFF);
    f += static_cast<char>(n & 0xFF);
  } else {
    f += static_cast<char>(m | n);
  }
  const std::array<uint8_t, 4> key = {0x37, 0xfa, 0x21, 0x3d};
  if (masked) {
    for (uint8_t k : key) {
      f += static_cast<char>(k);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    f += static_cast<char>(static_cast<uint8_t>(payload[i]) ^ (masked ? key[i % 4] : 0));
  }
  return f;
}

struct Out {
  std::vector<std::string> messages;
  bool closed = false;
  bool error = false;
  WsErrc errc = WsErrc::TooLarge;
};

Out drain(WebSocketDecoder& d, Out out = {}) {
  for (int i = 0; i < 1000; ++i) {
    const WsResult r = d.next();
    if (r.status == WsStatus::Message) {
      out.messages.emplace_back(r.payload);
      continue;
    }
    out.closed = r.status == WsStatus::Closed;
    out.error = r.status == WsStatus::Error;
    out.errc = r.error.code;
    break;
  }
  return out;
}

Out decodeAll(std::string_view stream, size_t chunk = 0, WsLimits limits = {}) {
  WebSocketDecoder d(limits);
  Out out;
  if (chunk == 0) {
    chunk = stream.size();
  }
  for (size_t i = 0; i < stream.size(); i += chunk) {
    d.feed(core::asBytes(stream.substr(i, chunk)));
    out = drain(d, out);
    if (out.error) {
      break;
    }
  }
  return out;
}

TEST(WebSocket, ClientHandshakeThenMaskedFrame) {
  const std::string s = kRequestHead + frame(0x1, kInvite, true, true);
  const Out out = decodeAll(s);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], kInvite);
}

TEST(WebSocket, ServerHandshakeThenUnmaskedFrames) {
  const std::string s = kResponseHead + frame(0x1, kInvite) + frame(0x2, kInvite);
  const Out out = decodeAll(s);
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_EQ(out.messages[1], kInvite);
}

TEST(WebSocket, StreamWithoutHandshakeDecodesFromTheFirstFrame) {
  const Out out = decodeAll(frame(0x1, kInvite, true, true));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], kInvite);
}

TEST(WebSocket, FragmentedMessageWithInterleavedPing) {
  const std::string a = kInvite.substr(0, 10);
  const std::string b = kInvite.substr(10, 50);
  const std::string c = kInvite.substr(60);
  const std::string s = kRequestHead + frame(0x1, a, false, true) + frame(0x9, "ping", true, true) +
                        frame(0x0, b, false, true) + frame(0xA, "", true, true) +
                        frame(0x0, c, true, true);
  WebSocketDecoder d;
  d.feed(core::asBytes(s));
  const Out out = drain(d);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], kInvite);
  EXPECT_EQ(d.stats().fragmented_messages, 1u);
  EXPECT_EQ(d.stats().control_frames, 2u);
}

TEST(WebSocket, LengthEncodings) {
  const std::string big(70000, 'b');
  const std::string body = "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 70000\r\n\r\n" + big;
  const std::string s = frame(0x1, "SIP/2.0 200 OK\r\n\r\n", true, false, 2) +  // 16-bit for 18
                        frame(0x1, "SIP/2.0 200 OK\r\n\r\n", true, true, 8) +   // 64-bit for 18
                        frame(0x1, body, true, true);                           // 64-bit
  const Out out = decodeAll(s);
  ASSERT_EQ(out.messages.size(), 3u);
  EXPECT_EQ(out.messages[2], body);
}

TEST(WebSocket, ByteByByteFeedingGivesTheSameMessages) {
  const std::string s = kRequestHead + frame(0x1, kInvite, true, true) +
                        frame(0x1, kInvite.substr(0, 7), false, true) +
                        frame(0x0, kInvite.substr(7), true, true) + frame(0x8, "", true, true);
  for (size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
    const Out out = decodeAll(s, chunk);
    ASSERT_EQ(out.messages.size(), 2u) << chunk;
    EXPECT_EQ(out.messages[0], kInvite);
    EXPECT_EQ(out.messages[1], kInvite);
    EXPECT_TRUE(out.closed);
  }
}

TEST(WebSocket, CloseFrameEndsTheStream) {
  WebSocketDecoder d;
  d.feed(core::asBytes(frame(0x8, "\x03\xe8", true, true) + frame(0x1, kInvite)));
  const Out out = drain(d);
  EXPECT_TRUE(out.closed);
  EXPECT_TRUE(out.messages.empty());
  d.feed(core::asBytes(frame(0x1, kInvite)));
  EXPECT_EQ(d.next().status, WsStatus::Closed);
  EXPECT_GT(d.stats().after_close_bytes, 0u);
}

TEST(WebSocket, CompressedMessagesAreSkipped) {
  WebSocketDecoder d;
  d.feed(core::asBytes(frame(0x1, "\xf2\x48\xcd", true, false, 0, 0x4) + frame(0x1, kInvite)));
  const Out out = drain(d);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(d.stats().compressed_skipped, 1u);
}

TEST(WebSocket, ProtocolErrors) {
  struct Case {
    std::string bytes;
    WsErrc errc;
  };
  std::string msb_length = "\x81\x7f";
  msb_length += std::string("\x80\0\0\0\0\0\0\x01", 8);
  const std::vector<Case> cases = {
      {frame(0x3, "x"), WsErrc::ReservedOpcode},
      {frame(0x1, "x", true, false, 0, 0x2), WsErrc::ReservedBits},
      {frame(0x9, "p", true, false, 0, 0x4), WsErrc::ReservedBits},
      {frame(0x9, std::string(126, 'p')), WsErrc::BadControlFrame},
      {frame(0x9, "p", false), WsErrc::BadControlFrame},
      {frame(0x0, "x"), WsErrc::UnexpectedContinuation},
      {frame(0x1, "x", false) + frame(0x2, "y"), WsErrc::InterruptedMessage},
      {msb_length, WsErrc::BadLength},
  };
  for (const auto& c : cases) {
    const Out out = decodeAll(c.bytes);
    EXPECT_TRUE(out.error);
    EXPECT_EQ(out.errc, c.errc);
  }
}

TEST(WebSocket, MessageSizeLimitCountsAllFragments) {
  WsLimits limits;
  limits.max_message_bytes = 100;
  EXPECT_FALSE(decodeAll(frame(0x1, std::string(100, 'a')), 0, limits).error);
  const Out one = decodeAll(frame(0x1, std::string(101, 'a')), 0, limits);
  EXPECT_TRUE(one.error);
  EXPECT_EQ(one.errc, WsErrc::TooLarge);
  const Out frags = decodeAll(
      frame(0x1, std::string(60, 'a'), false) + frame(0x0, std::string(60, 'a')), 0, limits);
  EXPECT_TRUE(frags.error);
  // A huge announced length is refused before any payload is waited for.
  std::string huge = "\x82\x7f";
  huge += std::string("\x00\x00\x00\x01\x00\x00\x00\x00", 8);
  EXPECT_TRUE(decodeAll(huge, 0, limits).error);
}

TEST(WebSocket, HandshakeTooLarge) {
  WsLimits limits;
  limits.max_handshake_bytes = 64;
  const Out out = decodeAll("GET / HTTP/1.1\r\nX-Long: " + std::string(200, 'a'), 0, limits);
  EXPECT_TRUE(out.error);
  EXPECT_EQ(out.errc, WsErrc::HandshakeTooLarge);
}

TEST(WebSocket, ResynchroniseFindsTheNextSipFrame) {
  WebSocketDecoder d;
  const std::string first = frame(0x1, kInvite, true, true);
  // The stream loses the first half of a frame; what follows is its tail, then a good frame.
  d.feed(core::asBytes(first.substr(0, 40)));
  EXPECT_EQ(d.next().status, WsStatus::NeedMore);
  d.resynchronise();
  d.feed(core::asBytes(first.substr(first.size() - 30) + frame(0x1, kInvite, true, true)));
  const Out out = drain(d);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], kInvite);
  EXPECT_EQ(d.stats().resync_skipped_bytes, 40u + 30u);
}

TEST(WebSocket, ResynchroniseAfterAnErrorSkipsTheBadBytes) {
  WebSocketDecoder d;
  d.feed(core::asBytes(frame(0x3, "bad") + frame(0x1, kInvite)));
  EXPECT_EQ(d.next().status, WsStatus::Error);
  d.resynchronise();
  const Out out = drain(d);
  ASSERT_EQ(out.messages.size(), 1u);
}

TEST(WebSocket, Classifiers) {
  EXPECT_TRUE(looksLikeWebSocketHandshake(kRequestHead));
  EXPECT_TRUE(looksLikeWebSocketHandshake(kResponseHead));
  EXPECT_FALSE(looksLikeWebSocketHandshake("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  EXPECT_FALSE(looksLikeWebSocketHandshake(kRequestHead.substr(0, 60)));
  EXPECT_TRUE(looksLikeSipWebSocketFrame(core::asBytes(frame(0x1, kInvite, true, true))));
  EXPECT_TRUE(looksLikeSipWebSocketFrame(core::asBytes(frame(0x2, "SIP/2.0 200 OK\r\n"))));
  EXPECT_FALSE(looksLikeSipWebSocketFrame(core::asBytes(frame(0x1, "{\"json\": 1}"))));
  EXPECT_FALSE(looksLikeSipWebSocketFrame(core::asBytes(frame(0x9, kInvite))));
  EXPECT_FALSE(looksLikeSipWebSocketFrame(core::asBytes(frame(0x1, kInvite).substr(0, 6))));
}

}  // namespace
}  // namespace siphon::net
