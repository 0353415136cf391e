#include "record/capture_row.h"

#include <ctime>

namespace siphon::record {

std::string formatSqlDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return std::string(buf, n);
}

std::string nodeColumn(const core::CaptureMeta& meta, const CaptureRowOptions& options) {
  if (!meta.node_name.empty()) return std::string(meta.node_name);
  if (nodeHasCaptureId(meta)) {
    return options.capture_node + ":" + std::to_string(meta.capture_id);
  }
  return options.capture_node;
}

void buildCaptureRow(const core::CaptureMeta& meta, const ParsedSip& parsed,
                     const CaptureRowOptions& options, CaptureRow& row) {
  row.parsed = &parsed;
  row.micro_ts = meta.microsSinceEpoch();
  row.source_ip = meta.src_ip.toString();
  row.destination_ip = meta.dst_ip.toString();
  row.source_port = meta.src_port;
  row.destination_port = meta.dst_port;
  row.proto = static_cast<int>(meta.transport());
  row.family = meta.src_ip.isV6() ? 10 : (meta.src_ip.isV4() ? 2 : meta.ip_family);
  row.node = nodeColumn(meta, options);
}

}  // namespace siphon::record
