#pragma once
// StreamFramer: cuts a SIP byte stream (TCP, TLS after decryption) into messages.
//
// RFC 3261 §18.3: on a stream, Content-Length is mandatory and gives the body size; the
// header section ends at the first empty line. The framer accepts chunks of any size: several
// messages in one chunk, one message spread over many chunks. It reads Content-Length from
// the parsed header fields (long `Content-Length` or compact `l`), never by searching for a
// substring. A missing Content-Length means an empty body.
//
// Between messages it skips CRLF keep-alives (RFC 5626 §3.5.1 "CRLFCRLF" pings and "CRLF"
// pongs). Bytes that do not start a plausible SIP start line are skipped line by line until
// one does (resynchronisation), and counted. A header section longer than
// max_header_bytes, a Content-Length over max_body_bytes or an invalid Content-Length is a
// fatal error for the stream: next() returns Error from then on, and the caller closes it.
//
// Copies: while the input is a single fed chunk, messages are returned as views into that
// chunk (no copy). Only the unfinished tail of a chunk is copied into an internal buffer, and
// messages completed there are returned as views into the buffer.
//
// Lifetime: a returned message view is valid until the next call to next() or feed(). A fed
// chunk must stay valid until next() has returned NeedMore (or Error). One thread per framer.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/sip_error.h"

namespace siphon::sip {

struct FramerLimits {
  size_t max_header_bytes = 16384;   ///< start line + header fields + empty line
  size_t max_body_bytes = 1u << 20;  ///< largest Content-Length accepted
};

/// Counters, for siphon_sip_stream_* metrics.
struct FramerStats {
  uint64_t messages = 0;       ///< messages returned
  uint64_t keepalives = 0;     ///< runs of CRLF between messages
  uint64_t skipped_bytes = 0;  ///< garbage bytes skipped while resynchronising
  uint64_t resyncs = 0;        ///< lines skipped because they were no start line
  uint64_t errors = 0;         ///< fatal errors (0 or 1 per framer)
};

enum class FrameStatus : uint8_t {
  Message,   ///< `message` holds one whole SIP message
  NeedMore,  ///< feed more bytes
  Error,     ///< fatal; `error` says why; close the stream
};

struct Frame {
  FrameStatus status = FrameStatus::NeedMore;
  std::string_view message;
  SipError error{SipErrc::TooLarge, ""};
};

class StreamFramer {
 public:
  explicit StreamFramer(FramerLimits limits = {}) : limits_(limits) {}

  /// Appends `chunk` to the stream. Call next() until it returns NeedMore before the next
  /// feed() to get the zero-copy path (feeding earlier is allowed; bytes are then copied).
  void feed(std::string_view chunk);
  /// The next whole message, NeedMore, or Error.
  [[nodiscard]] Frame next();

  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] const FramerStats& stats() const { return stats_; }
  /// Bytes held in the internal buffer (an unfinished message).
  [[nodiscard]] size_t bufferedBytes() const { return buffer_.size() - buf_start_; }

 private:
  enum class Step : uint8_t { Message, NeedMore, Skip, Error };
  struct StepResult {
    Step step;
    size_t length = 0;  // message length (Message) or bytes to drop (Skip)
  };

  [[nodiscard]] std::string_view pending() const;
  void consume(size_t n);
  StepResult frameOne(std::string_view data);
  StepResult fail(SipErrc code, std::string_view detail);
  void resetMessageState();

  FramerLimits limits_;
  FramerStats stats_;
  std::string buffer_;
  size_t buf_start_ = 0;
  std::string_view chunk_;
  bool failed_ = false;
  SipError error_{SipErrc::TooLarge, ""};

  // State of the message being framed, as offsets from its first byte.
  bool in_message_ = false;
  size_t start_line_end_ = 0;  // offset after the start line's LF
  size_t scan_off_ = 0;        // next header line to look at
  size_t header_end_ = 0;      // offset of the body; 0 while unknown
  size_t body_len_ = 0;
};

}  // namespace siphon::sip
