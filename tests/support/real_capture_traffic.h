#pragma once
// Real captured SIP as load: every SIP message of some pcap files (tests/data/pcap: SIP from
// phones, proxies and carriers that other people captured), sent over and over, each pass with
// what differs between real calls made different, so that a store sees distinct calls of
// realistic sizes and header sets, not one message repeated:
//   Call-IDs       prefixed with the run and the pass;
//   tags, branches suffixed with the pass;
//   users          the user part of the R-URI and of From, To, Contact, P-Asserted-Identity,
//                  P-Preferred-Identity and Remote-Party-ID URIs gets the pass's subscriber
//                  number appended (100,000 of them, so users repeat across calls as on a real
//                  network, and searches by user find several calls);
//   CSeq numbers   shifted by the same amount in a pass (order within a call is kept);
//   SDP o= lines   session id and version digits replaced with the same number of digits of
//                  the pass's, so the body keeps its length and Content-Length stays right.
// Every message of one pass gets the same changes, so a call stays a call. A message that does
// not parse is rewritten as text all the same and sent, as a capture point would send it.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "support/sip_traffic.h"

namespace siphon::load {

class RealCaptureTraffic {
 public:
  /// Reads every *.pcap / *.pcapng / *.cap file of `dir` (errors: none readable, none with SIP).
  [[nodiscard]] static core::Result<RealCaptureTraffic, core::Failure> load(const std::string& dir,
                                                                            std::string run_id);
  /// The next message: the capture's messages in order, pass after pass, each pass's Call-IDs
  /// "RUNID-PASS-<Call-ID>", tags "<tag>-PASS" and branches "<branch>.PASS", users, CSeq
  /// numbers and SDP origins varied as above.
  void next(TrafficMessage& out);
  [[nodiscard]] size_t size() const { return messages_.size(); }
  /// The average payload size, bytes.
  [[nodiscard]] double averageBytes() const;

 private:
  std::vector<TrafficMessage> messages_;
  std::string run_id_;
  size_t at_ = 0;
  uint64_t pass_ = 0;
};

/// `payload` as pass `pass` of the run `run_id` sends it (the rewriting above; long and compact
/// header names; CRLF or bare LF line ends).
[[nodiscard]] std::string varyCall(std::string_view payload, std::string_view run_id,
                                   uint64_t pass);

}  // namespace siphon::load
