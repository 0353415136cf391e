#include "hep/chunk_edit.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/byte_order.h"
#include "core/byte_reader.h"
#include "core/char_class.h"
#include "core/number_text.h"
#include "hep/hep_chunk_types.h"
#include "hep/hep_decode_parts.h"

namespace siphon::hep {
namespace {

using T = ChunkType;

// OpenSIPS's chunk names (§3.5), prefix-matched there and here.
struct NamedChunk {
  std::string_view name;
  uint16_t type;
};
constexpr std::array kOpenSipsNames = {
    NamedChunk{"proto_family", 0x0001}, NamedChunk{"proto_id", 0x0002},
    NamedChunk{"proto_type", 0x000b},   NamedChunk{"src_ip", 0x0003},
    NamedChunk{"dst_ip", 0x0004},       NamedChunk{"src_port", 0x0007},
    NamedChunk{"dst_port", 0x0008},     NamedChunk{"timestamp", 0x0009},
    NamedChunk{"timestamp_us", 0x000a}, NamedChunk{"captagent_id", 0x000c},
    NamedChunk{"payload", 0x000f},
};

// IP protocol ids as OpenSIPS names them (hep_set 0x0002).
struct NamedValue {
  std::string_view name;
  uint8_t value;
};
constexpr std::array kProtoNames = {NamedValue{"UDP", 17}, NamedValue{"TCP", 6},
                                    NamedValue{"TLS", 22}, NamedValue{"SCTP", 132},
                                    NamedValue{"WS", 50}};
constexpr std::array kPayloadTypeNames = {
    NamedValue{"SIP", 1},  NamedValue{"XMPP", 2}, NamedValue{"SDP", 3},    NamedValue{"RTP", 4},
    NamedValue{"RTCP", 5}, NamedValue{"MGCP", 6}, NamedValue{"MEGACO", 7}, NamedValue{"M2UA", 8},
    NamedValue{"M3UA", 9}, NamedValue{"IAX", 10}, NamedValue{"H322", 11},  NamedValue{"H321", 12}};

std::optional<uint64_t> parseUnsigned(std::string_view text, uint64_t max) {
  return core::parseUnsigned(text, max, /*allow_hex=*/true);
}

std::optional<uint8_t> namedValue(std::span<const NamedValue> names, std::string_view text,
                                  bool ws_prefix) {
  for (const auto& n : names) {
    if (core::equalsIgnoreCase(n.name, text)) return n.value;
  }
  // OpenSIPS maps any text starting "ws" (WS, WSS) to WebSocket.
  if (ws_prefix && text.size() >= 2 && core::equalsIgnoreCase(text.substr(0, 2), "ws")) return 50;
  if (auto v = parseUnsigned(text, 255)) return static_cast<uint8_t>(*v);
  return std::nullopt;
}

std::string valueName(std::span<const NamedValue> names, uint8_t v) {
  for (const auto& n : names) {
    if (n.value == v) return std::string(n.name);
  }
  return std::to_string(v);
}

bool isGeneric(ChunkId id) { return id.vendor == 0; }

// Chunks the decoder keeps in a field of CaptureMeta rather than in other_chunks.
bool hasField(uint16_t type) {
  return (type >= 0x0001 && type <= 0x0011) || type == wire(T::NodeName);
}

std::string_view textOf(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// The wire bytes of a list chunk's value, converted from text by the catalogue's type.
std::optional<std::string> listChunkBytes(ChunkId id, std::string_view text) {
  const ChunkTypeInfo* info = isGeneric(id) ? genericChunkInfo(id.type) : nullptr;
  const ChunkValueType vt = info != nullptr ? info->value_type : ChunkValueType::OctetString;
  std::string out;
  auto integer = [&](uint64_t max, size_t width) -> std::optional<std::string> {
    auto v = parseUnsigned(text, max);
    if (!v) return std::nullopt;
    out.resize(width);
    for (size_t i = 0; i < width; ++i)
      out[width - 1 - i] = static_cast<char>((*v >> (8 * i)) & 0xff);
    return out;
  };
  switch (vt) {
    case ChunkValueType::Uint8:
      return integer(0xff, 1);
    case ChunkValueType::Uint16:
      return integer(0xffff, 2);
    case ChunkValueType::Uint32:
      return integer(0xffffffff, 4);
    case ChunkValueType::Uint64:
      if (info != nullptr && info->required_size == 0) return std::string(text);  // MACs: raw
      return integer(UINT64_MAX, 8);
    case ChunkValueType::Inet4:
    case ChunkValueType::Inet6: {
      auto ip = core::IpAddress::parse(text);
      const bool want_v6 = vt == ChunkValueType::Inet6;
      if (!ip || ip->isV6() != want_v6) return std::nullopt;
      auto b = ip->bytes();
      return std::string(reinterpret_cast<const char*>(b.data()), b.size());
    }
    case ChunkValueType::None:
    case ChunkValueType::OctetString:
      return std::string(text);
  }
  return std::nullopt;
}

std::string listChunkText(ChunkId id, std::span<const std::byte> v) {
  const ChunkTypeInfo* info = isGeneric(id) ? genericChunkInfo(id.type) : nullptr;
  const ChunkValueType vt = info != nullptr ? info->value_type : ChunkValueType::OctetString;
  const size_t want = info != nullptr ? info->required_size : 0;
  if (want != 0 && v.size() == want) {
    switch (vt) {
      case ChunkValueType::Uint8:
      case ChunkValueType::Uint16:
      case ChunkValueType::Uint32:
      case ChunkValueType::Uint64: {
        uint64_t n = 0;
        for (auto b : v) n = (n << 8) | static_cast<uint8_t>(b);
        return std::to_string(n);
      }
      case ChunkValueType::Inet4:
        return core::IpAddress::v4(v.first<4>()).toString();
      case ChunkValueType::Inet6:
        return core::IpAddress::v6(v.first<16>()).toString();
      default:
        break;
    }
  }
  return std::string(textOf(v));
}

core::ChunkView* findListChunk(core::CaptureMeta& m, ChunkId id) {
  for (auto& c : m.other_chunks) {
    if (c.vendor == id.vendor && c.type == id.type) return &c;
  }
  return nullptr;
}

void setOmitted(core::CaptureMeta& m, uint16_t type, bool omitted) {
  const auto bit = static_cast<uint16_t>(1u << type);
  m.omitted = omitted ? (m.omitted | bit) : (m.omitted & ~bit);
}

}  // namespace

core::Result<ChunkId, std::string> parseChunkId(std::string_view text) {
  if (text.empty()) return core::unexpected(std::string("empty chunk id"));
  if (auto colon = text.find(':'); colon != std::string_view::npos) {
    auto vendor = parseUnsigned(text.substr(0, colon), 0xffff);
    auto type = parseUnsigned(text.substr(colon + 1), 0xffff);
    if (!vendor || !type) return core::unexpected("'" + std::string(text) + "' is not VENDOR:TYPE");
    if (*type == 0) return core::unexpected(std::string("chunk type 0 is invalid"));
    // A generic id written with its vendor is still generic.
    return ChunkId{static_cast<uint16_t>(*vendor), static_cast<uint16_t>(*type)};
  }
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    auto type = parseUnsigned(text, 0xffff);
    if (!type) return core::unexpected("'" + std::string(text) + "' is not a chunk number");
    if (*type == 0) return core::unexpected(std::string("chunk type 0 is invalid"));
    return ChunkId{0, static_cast<uint16_t>(*type)};
  }
  if (text == "node") return ChunkId{0, wire(T::NodeName)};
  for (const auto& n : kOpenSipsNames) {
    if (n.name == text) return ChunkId{0, n.type};
  }
  for (const auto& info : genericChunkCatalogue()) {
    if (info.type != 0 && info.name == text) return ChunkId{0, info.type};
  }
  std::optional<uint16_t> found;
  for (const auto& n : kOpenSipsNames) {
    if (n.name.substr(0, text.size()) != text) continue;
    if (found && *found != n.type)
      return core::unexpected("chunk name '" + std::string(text) + "' is ambiguous");
    found = n.type;
  }
  if (found) return ChunkId{0, *found};
  return core::unexpected("unknown chunk '" + std::string(text) + "'");
}

std::string chunkIdText(ChunkId id) {
  char buf[24];
  if (id.vendor == 0) {
    std::snprintf(buf, sizeof buf, "0x%04x", id.type);
  } else {
    std::snprintf(buf, sizeof buf, "0x%04x:0x%04x", id.vendor, id.type);
  }
  return buf;
}

std::string_view editErrorName(EditErrc e) {
  switch (e) {
    case EditErrc::NotHep3:
      return "not_hep3";
    case EditErrc::BadValue:
      return "bad_value";
    case EditErrc::NotSettable:
      return "not_settable";
    case EditErrc::NotFound:
      return "not_found";
  }
  return "unknown";
}

std::optional<std::string> checkSettable(ChunkId id) {
  if (!isGeneric(id)) return std::nullopt;
  switch (id.type) {
    case 0x0001:
      return "the family (0x0001) follows the addresses and cannot be set";
    case 0x0009:
    case 0x000a:
      return "the timestamps (0x0009, 0x000a) cannot be set";
    case 0x0010:
      return "set the payload as 0x000f (it is compressed on output when configured)";
    default:
      return std::nullopt;
  }
}

std::optional<std::string> checkDeletable(ChunkId id) {
  if (isGeneric(id) && (id.type == 0x000f || id.type == 0x0010))
    return "the payload cannot be deleted";
  return std::nullopt;
}

bool valueConverts(ChunkId id, std::string_view text) {
  core::Capture probe;
  probe.meta.hep_version = 3;
  return setChunk(probe, id, text).has_value();
}

core::Result<void, EditErrc> setChunk(core::Capture& c, ChunkId id, std::string_view text) {
  auto& m = c.meta;
  if (m.hep_version != 3) return core::unexpected(EditErrc::NotHep3);
  if (checkSettable(id)) return core::unexpected(EditErrc::NotSettable);
  const auto bad = core::unexpected(EditErrc::BadValue);
  if (isGeneric(id) && hasField(id.type)) {
    switch (id.type) {
      case 0x0002: {
        auto v = namedValue(kProtoNames, text, /*ws_prefix=*/true);
        if (!v) return bad;
        m.ip_proto = *v;
        break;
      }
      case 0x0003:
      case 0x0004:
      case 0x0005:
      case 0x0006: {
        auto ip = core::IpAddress::parse(text);
        if (!ip) return bad;
        const bool src = id.type == 0x0003 || id.type == 0x0005;
        (src ? m.src_ip : m.dst_ip) = *ip;
        // The family follows the address just set, as in OpenSIPS.
        m.ip_family = ip->isV6() ? detail::kFamilyIpv6 : detail::kFamilyIpv4;
        setOmitted(m, src ? 3 : 4, false);
        setOmitted(m, src ? 5 : 6, false);
        setOmitted(m, 1, false);
        return {};
      }
      case 0x0007:
      case 0x0008: {
        auto v = parseUnsigned(text, 0xffff);
        if (!v) return bad;
        (id.type == 0x0007 ? m.src_port : m.dst_port) = static_cast<uint16_t>(*v);
        break;
      }
      case 0x000b: {
        auto v = namedValue(kPayloadTypeNames, text, /*ws_prefix=*/false);
        if (!v) return bad;
        m.payload_type = *v;
        break;
      }
      case 0x000c: {
        auto v = parseUnsigned(text, 0xffffffff);
        if (!v) return bad;
        m.capture_id = static_cast<uint32_t>(*v);
        break;
      }
      case 0x000d: {
        auto v = parseUnsigned(text, 0xffff);
        if (!v) return bad;
        m.keepalive = static_cast<uint16_t>(*v);
        return {};
      }
      case 0x000e:
        m.auth_key = c.keep(std::string(text));
        m.has_auth_key = true;
        return {};
      case 0x000f: {
        if (text.size() > 65000) return bad;
        auto kept = c.keep(std::string(text));
        m.payload = core::asBytes(kept);
        m.payload_compressed = false;
        return {};
      }
      case 0x0011:
        m.correlation_id = c.keep(std::string(text));
        return {};
      case 0x0013:
        m.node_name = c.keep(std::string(text));
        return {};
      default:
        return bad;
    }
    setOmitted(m, id.type, false);
    return {};
  }
  auto bytes = listChunkBytes(id, text);
  if (!bytes || bytes->size() > 65000) return bad;
  auto kept = core::asBytes(c.keep(std::move(*bytes)));
  if (auto* existing = findListChunk(m, id)) {
    existing->value = kept;
  } else {
    m.other_chunks.push_back({id.vendor, id.type, kept});
  }
  return {};
}

core::Result<void, EditErrc> deleteChunk(core::Capture& c, ChunkId id) {
  auto& m = c.meta;
  if (m.hep_version != 3) return core::unexpected(EditErrc::NotHep3);
  if (checkDeletable(id)) return core::unexpected(EditErrc::NotSettable);
  if (isGeneric(id) && hasField(id.type)) {
    if (!chunkText(m, id)) return core::unexpected(EditErrc::NotFound);
    switch (id.type) {
      case 0x0003:
      case 0x0005:
        m.src_ip = {};
        setOmitted(m, 3, true);
        setOmitted(m, 5, true);
        return {};
      case 0x0004:
      case 0x0006:
        m.dst_ip = {};
        setOmitted(m, 4, true);
        setOmitted(m, 6, true);
        return {};
      case 0x0001:
        m.ip_family = 0;
        break;
      case 0x0002:
        m.ip_proto = 0;
        break;
      case 0x0007:
        m.src_port = 0;
        break;
      case 0x0008:
        m.dst_port = 0;
        break;
      case 0x0009:
        m.ts_sec = 0;
        break;
      case 0x000a:
        m.ts_usec = 0;
        break;
      case 0x000b:
        m.payload_type = 0;
        break;
      case 0x000c:
        m.capture_id = 0;
        break;
      case 0x000d:
        m.keepalive = 0;
        return {};
      case 0x000e:
        m.has_auth_key = false;
        m.auth_key = {};
        return {};
      case 0x0011:
        m.correlation_id = {};
        return {};
      case 0x0013:
        m.node_name = {};
        return {};
      default:
        return core::unexpected(EditErrc::NotFound);
    }
    setOmitted(m, id.type, true);
    return {};
  }
  auto it = std::find_if(
      m.other_chunks.begin(), m.other_chunks.end(),
      [&](const core::ChunkView& v) { return v.vendor == id.vendor && v.type == id.type; });
  if (it == m.other_chunks.end()) return core::unexpected(EditErrc::NotFound);
  m.other_chunks.erase(it);
  return {};
}

std::optional<std::string_view> chunkTextView(const core::CaptureMeta& m, ChunkId id,
                                              std::string& scratch) {
  auto formatted = [&](std::string v) -> std::optional<std::string_view> {
    scratch = std::move(v);
    return std::string_view(scratch);
  };
  if (isGeneric(id) && hasField(id.type)) {
    if (id.type <= 0x000c && m.isOmitted(id.type)) return std::nullopt;
    const bool v1 = m.hep_version == 1;
    switch (id.type) {
      case 0x0001:
        if (m.ip_family == 0) return std::nullopt;
        if (m.ip_family == detail::kFamilyIpv4) return std::string_view("AF_INET");
        if (detail::isIpv6Family(m.ip_family)) return std::string_view("AF_INET6");
        return formatted(std::to_string(m.ip_family));
      case 0x0002:
        return formatted(valueName(kProtoNames, m.ip_proto));
      case 0x0003:
      case 0x0005:
        if (m.src_ip.empty()) return std::nullopt;
        return formatted(m.src_ip.toString());
      case 0x0004:
      case 0x0006:
        if (m.dst_ip.empty()) return std::nullopt;
        return formatted(m.dst_ip.toString());
      case 0x0007:
        return formatted(std::to_string(m.src_port));
      case 0x0008:
        return formatted(std::to_string(m.dst_port));
      case 0x0009:
        if (v1) return std::nullopt;
        return formatted(std::to_string(m.ts_sec));
      case 0x000a:
        if (v1) return std::nullopt;
        return formatted(std::to_string(m.ts_usec));
      case 0x000b:
        return formatted(valueName(kPayloadTypeNames, m.payload_type));
      case 0x000c:
        if (v1) return std::nullopt;
        return formatted(std::to_string(m.capture_id));
      case 0x000d:
        if (m.keepalive == 0) return std::nullopt;
        return formatted(std::to_string(m.keepalive));
      case 0x000e:
        if (!m.has_auth_key) return std::nullopt;
        return m.auth_key;
      case 0x000f:
      case 0x0010:
        return textOf(m.payload);
      case 0x0011:
        if (m.correlation_id.empty()) return std::nullopt;
        return m.correlation_id;
      case 0x0013:
        if (m.node_name.empty()) return std::nullopt;
        return m.node_name;
      default:
        return std::nullopt;
    }
  }
  for (const auto& c : m.other_chunks) {
    if (c.vendor == id.vendor && c.type == id.type) return formatted(listChunkText(id, c.value));
  }
  return std::nullopt;
}

std::optional<std::string> chunkText(const core::CaptureMeta& m, ChunkId id) {
  std::string scratch;
  auto v = chunkTextView(m, id, scratch);
  if (!v) return std::nullopt;
  return std::string(*v);
}

}  // namespace siphon::hep
