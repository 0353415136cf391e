#include "net/tcp_reassembler.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

namespace siphon::net {
namespace {

constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;

uint64_t fnv1a(uint64_t h, std::span<const std::byte> bytes) {
  for (std::byte b : bytes) {
    h ^= static_cast<uint8_t>(b);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

size_t TcpFlowKeyHash::operator()(const TcpFlowKey& k) const {
  uint64_t h = 14695981039346656037ull;
  h = fnv1a(h, k.src.bytes());
  h = fnv1a(h, k.dst.bytes());
  const std::byte ports[4] = {
      static_cast<std::byte>(k.src_port >> 8), static_cast<std::byte>(k.src_port),
      static_cast<std::byte>(k.dst_port >> 8), static_cast<std::byte>(k.dst_port)};
  h = fnv1a(h, ports);
  return static_cast<size_t>(h);
}

struct TcpReassembler::Flow {
  TcpFlowKey key;
  std::list<Flow*>::iterator lru_it;
  uint64_t last_seen_us = 0;
  bool started = false;  // the sequence of stream offset 0 is known
  bool closed = false;
  uint32_t base_seq = 0;  // sequence number of stream offset 0
  int64_t next_off = 0;   // stream offset of the next byte to deliver
  int64_t fin_off = -1;   // stream offset of the FIN, -1 while none seen
  // Out-of-order bytes by stream offset. Entries may overlap; overlaps are trimmed when they
  // are delivered, which is simpler than trimming on insertion and costs only memory that the
  // limits already bound.
  std::map<int64_t, std::vector<std::byte>> pending;
  size_t pending_bytes = 0;
  uint64_t hole_since_us = 0;  // when the current first hole was opened
  TcpFlowContextPtr context;

  // RFC 1982 serial arithmetic: the distance from the next expected sequence number, taken as
  // a signed 32-bit value, places `seq` before or after it across the wrap.
  [[nodiscard]] int64_t offsetOf(uint32_t seq) const {
    const uint32_t next_seq = base_seq + static_cast<uint32_t>(next_off);
    return next_off + static_cast<int32_t>(seq - next_seq);
  }

  void restart(uint32_t first_data_seq) {
    started = true;
    closed = false;
    base_seq = first_data_seq;
    next_off = 0;
    fin_off = -1;
  }
};

TcpReassembler::TcpReassembler(TcpReassemblerLimits limits) : limits_(limits) {}

TcpReassembler::~TcpReassembler() = default;

void TcpReassembler::feed(const DecodedPacket& packet, uint64_t ts_us, TcpEventSink& sink) {
  if (packet.ip_proto != kIpProtoTcp || packet.isFragment()) {
    ++stats_.not_tcp;
    return;
  }
  const TcpFlowKey key{packet.src, packet.dst, packet.src_port, packet.dst_port};
  feedSegment(key, packet.tcp, packet.payload, ts_us, sink);
}

void TcpReassembler::feedSegment(const TcpFlowKey& key, const TcpInfo& tcp,
                                 std::span<const std::byte> payload, uint64_t ts_us,
                                 TcpEventSink& sink) {
  ++stats_.segments;
  now_us_ = std::max(now_us_, ts_us);
  if (now_us_ >= next_sweep_us_) {
    expireIdle(now_us_, sink);
    next_sweep_us_ = now_us_ + std::max<uint64_t>(limits_.expiry_interval_us, 1);
  }
  Flow& flow = findOrCreate(key, ts_us, sink);
  touch(flow, ts_us);
  handleSegment(flow, tcp, payload, ts_us, sink);
  stats_.flows = flows_.size();
}

TcpReassembler::Flow& TcpReassembler::findOrCreate(const TcpFlowKey& key, uint64_t ts_us,
                                                   TcpEventSink& sink) {
  auto it = flows_.find(key);
  if (it != flows_.end()) {
    return *it->second;
  }
  while (!lru_.empty() && flows_.size() >= std::max<size_t>(limits_.max_flows, 1)) {
    auto victim = flows_.find(lru_.front()->key);
    endFlow(victim, TcpCloseReason::Evicted, ts_us, sink);
  }
  auto flow = std::make_unique<Flow>();
  flow->key = key;
  lru_.push_back(flow.get());
  flow->lru_it = std::prev(lru_.end());
  Flow& ref = *flow;
  flows_.emplace(key, std::move(flow));
  return ref;
}

void TcpReassembler::touch(Flow& flow, uint64_t ts_us) {
  flow.last_seen_us = std::max(flow.last_seen_us, ts_us);
  lru_.splice(lru_.end(), lru_, flow.lru_it);
}

void TcpReassembler::handleSegment(Flow& flow, const TcpInfo& tcp,
                                   std::span<const std::byte> payload, uint64_t ts_us,
                                   TcpEventSink& sink) {
  const bool syn = (tcp.flags & kSyn) != 0;
  const bool fin = (tcp.flags & kFin) != 0;
  const bool rst = (tcp.flags & kRst) != 0;

  if (syn) {
    const uint32_t first = tcp.seq + 1;  // RFC 9293 §3.4: the SYN occupies one sequence number
    if (!flow.started || flow.closed) {
      ++stats_.flows_created;
      flow.restart(first);
    } else if (first != flow.base_seq) {
      // A new connection on the same 4-tuple: end the old stream, start the new one.
      ++stats_.flows_restarted;
      skipAllHoles(flow, TcpGapReason::Close, ts_us, sink);
      close(flow, TcpCloseReason::Reused, ts_us, sink);
      ++stats_.flows_created;
      flow.restart(first);
    }
  } else if (!flow.started) {
    if (rst) {
      closeReverseOnReset(flow, ts_us, sink);
      return;
    }
    if (payload.empty() && !fin) {
      return;  // a pure ACK on a stream we have not seen start: nothing to anchor on
    }
    ++stats_.flows_created;
    flow.restart(tcp.seq);
  } else if (flow.closed) {
    if (!payload.empty() && !rst) {
      const int64_t off = flow.offsetOf(tcp.seq);
      if (off + static_cast<int64_t>(payload.size()) <= flow.next_off) {
        ++stats_.retransmitted_segments;
        stats_.retransmitted_bytes += payload.size();
      } else {
        ++stats_.dropped_after_close;
      }
    }
    return;
  }

  const int64_t off = flow.offsetOf(syn ? tcp.seq + 1 : tcp.seq);
  int64_t end = off + static_cast<int64_t>(payload.size());
  if (fin && flow.fin_off < 0 && end >= flow.next_off) {
    flow.fin_off = end;
  }
  if (flow.fin_off >= 0 && end > flow.fin_off) {
    // Bytes after the FIN are not part of this stream.
    const int64_t cut = std::min<int64_t>(end - flow.fin_off, static_cast<int64_t>(payload.size()));
    payload = payload.first(payload.size() - static_cast<size_t>(cut));
    end = off + static_cast<int64_t>(payload.size());
  }

  if (!payload.empty()) {
    if (end <= flow.next_off) {
      ++stats_.retransmitted_segments;
      stats_.retransmitted_bytes += payload.size();
    } else if (off <= flow.next_off) {
      const auto trim = static_cast<size_t>(flow.next_off - off);
      stats_.retransmitted_bytes += trim;
      ++stats_.in_order_segments;
      const bool had_hole = !flow.pending.empty();
      deliver(flow, payload.subspan(trim), ts_us, sink);
      drainBuffered(flow, ts_us, sink);
      if (had_hole && !flow.pending.empty()) {
        flow.hole_since_us = now_us_;  // progress: the next hole gets its own time
      }
    } else {
      bufferSegment(flow, off, payload, ts_us, sink);
    }
  }

  if (rst) {
    // The connection is aborted: what waits behind a hole will never be completed.
    close(flow, TcpCloseReason::Reset, ts_us, sink);
    closeReverseOnReset(flow, ts_us, sink);
    return;
  }

  if (!flow.pending.empty() && now_us_ - flow.hole_since_us > limits_.gap_timeout_us) {
    ++stats_.gaps_timeout;
    skipHole(flow, TcpGapReason::Timeout, ts_us, sink);
  }
  maybeCloseOnFin(flow, ts_us, sink);
}

void TcpReassembler::bufferSegment(Flow& flow, int64_t offset, std::span<const std::byte> bytes,
                                   uint64_t ts_us, TcpEventSink& sink) {
  auto same = flow.pending.find(offset);
  if (same != flow.pending.end() && same->second.size() >= bytes.size()) {
    ++stats_.retransmitted_segments;  // the same out-of-order segment again
    stats_.retransmitted_bytes += bytes.size();
    return;
  }
  const size_t replaced = same != flow.pending.end() ? same->second.size() : 0;
  const size_t add = bytes.size() - replaced;
  const bool over =
      flow.pending_bytes + add > limits_.max_flow_buffered_bytes ||
      (replaced == 0 && flow.pending.size() + 1 > limits_.max_flow_buffered_segments) ||
      stats_.buffered_bytes + add > limits_.max_total_buffered_bytes;
  if (over) {
    // Waiting any longer would exceed the memory bound: give up on the holes, deliver what is
    // buffered, then this segment after one more gap. It is delivered from the caller's bytes,
    // so a segment larger than the whole buffer still gets through.
    ++stats_.gaps_buffer_limit;
    skipAllHoles(flow, TcpGapReason::BufferLimit, ts_us, sink);
    if (offset > flow.next_off) {
      const auto missing = static_cast<uint64_t>(offset - flow.next_off);
      TcpEvent ev;
      ev.kind = TcpEventKind::Gap;
      ev.flow = &flow.key;
      ev.ts_us = now_us_;
      ev.gap_bytes = missing;
      ev.gap_reason = TcpGapReason::BufferLimit;
      ev.context = &flow.context;
      ++stats_.gaps;
      stats_.gap_bytes += missing;
      flow.next_off = offset;
      sink.onTcpEvent(ev);
    }
    const int64_t end = offset + static_cast<int64_t>(bytes.size());
    if (end > flow.next_off) {
      const auto trim = static_cast<size_t>(flow.next_off - offset);
      stats_.retransmitted_bytes += trim;
      deliver(flow, bytes.subspan(trim), ts_us, sink);
    }
    return;
  }
  if (flow.pending.empty()) {
    flow.hole_since_us = now_us_;
    with_pending_.insert(&flow);
  }
  ++stats_.out_of_order_segments;
  flow.pending[offset].assign(bytes.begin(), bytes.end());
  flow.pending_bytes += add;
  stats_.buffered_bytes += add;
}

void TcpReassembler::deliver(Flow& flow, std::span<const std::byte> bytes, uint64_t ts_us,
                             TcpEventSink& sink) {
  if (bytes.empty()) {
    return;
  }
  flow.next_off += static_cast<int64_t>(bytes.size());
  stats_.delivered_bytes += bytes.size();
  TcpEvent ev;
  ev.kind = TcpEventKind::Data;
  ev.flow = &flow.key;
  ev.data = bytes;
  ev.ts_us = ts_us;
  ev.context = &flow.context;
  sink.onTcpEvent(ev);
}

void TcpReassembler::drainBuffered(Flow& flow, uint64_t ts_us, TcpEventSink& sink) {
  while (!flow.pending.empty() && flow.pending.begin()->first <= flow.next_off) {
    auto node = flow.pending.extract(flow.pending.begin());
    const int64_t start = node.key();
    const std::vector<std::byte>& bytes = node.mapped();
    flow.pending_bytes -= bytes.size();
    stats_.buffered_bytes -= bytes.size();
    const int64_t end = start + static_cast<int64_t>(bytes.size());
    if (end <= flow.next_off) {
      stats_.retransmitted_bytes += bytes.size();
      continue;
    }
    const auto trim = static_cast<size_t>(flow.next_off - start);
    stats_.retransmitted_bytes += trim;
    deliver(flow, std::span<const std::byte>(bytes).subspan(trim), ts_us, sink);
  }
  if (flow.pending.empty()) {
    with_pending_.erase(&flow);
  }
}

void TcpReassembler::skipHole(Flow& flow, TcpGapReason reason, uint64_t ts_us, TcpEventSink& sink) {
  if (flow.pending.empty()) {
    return;
  }
  const int64_t first = flow.pending.begin()->first;
  if (first > flow.next_off) {
    const auto missing = static_cast<uint64_t>(first - flow.next_off);
    ++stats_.gaps;
    stats_.gap_bytes += missing;
    flow.next_off = first;
    TcpEvent ev;
    ev.kind = TcpEventKind::Gap;
    ev.flow = &flow.key;
    ev.ts_us = now_us_;
    ev.gap_bytes = missing;
    ev.gap_reason = reason;
    ev.context = &flow.context;
    sink.onTcpEvent(ev);
  }
  drainBuffered(flow, ts_us, sink);
  flow.hole_since_us = now_us_;
}

void TcpReassembler::skipAllHoles(Flow& flow, TcpGapReason reason, uint64_t ts_us,
                                  TcpEventSink& sink) {
  while (!flow.pending.empty()) {
    skipHole(flow, reason, ts_us, sink);
  }
}

void TcpReassembler::dropBuffered(Flow& flow) {
  stats_.buffered_bytes -= flow.pending_bytes;
  flow.pending_bytes = 0;
  flow.pending.clear();
  with_pending_.erase(&flow);
}

void TcpReassembler::maybeCloseOnFin(Flow& flow, uint64_t ts_us, TcpEventSink& sink) {
  if (flow.closed || flow.fin_off < 0) {
    return;
  }
  // With bytes still missing before the FIN, wait for their retransmission; the gap timeout
  // (for buffered bytes) or idle expiry bounds the wait.
  if (flow.next_off >= flow.fin_off) {
    close(flow, TcpCloseReason::Fin, ts_us, sink);
  }
}

void TcpReassembler::close(Flow& flow, TcpCloseReason reason, uint64_t ts_us, TcpEventSink& sink) {
  (void)ts_us;
  if (flow.closed) {
    return;
  }
  flow.closed = true;
  if (!flow.pending.empty()) {
    stats_.dropped_on_reset_bytes += flow.pending_bytes;
    dropBuffered(flow);
  }
  switch (reason) {
    case TcpCloseReason::Fin:
      ++stats_.flows_closed_fin;
      break;
    case TcpCloseReason::Reset:
      ++stats_.flows_closed_reset;
      break;
    case TcpCloseReason::Expired:
      ++stats_.flows_expired;
      break;
    case TcpCloseReason::Evicted:
      ++stats_.flows_evicted;
      break;
    case TcpCloseReason::Flushed:
      ++stats_.flows_flushed;
      break;
    case TcpCloseReason::Reused:
      break;  // counted as flows_restarted
  }
  if (flow.started) {
    TcpEvent ev;
    ev.kind = TcpEventKind::Closed;
    ev.flow = &flow.key;
    ev.ts_us = now_us_;
    ev.close_reason = reason;
    ev.context = &flow.context;
    sink.onTcpEvent(ev);
  }
  flow.context.reset();
}

void TcpReassembler::closeReverseOnReset(Flow& flow, uint64_t ts_us, TcpEventSink& sink) {
  auto rev = flows_.find(flow.key.reversed());
  if (rev != flows_.end() && rev->second->started && !rev->second->closed) {
    // Deliver nothing more: bytes still waiting behind a hole will never be completed.
    close(*rev->second, TcpCloseReason::Reset, ts_us, sink);
  }
}

void TcpReassembler::endFlow(FlowMap::iterator it, TcpCloseReason reason, uint64_t ts_us,
                             TcpEventSink& sink) {
  Flow& flow = *it->second;
  if (!flow.closed) {
    skipAllHoles(flow, TcpGapReason::Close, ts_us, sink);
    close(flow, reason, ts_us, sink);
  }
  with_pending_.erase(&flow);
  lru_.erase(flow.lru_it);
  flows_.erase(it);
  stats_.flows = flows_.size();
}

void TcpReassembler::expireIdle(uint64_t now_us, TcpEventSink& sink) {
  now_us_ = std::max(now_us_, now_us);
  // Holes that never filled, in half-flows that went quiet after opening them.
  std::vector<Flow*> waiting(with_pending_.begin(), with_pending_.end());
  for (Flow* flow : waiting) {
    if (now_us_ - flow->hole_since_us > limits_.gap_timeout_us) {
      ++stats_.gaps_timeout;
      skipHole(*flow, TcpGapReason::Timeout, flow->last_seen_us, sink);
      maybeCloseOnFin(*flow, flow->last_seen_us, sink);
    }
  }
  while (!lru_.empty()) {
    Flow* oldest = lru_.front();
    if (now_us_ < limits_.idle_timeout_us ||
        oldest->last_seen_us > now_us_ - limits_.idle_timeout_us) {
      break;
    }
    endFlow(flows_.find(oldest->key), TcpCloseReason::Expired, oldest->last_seen_us, sink);
  }
}

void TcpReassembler::flushAll(TcpEventSink& sink) {
  while (!lru_.empty()) {
    Flow* flow = lru_.front();
    endFlow(flows_.find(flow->key), TcpCloseReason::Flushed, flow->last_seen_us, sink);
  }
  stats_.flows = 0;
}

}  // namespace siphon::net
