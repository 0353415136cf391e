#include "source/connection_table.h"

namespace siphon::source {

ConnectionTable::ConnectionTable(StreamLimits limits, const core::Clock& clock)
    : limits_(limits), clock_(clock) {}

std::map<ConnectionTable::Id, ConnectionTable::Entry>::iterator ConnectionTable::oldestIdle(
    const core::IpAddress* peer, core::Clock::SteadyTime now) {
  auto oldest = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (peer && !(it->second.peer == *peer)) continue;
    if (now - it->second.last_activity < kEvictableAfter) continue;
    if (oldest == entries_.end() || it->second.last_activity < oldest->second.last_activity) {
      oldest = it;
    }
  }
  return oldest;
}

ConnectionTable::Admission ConnectionTable::admit(const core::IpAddress& peer) {
  std::lock_guard lock(mu_);
  const auto now = clock_.steadyNow();
  Admission a;
  auto evict = [&](std::map<Id, Entry>::iterator it) {
    a.evicted = it->first;
    if (--per_source_[it->second.peer] == 0) per_source_.erase(it->second.peer);
    entries_.erase(it);
  };
  auto count = per_source_.find(peer);
  if (count != per_source_.end() && count->second >= limits_.max_per_source) {
    auto victim = oldestIdle(&peer, now);  // the sender pays with its own idle connection
    if (victim == entries_.end()) return a;
    evict(victim);
  } else if (entries_.size() >= limits_.max_connections) {
    auto victim = oldestIdle(nullptr, now);
    if (victim == entries_.end()) return a;
    evict(victim);
  }
  const Id id = next_id_++;
  entries_.emplace(id, Entry{peer, now, now, true});
  ++per_source_[peer];
  a.id = id;
  return a;
}

void ConnectionTable::touch(Id id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) it->second.last_activity = clock_.steadyNow();
}

void ConnectionTable::handshakeDone(Id id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  it->second.handshaking = false;
  it->second.last_activity = clock_.steadyNow();
}

void ConnectionTable::remove(Id id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (--per_source_[it->second.peer] == 0) per_source_.erase(it->second.peer);
  entries_.erase(it);
}

ConnectionTable::Expired ConnectionTable::expire() {
  std::lock_guard lock(mu_);
  const auto now = clock_.steadyNow();
  Expired out;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const Entry& e = it->second;
    const bool handshake_late = e.handshaking && now - e.opened >= limits_.handshake_timeout;
    const bool idle = !e.handshaking && now - e.last_activity >= limits_.idle_timeout;
    if (!handshake_late && !idle) {
      ++it;
      continue;
    }
    (handshake_late ? out.handshake : out.idle).push_back(it->first);
    if (--per_source_[e.peer] == 0) per_source_.erase(e.peer);
    it = entries_.erase(it);
  }
  return out;
}

size_t ConnectionTable::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace siphon::source
