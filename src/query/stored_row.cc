#include "query/stored_row.h"

#include <cstring>
#include <memory>
#include <vector>

#include "core/byte_reader.h"
#include "sink/postgres/postgres_schema.h"

namespace siphon::query {

Found foundFromRow(const StoredRow& row, std::string table) {
  auto bytes = std::make_shared<std::vector<std::byte>>(row.msg.size() + row.hep_chunks.size() +
                                                        row.node.size() + row.correlation_id.size());
  std::byte* at = bytes->data();
  auto put = [&](std::span<const std::byte> v) {
    if (!v.empty()) std::memcpy(at, v.data(), v.size());
    std::span<const std::byte> span(at, v.size());
    at += v.size();
    return span;
  };
  Found f;
  f.table = std::move(table);
  auto& m = f.meta;
  m.payload = put(row.msg);
  auto chunk_bytes = put(row.hep_chunks);
  m.node_name = core::asText(put(core::asBytes(row.node)));
  m.correlation_id = core::asText(put(core::asBytes(row.correlation_id)));
  if (!sink::decodeHepChunks(chunk_bytes, m.other_chunks)) m.other_chunks.clear();
  m.ts_sec = static_cast<uint32_t>(row.micro_ts / 1'000'000);
  m.ts_usec = static_cast<uint32_t>(row.micro_ts % 1'000'000);
  m.src_ip = core::IpAddress::parse(row.source_ip).value_or(core::IpAddress{});
  m.dst_ip = core::IpAddress::parse(row.destination_ip).value_or(core::IpAddress{});
  m.src_port = static_cast<uint16_t>(row.source_port);
  m.dst_port = static_cast<uint16_t>(row.destination_port);
  m.ip_family = static_cast<uint8_t>(row.family);
  m.ip_proto = static_cast<uint8_t>(row.ip_proto);
  m.hep_version = static_cast<uint8_t>(row.hep_version);
  m.capture_id = static_cast<uint32_t>(row.capture_id);
  m.payload_type = static_cast<uint8_t>(row.payload_type);
  m.has_auth_key = row.has_auth_key;
  m.payload_compressed = row.payload_compressed;
  m.keepalive = static_cast<uint16_t>(row.keepalive);
  f.record_index = static_cast<size_t>(row.id);  // no blocks: block_id stays 0
  f.block_bytes = std::move(bytes);
  return f;
}

}  // namespace siphon::query
