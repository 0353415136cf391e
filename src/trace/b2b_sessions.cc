#include "trace/b2b_sessions.h"

#include <xxhash.h>

#include <algorithm>

namespace siphon::trace {
namespace {

constexpr std::string_view kB2bSessionsCounts[] = {"sessions", "joined", "ended_session",
                                                   "refused_full"};
static_assert(std::size(kB2bSessionsCounts) == static_cast<size_t>(SessionCount::kCount));

constexpr size_t kSweepPerCall = 2;
constexpr size_t kSweepWhenFull = 64;

uint64_t hashKey(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), 0x6232);
}

}  // namespace

B2bSessions::B2bSessions(size_t max_sessions, std::string_view stage)
    : max_(std::min<size_t>(max_sessions, UINT32_MAX)),
      counters_(std::string(stage), "processor", {kB2bSessionsCounts, {}}) {}

size_t B2bSessions::size() const {
  std::lock_guard lock(mu_);
  return index_.size();
}

bool B2bSessions::empty() const {
  std::lock_guard lock(mu_);
  return index_.empty();
}

void B2bSessions::eraseAt(uint32_t pos) {
  index_.erase(entries_[pos].key, keyOf());
  if (pos + 1 != entries_.size()) {
    entries_[pos] = std::move(entries_.back());
    *index_.find(entries_[pos].key, keyOf()) = pos;  // the entry that moved
  }
  entries_.pop_back();
  counters_.count(SessionCount::Reclaimed);
}

void B2bSessions::sweep(size_t n) {
  for (size_t i = 0; i < n && !entries_.empty(); ++i) {
    if (cursor_ >= entries_.size()) cursor_ = 0;
    // An erase puts the last entry at the cursor: it is looked at next, not skipped.
    if (entries_[cursor_].scope.expired()) {
      eraseAt(cursor_);
    } else {
      ++cursor_;
    }
  }
}

bool B2bSessions::open(std::string_view key, const ScopeRef& scope) {
  const uint64_t h = hashKey(key);
  std::lock_guard lock(mu_);
  sweep(kSweepPerCall);
  if (const uint32_t* pos = index_.find(h, keyOf())) {
    // The same key again (a second rule match, a new A leg reusing it): the newer scope.
    entries_[*pos].scope = scope;
    return true;
  }
  if (index_.size() >= max_) sweep(kSweepWhenFull);
  if (index_.size() >= max_) {
    counters_.count(SessionCount::RefusedFull);
    return false;
  }
  entries_.push_back(Entry{h, scope});
  index_.insert(h, static_cast<uint32_t>(entries_.size() - 1), keyOf());
  counters_.count(SessionCount::Opened);
  return true;
}

ScopeRef B2bSessions::find(std::string_view key) {
  const uint64_t h = hashKey(key);
  std::lock_guard lock(mu_);
  sweep(kSweepPerCall);
  const uint32_t* found = index_.find(h, keyOf());
  if (found == nullptr) return nullptr;
  const uint32_t pos = *found;
  ScopeRef scope = entries_[pos].scope.lock();
  if (!scope) {
    eraseAt(pos);
    return nullptr;
  }
  counters_.count(SessionCount::Joined);
  return scope;
}

}  // namespace siphon::trace
