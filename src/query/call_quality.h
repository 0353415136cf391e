#pragma once
// The media quality of an assembled call: its RTCP records (CallResult::reports of payload
// type 5, binary or the JSON agents send) decoded and summed up per RTP stream
// (media/stream_quality.h), and the RFC 6035 reports of its SIP PUBLISH messages
// (application/vq-rtcpxr, media/vq_report.h), one stream per metrics block, and the JSON QoS
// reports RTP agents send as HEP types 32/34/35/99 (media/qos_report.h), a stream per report
// name or address pair. What the call page's QoS section, `siphon flow` and the API show.

#include <string>
#include <vector>

#include "media/stream_quality.h"
#include "query/call_assembly.h"

namespace siphon::query {

struct CallQuality {
  std::vector<media::StreamQuality> streams;
  size_t rtcp_records = 0;  ///< RTCP records of the call
  size_t vq_reports = 0;    ///< SIP messages with an RFC 6035 vq-rtcpxr body
  size_t qos_reports = 0;   ///< JSON QoS reports of RTP agents (HEP types 32/34/35/99)
  size_t unreadable = 0;    ///< of those, not readable (not RTCP, nor RTCP JSON, nor a VQ report)
};

[[nodiscard]] CallQuality callQuality(const CallResult& call);

/// One line per stream for the text ladder:
///   "stream 0x5d931534 217.12.244.34:25963 -> 217.12.247.98:31601  packets 602  lost 1 (0.2%)
///    jitter avg 0.4 ms max 0.8 ms  MOS 4.4 (estimated)  reports 2"
[[nodiscard]] std::string streamSummaryLine(const media::StreamQuality& s);

}  // namespace siphon::query
