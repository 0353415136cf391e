#include "store/traffic_stats.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace siphon::store {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(StatsDim::kCount)> kNames = {
    "total", "method", "code", "class", "node", "kind", "calls", "answered",
    "src_ip", "dst_ip", "user", "user_agent"};

constexpr int64_t kMinute = 60;
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

int64_t statsBucket(StatsDim dim, int64_t micros) {
  const int64_t seconds = micros >= 0 ? micros / 1'000'000 : 0;
  const int64_t size = isTopDim(dim) ? kHour : kMinute;
  return seconds - seconds % size;
}

void StatsAccumulator::remember(StatsDim dim, Entry* e) {
  auto& recent = recent_[static_cast<size_t>(dim)];
  std::copy_backward(recent.begin(), recent.end() - 1, recent.end());
  recent[0] = e;
}

void StatsAccumulator::add(StatsDim dim, int64_t micros, std::string_view key) {
  const int64_t bucket = statsBucket(dim, micros);
  // An entry's text is bucket (8 bytes), dimension, key; the dimension is the array's.
  for (Entry* e : recent_[static_cast<size_t>(dim)]) {
    if (e == nullptr) break;
    const std::string& k = e->first;
    if (k.size() == 9 + key.size() && std::memcmp(k.data(), &bucket, 8) == 0 &&
        (key.empty() || std::memcmp(k.data() + 9, key.data(), key.size()) == 0)) {
      ++e->second;
      return;
    }
  }
  scratch_.clear();
  appendPrefix(scratch_, bucket, dim);
  scratch_.append(key);
  // Counted already in this interval: one lookup, no allocation (the common case).
  if (auto it = counts_.find(std::string_view(scratch_)); it != counts_.end()) {
    ++it->second;
    remember(dim, &*it);
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
    const std::string_view prefix(scratch_.data(), 9);
    auto seen = top_seen_.find(prefix);
    if (seen == top_seen_.end()) seen = top_seen_.emplace(std::string(prefix), 0).first;
    auto& keys = seen->second;
    if (!keys.contains(key)) {
      if (keys.size() >= top_keys_) {
        scratch_.resize(9);
        scratch_.append(kStatsOther);
        if (auto it = counts_.find(std::string_view(scratch_)); it != counts_.end()) {
          ++it->second;
          return;
        }
      } else {
        keys.emplace(key);
      }
    }
  }
  remember(dim, &*counts_.emplace(scratch_, 1).first);
}

void StatsAccumulator::restore(const std::vector<StatsRow>& rows) {
  for (const auto& r : rows) {
    scratch_.clear();
    appendPrefix(scratch_, r.bucket, r.dim);
    scratch_.append(r.key);
    counts_.try_emplace(scratch_, 0).first->second += r.count;
  }
}

std::vector<StatsRow> StatsAccumulator::take() {
  std::vector<StatsRow> rows;
  rows.reserve(counts_.size());
  for (const auto& [k, count] : counts_) {
    StatsRow r;
    std::memcpy(&r.bucket, k.data(), 8);
    r.dim = static_cast<StatsDim>(k[8]);
    r.key = k.substr(9);
    r.count = count;
    rows.push_back(std::move(r));
  }
  counts_.clear();
  forgetRecent();
  return rows;
}

}  // namespace siphon::store
