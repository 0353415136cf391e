#include "media/rtcp_packet.h"

#include "core/byte_reader.h"

namespace siphon::media {
namespace {

constexpr uint8_t kSr = 200;
constexpr uint8_t kRr = 201;
constexpr uint8_t kSdes = 202;
constexpr uint8_t kBye = 203;
constexpr uint8_t kXr = 207;
constexpr uint8_t kSdesCname = 1;
constexpr uint8_t kXrVoipMetrics = 7;
constexpr size_t kReportBlockBytes = 24;
constexpr size_t kSenderInfoBytes = 20;
constexpr size_t kVoipMetricsBytes = 32;  // after the 4-byte block header (RFC 3611 §4.7)

MediaError error(MediaErrc code, std::string_view detail) { return MediaError{code, detail}; }

bool isRtcpType(uint8_t pt) { return pt >= kSr && pt <= kXr; }

// `count` report blocks; the caller checked that 24 * count bytes remain.
void readBlocks(core::ByteReader& in, size_t count, std::vector<RtcpReportBlock>& out) {
  for (size_t i = 0; i < count; ++i) {
    RtcpReportBlock b;
    b.source_ssrc = in.readU32be().value_or(0);
    const uint32_t lost = in.readU32be().value_or(0);
    b.fraction_lost = static_cast<uint8_t>(lost >> 24);
    // 24-bit two's complement (RFC 3550 §6.4.1 "cumulative number of packets lost").
    const uint32_t cumulative = lost & 0xFFFFFFu;
    b.cumulative_lost = (cumulative & 0x800000u) != 0 ? static_cast<int32_t>(cumulative) - 0x1000000
                                                      : static_cast<int32_t>(cumulative);
    b.highest_seq = in.readU32be().value_or(0);
    b.jitter = in.readU32be().value_or(0);
    b.lsr = in.readU32be().value_or(0);
    b.dlsr = in.readU32be().value_or(0);
    out.push_back(b);
  }
}

// SR or RR body (after the common header): SSRC, [sender info], report blocks.
bool readReport(core::ByteReader body, uint8_t pt, size_t count, RtcpReport& out, uint32_t& ssrc) {
  const size_t need = 4 + (pt == kSr ? kSenderInfoBytes : 0) + count * kReportBlockBytes;
  if (body.remaining() < need) return false;
  ssrc = body.readU32be().value_or(0);
  if (pt == kSr && !out.sender) {
    RtcpSenderInfo s;
    s.ntp_seconds = body.readU32be().value_or(0);
    s.ntp_fraction = body.readU32be().value_or(0);
    s.rtp_timestamp = body.readU32be().value_or(0);
    s.packets = body.readU32be().value_or(0);
    s.octets = body.readU32be().value_or(0);
    out.sender = s;
  } else if (pt == kSr) {
    (void)body.skip(kSenderInfoBytes);
  }
  readBlocks(body, count, out.blocks);
  return true;
}

// SDES: the CNAME of the first chunk (RFC 3550 §6.5: SSRC, items of type/length/text, a null
// item ends the chunk).
void readCname(core::ByteReader body, size_t count, RtcpReport& out) {
  if (count == 0 || !out.cname.empty()) return;
  if (!body.skip(4)) return;
  while (auto type = body.readU8()) {
    if (*type == 0) return;
    auto len = body.readU8();
    if (!len) return;
    auto text = body.take(*len);
    if (!text) return;
    if (*type == kSdesCname) {
      std::string_view cname = core::asText(*text);
      // Some endpoints count a C string's NUL in the item length ("c0\0"); it is no text.
      while (!cname.empty() && cname.back() == '\0') cname.remove_suffix(1);
      out.cname = cname;
      return;
    }
  }
}

// XR: SSRC, then report blocks of BT, type-specific byte, length in words (RFC 3611 §3).
void readXr(core::ByteReader body, RtcpReport& out) {
  if (!body.skip(4)) return;
  while (body.remaining() >= 4) {
    const uint8_t bt = body.readU8().value_or(0);
    (void)body.readU8();
    const size_t words = body.readU16be().value_or(0);
    auto block = body.take(words * 4);
    if (!block) return;
    if (bt != kXrVoipMetrics || block->size() < kVoipMetricsBytes) continue;
    core::ByteReader b(*block);
    RtcpVoipMetrics m;
    m.source_ssrc = b.readU32be().value_or(0);
    m.loss_rate = b.readU8().value_or(0);
    m.discard_rate = b.readU8().value_or(0);
    m.burst_density = b.readU8().value_or(0);
    m.gap_density = b.readU8().value_or(0);
    m.burst_duration = b.readU16be().value_or(0);
    m.gap_duration = b.readU16be().value_or(0);
    m.round_trip_delay = b.readU16be().value_or(0);
    m.end_system_delay = b.readU16be().value_or(0);
    (void)b.skip(4);  // signal level, noise level, RERL, Gmin
    m.r_factor = b.readU8().value_or(kXrUnavailable);
    (void)b.readU8();  // external R factor
    m.mos_lq = b.readU8().value_or(kXrUnavailable);
    m.mos_cq = b.readU8().value_or(kXrUnavailable);
    out.voip_metrics.push_back(m);
  }
}

}  // namespace

bool looksLikeRtcp(std::span<const std::byte> bytes) {
  core::ByteReader in(bytes);
  const auto b0 = in.readU8();
  const auto pt = in.readU8();
  const auto words = in.readU16be();
  if (!b0 || !pt || !words) return false;
  return (*b0 >> 6) == 2 && isRtcpType(*pt) && size_t{*words} * 4 <= in.remaining();
}

core::Result<RtcpReport, MediaError> decodeRtcp(std::span<const std::byte> bytes) {
  RtcpReport out;
  bool have_report = false;  // out.ssrc came from an SR or RR
  core::ByteReader in(bytes);
  while (in.remaining() >= 4) {
    const bool first = out.packets == 0;
    const size_t at = in.position();
    const uint8_t b0 = in.readU8().value_or(0);
    const uint8_t pt = in.readU8().value_or(0);
    const size_t words = in.readU16be().value_or(0);
    const size_t count = b0 & 0x1Fu;
    MediaErrc problem = MediaErrc::BadLength;
    std::string_view why;
    std::optional<std::span<const std::byte>> body;
    if ((b0 >> 6) != 2) {
      problem = MediaErrc::BadVersion;
      why = "RTP version is not 2";
    } else if (first && !isRtcpType(pt)) {
      problem = MediaErrc::NotRtcp;
      why = "first packet type is not an RTCP report";
    } else if (body = in.take(words * 4); !body) {
      problem = MediaErrc::Truncated;
      why = "packet length past the end of the datagram";
    } else {
      std::span<const std::byte> b = *body;
      if ((b0 & 0x20u) != 0) {  // padding: the last octet counts the padding octets (§6.4.1)
        const size_t pad = b.empty() ? 0 : static_cast<size_t>(b.back());
        if (pad == 0 || pad > b.size()) {
          why = "padding count larger than the packet";
        } else {
          b = b.first(b.size() - pad);
        }
      }
      if (why.empty()) {
        core::ByteReader reader(b);
        bool ok = true;
        if (pt == kSr || pt == kRr) {
          uint32_t ssrc = 0;
          ok = readReport(reader, pt, count, out, ssrc);
          if (!ok) why = "report count does not fit the packet length";
          if (ok && !have_report) out.ssrc = ssrc;
          have_report = have_report || ok;
        } else if (out.packets == 0 && b.size() >= 4) {
          out.ssrc = reader.readU32be().value_or(0);  // XR, SDES or BYE first: its SSRC
        }
        if (ok) {
          if (pt == kSdes) readCname(core::ByteReader(b), count, out);
          if (pt == kBye) out.bye = true;
          if (pt == kXr) readXr(core::ByteReader(b), out);
          if (first) out.first_type = pt;
          ++out.packets;
          continue;
        }
      }
    }
    if (first) return core::unexpected(error(problem, why));
    out.trailing_bytes = bytes.size() - at;
    return out;
  }
  if (out.packets == 0) return core::unexpected(error(MediaErrc::Truncated, "shorter than an RTCP header"));
  out.trailing_bytes = in.remaining();
  return out;
}

}  // namespace siphon::media
