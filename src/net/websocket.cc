#include "net/websocket.h"

#include <algorithm>
#include <cstring>

#include "core/byte_reader.h"

namespace siphon::net {
namespace {

// RFC 6455 §5.2 base framing: 2 bytes, then 0, 2 or 8 bytes of extended length, then 0 or 4
// bytes of masking key.
constexpr size_t kMaxFrameHeader = 14;
constexpr size_t kSipProbeBytes = 8;

struct FrameHeader {
  bool fin = false;
  uint8_t rsv = 0;  // the three RSV bits, in bits 2..0
  uint8_t opcode = 0;
  bool masked = false;
  uint64_t length = 0;
  uint8_t key[4] = {0, 0, 0, 0};
  size_t header_len = 0;
};

enum class HeaderParse : uint8_t { Ok, NeedMore, BadLength };

HeaderParse parseHeader(std::string_view d, FrameHeader& h) {
  if (d.size() < 2) {
    return HeaderParse::NeedMore;
  }
  const auto b0 = static_cast<uint8_t>(d[0]);
  const auto b1 = static_cast<uint8_t>(d[1]);
  h.fin = (b0 & 0x80) != 0;
  h.rsv = static_cast<uint8_t>((b0 >> 4) & 0x07);
  h.opcode = static_cast<uint8_t>(b0 & 0x0F);
  h.masked = (b1 & 0x80) != 0;
  const uint8_t len7 = b1 & 0x7F;
  size_t need = 2;
  if (len7 == 126) {
    need += 2;
  } else if (len7 == 127) {
    need += 8;
  }
  if (h.masked) {
    need += 4;
  }
  if (d.size() < need) {
    return HeaderParse::NeedMore;
  }
  size_t at = 2;
  if (len7 == 126) {
    h.length =
        (static_cast<uint64_t>(static_cast<uint8_t>(d[2])) << 8) | static_cast<uint8_t>(d[3]);
    at = 4;
  } else if (len7 == 127) {
    h.length = 0;
    for (size_t i = 0; i < 8; ++i) {
      h.length = (h.length << 8) | static_cast<uint8_t>(d[2 + i]);
    }
    at = 10;
    // §5.2: "the most significant bit MUST be 0".
    if ((h.length >> 63) != 0) {
      return HeaderParse::BadLength;
    }
  } else {
    h.length = len7;
  }
  if (h.masked) {
    std::memcpy(h.key, d.data() + at, 4);
    at += 4;
  }
  h.header_len = at;
  return HeaderParse::Ok;
}

bool isControl(uint8_t opcode) { return (opcode & 0x08) != 0; }

bool knownOpcode(uint8_t opcode) {
  switch (static_cast<WsOpcode>(opcode)) {
    case WsOpcode::Continuation:
    case WsOpcode::Text:
    case WsOpcode::Binary:
    case WsOpcode::Close:
    case WsOpcode::Ping:
    case WsOpcode::Pong:
      return true;
  }
  return false;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != lower(prefix[i])) {
      return false;
    }
  }
  return true;
}

bool containsNoCase(std::string_view s, std::string_view needle) {
  if (needle.size() > s.size()) {
    return false;
  }
  for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (startsWithNoCase(s.substr(i), needle)) {
      return true;
    }
  }
  return false;
}

/// Length of the HTTP head including its empty line, or 0 while the empty line is missing.
size_t httpHeadLength(std::string_view d, size_t max) {
  const size_t limit = std::min(d.size(), max);
  for (size_t i = 0; i < limit; ++i) {
    if (d[i] != '\n') {
      continue;
    }
    if (i + 1 < d.size() && d[i + 1] == '\n') {
      return i + 2;
    }
    if (i + 2 < d.size() && d[i + 1] == '\r' && d[i + 2] == '\n') {
      return i + 3;
    }
  }
  return 0;
}

bool startsLikeHttpHead(std::string_view d) {
  return d.starts_with("GET ") || d.starts_with("HTTP/");
}

bool couldStillBeHttpHead(std::string_view d) {
  constexpr std::string_view kGet = "GET ";
  constexpr std::string_view kHttp = "HTTP/";
  return (d.size() < kGet.size() && kGet.starts_with(d)) ||
         (d.size() < kHttp.size() && kHttp.starts_with(d));
}

}  // namespace

bool looksLikeWebSocketHandshake(std::string_view bytes) {
  if (!startsLikeHttpHead(bytes)) {
    return false;
  }
  const size_t head = httpHeadLength(bytes, bytes.size());
  if (head == 0) {
    return false;
  }
  std::string_view rest = bytes.substr(0, head);
  while (!rest.empty()) {
    const size_t lf = rest.find('\n');
    std::string_view line = rest.substr(0, lf);
    rest = lf == std::string_view::npos ? std::string_view{} : rest.substr(lf + 1);
    // RFC 6455 §4.1/§4.2.2: "Upgrade: websocket" (the value is case-insensitive).
    if (startsWithNoCase(line, "upgrade:") && containsNoCase(line.substr(8), "websocket")) {
      return true;
    }
  }
  return false;
}

bool looksLikeSipWebSocketFrame(std::span<const std::byte> bytes) {
  const std::string_view d(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
                           bytes.size());
  FrameHeader h;
  if (parseHeader(d, h) != HeaderParse::Ok || h.rsv != 0) {
    return false;
  }
  if (h.opcode != static_cast<uint8_t>(WsOpcode::Text) &&
      h.opcode != static_cast<uint8_t>(WsOpcode::Binary)) {
    return false;
  }
  if (h.length < kSipProbeBytes || d.size() - h.header_len < kSipProbeBytes) {
    return false;
  }
  char probe[kSipProbeBytes];
  for (size_t i = 0; i < kSipProbeBytes; ++i) {
    probe[i] = static_cast<char>(static_cast<uint8_t>(d[h.header_len + i]) ^
                                 (h.masked ? h.key[i % 4] : 0));
  }
  const std::string_view p(probe, kSipProbeBytes);
  if (p == "SIP/2.0 ") {
    return true;
  }
  // RFC 3261 §25.1: Method = token; every method in use is upper-case letters.
  size_t n = 0;
  while (n < p.size() && p[n] >= 'A' && p[n] <= 'Z') {
    ++n;
  }
  return n >= 3 && (n == p.size() || p[n] == ' ');
}

void WebSocketDecoder::feed(std::span<const std::byte> chunk) {
  if (chunk.empty()) {
    return;
  }
  if (state_ == State::Closed) {
    stats_.after_close_bytes += chunk.size();
    return;
  }
  compact();
  buffer_.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());  // NOLINT
}

void WebSocketDecoder::compact() {
  if (pos_ == 0) {
    return;
  }
  if (pos_ >= buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ * 2 >= buffer_.size()) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

WsResult WebSocketDecoder::fail(WsErrc code, std::string_view detail) {
  state_ = State::Failed;
  error_ = WsError{code, detail};
  ++stats_.errors;
  WsResult r;
  r.status = WsStatus::Error;
  r.error = error_;
  return r;
}

void WebSocketDecoder::resynchronise() {
  ++stats_.resyncs;
  if (state_ == State::Failed) {
    // The bytes at pos_ made the error; searching from them again would find them again. What
    // follows them is still contiguous, so only they are skipped.
    if (pos_ < buffer_.size()) {
      ++pos_;
      ++stats_.resync_skipped_bytes;
    }
  } else {
    // A hole: the unparsed bytes are the start of a frame whose rest is lost.
    stats_.resync_skipped_bytes += buffer_.size() - pos_;
    pos_ = buffer_.size();
  }
  message_.clear();
  in_message_ = false;
  message_compressed_ = false;
  message_fragmented_ = false;
  if (state_ != State::Closed) {
    state_ = State::Resync;
  }
}

WsResult WebSocketDecoder::next() {
  if (!in_message_) {
    message_.clear();  // the message returned last time is no longer needed
  }
  for (;;) {
    const std::string_view d = pending();
    switch (state_) {
      case State::Failed: {
        WsResult r;
        r.status = WsStatus::Error;
        r.error = error_;
        return r;
      }
      case State::Closed:
        return WsResult{WsStatus::Closed, WsOpcode::Close, {}, {}};
      case State::Start:
        if (couldStillBeHttpHead(d)) {
          return WsResult{};
        }
        state_ = startsLikeHttpHead(d) ? State::Handshake : State::Frames;
        continue;
      case State::Handshake: {
        const size_t head = httpHeadLength(d, limits_.max_handshake_bytes);
        if (head == 0) {
          if (d.size() > limits_.max_handshake_bytes) {
            return fail(WsErrc::HandshakeTooLarge, "websocket: handshake over max_handshake_bytes");
          }
          return WsResult{};
        }
        pos_ += head;
        ++stats_.handshakes;
        state_ = State::Frames;
        continue;
      }
      case State::Resync: {
        size_t i = 0;
        bool found = false;
        while (d.size() - i >= kMaxFrameHeader + kSipProbeBytes) {
          if (looksLikeSipWebSocketFrame(core::asBytes(d.substr(i)))) {
            found = true;
            break;
          }
          ++i;
        }
        pos_ += i;
        stats_.resync_skipped_bytes += i;
        if (!found) {
          // A short frame at the very end may still be the one; decide when more arrives.
          return WsResult{};
        }
        state_ = State::Frames;
        continue;
      }
      case State::Frames:
        break;
    }

    FrameHeader h;
    const HeaderParse hp = parseHeader(d, h);
    if (hp == HeaderParse::NeedMore) {
      return WsResult{};
    }
    if (hp == HeaderParse::BadLength) {
      return fail(WsErrc::BadLength, "websocket: 64-bit length with the top bit set");
    }
    if (!knownOpcode(h.opcode)) {
      return fail(WsErrc::ReservedOpcode, "websocket: reserved opcode");
    }
    const bool control = isControl(h.opcode);
    // RSV1 is the permessage-deflate "compressed" bit, valid on the first data frame only.
    if ((h.rsv & 0x03) != 0 || (control && h.rsv != 0)) {
      return fail(WsErrc::ReservedBits, "websocket: reserved bits set");
    }
    if (control && (!h.fin || h.length > 125)) {
      return fail(WsErrc::BadControlFrame, "websocket: control frame fragmented or over 125 bytes");
    }
    const auto op = static_cast<WsOpcode>(h.opcode);
    if (op == WsOpcode::Continuation && !in_message_) {
      return fail(WsErrc::UnexpectedContinuation, "websocket: continuation without a message");
    }
    if ((op == WsOpcode::Text || op == WsOpcode::Binary) && in_message_) {
      return fail(WsErrc::InterruptedMessage, "websocket: new message inside a fragmented one");
    }
    if (!control && (h.length > limits_.max_message_bytes ||
                     message_.size() > limits_.max_message_bytes - h.length)) {
      return fail(WsErrc::TooLarge, "websocket: message over max_message_bytes");
    }
    if (d.size() - h.header_len < h.length) {
      return WsResult{};
    }
    const std::string_view payload = d.substr(h.header_len, static_cast<size_t>(h.length));
    pos_ += h.header_len + payload.size();
    ++stats_.frames;

    if (control) {
      ++stats_.control_frames;
      if (op == WsOpcode::Close) {
        // §5.5.1: nothing follows a close frame in this direction.
        state_ = State::Closed;
        stats_.after_close_bytes += pending().size();
        pos_ = buffer_.size();
        return WsResult{WsStatus::Closed, WsOpcode::Close, {}, {}};
      }
      continue;  // ping/pong: nothing to yield
    }

    if (op != WsOpcode::Continuation) {
      in_message_ = true;
      message_opcode_ = op;
      message_compressed_ = (h.rsv & 0x04) != 0;
      message_fragmented_ = false;
    } else {
      message_fragmented_ = true;
    }
    if (!message_compressed_) {
      const size_t start = message_.size();
      message_.append(payload);
      if (h.masked) {
        // §5.3: octet i of the payload is XORed with octet (i mod 4) of the key.
        for (size_t i = 0; i < payload.size(); ++i) {
          message_[start + i] =
              static_cast<char>(static_cast<uint8_t>(message_[start + i]) ^ h.key[i % 4]);
        }
      }
    }
    if (!h.fin) {
      continue;
    }
    in_message_ = false;
    if (message_compressed_) {
      ++stats_.compressed_skipped;
      message_.clear();
      continue;
    }
    ++stats_.messages;
    if (message_fragmented_) {
      ++stats_.fragmented_messages;
    }
    WsResult r;
    r.status = WsStatus::Message;
    r.opcode = message_opcode_;
    r.payload = message_;
    return r;
  }
}

}  // namespace siphon::net
