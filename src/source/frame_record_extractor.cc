#include "source/frame_record_extractor.h"

#include <chrono>

#include <fmt/format.h>

#include "core/byte_reader.h"
#include "hep/hep_decoder.h"
#include "net/link_type.h"
#include "net/net_error.h"
#include "net/sctp.h"
#include "sip/start_line.h"

namespace siphon::source {

namespace {

uint64_t micros(uint32_t sec, uint32_t usec) { return uint64_t{sec} * 1'000'000 + usec; }

std::chrono::nanoseconds asNanos(uint64_t us) { return std::chrono::microseconds(us); }

void setTime(core::CaptureMeta& meta, uint64_t ts_us) {
  meta.ts_sec = static_cast<uint32_t>(ts_us / 1'000'000);
  meta.ts_usec = static_cast<uint32_t>(ts_us % 1'000'000);
}

}  // namespace

FrameRecordExtractor::FrameRecordExtractor(FrameRecordExtractorOptions options,
                                           RecordCallback on_record)
    : options_(std::move(options)),
      on_record_(std::move(on_record)),
      ip_(options_.ip_reassembly),
      tcp_(options_.tcp) {}

void FrameRecordExtractor::onFrame(const RawPacket& packet) {
  ++counters_.frames;
  auto frame = net::decodeFrame(packet.link_type, packet.bytes, options_.frame);
  if (!frame) {
    if (net::isUnsupported(frame.error().code)) {
      ++counters_.unsupported;
    } else {
      error(net::netErrcName(frame.error().code));
    }
    return;
  }
  onDecoded(*frame, micros(packet.ts_sec, packet.tsUsec()));
}

void FrameRecordExtractor::onIpPacket(std::span<const std::byte> ip_packet, uint32_t ts_sec,
                                      uint32_t ts_usec) {
  RawPacket raw;
  raw.ts_sec = ts_sec;
  raw.ts_nsec = ts_usec * 1000;
  raw.link_type = static_cast<uint32_t>(net::LinkType::Raw);
  raw.bytes = ip_packet;
  raw.wire_length = static_cast<uint32_t>(ip_packet.size());
  onFrame(raw);
}

void FrameRecordExtractor::onDecoded(const net::DecodedPacket& p, uint64_t ts_us) {
  if (p.isFragment()) {
    ++counters_.fragments;
    auto whole = ip_.add(p, asNanos(ts_us));
    if (!whole) return;  // waiting, or dropped: the reassembler counts why
    ++counters_.reassembled;
    auto inner = net::decodeIpPacket(*whole, options_.frame);
    if (!inner) {
      error(net::netErrcName(inner.error().code));
      return;
    }
    onDecoded(*inner, ts_us);  // `whole` outlives every view of `inner` used below
    return;
  }
  switch (p.ip_proto) {
    case net::kIpProtoUdp:
      onUdp(p, ts_us);
      return;
    case net::kIpProtoTcp:
      onTcp(p, ts_us);
      return;
    case net::kIpProtoSctp:
      onSctp(p, ts_us);
      return;
    default:
      ++counters_.unsupported;
  }
}

bool FrameRecordExtractor::inPortRange(const net::DecodedPacket& p) const {
  if (options_.port_min == 0 && options_.port_max == 0) return true;
  auto in = [&](uint16_t port) { return port >= options_.port_min && port <= options_.port_max; };
  return in(p.src_port) || in(p.dst_port);
}

void FrameRecordExtractor::onUdp(const net::DecodedPacket& p, uint64_t ts_us) {
  if (options_.decode_hep && hep::looksLikeHep(p.payload)) {
    emitHep(p.payload, ts_us);
    return;
  }
  if (!inPortRange(p)) {
    ++counters_.out_of_ports;
    return;
  }
  if (!sip::looksLikeSip(core::asText(p.payload))) {
    ++counters_.not_sip;
    return;
  }
  emitSip(p, p.payload, net::kIpProtoUdp, ts_us);
}

void FrameRecordExtractor::onTcp(const net::DecodedPacket& p, uint64_t ts_us) {
  // HEPv3 over TCP: the whole frames of the segment (HEP streams are decoded per segment; a
  // frame cut by the segment end is counted).
  auto segment = p.payload;
  if (options_.decode_hep && segment.size() >= 6 && hep::hep3FrameLength(segment).has_value()) {
    while (!segment.empty()) {
      auto len = hep::hep3FrameLength(segment);
      if (!len.has_value() || *len == 0 || *len > segment.size()) {
        error("hep_tcp_frame_split");
        return;
      }
      emitHep(segment.first(*len), ts_us);
      segment = segment.subspan(*len);
    }
    return;
  }
  if (!inPortRange(p)) {
    ++counters_.out_of_ports;
    return;
  }
  current_ = &p;
  tcp_.onPacket(p, ts_us, *this);
  current_ = nullptr;
}

void FrameRecordExtractor::onSctp(const net::DecodedPacket& p, uint64_t ts_us) {
  if (!inPortRange(p)) {
    ++counters_.out_of_ports;
    return;
  }
  auto walked = net::forEachSctpData(p.payload, [&](const net::SctpDataChunk& c) {
    if (c.beginning() && c.ending()) {
      if (sip::looksLikeSip(core::asText(c.user_data))) {
        emitSip(p, c.user_data, net::kIpProtoSctp, ts_us);
      } else {
        ++counters_.not_sip;
      }
      return;
    }
    // A user message in pieces (RFC 9260 §6.9): joined per stream until the E piece. Pieces
    // of one message arrive in TSN order on an ordered stream, which is what we assume.
    std::string key = fmt::format("{}|{}|{}|{}|{}", p.src.toString(), p.dst.toString(), p.src_port,
                                  p.dst_port, c.stream_id);
    if (c.beginning()) sctp_pieces_[key].clear();
    auto it = sctp_pieces_.find(key);
    if (it == sctp_pieces_.end()) {
      error("sctp_piece_without_beginning");
      return;
    }
    if (it->second.size() + c.user_data.size() > options_.max_sctp_message_bytes) {
      error("sctp_message_too_large");
      sctp_pieces_.erase(it);
      return;
    }
    it->second.insert(it->second.end(), c.user_data.begin(), c.user_data.end());
    if (!c.ending()) return;
    std::vector<std::byte> whole = std::move(it->second);
    sctp_pieces_.erase(it);
    if (sip::looksLikeSip(core::asText(whole))) {
      emitSip(p, whole, net::kIpProtoSctp, ts_us);
    } else {
      ++counters_.not_sip;
    }
  });
  if (!walked) error(net::netErrcName(walked.error().code));
}

void FrameRecordExtractor::emitHep(std::span<const std::byte> packet, uint64_t ts_us) {
  core::CaptureMeta meta;
  auto info = hep::decodeHep(packet, meta, &inflated_);
  if (!info) {
    error(fmt::format("hep_{}", hep::hepErrcName(info.error().code)), info.error().detail);
    return;
  }
  if (meta.ts_sec == 0) setTime(meta, ts_us);  // HEPv1 carries no time: the capture's is best
  ++counters_.records;
  on_record_(ExtractedRecord{meta, packet});
}

void FrameRecordExtractor::emitSip(const net::DecodedPacket& p, std::span<const std::byte> payload,
                                   uint8_t ip_proto, uint64_t ts_us) {
  core::CaptureMeta meta;
  meta.hep_version = 0;
  meta.ip_family = p.family();
  meta.ip_proto = ip_proto;
  meta.src_ip = p.src;
  meta.dst_ip = p.dst;
  meta.src_port = p.src_port;
  meta.dst_port = p.dst_port;
  setTime(meta, ts_us);
  meta.payload_type = 1;
  meta.payload = payload;
  ++counters_.records;
  on_record_(ExtractedRecord{meta, {}});
}

void FrameRecordExtractor::onSipMessage(const SipStreamMessage& message) {
  core::CaptureMeta meta;
  meta.hep_version = 0;
  meta.ip_family = message.flow->src.isV6() ? 10 : 2;
  meta.ip_proto = net::kIpProtoTcp;
  meta.src_ip = message.flow->src;
  meta.dst_ip = message.flow->dst;
  meta.src_port = message.flow->src_port;
  meta.dst_port = message.flow->dst_port;
  setTime(meta, message.ts_us);
  meta.payload_type = 1;
  meta.payload = core::asBytes(message.bytes);
  ++counters_.records;
  on_record_(ExtractedRecord{meta, {}});
}

void FrameRecordExtractor::finish() {
  tcp_.flush(*this);
  (void)ip_.expire(std::chrono::nanoseconds::max());
  sctp_pieces_.clear();
}

void FrameRecordExtractor::expire(uint64_t now_us) {
  tcp_.expireIdle(now_us, *this);
  (void)ip_.expire(asNanos(now_us));
}

}  // namespace siphon::source
