#include "record/capture_columns.h"

#include <array>

#include "sip/sip_error.h"

namespace siphon::record {
namespace {

using Fields = sip::SipCaptureFields;
using core::CaptureMeta;

// Value readers, one per kind of source.
template <std::string_view Fields::*F>
ColumnValue sipText(const CaptureMeta&, const CaptureRow& r) {
  return {r.sip().*F};
}
template <uint16_t Fields::*F>
ColumnValue sipPort(const CaptureMeta&, const CaptureRow& r) {
  return {{}, r.sip().*F};
}
ColumnValue empty(const CaptureMeta&, const CaptureRow&) { return {}; }
ColumnValue microTs(const CaptureMeta&, const CaptureRow& r) { return {{}, r.micro_ts}; }
ColumnValue sourceIp(const CaptureMeta&, const CaptureRow& r) { return {r.source_ip}; }
ColumnValue sourcePort(const CaptureMeta&, const CaptureRow& r) { return {{}, r.source_port}; }
ColumnValue destinationIp(const CaptureMeta&, const CaptureRow& r) { return {r.destination_ip}; }
ColumnValue destinationPort(const CaptureMeta&, const CaptureRow& r) {
  return {{}, r.destination_port};
}
ColumnValue correlationId(const CaptureMeta&, const CaptureRow& r) { return {r.correlationId()}; }
ColumnValue proto(const CaptureMeta&, const CaptureRow& r) { return {{}, r.proto}; }
ColumnValue family(const CaptureMeta&, const CaptureRow& r) { return {{}, r.family}; }
ColumnValue type(const CaptureMeta&, const CaptureRow& r) { return {{}, r.type()}; }
ColumnValue node(const CaptureMeta&, const CaptureRow& r) { return {r.node}; }
ColumnValue parseError(const CaptureMeta&, const CaptureRow& r) {
  if (!r.parseError()) return {{}, 0, true};
  return {sip::sipErrcName(*r.parseError())};
}
ColumnValue hepVersion(const CaptureMeta& m, const CaptureRow&) { return {{}, m.hep_version}; }
ColumnValue ipProto(const CaptureMeta& m, const CaptureRow&) { return {{}, m.ip_proto}; }
ColumnValue captureId(const CaptureMeta& m, const CaptureRow&) { return {{}, m.capture_id}; }
ColumnValue payloadType(const CaptureMeta& m, const CaptureRow&) { return {{}, m.payload_type}; }
// The auth key itself is a credential: only its presence is kept, everywhere.
ColumnValue hasAuthKey(const CaptureMeta& m, const CaptureRow&) { return {{}, m.has_auth_key}; }
ColumnValue payloadCompressed(const CaptureMeta& m, const CaptureRow&) {
  return {{}, m.payload_compressed};
}
ColumnValue keepalive(const CaptureMeta& m, const CaptureRow&) { return {{}, m.keepalive}; }
// Homer-6 report values (§3.4).
ColumnValue tsu(const CaptureMeta& m, const CaptureRow&) { return {{}, m.ts_usec}; }
ColumnValue captureIp(const CaptureMeta&, const CaptureRow& r) { return {r.capture_ip}; }
ColumnValue extraCorrelation(const CaptureMeta&, const CaptureRow& r) {
  return {r.extra_correlation};
}
ColumnValue event(const CaptureMeta&, const CaptureRow& r) { return {r.event}; }
ColumnValue traceTable(const CaptureMeta&, const CaptureRow& r) { return {r.trace_table}; }
ColumnValue tracedUsers(const CaptureMeta&, const CaptureRow& r) { return {r.traced_users}; }
ColumnValue traceDirection(const CaptureMeta&, const CaptureRow& r) { return {r.trace_direction}; }
// sip_trace (§4.6): replies have the CSeq's method and their code as status ("" for requests).
ColumnValue traceMethod(const CaptureMeta&, const CaptureRow& r) {
  if (r.type() != 2) return {r.sip().method};
  std::string_view cseq = r.sip().cseq;
  const size_t space = cseq.find(' ');
  if (space == std::string_view::npos) return {};
  cseq.remove_prefix(space + 1);
  while (!cseq.empty() && (cseq.front() == ' ' || cseq.front() == '\t')) cseq.remove_prefix(1);
  return {cseq};
}
ColumnValue traceStatus(const CaptureMeta&, const CaptureRow& r) {
  return {r.type() == 2 ? r.sip().method : std::string_view()};
}
ColumnValue traceFrom(const CaptureMeta&, const CaptureRow& r) { return {r.trace_from}; }
ColumnValue traceTo(const CaptureMeta&, const CaptureRow& r) { return {r.trace_to}; }
ColumnValue tracedUser(const CaptureMeta&, const CaptureRow& r) { return {r.traced_user}; }
ColumnValue reportNode(const CaptureMeta&, const CaptureRow& r) { return {r.report_node}; }
ColumnValue payloadLen(const CaptureMeta& m, const CaptureRow&) {
  return {{}, static_cast<int64_t>(m.payload.size())};
}

constexpr uint8_t kPgSql = kInPostgres | kInSqliteView;  // not in JSON records
constexpr std::string_view kText = "TEXT NOT NULL";
constexpr std::string_view kInt = "INTEGER NOT NULL";

constexpr std::array<CaptureColumn, 53> kSip = {{
    {"date", ColumnType::Timestamp, "TIMESTAMP WITHOUT TIME ZONE NOT NULL", kEverywhere | kIndexed,
     microTs},
    {"micro_ts", ColumnType::Integer, "BIGINT NOT NULL", kEverywhere, microTs},
    {"method", ColumnType::Text, kText, kEverywhere, sipText<&Fields::method>},
    {"reply_reason", ColumnType::Text, kText, kEverywhere, sipText<&Fields::reply_reason>},
    {"ruri", ColumnType::Text, kText, kEverywhere, sipText<&Fields::ruri>},
    {"ruri_user", ColumnType::Text, kText, kEverywhere | kIndexed, sipText<&Fields::ruri_user>},
    {"ruri_domain", ColumnType::Text, kText, kEverywhere, sipText<&Fields::ruri_domain>},
    {"from_user", ColumnType::Text, kText, kEverywhere | kIndexed, sipText<&Fields::from_user>},
    {"from_domain", ColumnType::Text, kText, kEverywhere, sipText<&Fields::from_domain>},
    {"from_tag", ColumnType::Text, kText, kEverywhere, sipText<&Fields::from_tag>},
    {"to_user", ColumnType::Text, kText, kEverywhere | kIndexed, sipText<&Fields::to_user>},
    {"to_domain", ColumnType::Text, kText, kEverywhere, sipText<&Fields::to_domain>},
    {"to_tag", ColumnType::Text, kText, kEverywhere, sipText<&Fields::to_tag>},
    {"pid_user", ColumnType::Text, kText, kEverywhere, sipText<&Fields::pid_user>},
    {"contact_user", ColumnType::Text, kText, kEverywhere, sipText<&Fields::contact_user>},
    {"auth_user", ColumnType::Text, kText, kEverywhere, sipText<&Fields::auth_user>},
    {"callid", ColumnType::Text, kText, kEverywhere | kIndexed, sipText<&Fields::callid>},
    // Indexed for call assembly, which joins B2BUA legs through it (query/call_assembly.h).
    {"callid_aleg", ColumnType::Text, kText, kEverywhere | kIndexed | kSparse,
     sipText<&Fields::callid_aleg>},
    {"via_1", ColumnType::Text, kText, kEverywhere, sipText<&Fields::via_1>},
    {"via_1_branch", ColumnType::Text, kText, kEverywhere, sipText<&Fields::via_1_branch>},
    {"cseq", ColumnType::Text, kText, kEverywhere, sipText<&Fields::cseq>},
    {"diversion", ColumnType::Text, kText, kEverywhere, sipText<&Fields::diversion>},
    {"reason", ColumnType::Text, kText, kEverywhere, sipText<&Fields::reason>},
    {"content_type", ColumnType::Text, kText, kEverywhere, sipText<&Fields::content_type>},
    // Kamailio never fills `auth` (§2.4); the column exists for tools that select it.
    {"auth", ColumnType::Text, kText, kPgSql, empty},
    {"user_agent", ColumnType::Text, kText, kEverywhere, sipText<&Fields::user_agent>},
    {"source_ip", ColumnType::Text, kText, kEverywhere, sourceIp},
    {"source_port", ColumnType::Integer, kInt, kEverywhere, sourcePort},
    {"destination_ip", ColumnType::Text, kText, kEverywhere, destinationIp},
    {"destination_port", ColumnType::Integer, kInt, kEverywhere, destinationPort},
    {"contact_ip", ColumnType::Text, kText, kEverywhere, sipText<&Fields::contact_ip>},
    {"contact_port", ColumnType::Integer, kInt, kEverywhere, sipPort<&Fields::contact_port>},
    {"originator_ip", ColumnType::Text, kText, kEverywhere, sipText<&Fields::originator_ip>},
    {"originator_port", ColumnType::Integer, kInt, kEverywhere, sipPort<&Fields::originator_port>},
    {"correlation_id", ColumnType::Text, kText, kEverywhere | kIndexed, correlationId},
    {"custom_field1", ColumnType::Text, kText, kEverywhere, sipText<&Fields::custom_field1>},
    {"custom_field2", ColumnType::Text, kText, kEverywhere, sipText<&Fields::custom_field2>},
    {"custom_field3", ColumnType::Text, kText, kEverywhere, sipText<&Fields::custom_field3>},
    {"proto", ColumnType::Integer, kInt, kEverywhere, proto},
    {"family", ColumnType::Integer, kInt, kEverywhere, family},
    {"rtp_stat", ColumnType::Text, kText, kEverywhere, sipText<&Fields::rtp_stat>},
    {"type", ColumnType::Integer, kInt, kEverywhere, type},
    {"node", ColumnType::Text, kText, kEverywhere, node},
    {"msg", ColumnType::Payload, "BYTEA NOT NULL", kEverywhere, empty},
    // Siphon: NULL when the payload parsed as SIP, else the SipErrc name.
    {"parse_error", ColumnType::OptionalText, "TEXT", kEverywhere, parseError},
    {"hep_version", ColumnType::Integer, "SMALLINT NOT NULL", kEverywhere, hepVersion},
    {"ip_proto", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, ipProto},
    {"capture_id", ColumnType::Integer, "BIGINT NOT NULL", kEverywhere, captureId},
    {"payload_type", ColumnType::Integer, "SMALLINT NOT NULL", kEverywhere, payloadType},
    {"has_auth_key", ColumnType::Boolean, "BOOLEAN NOT NULL", kInPostgres | kInJson, hasAuthKey},
    {"payload_compressed", ColumnType::Boolean, "BOOLEAN NOT NULL", kInPostgres, payloadCompressed},
    {"keepalive", ColumnType::Integer, kInt, kInPostgres, keepalive},
    {"hep_chunks", ColumnType::Chunks, "BYTEA NOT NULL", kInPostgres | kInJson, empty, "chunks"},
}};

// The report tables have no SIP columns. PostgreSQL gets every column; the embedded store
// keeps every kind in its blocks and shows the Kamailio/OpenSIPS columns through views.
constexpr uint8_t kReportView = kInPostgres | kInSqliteView;
constexpr std::array<CaptureColumn, 20> kReport = {{
    {"date", ColumnType::Timestamp, "TIMESTAMP WITHOUT TIME ZONE NOT NULL", kReportView | kIndexed,
     microTs},
    {"micro_ts", ColumnType::Integer, "BIGINT NOT NULL", kReportView, microTs},
    {"correlation_id", ColumnType::Text, kText, kReportView | kIndexed, correlationId},
    {"source_ip", ColumnType::Text, kText, kReportView, sourceIp},
    {"source_port", ColumnType::Integer, kInt, kReportView, sourcePort},
    {"destination_ip", ColumnType::Text, kText, kReportView, destinationIp},
    {"destination_port", ColumnType::Integer, kInt, kReportView, destinationPort},
    {"proto", ColumnType::Integer, kInt, kReportView, proto},
    {"family", ColumnType::Integer, kInt, kReportView, family},
    {"type", ColumnType::Integer, kInt, kReportView, type},
    {"node", ColumnType::Text, kText, kReportView, node},
    {"msg", ColumnType::Payload, "BYTEA NOT NULL", kReportView, empty},
    {"hep_version", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, hepVersion},
    {"ip_proto", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, ipProto},
    {"capture_id", ColumnType::Integer, "BIGINT NOT NULL", kInPostgres, captureId},
    {"payload_type", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, payloadType},
    {"has_auth_key", ColumnType::Boolean, "BOOLEAN NOT NULL", kInPostgres, hasAuthKey},
    {"payload_compressed", ColumnType::Boolean, "BOOLEAN NOT NULL", kInPostgres, payloadCompressed},
    {"keepalive", ColumnType::Integer, kInt, kInPostgres, keepalive},
    {"hep_chunks", ColumnType::Chunks, "BYTEA NOT NULL", kInPostgres, empty},
}};

// Homer-6 mode (homer5_on = 0): OpenSIPS's sql/report6capture.sql columns, in its INSERT
// order, then gid (the template's, never written), then Siphon's (capt_id already holds the
// capture id). The script's correlation argument is transaction_id; correlation_id is the
// extra-correlation JSON (chunk 0x0065) as sent.
constexpr std::array<CaptureColumn, 25> kReport6 = {{
    {"tss",
     ColumnType::Timestamp,
     "TIMESTAMP WITHOUT TIME ZONE NOT NULL",
     kReportView | kIndexed,
     microTs,
     {},
     "date"},
    {"tsu", ColumnType::Integer, "BIGINT NOT NULL", kReportView, tsu, {}, "micro_ts % 1000000"},
    {"transaction_id",
     ColumnType::Text,
     kText,
     kReportView | kIndexed,
     correlationId,
     {},
     "correlation_id"},
    {"correlation_id",
     ColumnType::Text,
     kText,
     kReportView,
     extraCorrelation,
     {},
     "extra_correlation"},
    {"source_ip", ColumnType::Text, kText, kReportView, sourceIp},
    {"source_port", ColumnType::Integer, kInt, kReportView, sourcePort},
    {"destination_ip", ColumnType::Text, kText, kReportView, destinationIp},
    {"destination_port", ColumnType::Integer, kInt, kReportView, destinationPort},
    {"capture_ip", ColumnType::Text, kText, kReportView, captureIp},
    {"proto", ColumnType::Integer, kInt, kReportView, proto},
    {"family", ColumnType::Integer, kInt, kReportView, family},
    {"type", ColumnType::Integer, kInt, kReportView, type},
    {"capt_id", ColumnType::Integer, "BIGINT NOT NULL", kReportView, captureId, {}, "capture_id"},
    // The embedded store keeps the node it computed when writing (the Homer-6 one in this mode).
    {"node", ColumnType::Text, kText, kReportView, reportNode},
    {"event", ColumnType::Text, kText, kReportView, event},
    {"payload_len", ColumnType::Integer, kInt, kReportView, payloadLen, {}, "length(msg)"},
    {"data", ColumnType::Payload, "BYTEA NOT NULL", kReportView, empty, {}, "msg"},
    {"gid", ColumnType::Integer, "INTEGER NOT NULL DEFAULT 10", kPostgresDefault, empty},
    {"hep_version", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, hepVersion},
    {"ip_proto", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, ipProto},
    {"payload_type", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, payloadType},
    {"has_auth_key", ColumnType::Boolean, "BOOLEAN NOT NULL", kInPostgres, hasAuthKey},
    {"payload_compressed", ColumnType::Boolean, "BOOLEAN NOT NULL", kInPostgres, payloadCompressed},
    {"keepalive", ColumnType::Integer, kInt, kInPostgres, keepalive},
    {"hep_chunks", ColumnType::Chunks, "BYTEA NOT NULL", kInPostgres, empty},
}};

// Kamailio's sip_trace (utils/kamctl/*/siptrace-create.sql, version 4), its indexes
// (traced_user, time_stamp, fromip, callid), then Siphon's. msg is BYTEA, as in sip_capture:
// the bytes as captured, whatever their encoding.
constexpr std::array<CaptureColumn, 34> kTrace = {{
    {"time_stamp", ColumnType::Timestamp, "TIMESTAMP WITHOUT TIME ZONE NOT NULL",
     kInPostgres | kIndexed, microTs},
    {"time_us", ColumnType::Integer, kInt, kInPostgres, tsu},
    {"callid", ColumnType::Text, kText, kInPostgres | kIndexed, sipText<&Fields::callid>},
    {"traced_user", ColumnType::Text, kText, kInPostgres | kIndexed, tracedUser},
    {"msg", ColumnType::Payload, "BYTEA NOT NULL", kInPostgres, empty},
    {"method", ColumnType::Text, kText, kInPostgres, traceMethod},
    {"status", ColumnType::Text, kText, kInPostgres, traceStatus},
    {"fromip", ColumnType::Text, kText, kInPostgres | kIndexed, traceFrom},
    {"toip", ColumnType::Text, kText, kInPostgres, traceTo},
    {"fromtag", ColumnType::Text, kText, kInPostgres, sipText<&Fields::from_tag>},
    {"totag", ColumnType::Text, kText, kInPostgres, sipText<&Fields::to_tag>},
    {"direction", ColumnType::Text, kText, kInPostgres, traceDirection},
    {"correlation_id", ColumnType::Text, kText, kInPostgres | kIndexed, correlationId},
    {"micro_ts", ColumnType::Integer, "BIGINT NOT NULL", kInPostgres, microTs},
    {"from_user", ColumnType::Text, kText, kInPostgres, sipText<&Fields::from_user>},
    {"to_user", ColumnType::Text, kText, kInPostgres, sipText<&Fields::to_user>},
    {"ruri_user", ColumnType::Text, kText, kInPostgres, sipText<&Fields::ruri_user>},
    {"source_ip", ColumnType::Text, kText, kInPostgres, sourceIp},
    {"source_port", ColumnType::Integer, kInt, kInPostgres, sourcePort},
    {"destination_ip", ColumnType::Text, kText, kInPostgres, destinationIp},
    {"destination_port", ColumnType::Integer, kInt, kInPostgres, destinationPort},
    {"proto", ColumnType::Integer, kInt, kInPostgres, proto},
    {"family", ColumnType::Integer, kInt, kInPostgres, family},
    {"type", ColumnType::Integer, kInt, kInPostgres, type},
    {"node", ColumnType::Text, kText, kInPostgres, node},
    {"parse_error", ColumnType::OptionalText, "TEXT", kInPostgres, parseError},
    {"hep_version", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, hepVersion},
    {"ip_proto", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, ipProto},
    {"capture_id", ColumnType::Integer, "BIGINT NOT NULL", kInPostgres, captureId},
    {"payload_type", ColumnType::Integer, "SMALLINT NOT NULL", kInPostgres, payloadType},
    {"has_auth_key", ColumnType::Boolean, "BOOLEAN NOT NULL", kInPostgres, hasAuthKey},
    {"payload_compressed", ColumnType::Boolean, "BOOLEAN NOT NULL", kInPostgres, payloadCompressed},
    {"keepalive", ColumnType::Integer, kInt, kInPostgres, keepalive},
    {"hep_chunks", ColumnType::Chunks, "BYTEA NOT NULL", kInPostgres, empty},
}};

// siphon_messages columns that no sip_capture view shows; only the report and sip_trace
// views read them.
constexpr std::array<CaptureColumn, 6> kStoreOnly = {{
    {"extra_correlation", ColumnType::Text, kText, 0, extraCorrelation},
    {"capture_ip", ColumnType::Text, kText, 0, captureIp},
    {"event", ColumnType::Text, kText, 0, event},
    {"trace_table", ColumnType::Text, kText, 0, traceTable},
    {"traced_users", ColumnType::Text, kText, 0, tracedUsers},
    {"trace_direction", ColumnType::Text, kText, 0, traceDirection},
}};

}  // namespace

std::span<const CaptureColumn> sipCaptureColumns() { return kSip; }
std::span<const CaptureColumn> reportCaptureColumns() { return kReport; }
std::span<const CaptureColumn> homer6ReportColumns() { return kReport6; }
std::span<const CaptureColumn> sipTraceColumns() { return kTrace; }
std::span<const CaptureColumn> storeOnlyColumns() { return kStoreOnly; }
std::span<const CaptureColumn> captureColumns(ColumnSet set) {
  switch (set) {
    case ColumnSet::Sip:
      return kSip;
    case ColumnSet::Homer5Report:
      return kReport;
    case ColumnSet::Homer6Report:
      return kReport6;
    case ColumnSet::SipTrace:
      return kTrace;
  }
  return kSip;
}

}  // namespace siphon::record
