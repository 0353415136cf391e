#include "store/traffic_stats.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <xxhash.h>

namespace siphon::store {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(StatsDim::kCount)> kNames = {
    "total", "method", "code", "class", "node", "kind", "calls", "answered",
    "src_ip", "dst_ip", "user", "user_agent"};

constexpr int64_t kHour = 3600;

void appendPrefix(std::string& out, int64_t bucket, StatsDim dim) {
  char b[9];
  std::memcpy(b, &bucket, 8);
  b[8] = static_cast<char>(dim);
  out.append(b, 9);
}

}  // namespace

std::string_view statsDimName(StatsDim dim) {
  const auto i = static_cast<size_t>(dim);
  return i < kNames.size() ? kNames[i] : std::string_view{};
}

StatsDim statsDimFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<StatsDim>(i);
  }
  return StatsDim::kCount;
}

void StatsAccumulator::remember(StatsDim dim, uint32_t entry) {
  auto& recent = recent_[static_cast<size_t>(dim)];
  std::copy_backward(recent.begin(), recent.end() - 1, recent.end());
  recent[0] = entry + 1;
}

StatsAccumulator::Entry* StatsAccumulator::find(int64_t bucket, StatsDim dim, std::string_view key,
                                                uint64_t& slot_key) {
  // The seed folds in the bucket and the dimension (below 16), so equal keys of two minutes or
  // two dimensions hash apart.
  slot_key = XXH3_64bits_withSeed(key.data(), key.size(),
                                  static_cast<uint64_t>(bucket) * 16 + static_cast<uint64_t>(dim));
  for (;; ++slot_key) {
    const uint32_t* at = index_.find(slot_key);
    if (at == nullptr) return nullptr;
    Entry& e = entries_[*at];
    if (e.dim == dim && matches(e, bucket, key)) return &e;
  }
}

StatsAccumulator::Entry& StatsAccumulator::insert(int64_t bucket, StatsDim dim,
                                                  std::string_view key, uint64_t slot_key) {
  const auto at = static_cast<uint32_t>(entries_.size());
  entries_.push_back(Entry{bucket, 0, static_cast<uint32_t>(keys_.size()),
                           static_cast<uint32_t>(key.size()), dim});
  keys_.append(key);
  index_.insert(slot_key, at);
  return entries_.back();
}

StatsAccumulator::Entry& StatsAccumulator::findOrInsert(int64_t bucket, StatsDim dim,
                                                        std::string_view key) {
  uint64_t slot_key = 0;
  if (Entry* e = find(bucket, dim, key, slot_key)) return *e;
  return insert(bucket, dim, key, slot_key);
}

void StatsAccumulator::add(StatsDim dim, int64_t micros, std::string_view key) {
  addAt(dim, statsBucket(dim, micros), key);
}

void StatsAccumulator::addRecord(const StatsRecord& r) {
  const int64_t minute = statsBucket(StatsDim::Total, r.micros);
  const int64_t hour = statsBucket(StatsDim::SrcIp, r.micros);
  if (fixed_.total != 0 && fixed_.minute != minute) moveFixedToEntries();
  fixed_.minute = minute;
  ++fixed_.total;
  ++fixed_.kind[static_cast<size_t>(r.kind)];
  addAt(StatsDim::Node, minute, r.node);
  if (!r.src_ip.empty()) addAt(StatsDim::SrcIp, hour, r.src_ip);
  if (!r.dst_ip.empty()) addAt(StatsDim::DstIp, hour, r.dst_ip);
  if (r.kind != StatsKind::Sip) return;
  if (!r.method.empty()) {
    addAt(StatsDim::Method, minute, r.method);
    fixed_.calls += r.call_attempt;
  } else if (r.code.size() == 3 && r.code[0] >= '1' && r.code[0] <= '6') {
    addAt(StatsDim::Code, minute, r.code);
    ++fixed_.reply_class[static_cast<size_t>(r.code[0] - '1')];
    fixed_.answered += r.answered;
  }
  if (!r.user.empty()) addAt(StatsDim::User, hour, r.user);
  if (!r.user_agent.empty()) addAt(StatsDim::UserAgent, hour, r.user_agent);
}

void StatsAccumulator::moveFixedToEntries() {
  if (fixed_.total == 0) return;
  const int64_t m = fixed_.minute;
  auto count = [&](StatsDim dim, std::string_view key, int64_t n) {
    if (n != 0) findOrInsert(m, dim, key).count += n;
  };
  count(StatsDim::Total, {}, fixed_.total);
  for (size_t i = 0; i < fixed_.kind.size(); ++i)
    count(StatsDim::Kind, kStatsKindNames[i], fixed_.kind[i]);
  for (size_t i = 0; i < fixed_.reply_class.size(); ++i) {
    const char cls[3] = {static_cast<char>('1' + i), 'x', 'x'};
    count(StatsDim::Class, std::string_view(cls, 3), fixed_.reply_class[i]);
  }
  count(StatsDim::Calls, {}, fixed_.calls);
  count(StatsDim::Answered, {}, fixed_.answered);
  fixed_ = FixedCounts{};
}

void StatsAccumulator::addAt(StatsDim dim, int64_t bucket, std::string_view key) {
  for (uint32_t r : recent_[static_cast<size_t>(dim)]) {
    if (r == 0) break;
    Entry& e = entries_[r - 1];
    if (matches(e, bucket, key)) {
      ++e.count;
      return;
    }
  }
  // Counted already in this interval: one lookup, no allocation (the common case).
  uint64_t slot_key = 0;
  if (Entry* e = find(bucket, dim, key, slot_key)) {
    ++e->count;
    remember(dim, static_cast<uint32_t>(e - entries_.data()));
    return;
  }
  if (isTopDim(dim)) {
    if (bucket > newest_hour_) {
      newest_hour_ = bucket;
      // Only the last two hours take new keys often; older ones are forgotten (a late record
      // of an old hour may then add a key beyond its cap, which the query tolerates).
      std::erase_if(top_seen_, [&](const auto& kv) {
        int64_t hour = 0;
        std::memcpy(&hour, kv.first.data(), 8);
        return hour < newest_hour_ - kHour;
      });
    }
    scratch_.clear();
    appendPrefix(scratch_, bucket, dim);
    auto seen = top_seen_.find(std::string_view(scratch_));
    if (seen == top_seen_.end()) seen = top_seen_.emplace(scratch_, 0).first;
    auto& keys = seen->second;
    if (!keys.contains(key)) {
      if (keys.size() >= top_keys_) {
        ++findOrInsert(bucket, dim, kStatsOther).count;
        return;
      }
      keys.emplace(key);
    }
  }
  Entry& e = insert(bucket, dim, key, slot_key);
  e.count = 1;
  remember(dim, static_cast<uint32_t>(entries_.size() - 1));
}

void StatsAccumulator::restore(const std::vector<StatsRow>& rows) {
  for (const auto& r : rows) findOrInsert(r.bucket, r.dim, r.key).count += r.count;
}

std::vector<StatsRow> StatsAccumulator::take() {
  moveFixedToEntries();
  std::vector<StatsRow> rows;
  rows.reserve(entries_.size());
  for (const Entry& e : entries_) {
    rows.push_back(StatsRow{e.bucket, e.dim, keys_.substr(e.key_offset, e.key_size), e.count});
  }
  clear();
  return rows;
}

void StatsAccumulator::clear() {
  fixed_ = FixedCounts{};
  entries_.clear();
  keys_.clear();
  index_.clear();
  recent_ = {};
}

}  // namespace siphon::store
