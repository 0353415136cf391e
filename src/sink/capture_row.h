#pragma once
// CaptureRow: one captured message as the columns of Kamailio's sip_capture table
// (docs/HEP-AND-MODULES.md §2.3-§2.4). Every store and every printer of records starts here,
// so a column is filled the same way everywhere.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/capture.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_error.h"

namespace siphon::sink {

struct CaptureRowOptions {
  std::string capture_node = "homer01";  ///< capture_node: node column prefix (Kamailio default)
  sip::FieldOptions fields;              ///< callid_aleg_header, custom field headers
};

/// Which table family a record belongs to, by HEP payload type (§2.2).
enum class RowKind : uint8_t { Sip, Rtcp, Report, Log };

struct CaptureRow {
  RowKind kind = RowKind::Sip;
  int64_t micro_ts = 0;
  std::string date;                   ///< "YYYY-MM-DD HH:MM:SS" UTC
  sip::SipCaptureFields sip;          ///< views into the payload (empty for non-SIP kinds)
  std::string source_ip, destination_ip;
  uint16_t source_port = 0, destination_port = 0;
  int proto = 0;                      ///< Kamailio transport enum (1 UDP ... 6 WSS)
  int family = 0;                     ///< 2 or 10
  int type = 0;                       ///< SIP: 1 request, 2 reply, 0 unparsed; others per §2.2
  std::string node;
  std::string_view correlation_id;    ///< HEP 0x0011, else the Call-ID
  std::optional<sip::SipErrc> parse_error;  ///< set when a SIP payload did not parse
};

/// The table family and `type` column of a HEP payload type (§2.2): SIP is type 0 here
/// (its type comes from the parsed start line).
struct RowKindAndType {
  RowKind kind;
  int type;
};
[[nodiscard]] RowKindAndType rowKindFor(uint8_t payload_type);
/// The table of a non-SIP family (rtcp_capture, report_capture, logs_capture), as OpenSIPS and
/// Homer name them; "sip_capture" for SIP (whose table comes from table_name routing).
[[nodiscard]] std::string_view reportTableName(RowKind kind);

/// Whether the node column carries the capture id: HEP v2/v3 with a capture time (§2.1).
[[nodiscard]] inline bool nodeHasCaptureId(const core::CaptureMeta& meta) {
  return meta.hep_version >= 2 && meta.ts_sec != 0;
}

/// The node column: the HEP node name when sent, else capture_node[:capture id] (§2.1).
[[nodiscard]] std::string nodeColumn(const core::CaptureMeta& meta, const CaptureRowOptions& options);

/// Fills `row` from the record. `meta.payload` must stay alive while `row` is used.
void buildCaptureRow(const core::CaptureMeta& meta, const CaptureRowOptions& options,
                     CaptureRow& row);

/// "YYYY-MM-DD HH:MM:SS" of a Unix time, UTC.
[[nodiscard]] std::string formatSqlDate(int64_t unix_seconds);

}  // namespace siphon::sink
