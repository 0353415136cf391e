#pragma once
// SipTcpExtractor: SIP messages out of captured TCP segments (SIP over TCP, RFC 3261 §18.3,
// and SIP over WebSocket, RFC 7118), for the capture agent and pcap decoding.
//
// Pipeline per direction of each connection (half-flow):
//   segments → net::TcpReassembler (in-order bytes, gaps, close)
//            → classification of the stream's first bytes:
//                SIP start line (or text that may be the middle of a SIP stream) →
//                sip::StreamFramer HTTP head with "Upgrade: websocket", or a WebSocket frame
//                carrying SIP
//                                                               → net::WebSocketDecoder
//                TLS record, other HTTP, binary data that yields no SIP → ignored (counted)
//            → one SipStreamMessage per complete SIP message.
//
// Timestamps: a message gets the capture time of the segment that completed it, i.e. that
// carried its last byte (for bytes waiting behind a hole: the segment that filled it). That is
// the frame tshark attributes a reassembled PDU to, so times and counts match tshark's.
//
// Resynchronisation: after a hole in the stream (TcpEventKind::Gap) or a framing error (a
// header section or Content-Length over the limits), the half-flow's framer is replaced by a
// fresh one, which skips bytes line by line until the next plausible SIP start line. A stream
// whose first bytes are not a start line (capture started mid-message) is framed the same
// way, but if no SIP message appears within max_unconfirmed_bytes it is declared not SIP and
// ignored, so a binary protocol costs a bounded amount of work and no buffering.
//
// Memory per half-flow: the reassembler's out-of-order buffer, the framer's unfinished
// message (≤ max_header_bytes + max_body_bytes) or the WebSocket message, and up to
// max_probe_bytes while the stream's first line is classified.
//
// Thread-safety: none; one extractor per capture thread or shard.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/decoded_packet.h"
#include "net/tcp_reassembler.h"
#include "net/websocket.h"
#include "sip/stream_framer.h"

namespace siphon::source {

enum class SipStreamTransport : uint8_t {
  Tcp,  ///< SIP directly on the TCP stream
  Ws,   ///< SIP in WebSocket messages (RFC 7118)
};

/// One SIP message found on a stream.
struct SipStreamMessage {
  const net::TcpFlowKey* flow = nullptr;  ///< addresses and ports of the sending direction
  SipStreamTransport transport = SipStreamTransport::Tcp;
  uint64_t ts_us = 0;      ///< capture time of the segment that carried its last byte
  std::string_view bytes;  ///< the whole message; valid only during onSipMessage()
};

class SipStreamSink {
 public:
  virtual ~SipStreamSink() = default;
  /// Called once per message, in stream order within a half-flow. Must not call back into the
  /// extractor.
  virtual void onSipMessage(const SipStreamMessage& message) = 0;
};

struct SipTcpExtractorConfig {
  net::TcpReassemblerLimits tcp;
  sip::FramerLimits framer;  ///< max_body_bytes bounds the largest body (default 1 MiB)
  net::WsLimits websocket;
  size_t max_probe_bytes = 16384;  ///< bytes held while a stream's first line/head is incomplete
  /// A stream that did not start with a SIP start line and yields no SIP message within this
  /// many bytes is declared not SIP and ignored.
  size_t max_unconfirmed_bytes = 64u << 10;
};

/// Counters, for siphon_capture_tcp_* metrics; the reassembler's are in tcpStats().
struct SipTcpExtractorStats {
  uint64_t messages = 0;             ///< SIP messages yielded (TCP and WS)
  uint64_t ws_messages = 0;          ///< ... of which came from WebSocket messages
  uint64_t streams_sip = 0;          ///< half-flows that started with a SIP start line
  uint64_t streams_mid_message = 0;  ///< half-flows that started with other text (framer resyncs)
  uint64_t streams_websocket = 0;    ///< half-flows decoded as WebSocket
  uint64_t streams_tls = 0;          ///< ignored: TLS records
  uint64_t streams_http = 0;         ///< ignored: HTTP other than a WebSocket upgrade
  uint64_t streams_not_sip = 0;      ///< ignored: no SIP within max_unconfirmed_bytes
  uint64_t ignored_bytes = 0;        ///< bytes of ignored streams, not buffered
  uint64_t gap_resyncs = 0;          ///< framers/decoders reset after a hole
  uint64_t framer_errors = 0;        ///< framers reset after an error (limits exceeded)
  uint64_t ws_errors = 0;            ///< WebSocket decoders resynchronised after an error
  uint64_t ws_not_sip = 0;           ///< WebSocket messages that were not SIP
  uint64_t truncated_at_close = 0;   ///< half-flows that ended inside a message
};

class SipTcpExtractor final : private net::TcpEventSink {
 public:
  explicit SipTcpExtractor(SipTcpExtractorConfig config = {});
  ~SipTcpExtractor() override;
  SipTcpExtractor(const SipTcpExtractor&) = delete;
  SipTcpExtractor& operator=(const SipTcpExtractor&) = delete;

  /// Feeds one decoded packet captured at `ts_us` (µs since the epoch). Non-TCP packets are
  /// ignored (counted by the reassembler as not_tcp). Messages completed by this packet (and
  /// any flushed by periodic expiry) are given to `sink` before the call returns.
  void onPacket(const net::DecodedPacket& packet, uint64_t ts_us, SipStreamSink& sink);
  /// Expires idle half-flows (a live capture's timer; onPacket does it as capture time moves).
  void expireIdle(uint64_t now_us, SipStreamSink& sink);
  /// End of input: skips open holes, frames what remains, closes every half-flow.
  void flush(SipStreamSink& sink);

  [[nodiscard]] const SipTcpExtractorStats& stats() const { return stats_; }
  [[nodiscard]] const net::TcpReassemblerStats& tcpStats() const { return tcp_.stats(); }

 private:
  struct Stream;

  void onTcpEvent(const net::TcpEvent& event) override;
  void onData(Stream& stream, const net::TcpEvent& event);
  void classify(Stream& stream, std::string_view bytes);
  void frameSip(Stream& stream, std::string_view bytes, const net::TcpEvent& event);
  void frameWebSocket(Stream& stream, std::string_view bytes, const net::TcpEvent& event);
  void ignore(Stream& stream, uint64_t& counter);

  SipTcpExtractorConfig config_;
  SipTcpExtractorStats stats_;
  net::TcpReassembler tcp_;
  SipStreamSink* sink_ = nullptr;  // set while a public call runs
};

}  // namespace siphon::source
