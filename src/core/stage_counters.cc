#include "core/stage_counters.h"

namespace siphon::core {

uint64_t StageSnapshot::count(std::string_view name) const {
  for (const auto& [n, v] : counts) {
    if (n == name) return v;
  }
  return 0;
}

uint64_t StageSnapshot::dropped(std::string_view reason) const {
  for (const auto& [n, v] : drops) {
    if (n == reason) return v;
  }
  return 0;
}

uint64_t StageSnapshot::droppedTotal() const {
  uint64_t total = 0;
  for (const auto& d : drops) total += d.second;
  return total;
}

StageCounters::StageCounters(std::string stage, std::string kind, CounterNames names)
    : stage_(std::move(stage)),
      kind_(std::move(kind)),
      names_(names),
      // value-initialised: every counter starts at 0
      counts_(std::make_unique<std::atomic<uint64_t>[]>(names.counts.size())),
      drops_(std::make_unique<std::atomic<uint64_t>[]>(names.drops.size())) {}

uint64_t StageCounters::droppedTotal() const {
  uint64_t total = 0;
  for (size_t i = 0; i < names_.drops.size(); ++i)
    total += drops_[i].load(std::memory_order_relaxed);
  return total;
}

StageSnapshot StageCounters::snapshot() const {
  StageSnapshot s;
  s.stage = stage_;
  s.kind = kind_;
  s.counts.reserve(names_.counts.size());
  for (size_t i = 0; i < names_.counts.size(); ++i) {
    s.counts.emplace_back(names_.counts[i], counts_[i].load(std::memory_order_relaxed));
  }
  s.drops.reserve(names_.drops.size());
  for (size_t i = 0; i < names_.drops.size(); ++i) {
    s.drops.emplace_back(names_.drops[i], drops_[i].load(std::memory_order_relaxed));
  }
  return s;
}

uint64_t sumCount(std::span<const StageSnapshot> stages, std::string_view kind,
                  std::string_view name) {
  uint64_t total = 0;
  for (const auto& s : stages) {
    if (kind.empty() || s.kind == kind) total += s.count(name);
  }
  return total;
}

std::vector<std::pair<std::string, uint64_t>> dropsByReason(std::span<const StageSnapshot> stages) {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& s : stages) {
    for (const auto& [reason, n] : s.drops) {
      auto it = out.begin();
      while (it != out.end() && it->first != reason) ++it;
      if (it == out.end()) {
        out.emplace_back(reason, n);
      } else {
        it->second += n;
      }
    }
  }
  return out;
}

}  // namespace siphon::core
