#include "query/search.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <unordered_map>

#include "core/byte_reader.h"
#include "sip/sip_message.h"

#include "store/index_key.h"

namespace siphon::query {
namespace {

// The indexed filter to start from, most selective first; nullopt means scan by time.
std::vector<int64_t> startKeys(const SearchQuery& q) {
  using store::KeyKind;
  using store::indexKey;
  if (!q.call_id.empty()) return {indexKey(KeyKind::CallId, q.call_id)};
  // A correlation id is stored as a key only when it differs from the Call-ID.
  if (!q.correlation.empty()) {
    return {indexKey(KeyKind::Correlation, q.correlation), indexKey(KeyKind::CallId, q.correlation)};
  }
  if (!q.from_user.empty()) return {indexKey(KeyKind::User, q.from_user)};
  if (!q.to_user.empty()) return {indexKey(KeyKind::User, q.to_user)};
  if (!q.ruri_user.empty()) return {indexKey(KeyKind::User, q.ruri_user)};
  if (!q.ip.empty()) {
    if (auto ip = core::IpAddress::parse(q.ip)) return {store::ipKey(*ip)};
  }
  return {};
}

// Every `header=NAME:VALUE` filter: some field NAME holds VALUE. The message's headers are
// scanned only when there is such a filter (the parsed columns do not keep other headers).
bool headersMatch(const SearchQuery& q, const core::CaptureMeta& meta) {
  if (q.headers.empty()) return true;
  if (meta.payload_type != 1) return false;
  auto msg = sip::SipMessage::parse(core::asText(meta.payload));
  for (const auto& header : q.headers) {
    // Not a structured binding: clang before 16 cannot capture one in a lambda.
    const std::string& value = header.second;
    bool found = false;
    msg.forEachHeaderField(header.first, [&](std::string_view field) {
      found = found || field.find(value) != std::string_view::npos;
    });
    if (!found) return false;
  }
  return true;
}

}  // namespace

bool matches(const SearchQuery& q, const core::CaptureMeta& meta, const record::ParsedSip& sip,
             const record::CaptureRowOptions& row_options) {
  int64_t ts = meta.microsSinceEpoch();
  if (q.since && ts < q.since) return false;
  if (q.until && ts > q.until) return false;
  const auto& f = sip.fields;
  if (!q.call_id.empty() && f.callid != q.call_id) return false;
  if (!q.correlation.empty() && sip.correlation_id != q.correlation) return false;
  if (!q.from_user.empty() && f.from_user != q.from_user) return false;
  if (!q.to_user.empty() && f.to_user != q.to_user) return false;
  if (!q.ruri_user.empty() && f.ruri_user != q.ruri_user) return false;
  if (!q.method.empty() && (f.type != 1 || f.method != q.method)) return false;
  if (q.status && (f.type != 2 || f.status_code != *q.status)) return false;
  if (!q.ip.empty()) {
    auto ip = core::IpAddress::parse(q.ip);
    if (!ip || (meta.src_ip.unmapped() != ip->unmapped() && meta.dst_ip.unmapped() != ip->unmapped())) {
      return false;
    }
  }
  // A node is written capture_node:capture_id (Kamailio's form): `--node edge1` matches
  // both "edge1" and "edge1:2001"; "edge1:2001" matches only itself.
  if (!q.node.empty()) {
    const std::string node = record::nodeColumn(meta, row_options);
    if (node != q.node &&
        !(node.starts_with(q.node) && node.size() > q.node.size() && node[q.node.size()] == ':')) {
      return false;
    }
  }
  if (!q.custom_field1.empty() && f.custom_field1 != q.custom_field1) return false;
  if (!q.custom_field2.empty() && f.custom_field2 != q.custom_field2) return false;
  if (!q.custom_field3.empty() && f.custom_field3 != q.custom_field3) return false;
  return headersMatch(q, meta);
}

core::Result<SearchResult, core::Failure> search(store::BlockStore& store, const SearchQuery& q,
                                                 const record::CaptureRowOptions& row_options) {
  SearchResult result;
  std::vector<store::BlockInfo> blocks;
  auto keys = startKeys(q);
  if (keys.empty()) {
    auto range = store.blocksInRange(q.since, q.until);
    if (!range.has_value()) return core::unexpected(std::move(range).error());
    blocks = std::move(*range);
  } else {
    std::vector<int64_t> ids;
    for (int64_t key : keys) {
      auto found = store.blocksForKey(key, q.since, q.until);
      if (!found.has_value()) return core::unexpected(std::move(found).error());
      ids.insert(ids.end(), found->begin(), found->end());
    }
    std::sort(ids.begin(), ids.end(), std::greater<>());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    // The time range of each candidate block, so that the newest-first early stop below works
    // on this path too: a frequent user is in nearly every block of the range, and reading
    // them all made a 24 h first page take seconds (bench/query_bench.cc).
    std::unordered_map<int64_t, store::BlockInfo> info_of;
    if (ids.size() > 1) {
      auto range = store.blocksInRange(q.since, q.until);
      if (!range.has_value()) return core::unexpected(std::move(range).error());
      for (auto& b : *range) info_of.emplace(b.id, std::move(b));
    }
    for (int64_t id : ids) {
      auto it = info_of.find(id);
      if (it != info_of.end()) {
        blocks.push_back(it->second);
      } else if (ids.size() == 1) {
        blocks.push_back({id, "", 0, 0, 0});
      }  // else: the block has no record in [since, until] (its key bucket overlapped only)
    }
    std::stable_sort(blocks.begin(), blocks.end(), [](const store::BlockInfo& a, const store::BlockInfo& b) {
      return a.max_ts > b.max_ts;
    });
  }
  std::string_view text_filter = !q.call_id.empty()     ? q.call_id
                                 : !q.from_user.empty() ? q.from_user
                                 : !q.to_user.empty()   ? q.to_user
                                                        : q.ruri_user;
  // A header's value is in the SIP text too: the same cheap skip for header-only searches.
  if (text_filter.empty() && !q.headers.empty()) text_filter = q.headers.front().second;
  // The first `offset` matches are skipped at the end: keep them until then.
  const size_t keep = q.limit > SIZE_MAX - q.offset ? SIZE_MAX : q.offset + q.limit;

  record::ParsedSip sip;
  for (const auto& info : blocks) {
    // Newest first: once `limit` records are kept, an older block cannot displace any.
    if (result.records.size() >= keep && info.max_ts != 0 &&
        info.max_ts < result.records.back().meta.microsSinceEpoch()) {
      result.truncated = true;
      break;
    }
    auto loaded = store.loadBlock(info.id);
    if (!loaded.has_value()) return core::unexpected(std::move(loaded).error());
    ++result.blocks_read;
    auto bytes = std::move(loaded->owner);
    for (size_t index = 0; index < loaded->records.size(); ++index) {
      auto& meta = loaded->records[index];
      if (q.since && meta.microsSinceEpoch() < q.since) continue;
      if (q.until && meta.microsSinceEpoch() > q.until) continue;
      // Call-ID and users are views into the SIP text: a record whose text lacks the value
      // cannot match, and skipping it avoids building its row (most records of a block).
      if (!text_filter.empty() && meta.payload_type == 1 &&
          core::asText(meta.payload).find(text_filter) == std::string_view::npos) {
        continue;
      }
      record::parseSip(meta, row_options.fields, sip);
      if (!matches(q, meta, sip, row_options)) continue;
      result.records.push_back({bytes, std::move(meta), sip, loaded->info.table, info.id, index});
    }
    std::stable_sort(result.records.begin(), result.records.end(), [](const Found& a, const Found& b) {
      return a.meta.microsSinceEpoch() > b.meta.microsSinceEpoch();
    });
    if (result.records.size() > keep) {
      result.records.resize(keep);
      result.truncated = true;
    }
  }
  result.records.erase(result.records.begin(),
                       result.records.begin() +
                           static_cast<std::ptrdiff_t>(std::min(q.offset, result.records.size())));
  return result;
}

core::Result<int64_t, core::Failure> parseTime(std::string_view text, int64_t now_us) {
  auto bad = [&] {
    return core::unexpected(core::Failure{"bad time '" + std::string(text) +
                                              "': expected RFC 3339 or -15m, -2h, -7d", 2});
  };
  if (text.starts_with('-')) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() - 1 || n < 0) return bad();
    int64_t unit = 0;
    switch (text.back()) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      default: return bad();
    }
    if (n > INT64_MAX / (unit * 1'000'000)) return bad();
    return now_us - n * unit * 1'000'000;
  }
  // RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  std::tm tm{};
  int offset_sign = 0, oh = 0, om = 0;
  if (text.size() < 20) return bad();
  std::string s(text);
  const char* p = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!p) p = strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (!p) return bad();
  int64_t frac_us = 0;
  if (*p == '.') {
    ++p;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (*p - '0');
      ++digits;
      ++p;
    }
    if (digits == 0) return bad();
    for (; digits < 6; ++digits) frac_us *= 10;
  }
  if (*p == 'Z' || *p == 'z') {
    ++p;
  } else if (*p == '+' || *p == '-') {
    offset_sign = *p == '+' ? 1 : -1;
    if (std::sscanf(p + 1, "%2d:%2d", &oh, &om) != 2) return bad();
    p += 6;
  } else {
    return bad();
  }
  if (*p != '\0') return bad();
  int64_t secs = timegm(&tm) - offset_sign * (oh * 3600 + om * 60);
  return secs * 1'000'000 + frac_us;
}

}  // namespace siphon::query
