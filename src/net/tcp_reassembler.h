#pragma once
// TcpReassembler: turns captured TCP segments back into the byte streams the endpoints sent.
//
// Design
// ------
// A passive observer sees each segment once, possibly out of order, possibly twice
// (retransmissions, or the same packet captured on two interfaces), and often without the
// connection's handshake (the capture started mid-call). Each direction of a connection is a
// *half-flow*, keyed by (src, src_port, dst, dst_port) and reassembled on its own: SIP on a
// stream is framed per direction, and the two directions share nothing but a 4-tuple.
//
// Sequence numbers are 32-bit and wrap; they are compared with serial arithmetic (RFC 1982)
// relative to the next expected byte, and turned into 64-bit stream offsets so that nothing
// else has to care about the wrap.
//
//  * SYN sets the initial sequence number (the first data byte is ISN + 1). A half-flow seen
//    without its SYN starts at its first segment that carries data or FIN.
//  * A segment at the next expected offset is delivered *as a view of the caller's payload*:
//    no copy in the common, in-order case. Bytes already delivered (an exact or partial
//    retransmission) are trimmed off and counted, never delivered twice.
//  * A segment ahead of the next expected offset is copied into the half-flow's out-of-order
//    buffer, bounded per half-flow (bytes and segments) and in total. When the hole before it
//    is filled, the buffered bytes follow in order.
//  * A hole that does not fill is skipped: when a buffer limit is reached, when the oldest
//    buffered segment waited longer than gap_timeout_us of capture time, or when the
//    half-flow ends (FIN past the hole, expiry, eviction, flush). The consumer gets a Gap
//    event (so it can resynchronise its framing) and then the bytes after the hole.
//  * FIN closes the half-flow once every byte before it was delivered; RST delivers what is in
//    order, drops what waits, and closes both directions (the connection is aborted).
//  * Half-flows idle for idle_timeout_us of capture time expire; at most max_flows half-flows
//    are tracked and the least recently active one is evicted to make room.
//
// Time is the caller's capture time in µs (the pcap timestamp), never the wall clock, so a
// replayed file behaves the same on every run. Time going backwards (merged captures) is
// tolerated: the newest time seen is the reassembler's "now".
//
// Events are handed to a TcpEventSink while feed() runs. A Data event's bytes are valid only
// during the call; copy them to keep them. Every half-flow has a `context` slot the consumer
// may fill (its framer state); it is destroyed right after the half-flow's Closed event. A
// sink must not call back into the reassembler. After Closed, a SYN on the same 4-tuple starts
// a new half-flow with the same key. A closed half-flow is remembered (without buffers) until
// it expires, so that late retransmissions of its bytes or FIN do not start a phantom stream.
//
// Thread-safety: none; one reassembler per capture thread or shard (STYLE.md §6).

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "core/ip_address.h"
#include "net/decoded_packet.h"

namespace siphon::net {

/// One direction of a TCP connection.
struct TcpFlowKey {
  core::IpAddress src;
  core::IpAddress dst;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;

  [[nodiscard]] TcpFlowKey reversed() const { return {dst, src, dst_port, src_port}; }
  friend bool operator==(const TcpFlowKey&, const TcpFlowKey&) = default;
};

struct TcpFlowKeyHash {
  [[nodiscard]] size_t operator()(const TcpFlowKey& k) const;
};

/// Consumer state attached to a half-flow (a framer, a WebSocket decoder, ...).
class TcpFlowContext {
 public:
  virtual ~TcpFlowContext() = default;
};
using TcpFlowContextPtr = std::unique_ptr<TcpFlowContext>;

enum class TcpEventKind : uint8_t {
  Data,    ///< `data` holds the next bytes of the stream, in order
  Gap,     ///< bytes are missing before the next Data; resynchronise
  Closed,  ///< the half-flow ended; `close_reason` says how; no more events for it
};

enum class TcpCloseReason : uint8_t {
  Fin,      ///< every byte up to the FIN was delivered
  Reset,    ///< RST seen in either direction
  Expired,  ///< idle for idle_timeout_us
  Evicted,  ///< removed to stay under max_flows
  Flushed,  ///< flushAll() (end of input)
  Reused,   ///< a SYN with a new initial sequence started another connection on the 4-tuple
};

enum class TcpGapReason : uint8_t {
  BufferLimit,  ///< the half-flow's or the total out-of-order buffer was full
  Timeout,      ///< the hole stayed open for gap_timeout_us
  Close,        ///< FIN, expiry, eviction or flush with a hole still open
};

struct TcpEvent {
  TcpEventKind kind = TcpEventKind::Data;
  const TcpFlowKey* flow = nullptr;  ///< the half-flow; valid during the call
  /// Data: the bytes (a view of the fed segment or of an internal buffer; valid during the
  /// call only).
  std::span<const std::byte> data;
  /// Data: capture time of the segment whose arrival made these bytes deliverable (for a
  /// buffered segment: the one that filled the hole). Gap/Closed: the current time.
  uint64_t ts_us = 0;
  uint64_t gap_bytes = 0;  ///< Gap: how many bytes were skipped
  TcpGapReason gap_reason = TcpGapReason::BufferLimit;
  TcpCloseReason close_reason = TcpCloseReason::Fin;
  /// The consumer's slot for this half-flow; it may create or replace the context.
  TcpFlowContextPtr* context = nullptr;
};

/// Receives events while feed()/expireIdle()/flushAll() run.
class TcpEventSink {
 public:
  virtual ~TcpEventSink() = default;
  virtual void onTcpEvent(const TcpEvent& event) = 0;
};

struct TcpReassemblerLimits {
  size_t max_flows = 65536;                     ///< half-flows tracked at once
  size_t max_flow_buffered_bytes = 1u << 20;    ///< out-of-order bytes per half-flow
  size_t max_flow_buffered_segments = 1024;     ///< out-of-order segments per half-flow
  size_t max_total_buffered_bytes = 64u << 20;  ///< out-of-order bytes over all half-flows
  uint64_t gap_timeout_us = 5'000'000;          ///< a hole older than this is skipped
  uint64_t idle_timeout_us = 300'000'000;       ///< a half-flow silent this long expires
  uint64_t expiry_interval_us = 1'000'000;      ///< how often feed() sweeps for idle flows
};

/// Counters, for siphon_tcp_* metrics; every segment or byte not delivered has a reason.
struct TcpReassemblerStats {
  uint64_t segments = 0;                ///< TCP segments fed
  uint64_t in_order_segments = 0;       ///< delivered straight from the caller's payload
  uint64_t out_of_order_segments = 0;   ///< copied into the out-of-order buffer
  uint64_t retransmitted_segments = 0;  ///< wholly made of bytes already delivered or buffered
  uint64_t retransmitted_bytes = 0;     ///< bytes trimmed as already delivered/buffered
  uint64_t delivered_bytes = 0;
  uint64_t gaps = 0;                    ///< Gap events
  uint64_t gap_bytes = 0;               ///< bytes skipped in all gaps
  uint64_t gaps_buffer_limit = 0;       ///< ... because a buffer limit was reached
  uint64_t gaps_timeout = 0;            ///< ... because the hole was too old
  uint64_t gaps_close = 0;              ///< ... because the half-flow ended
  uint64_t dropped_after_close = 0;     ///< data segments for a closed half-flow
  uint64_t dropped_on_reset_bytes = 0;  ///< buffered bytes discarded by a RST
  uint64_t not_tcp = 0;                 ///< packets fed that were not whole TCP segments
  uint64_t flows_created = 0;
  uint64_t flows_closed_fin = 0;
  uint64_t flows_closed_reset = 0;
  uint64_t flows_expired = 0;
  uint64_t flows_evicted = 0;
  uint64_t flows_flushed = 0;
  uint64_t flows_restarted = 0;  ///< a new SYN reused the 4-tuple of a live half-flow
  uint64_t flows = 0;            ///< gauge: half-flows tracked now
  uint64_t buffered_bytes = 0;   ///< gauge: out-of-order bytes held now
};

class TcpReassembler {
 public:
  explicit TcpReassembler(TcpReassemblerLimits limits = {});
  ~TcpReassembler();
  TcpReassembler(const TcpReassembler&) = delete;
  TcpReassembler& operator=(const TcpReassembler&) = delete;

  /// Feeds one decoded packet captured at `ts_us`. Packets that are not whole TCP segments
  /// (other protocols, IP fragments) are counted as not_tcp and ignored. Events for this and
  /// other half-flows (periodic expiry) go to `sink` before the call returns. The packet's
  /// payload is not kept after the call.
  void feed(const DecodedPacket& packet, uint64_t ts_us, TcpEventSink& sink);

  /// Feeds a segment given by its parts (what feed() does after checking the protocol).
  void feedSegment(const TcpFlowKey& key, const TcpInfo& tcp, std::span<const std::byte> payload,
                   uint64_t ts_us, TcpEventSink& sink);

  /// Expires half-flows idle since before `now_us - idle_timeout_us`. feed() calls it every
  /// expiry_interval_us of capture time; call it from a timer on a live capture.
  void expireIdle(uint64_t now_us, TcpEventSink& sink);

  /// Ends every half-flow (end of a capture file): skips open holes, delivers what is
  /// buffered, and emits Closed(Flushed).
  void flushAll(TcpEventSink& sink);

  [[nodiscard]] const TcpReassemblerStats& stats() const { return stats_; }
  [[nodiscard]] const TcpReassemblerLimits& limits() const { return limits_; }

 private:
  struct Flow;
  using FlowMap = std::unordered_map<TcpFlowKey, std::unique_ptr<Flow>, TcpFlowKeyHash>;

  Flow& findOrCreate(const TcpFlowKey& key, uint64_t ts_us, TcpEventSink& sink);
  void touch(Flow& flow, uint64_t ts_us);
  void handleSegment(Flow& flow, const TcpInfo& tcp, std::span<const std::byte> payload,
                     uint64_t ts_us, TcpEventSink& sink);
  void bufferSegment(Flow& flow, int64_t offset, std::span<const std::byte> bytes, uint64_t ts_us,
                     TcpEventSink& sink);
  void deliver(Flow& flow, std::span<const std::byte> bytes, uint64_t ts_us, TcpEventSink& sink);
  void drainBuffered(Flow& flow, uint64_t ts_us, TcpEventSink& sink);
  void skipHole(Flow& flow, TcpGapReason reason, uint64_t ts_us, TcpEventSink& sink);
  void skipAllHoles(Flow& flow, TcpGapReason reason, uint64_t ts_us, TcpEventSink& sink);
  void dropBuffered(Flow& flow);
  void maybeCloseOnFin(Flow& flow, uint64_t ts_us, TcpEventSink& sink);
  void close(Flow& flow, TcpCloseReason reason, uint64_t ts_us, TcpEventSink& sink);
  void closeReverseOnReset(Flow& flow, uint64_t ts_us, TcpEventSink& sink);
  void endFlow(FlowMap::iterator it, TcpCloseReason reason, uint64_t ts_us, TcpEventSink& sink);

  TcpReassemblerLimits limits_;
  TcpReassemblerStats stats_;
  FlowMap flows_;
  std::list<Flow*> lru_;                    // least recently active first
  std::unordered_set<Flow*> with_pending_;  // half-flows holding out-of-order bytes
  uint64_t now_us_ = 0;
  uint64_t next_sweep_us_ = 0;
};

}  // namespace siphon::net
