#pragma once
// WebSocketDecoder: the messages inside one direction of a WebSocket connection (RFC 6455),
// for SIP over WebSocket (RFC 7118).
//
// It is fed the reassembled bytes of one half-flow in chunks of any size. When the stream
// starts with the HTTP Upgrade handshake (the client's "GET ... HTTP/1.1" request or the
// server's "HTTP/1.1 101" response, RFC 6455 §4), the handshake is skipped up to its empty
// line; a stream that starts with a frame (capture started after the upgrade) is decoded
// from its first byte. Then frames are decoded (RFC 6455 §5.2): FIN bit, opcode, the 7-bit,
// 16-bit or 64-bit payload length, and the masking key, which is applied (§5.3). Fragmented
// messages (§5.4) are joined; control frames (close, ping, pong; §5.5) may come between the
// fragments and are counted and skipped. next() yields each complete text or binary message.
//
// Checks: reserved bits RSV2/RSV3 and reserved opcodes are errors; RSV1 (permessage-deflate,
// RFC 7692) marks a compressed message, which is skipped and counted because we do not
// inflate; control frames must be final and at most 125 bytes; a continuation needs a message
// in progress and a new text/binary frame must not interrupt one; the 64-bit length must have
// its top bit clear; a message over max_message_bytes is an error. An error is fatal for the
// stream: next() returns Error until resynchronise() is called.
//
// resynchronise() is for a hole in the TCP stream: it drops the partial message and looks
// for the next frame whose payload starts like a SIP message, skipping bytes until then.
//
// Copies: fed bytes are copied into an internal buffer (masked payloads must be rewritten
// anyway). A returned message view is valid until the next call to feed() or next().
// One thread per decoder.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace siphon::net {

enum class WsOpcode : uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

enum class WsErrc : uint8_t {
  HandshakeTooLarge,       ///< no empty line within max_handshake_bytes
  ReservedBits,            ///< RSV2 or RSV3 set, or RSV1 on a control frame
  ReservedOpcode,          ///< opcode 3-7 or 0xB-0xF
  BadControlFrame,         ///< control frame not final or longer than 125 bytes
  UnexpectedContinuation,  ///< continuation frame without a message in progress
  InterruptedMessage,      ///< text/binary frame while a fragmented message is in progress
  BadLength,               ///< 64-bit length with the most significant bit set
  TooLarge,                ///< message longer than max_message_bytes
};

using WsError = core::ErrorOf<WsErrc>;

struct WsLimits {
  size_t max_handshake_bytes = 16384;             ///< HTTP request or response head
  size_t max_message_bytes = (1u << 20) + 16384;  ///< a whole (reassembled) message
};

/// Counters, for siphon_ws_* metrics.
struct WsStats {
  uint64_t handshakes = 0;           ///< HTTP handshakes skipped
  uint64_t frames = 0;               ///< frames decoded, control frames included
  uint64_t control_frames = 0;       ///< ping, pong, close
  uint64_t messages = 0;             ///< text/binary messages returned
  uint64_t fragmented_messages = 0;  ///< ... of which were made of several frames
  uint64_t compressed_skipped = 0;   ///< RSV1 messages skipped (not inflated)
  uint64_t resyncs = 0;              ///< resynchronise() calls
  uint64_t resync_skipped_bytes = 0;
  uint64_t after_close_bytes = 0;  ///< bytes after a close frame, ignored
  uint64_t errors = 0;
};

enum class WsStatus : uint8_t {
  Message,   ///< `payload` holds one whole text or binary message
  NeedMore,  ///< feed more bytes
  Closed,    ///< a close frame was seen; later bytes are ignored
  Error,     ///< fatal; `error` says why
};

struct WsResult {
  WsStatus status = WsStatus::NeedMore;
  WsOpcode opcode = WsOpcode::Text;  ///< Message: Text or Binary
  std::string_view payload;          ///< Message: unmasked payload, all fragments joined
  WsError error{WsErrc::TooLarge, ""};
};

/// True when `bytes` start with an HTTP request or response head carrying
/// "Upgrade: websocket" (case-insensitive). False also when the head is not complete yet.
[[nodiscard]] bool looksLikeWebSocketHandshake(std::string_view bytes);

/// True when `bytes` start with a text/binary WebSocket frame header whose (unmasked) payload
/// begins like a SIP start line ("SIP/2.0 " or an upper-case method and a space). Needs the
/// header and the first 8 payload bytes.
[[nodiscard]] bool looksLikeSipWebSocketFrame(std::span<const std::byte> bytes);

class WebSocketDecoder {
 public:
  explicit WebSocketDecoder(WsLimits limits = {}) : limits_(limits) {}

  /// Appends bytes of the stream.
  void feed(std::span<const std::byte> chunk);
  /// The next whole message, NeedMore, Closed or Error.
  [[nodiscard]] WsResult next();
  /// After a hole in the stream (call before feeding the bytes after it): forget the partial
  /// message and the unparsed bytes, and skip to the next frame that carries the start of a
  /// SIP message. After an error: skip the offending byte and search from the next one.
  void resynchronise();

  [[nodiscard]] const WsStats& stats() const { return stats_; }
  [[nodiscard]] bool failed() const { return state_ == State::Failed; }
  /// Bytes held (unparsed input plus the partial message).
  [[nodiscard]] size_t bufferedBytes() const { return buffer_.size() - pos_ + message_.size(); }

 private:
  enum class State : uint8_t { Start, Handshake, Frames, Resync, Closed, Failed };

  [[nodiscard]] std::string_view pending() const { return std::string_view(buffer_).substr(pos_); }
  WsResult fail(WsErrc code, std::string_view detail);
  void compact();

  WsLimits limits_;
  WsStats stats_;
  State state_ = State::Start;
  std::string buffer_;
  size_t pos_ = 0;
  std::string message_;  // the message being joined (or just returned)
  bool in_message_ = false;
  bool message_compressed_ = false;
  bool message_fragmented_ = false;
  WsOpcode message_opcode_ = WsOpcode::Text;
  WsError error_{WsErrc::TooLarge, ""};
};

}  // namespace siphon::net
