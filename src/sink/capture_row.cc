#include "sink/capture_row.h"

#include <ctime>

#include "core/byte_reader.h"
#include "sip/sip_message.h"

namespace siphon::sink {

std::string formatSqlDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return std::string(buf, n);
}

RowKindAndType rowKindFor(uint8_t payload_type) {
  switch (payload_type) {
    case 5:
      return {RowKind::Rtcp, 3};
    case 32:
      return {RowKind::Report, 2};
    case 99:
      return {RowKind::Report, 4};
    case 100:
      return {RowKind::Log, 5};
    default:
      return {RowKind::Sip, 0};
  }
}

std::string nodeColumn(const core::CaptureMeta& meta, const CaptureRowOptions& options) {
  if (!meta.node_name.empty()) return std::string(meta.node_name);
  if (nodeHasCaptureId(meta)) {
    return options.capture_node + ":" + std::to_string(meta.capture_id);
  }
  return options.capture_node;
}

void buildCaptureRow(const core::CaptureMeta& meta, const CaptureRowOptions& options,
                     CaptureRow& row) {
  row = CaptureRow{};
  row.micro_ts = meta.microsSinceEpoch();
  row.date = formatSqlDate(meta.ts_sec);
  row.source_ip = meta.src_ip.toString();
  row.destination_ip = meta.dst_ip.toString();
  row.source_port = meta.src_port;
  row.destination_port = meta.dst_port;
  row.proto = static_cast<int>(meta.transport());
  row.family = meta.src_ip.isV6() ? 10 : (meta.src_ip.isV4() ? 2 : meta.ip_family);
  row.node = nodeColumn(meta, options);
  row.correlation_id = meta.correlation_id;
  auto [kind, type] = rowKindFor(meta.payload_type);
  row.kind = kind;
  row.type = type;
  if (kind != RowKind::Sip) return;  // non-SIP payload types go to their own tables (§2.2)
  auto msg = sip::SipMessage::parse(core::asText(meta.payload));
  sip::extractCaptureFields(msg, options.fields, row.sip);
  if (auto err = msg.parseError()) row.parse_error = err->code;
  row.type = row.sip.type;
  if (row.correlation_id.empty()) row.correlation_id = row.sip.callid;
}

std::string_view reportTableName(RowKind kind) {
  switch (kind) {
    case RowKind::Rtcp:
      return "rtcp_capture";
    case RowKind::Report:
      return "report_capture";
    case RowKind::Log:
      return "logs_capture";
    case RowKind::Sip:
      break;
  }
  return "sip_capture";
}

}  // namespace siphon::sink
