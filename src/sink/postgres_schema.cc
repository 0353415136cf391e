#include "sink/postgres_schema.h"

#include <array>

#include "core/byte_reader.h"
#include "sink/postgres_connection.h"

namespace siphon::sink {
namespace {

struct Column {
  std::string_view name;
  std::string_view type;
};

// Kamailio's 44 sip_capture columns in its INSERT order (§2.3), then Siphon's.
constexpr std::array<Column, 53> kSip = {{
    {"date", "TIMESTAMP WITHOUT TIME ZONE NOT NULL"},
    {"micro_ts", "BIGINT NOT NULL"},
    {"method", "TEXT NOT NULL"},
    {"reply_reason", "TEXT NOT NULL"},
    {"ruri", "TEXT NOT NULL"},
    {"ruri_user", "TEXT NOT NULL"},
    {"ruri_domain", "TEXT NOT NULL"},
    {"from_user", "TEXT NOT NULL"},
    {"from_domain", "TEXT NOT NULL"},
    {"from_tag", "TEXT NOT NULL"},
    {"to_user", "TEXT NOT NULL"},
    {"to_domain", "TEXT NOT NULL"},
    {"to_tag", "TEXT NOT NULL"},
    {"pid_user", "TEXT NOT NULL"},
    {"contact_user", "TEXT NOT NULL"},
    {"auth_user", "TEXT NOT NULL"},
    {"callid", "TEXT NOT NULL"},
    {"callid_aleg", "TEXT NOT NULL"},
    {"via_1", "TEXT NOT NULL"},
    {"via_1_branch", "TEXT NOT NULL"},
    {"cseq", "TEXT NOT NULL"},
    {"diversion", "TEXT NOT NULL"},
    {"reason", "TEXT NOT NULL"},
    {"content_type", "TEXT NOT NULL"},
    {"auth", "TEXT NOT NULL"},
    {"user_agent", "TEXT NOT NULL"},
    {"source_ip", "TEXT NOT NULL"},
    {"source_port", "INTEGER NOT NULL"},
    {"destination_ip", "TEXT NOT NULL"},
    {"destination_port", "INTEGER NOT NULL"},
    {"contact_ip", "TEXT NOT NULL"},
    {"contact_port", "INTEGER NOT NULL"},
    {"originator_ip", "TEXT NOT NULL"},
    {"originator_port", "INTEGER NOT NULL"},
    {"correlation_id", "TEXT NOT NULL"},
    {"custom_field1", "TEXT NOT NULL"},
    {"custom_field2", "TEXT NOT NULL"},
    {"custom_field3", "TEXT NOT NULL"},
    {"proto", "INTEGER NOT NULL"},
    {"family", "INTEGER NOT NULL"},
    {"rtp_stat", "TEXT NOT NULL"},
    {"type", "INTEGER NOT NULL"},
    {"node", "TEXT NOT NULL"},
    {"msg", "BYTEA NOT NULL"},
    // Siphon: NULL when the payload parsed as SIP, else the SipErrc name.
    {"parse_error", "TEXT"},
    {"hep_version", "SMALLINT NOT NULL"},
    {"ip_proto", "SMALLINT NOT NULL"},
    {"capture_id", "BIGINT NOT NULL"},
    {"payload_type", "SMALLINT NOT NULL"},
    {"has_auth_key", "BOOLEAN NOT NULL"},
    {"payload_compressed", "BOOLEAN NOT NULL"},
    {"keepalive", "INTEGER NOT NULL"},
    {"hep_chunks", "BYTEA NOT NULL"},
}};

// rtcp_capture / report_capture / logs_capture: Kamailio's 12 columns (§2.2), then Siphon's.
constexpr std::array<Column, 20> kReport = {{
    {"date", "TIMESTAMP WITHOUT TIME ZONE NOT NULL"},
    {"micro_ts", "BIGINT NOT NULL"},
    {"correlation_id", "TEXT NOT NULL"},
    {"source_ip", "TEXT NOT NULL"},
    {"source_port", "INTEGER NOT NULL"},
    {"destination_ip", "TEXT NOT NULL"},
    {"destination_port", "INTEGER NOT NULL"},
    {"proto", "INTEGER NOT NULL"},
    {"family", "INTEGER NOT NULL"},
    {"type", "INTEGER NOT NULL"},
    {"node", "TEXT NOT NULL"},
    {"msg", "BYTEA NOT NULL"},
    {"hep_version", "SMALLINT NOT NULL"},
    {"ip_proto", "SMALLINT NOT NULL"},
    {"capture_id", "BIGINT NOT NULL"},
    {"payload_type", "SMALLINT NOT NULL"},
    {"has_auth_key", "BOOLEAN NOT NULL"},
    {"payload_compressed", "BOOLEAN NOT NULL"},
    {"keepalive", "INTEGER NOT NULL"},
    {"hep_chunks", "BYTEA NOT NULL"},
}};

template <size_t N>
std::array<std::string_view, N> namesOf(const std::array<Column, N>& cols) {
  std::array<std::string_view, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = cols[i].name;
  return out;
}

const auto kSipNames = namesOf(kSip);
const auto kReportNames = namesOf(kReport);

}  // namespace

std::span<const std::string_view> postgresColumns(RowKind kind) {
  if (kind == RowKind::Sip) return kSipNames;
  return kReportNames;
}

std::vector<std::string> postgresCreateTable(std::string_view table, RowKind kind) {
  std::span<const Column> cols =
      kind == RowKind::Sip ? std::span<const Column>(kSip) : std::span<const Column>(kReport);
  std::string t = quoteIdent(table);
  // Kamailio's key is (id, date), so that the table can be range-partitioned by date.
  std::string create = "CREATE TABLE IF NOT EXISTS " + t + " (id BIGSERIAL NOT NULL";
  for (const auto& c : cols) {
    create += ", ";
    create += c.name;
    create += ' ';
    create += c.type;
  }
  create += ", PRIMARY KEY (id, date))";
  std::vector<std::string> out = {create};
  std::vector<std::string_view> indexed = {"date", "correlation_id"};
  if (kind == RowKind::Sip) {
    indexed.insert(indexed.end(), {"callid", "ruri_user", "from_user", "to_user"});
  }
  for (auto col : indexed) {
    // Index names longer than 63 bytes are cut by the server; a cut name that another table
    // already uses only skips the index (IF NOT EXISTS), it never fails the insert.
    out.push_back("CREATE INDEX IF NOT EXISTS " +
                  quoteIdent(std::string(table) + "_" + std::string(col) + "_idx") + " ON " + t +
                  " (" + std::string(col) + ")");
  }
  return out;
}

void encodeHepChunks(std::span<const core::ChunkView> chunks, std::string& out) {
  for (const auto& c : chunks) {
    if (c.value.size() > 0xFFFF - 6) continue;
    // HEPv3: chunk length includes the 6-byte chunk header.
    auto len = static_cast<uint16_t>(c.value.size() + 6);
    for (uint16_t v : {c.vendor, c.type, len}) {
      out += static_cast<char>(v >> 8);
      out += static_cast<char>(v & 0xFF);
    }
    out.append(reinterpret_cast<const char*>(c.value.data()), c.value.size());
  }
}

bool decodeHepChunks(std::span<const std::byte> bytes, std::vector<core::ChunkView>& out) {
  core::ByteReader r(bytes);
  while (r.remaining() > 0) {
    auto vendor = r.readU16be(), type = r.readU16be(), len = r.readU16be();
    if (!vendor || !type || !len || *len < 6) return false;
    auto value = r.take(*len - 6u);
    if (!value) return false;
    out.push_back({*vendor, *type, *value});
  }
  return true;
}

}  // namespace siphon::sink
