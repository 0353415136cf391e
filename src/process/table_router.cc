#include "process/table_router.h"

#include <zlib.h>

#include <ctime>

#include "core/text_cursor.h"

namespace siphon::process {
namespace {

// Kamailio hashes the Call-ID without leading whitespace and up to the first whitespace.
std::string_view callIdHashInput(std::string_view callid) {
  callid = core::trimBlanks(callid);
  auto ws = callid.find_first_of(" \t\r\n");
  return ws == std::string_view::npos ? callid : callid.substr(0, ws);
}

// SplitMix64 (Steele, Lea, Flood 2014): a counter in, a well-mixed 64-bit value out.
uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

core::Result<TableRouting, core::Failure> TableRouting::parse(std::string_view table_name,
                                                             std::string_view mt_mode,
                                                             std::string_view hash_source) {
  TableRouting r;
  r.tables.clear();
  size_t start = 0;
  while (start <= table_name.size()) {
    size_t end = table_name.find('|', start);
    if (end == std::string_view::npos) end = table_name.size();
    auto name = core::trimBlanks(table_name.substr(start, end - start));
    if (!name.empty()) r.tables.emplace_back(name);
    start = end + 1;
  }
  if (r.tables.empty()) {
    return core::unexpected(core::Failure{"table_name: no table name given", 2});
  }
  for (const auto& t : r.tables) {
    for (char c : t) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '%';
      if (!ok) {
        return core::unexpected(core::Failure{"table_name: '" + t +
                                                  "': only letters, digits, _ and strftime % patterns",
                                              2});
      }
    }
  }
  if (mt_mode == "rand") {
    r.mt_mode = MtMode::Rand;
  } else if (mt_mode == "round_robin") {
    r.mt_mode = MtMode::RoundRobin;
  } else if (mt_mode == "hash") {
    r.mt_mode = MtMode::Hash;
  } else {
    return core::unexpected(core::Failure{"mt_mode: '" + std::string(mt_mode) +
                                              "': expected rand, round_robin or hash",
                                          2});
  }
  if (hash_source == "call_id" || hash_source.empty()) {
    r.hash_source = HashSource::CallId;
  } else if (hash_source == "from_user") {
    r.hash_source = HashSource::FromUser;
  } else if (hash_source == "to_user") {
    r.hash_source = HashSource::ToUser;
  } else {
    return core::unexpected(core::Failure{"hash_source: '" + std::string(hash_source) +
                                              "': expected call_id, from_user or to_user",
                                          2});
  }
  return r;
}

TableRouter::TableRouter(TableRouting routing, uint64_t seed)
    : routing_(std::move(routing)), seed_(seed) {}

std::string_view TableRouter::route(const sip::SipCaptureFields& fields) const {
  const size_t n = routing_.tables.size();
  size_t pick = 0;
  if (n > 1) {
    switch (routing_.mt_mode) {
      case MtMode::Rand:
        // Kamailio uses rand(); a counter through a mixer gives the same spread without
        // shared generator state between the source threads.
        pick = splitmix64(seed_ + next_.fetch_add(1, std::memory_order_relaxed)) % n;
        break;
      case MtMode::RoundRobin:
        pick = next_.fetch_add(1, std::memory_order_relaxed) % n;
        break;
      case MtMode::Hash: {
        std::string_view source = routing_.hash_source == HashSource::CallId
                                      ? callIdHashInput(fields.callid)
                                      : (routing_.hash_source == HashSource::FromUser ? fields.from_user
                                                                                      : fields.to_user);
        // Standard CRC-32 over unsigned bytes (zlib's), as Kamailio's hash_mode.c.
        uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(source.data()),
                          static_cast<uInt>(source.size()));
        pick = source.empty() ? 0 : crc % n;
        break;
      }
    }
  }
  return routing_.tables[pick];
}

std::string_view TableNames::expand(std::string_view pattern, int64_t micro_ts) {
  const int64_t second = micro_ts / 1'000'000;
  // Patterns are views of the routers' own strings: the same pattern has the same address.
  if (pattern.data() == last_pattern_.data() && pattern.size() == last_pattern_.size() &&
      second == last_second_) {
    return last_name_;
  }
  last_pattern_ = pattern;
  last_second_ = second;
  if (pattern.find('%') == std::string_view::npos) return last_name_ = pattern;
  Expanded* e = nullptr;
  for (auto& c : cache_) {
    if (c.pattern == pattern) e = &c;
  }
  if (!e) e = &cache_.emplace_back(Expanded{std::string(pattern), -1, {}});
  if (e->second != second) {
    e->second = second;
    e->name = expandTableName(pattern, second);
  }
  return last_name_ = e->name;
}

std::string expandTableName(std::string_view pattern, int64_t unix_seconds) {
  if (pattern.find('%') == std::string_view::npos) return std::string(pattern);
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[128];  // Kamailio's buffer size too
  std::string fmt(pattern);
  size_t n = std::strftime(buf, sizeof buf, fmt.c_str(), &tm);
  return n == 0 ? std::string(pattern) : std::string(buf, n);
}

}  // namespace siphon::process
