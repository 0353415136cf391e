#pragma once
// FrameRecordExtractor: captured frames in, SIP and HEP records out. The one place where a
// sniffed frame becomes records, shared by `siphon decode` and `siphon agent` so that both
// see exactly the same messages.
//
//   frame ─ decodeFrame (link, VLAN, PPPoE, tunnels) ─┬─ fragment → IpReassembler → decodeIpPacket
//                                                     ├─ UDP  → HEP packet | SIP datagram | RTCP of a
//                                                     │         call (capture_rtcp) | not SIP
//                                                     ├─ TCP  → HEPv3 frames of the segment, or
//                                                     │         SipTcpExtractor (reassembly, WS)
//                                                     └─ SCTP → DATA chunks (B/E pieces joined)
//
// Content decides, never the port: a UDP payload is HEP when its magic says so, SIP when it
// starts with a SIP start line, otherwise it is counted as not SIP. Ports narrow the search
// only when the caller sets a port range (raw_socket_listen). With capture_rtcp, the SDP of
// the SIP seen names each call's media endpoints (media_tracker.h), and an RTCP datagram
// from or to one becomes a record of payload type 5 whose correlation id is the Call-ID.
//
// Each record is handed to a callback as an owning Capture, decoded once: a HEP packet is
// copied out of the frame and decoded into views of that copy (no second decode downstream),
// a sniffed message gets its payload copied. One extractor per capture thread; it keeps
// reassembly state between frames. Its counters are written by that thread and may be read
// by any (snapshot()); the reassemblers' own figures are published at expire() and finish().

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/capture.h"
#include "core/relaxed_counter.h"
#include "core/stage_counters.h"
#include "net/decoded_packet.h"
#include "net/frame_decoder.h"
#include "net/ip_reassembler.h"
#include "source/media_tracker.h"
#include "source/packet_source.h"
#include "source/sip_tcp_extractor.h"

namespace siphon::source {

struct ExtractorCounters {
  core::RelaxedCounter frames;
  core::RelaxedCounter records;
  core::RelaxedCounter not_sip;       ///< UDP/TCP/SCTP payloads that are neither SIP nor HEP
  core::RelaxedCounter rtcp;          ///< RTCP records of a call's media (capture_rtcp)
  core::RelaxedCounter fragments;     ///< IP fragment frames, given to the reassembler
  core::RelaxedCounter reassembled;   ///< IP datagrams made whole from them
  core::RelaxedCounter out_of_ports;  ///< outside the configured port range
  core::RelaxedCounter unsupported;   ///< link/ether/IP protocols we do not decode (ARP, ICMP...)
  /// Published from the reassemblers at expire() and finish():
  core::RelaxedCounter ip_fragments_dropped;  ///< fragments never made whole, all reasons
  core::RelaxedCounter tcp_streams_not_sip;   ///< TCP streams found not to carry SIP (TLS, HTTP..)
};

struct FrameRecordExtractorOptions {
  net::FrameDecodeOptions frame;
  net::IpReassemblyLimits ip_reassembly;
  SipTcpExtractorConfig tcp;
  bool decode_hep = true;  ///< UDP/TCP payloads that are HEP give their inner records
  uint16_t port_min = 0;   ///< raw_socket_listen port range; 0-0 = every port
  uint16_t port_max = 0;
  size_t max_sctp_message_bytes = 1 << 20;
  bool capture_rtcp = false;  ///< capture_rtcp: RTCP of the media the captured SDP announces
  MediaTrackerLimits media;
};

class FrameRecordExtractor final : private SipStreamSink {
 public:
  /// Receives each record, owned; called on the extractor's thread.
  using RecordCallback = std::function<void(core::Capture&&)>;
  /// Malformed input: the counted reason and a detail (e.g. which HEP length was wrong).
  using ErrorCallback = std::function<void(std::string_view reason, std::string_view detail)>;

  FrameRecordExtractor(FrameRecordExtractorOptions options, RecordCallback on_record);

  void setErrorCallback(ErrorCallback on_error) { on_error_ = std::move(on_error); }

  /// One captured frame.
  void onFrame(const RawPacket& packet);
  /// One bare IP packet (raw IP-in-IP socket): as a frame of link type RAW.
  void onIpPacket(std::span<const std::byte> ip_packet, uint32_t ts_sec, uint32_t ts_usec);
  /// End of input: what the TCP streams still hold, and expired reassembly state.
  void finish();
  /// For live capture: expire idle flows and fragments older than the limits at `now_us`.
  void expire(uint64_t now_us);

  [[nodiscard]] const ExtractorCounters& counters() const { return counters_; }
  /// Malformed input by reason, ordered for output (any thread).
  [[nodiscard]] std::map<std::string, uint64_t> errors() const;
  /// The counters in the stages' shape (any thread): counts frames, received (records),
  /// not_sip, fragments, reassembled, out_of_ports, unsupported, tcp_streams_not_sip; drops
  /// every malformed-input reason and ip_fragments.
  [[nodiscard]] core::StageSnapshot snapshot(std::string stage) const;
  [[nodiscard]] const net::IpReassemblyStats& ipStats() const { return ip_.stats(); }
  [[nodiscard]] const SipTcpExtractorStats& tcpStats() const { return tcp_.stats(); }

 private:
  void onDecoded(const net::DecodedPacket& p, uint64_t ts_us);
  void onUdp(const net::DecodedPacket& p, uint64_t ts_us);
  void onTcp(const net::DecodedPacket& p, uint64_t ts_us);
  void onSctp(const net::DecodedPacket& p, uint64_t ts_us);
  void emitHep(std::span<const std::byte> packet, uint64_t ts_us);
  void emitSip(const net::DecodedPacket& p, std::span<const std::byte> payload, uint8_t ip_proto,
               uint64_t ts_us);
  /// capture_rtcp: the media endpoints of a SIP message's SDP, if it has one.
  void learnMedia(std::span<const std::byte> sip_bytes, uint64_t ts_us);
  /// capture_rtcp: true when the datagram was a call's RTCP and became a record.
  bool emitRtcp(const net::DecodedPacket& p, uint64_t ts_us);
  void onSipMessage(const SipStreamMessage& message) override;
  void error(std::string_view reason, std::string_view detail = {});
  void publishReassemblyStats();
  [[nodiscard]] bool inPortRange(const net::DecodedPacket& p) const;

  FrameRecordExtractorOptions options_;
  RecordCallback on_record_;
  ErrorCallback on_error_;
  net::IpReassembler ip_;
  SipTcpExtractor tcp_;
  MediaTracker media_;
  ExtractorCounters counters_;
  mutable std::mutex errors_mu_;  ///< malformed input is rare: a lock per error costs nothing
  std::map<std::string, uint64_t> errors_;
  /// SCTP messages split over DATA chunks, by (addresses, ports, stream id) until the E piece.
  std::map<std::string, std::vector<std::byte>> sctp_pieces_;
  const net::DecodedPacket* current_ = nullptr;  ///< the packet whose TCP events are running
};

}  // namespace siphon::source
