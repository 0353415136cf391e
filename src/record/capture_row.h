#pragma once
// CaptureRow: one captured message as the columns of Kamailio's sip_capture table
// (docs/HEP-AND-MODULES.md §2.3-§2.4): the record's one SIP parse (ParsedSip) plus the columns
// derived from its HEP metadata (addresses as text, transport, family, node). Every store and
// every printer of records starts here, and the column list itself is capture_columns.h, so a
// column is filled the same way everywhere.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/capture.h"
#include "record/parsed_sip.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_error.h"

namespace siphon::record {

struct CaptureRowOptions {
  std::string capture_node = "homer01";  ///< capture_node: node column prefix (Kamailio default)
  sip::FieldOptions fields;              ///< callid_aleg_header, custom field headers
  /// homer5_on = 0: report rows are written with the Homer-6 columns (§3.4), whose `event`
  /// needs a JSON read of the payload; Homer-5 rows skip it.
  bool homer6_reports = false;
};

struct CaptureRow {
  const ParsedSip* parsed = nullptr;  ///< the record's SIP parse; never null once built
  int64_t micro_ts = 0;
  std::string source_ip, destination_ip;
  uint16_t source_port = 0, destination_port = 0;
  int proto = 0;   ///< Kamailio transport enum (1 UDP ... 6 WSS)
  int family = 0;  ///< 2 or 10
  std::string node;
  // For the Homer-6 report columns (§3.4):
  std::string_view capture_ip;         ///< Siphon chunk 0x5350:0x0005; '' without one
  std::string_view extra_correlation;  ///< chunk 0x0065 as sent (OpenSIPS's JSON); ''
  // For the sip_trace views (hep/siphon_chunks.h 0x5350:0x0006-0x0008); '' without them:
  std::string_view trace_table, traced_users, trace_direction;
  /// Rows of a traced message (trace_table set): Kamailio's fromip / toip, "proto:ip:port"
  /// (IPv6 in brackets); '' otherwise.
  std::string trace_from, trace_to;
  /// The traced_user of the sip_trace row being written: a writer that makes one row per
  /// value of traced_users sets it before each; '' by default (§4.3).
  std::string_view traced_user;
  // Report rows (the non-SIP kinds) only:
  std::string event;        ///< "Event" of a JSON payload (homer6_reports); ''
  std::string report_node;  ///< capture_node without ":captid" (v3); else `node`

  [[nodiscard]] const sip::SipCaptureFields& sip() const { return parsed->fields; }
  [[nodiscard]] RowKind kind() const { return parsed->kind; }
  /// SIP: 1 request, 2 reply, 0 unparsed; others per §2.2.
  [[nodiscard]] int type() const { return parsed->type; }
  /// HEP 0x0011, else the Call-ID.
  [[nodiscard]] std::string_view correlationId() const { return parsed->correlation_id; }
  [[nodiscard]] const std::optional<sip::SipErrc>& parseError() const {
    return parsed->parse_error;
  }
};

/// Whether the node column carries the capture id: HEP v2/v3 with a capture time (§2.1).
[[nodiscard]] inline bool nodeHasCaptureId(const core::CaptureMeta& meta) {
  return meta.hep_version >= 2 && meta.ts_sec != 0;
}

/// The node column: the HEP node name when sent, else capture_node[:capture id] (§2.1).
[[nodiscard]] std::string nodeColumn(const core::CaptureMeta& meta,
                                     const CaptureRowOptions& options);

/// Homer-6's `node` (§3.4): the HEP node name when sent, else capture_node without the
/// ":captid" suffix; a v1/v2 packet keeps the Homer-5 value, as OpenSIPS does.
[[nodiscard]] std::string reportNodeColumn(const core::CaptureMeta& meta,
                                           const CaptureRowOptions& options);

/// Fills `row` from the record and its parse. `meta.payload` and `parsed` must stay alive while
/// `row` is used.
void buildCaptureRow(const core::CaptureMeta& meta, const ParsedSip& parsed,
                     const CaptureRowOptions& options, CaptureRow& row);

/// Kamailio siptrace's address form (§4.5): "udp:10.0.0.1:5060", "tcp:[2001:db8::1]:5061".
[[nodiscard]] std::string traceAddress(core::Transport transport, const std::string& ip,
                                       uint16_t port);

/// "YYYY-MM-DD HH:MM:SS" of a Unix time, UTC.
[[nodiscard]] std::string formatSqlDate(int64_t unix_seconds);

}  // namespace siphon::record
