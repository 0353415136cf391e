#pragma once
// Real captured SIP as load: every SIP message of some pcap files (tests/data/pcap: SIP from
// phones, proxies and carriers that other people captured), sent over and over, each pass with
// its Call-IDs, tags and branches made unique, so that a store sees distinct calls of realistic
// sizes and header sets, not one message repeated. Bodies are left as they are (Content-Length
// stays right); a message that does not parse is sent as it is, as a capture point would.

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
  /// "RUNID-PASS-<Call-ID>", tags "<tag>-PASS" and branches "<branch>.PASS".
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

/// `payload` with its Call-ID header values prefixed, From/To tags and Via branches suffixed
/// (header section only; long and compact header names).
[[nodiscard]] std::string uniqueIds(std::string_view payload, std::string_view callid_prefix,
                                    std::string_view suffix);

}  // namespace siphon::load
