#include "source/frame_record_extractor.h"

#include <chrono>

#include <fmt/format.h>

#include "core/byte_reader.h"
#include "hep/hep_decoder.h"
#include "net/link_type.h"
#include "net/net_error.h"
#include "net/sctp.h"
#include "media/rtcp_packet.h"
#include "sip/sip_message.h"
#include "sip/start_line.h"

namespace siphon::source {

namespace {

uint64_t micros(uint32_t sec, uint32_t usec) { return uint64_t{sec} * 1'000'000 + usec; }

std::chrono::nanoseconds asNanos(uint64_t us) { return std::chrono::microseconds(us); }

void setTime(core::CaptureMeta& meta, uint64_t ts_us) {
  meta.ts_sec = static_cast<uint32_t>(ts_us / 1'000'000);
  meta.ts_usec = static_cast<uint32_t>(ts_us % 1'000'000);
}

std::vector<std::byte> copyOf(std::span<const std::byte> bytes) {
  return std::vector<std::byte>(bytes.begin(), bytes.end());
}

}  // namespace

FrameRecordExtractor::FrameRecordExtractor(FrameRecordExtractorOptions options,
                                           RecordCallback on_record)
    : options_(std::move(options)),
      on_record_(std::move(on_record)),
      ip_(options_.ip_reassembly),
      tcp_(options_.tcp),
      media_(options_.media) {}

void FrameRecordExtractor::error(std::string_view reason, std::string_view detail) {
  {
    std::lock_guard lock(errors_mu_);
    ++errors_[std::string(reason)];
  }
  if (on_error_) on_error_(reason, detail);
}

std::map<std::string, uint64_t> FrameRecordExtractor::errors() const {
  std::lock_guard lock(errors_mu_);
  return errors_;
}

void FrameRecordExtractor::publishReassemblyStats() {
  const auto& ip = ip_.stats();
  counters_.ip_fragments_dropped.set(ip.timeout + ip.over_budget + ip.overlap + ip.too_large +
                                     ip.invalid);
  const auto& t = tcp_.stats();
  counters_.tcp_streams_not_sip.set(t.streams_not_sip + t.streams_tls + t.streams_http);
}

core::StageSnapshot FrameRecordExtractor::snapshot(std::string stage) const {
  core::StageSnapshot s;
  s.stage = std::move(stage);
  s.kind = "source";
  const auto& c = counters_;
  s.counts = {{"frames", c.frames},           {"received", c.records},
              {"not_sip", c.not_sip},         {"fragments", c.fragments},
              {"reassembled", c.reassembled}, {"out_of_ports", c.out_of_ports},
              {"unsupported", c.unsupported}, {"tcp_streams_not_sip", c.tcp_streams_not_sip}};
  if (options_.capture_rtcp) s.counts.emplace_back("rtcp", c.rtcp);
  for (auto& [reason, n] : errors()) s.drops.emplace_back(reason, n);
  s.drops.emplace_back("ip_fragments", c.ip_fragments_dropped);
  return s;
}

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
  // RTCP flows between media ports, never on the SIP ports a port range names.
  if (options_.capture_rtcp && emitRtcp(p, ts_us)) return;
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

bool FrameRecordExtractor::emitRtcp(const net::DecodedPacket& p, uint64_t ts_us) {
  if (!media::looksLikeRtcp(p.payload)) return false;
  auto call = media_.callOf(p.src, p.src_port, p.dst, p.dst_port, ts_us);
  if (!call) return false;
  core::Flow flow{p.src, p.dst, p.src_port, p.dst_port, net::kIpProtoUdp};
  core::Capture c = core::sniffedCapture(flow, static_cast<int64_t>(ts_us), copyOf(p.payload));
  c.meta.payload_type = 5;  // RTCP (HEP-AND-MODULES.md §1.4)
  c.meta.correlation_id = c.keep(std::string(*call));
  ++counters_.rtcp;
  ++counters_.records;
  on_record_(std::move(c));
  return true;
}

void FrameRecordExtractor::learnMedia(std::span<const std::byte> sip_bytes, uint64_t ts_us) {
  if (!options_.capture_rtcp) return;
  const std::string_view text = core::asText(sip_bytes);
  // Only a message with an SDP body is parsed here: most carry none.
  if (text.find("\nv=0") == std::string_view::npos) return;
  const auto msg = sip::SipMessage::parse(text);
  media_.learnSdp(msg.callId(), msg.body(), ts_us);
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
  // Decoded once, from the copy the record owns: its views point into that copy.
  auto capture = hep::decodeHepCapture(copyOf(packet));
  if (!capture) {
    error(fmt::format("hep_{}", hep::hepErrcName(capture.error().code)), capture.error().detail);
    return;
  }
  // HEPv1 carries no time: the capture's is best.
  if (capture->meta.ts_sec == 0) setTime(capture->meta, ts_us);
  ++counters_.records;
  on_record_(std::move(*capture));
}

void FrameRecordExtractor::emitSip(const net::DecodedPacket& p, std::span<const std::byte> payload,
                                   uint8_t ip_proto, uint64_t ts_us) {
  core::Flow flow{p.src, p.dst, p.src_port, p.dst_port, ip_proto};
  learnMedia(payload, ts_us);
  ++counters_.records;
  on_record_(core::sniffedCapture(flow, static_cast<int64_t>(ts_us), copyOf(payload)));
}

void FrameRecordExtractor::onSipMessage(const SipStreamMessage& message) {
  const auto& f = *message.flow;
  core::Flow flow{f.src, f.dst, f.src_port, f.dst_port, net::kIpProtoTcp};
  learnMedia(core::asBytes(message.bytes), message.ts_us);
  ++counters_.records;
  on_record_(core::sniffedCapture(flow, static_cast<int64_t>(message.ts_us),
                                  copyOf(core::asBytes(message.bytes))));
}

void FrameRecordExtractor::finish() {
  tcp_.flush(*this);
  (void)ip_.expire(std::chrono::nanoseconds::max());
  sctp_pieces_.clear();
  publishReassemblyStats();
}

void FrameRecordExtractor::expire(uint64_t now_us) {
  tcp_.expireIdle(now_us, *this);
  (void)ip_.expire(asNanos(now_us));
  media_.expire(now_us);
  publishReassemblyStats();
}

}  // namespace siphon::source
