#include "record/capture_row.h"

#include <ctime>

#include "core/endpoint.h"
#include "hep/siphon_chunks.h"
#include "record/json_event.h"

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

std::string reportNodeColumn(const core::CaptureMeta& meta, const CaptureRowOptions& options) {
  if (meta.hep_version < 3) return nodeColumn(meta, options);
  if (!meta.node_name.empty()) return std::string(meta.node_name);
  return options.capture_node;
}

std::string traceAddress(core::Transport transport, const std::string& ip, uint16_t port) {
  std::string out(core::transportName(transport));
  out += ':';
  out += core::hostPortText(ip, port);
  return out;
}

namespace {

// OpenSIPS's extra correlation (§5.4): generic chunk 0x0065, a JSON object as text.
constexpr uint16_t kExtraCorrelationChunk = 0x0065;

std::string_view extraCorrelation(const core::CaptureMeta& meta) {
  for (const auto& c : meta.other_chunks) {
    if (c.vendor == 0 && c.type == kExtraCorrelationChunk) {
      return {reinterpret_cast<const char*>(c.value.data()), c.value.size()};
    }
  }
  return {};
}

}  // namespace

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
  // Views of the record's chunks, cheap enough for every row: the embedded store's report
  // views read them from rows the read path parses again (a SIP packet a rule reported).
  if (meta.other_chunks.empty()) {
    row.capture_ip = row.trace_table = row.traced_users = row.trace_direction = {};
  } else {
    row.capture_ip = hep::siphonChunkText(meta, hep::kCaptureIpChunk).value_or("");
    row.trace_table = hep::siphonChunkText(meta, hep::kTraceTableChunk).value_or("");
    row.traced_users = hep::siphonChunkText(meta, hep::kTracedUsersChunk).value_or("");
    row.trace_direction = hep::siphonChunkText(meta, hep::kTraceDirectionChunk).value_or("");
  }
  row.traced_user = {};
  if (row.trace_table.empty()) {
    row.trace_from.clear();
    row.trace_to.clear();
  } else {
    row.trace_from = traceAddress(meta.transport(), row.source_ip, row.source_port);
    row.trace_to = traceAddress(meta.transport(), row.destination_ip, row.destination_port);
  }
  row.extra_correlation = extraCorrelation(meta);
  if (parsed.isSip()) {
    row.event.clear();
    row.report_node.clear();
    return;
  }
  row.event = options.homer6_reports ? jsonEvent(meta.payload) : std::string();
  row.report_node = reportNodeColumn(meta, options);
}

}  // namespace siphon::record
