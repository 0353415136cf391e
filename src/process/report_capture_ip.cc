#include "process/report_capture_ip.h"

#include "hep/siphon_chunks.h"
#include "record/parsed_sip.h"

namespace siphon::process {
namespace {

enum class ReportCaptureIpCount : uint8_t { Stamped };
constexpr std::string_view kReportCaptureIpCounts[] = {"stamped"};

}  // namespace

ReportCaptureIpProcessor::ReportCaptureIpProcessor()
    : Processor("capture_ip", {kReportCaptureIpCounts, {}}) {}

Verdict ReportCaptureIpProcessor::process(record::Record& r) {
  // A record pushed without a listener (tests, a pcap replay) has no local address: whatever
  // an earlier collector stamped stays.
  if (r.local_ip.empty()) return Verdict::Keep;
  const bool sip = record::rowKindFor(r.meta().payload_type).kind == record::RowKind::Sip;
  if (sip && !r.report_row) return Verdict::Keep;
  hep::setSiphonChunk(r.capture, hep::kCaptureIpChunk, r.local_ip.unmapped().toString());
  counters_.count(ReportCaptureIpCount::Stamped);
  return Verdict::Keep;
}

}  // namespace siphon::process
