#pragma once
// The JSON QoS reports of HEP payload types 34 ("MOS full report"), 35 ("MOS short report"),
// and the 32 / 99 Kamailio stores as report_capture rows (docs/HEP-AND-MODULES.md §1.4): what
// an RTP agent (sipcapture's rtpagent, heplify's rtpagent and rtcpxr paths, HEPGEN) measured of
// one RTP stream, one object per interval ("TYPE":"PERIODIC") or at the end ("HANGUP"):
//
//   {"CORRELATION_ID":"..","RTP_SIP_CALL_ID":"..","REPORT_TS":1700000000.5,
//    "TOTAL_PK":1512,"EXPECTED_PK":1512,"PACKET_LOSS":0,"JITTER":0.017,"MAX_JITTER":0.010,
//    "MEAN_JITTER":0.005,"MOS":4.032,"MIN_MOS":4.032,"MEAN_MOS":4.032,"RFACTOR":80.2,
//    "SRC_IP":"..","SRC_PORT":26872,"DST_IP":"..","DST_PORT":51354,"CODEC_NAME":"g722",
//    "CLOCK":8000,"DIR":0,"REPORT_NAME":"1.2.3.4:26872","PARTY":0,"TYPE":"PERIODIC"}
//
// A short report has only MOS, RFACTOR, DIR and REPORT_NAME. Jitter figures are in ms (the
// DELTA beside them is the packet interval, 20 ms for 20 ms frames). Keys are read in upper
// case as the agents write them, and in lower case; a number may come as a JSON string. A field
// that is absent or not a number stays unset. Views point into nothing: the report owns its
// text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "media/media_error.h"

namespace siphon::media {

struct QosReport {
  std::string call_id;      ///< RTP_SIP_CALL_ID, else CORRELATION_ID
  std::string name;         ///< REPORT_NAME (the agent's name of the stream)
  std::string source;       ///< "SRC_IP:SRC_PORT" when given
  std::string destination;  ///< "DST_IP:DST_PORT" when given
  std::string codec;        ///< CODEC_NAME
  std::string type;         ///< TYPE: PERIODIC, HANGUP, ...
  int direction = 0;        ///< DIR
  std::optional<double> report_time_s;  ///< REPORT_TS, seconds since the epoch
  std::optional<double> mos, min_mos, mean_mos, r_factor;
  std::optional<double> jitter_ms, max_jitter_ms, mean_jitter_ms;
  std::optional<int64_t> packets, expected, lost;  ///< TOTAL_PK, EXPECTED_PK, PACKET_LOSS

  /// The stream's key: its addresses when the report has them, else its name and direction.
  [[nodiscard]] std::string streamKey() const;
};

/// Reads one report. BadJson when the text is not a JSON object, Empty when it has no MOS, no
/// R-factor, no jitter and no packet count.
[[nodiscard]] core::Result<QosReport, MediaError> parseQosReport(std::string_view json);

/// True for the HEP payload types whose body is such a report (32, 34, 35, 99).
[[nodiscard]] constexpr bool isQosPayloadType(uint8_t payload_type) {
  return payload_type == 32 || payload_type == 34 || payload_type == 35 || payload_type == 99;
}

}  // namespace siphon::media
