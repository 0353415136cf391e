#pragma once
// Report capture ip: in Homer-6 mode (homer5_on = 0) every report row (RTCP, reports, logs:
// the non-SIP payload types, record::rowKindFor) has a capture_ip column, the local address its
// HEP packet arrived on (docs/HEP-AND-MODULES.md §3.4). The listeners know that address
// (Record::local_ip: IP_PKTINFO for UDP, the accepted socket's own address for TCP/TLS); the
// stores only see the record's HEP metadata, so the address is written into the record as
// Siphon's chunk 0x5350:0x0005 (hep/siphon_chunks.h), which the embedded store keeps and the
// row builder reads. Runs after the routing rules, which may turn a SIP packet into a report
// (report_capture with a proto type).

#include "process/processor.h"

namespace siphon::process {

class ReportCaptureIpProcessor final : public Processor {
 public:
  ReportCaptureIpProcessor();
  [[nodiscard]] Verdict process(record::Record& r) override;
};

}  // namespace siphon::process
