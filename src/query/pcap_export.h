#pragma once
// A call's messages as a classic pcap file (LINKTYPE_ETHERNET, microsecond timestamps) that
// Wireshark and tshark open: each message becomes one frame with its original capture time,
// addresses, ports and transport.
//
//  * Ethernet: locally administered MACs (02:00 + 4 bytes derived from the IP address), so
//    each host keeps one MAC across the file.
//  * IP: IPv4 (header checksum computed) or IPv6, as captured; an IPv4-mapped IPv6 address is
//    written as IPv4, and a record mixing families is written as IPv6 (the IPv4 side mapped).
//  * UDP for messages captured over UDP (and SCTP, which is written as UDP: an SCTP
//    association cannot be rebuilt from single messages). TCP for TCP, TLS, WS and WSS: the
//    decrypted SIP text goes as plain TCP on the original ports, PSH|ACK, with sequence numbers
//    that continue per direction of each connection (initial numbers derived from the
//    addresses) and acknowledgement numbers of the other direction. tshark dissects TLS ports
//    (5061) as TLS unless told `-d tcp.port==5061,sip`.
//  * UDP and TCP checksums are computed over the pseudo-header (RFC 768, RFC 9293 §3.1,
//    RFC 8200 §8.1).
//  * Too large for one datagram: a message over UDP longer than an IPv4 (65507 bytes) or IPv6
//    (65527 bytes) UDP payload cannot have been sent as one datagram, so it is written as TCP
//    on the same ports, split into segments that each fit one IP packet, and counted in
//    PcapExportStats::udp_as_tcp. Wireshark reassembles the segments into the one message.

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/capture.h"
#include "core/result.h"

namespace siphon::query {

struct PcapExportStats {
  size_t messages = 0;    ///< messages written
  size_t frames = 0;      ///< frames written (a large TCP message takes several)
  size_t udp_as_tcp = 0;  ///< UDP messages too large for one datagram, written as TCP
};

/// Appends the pcap file header (magic a1b2c3d4, version 2.4, snaplen 262144, Ethernet).
void appendPcapFileHeader(std::vector<std::byte>& out);

/// Builds whole pcap files in memory, message by message, keeping the TCP sequence state.
class PcapBuilder {
 public:
  PcapBuilder();
  /// Appends the frame(s) of one captured message. `meta.payload` is written byte-exact.
  void add(const core::CaptureMeta& meta);
  [[nodiscard]] const std::vector<std::byte>& bytes() const { return out_; }
  [[nodiscard]] const PcapExportStats& stats() const { return stats_; }

 private:
  /// The next sequence number of a TCP direction "src>dst", created at its initial number.
  uint32_t& nextSeq(const std::string& flow_key);
  void frame(const core::CaptureMeta& meta, bool tcp, std::span<const std::byte> payload,
             uint32_t seq, uint32_t ack);

  std::vector<std::byte> out_;
  PcapExportStats stats_;
  std::map<std::string, uint32_t> flows_;
  uint16_t ip_id_ = 1;
};

/// Writes `bytes` to `path` (created or truncated). Errors name the path (exit code 1).
[[nodiscard]] core::Result<void, core::Failure> writeFile(const std::string& path,
                                                          std::span<const std::byte> bytes);

/// The Internet checksum (RFC 1071) of `data`, starting from `sum` (a partial sum).
[[nodiscard]] uint16_t internetChecksum(std::span<const std::byte> data, uint32_t sum = 0);

}  // namespace siphon::query
