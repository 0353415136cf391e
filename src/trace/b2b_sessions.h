#pragma once
// B2bSessions: the state behind tracing scope b, a B2BUA session (OpenSIPS tracer's `b`,
// docs/HEP-AND-MODULES.md §5.2): every dialog the B2BUA joins into one call, traced as the
// rule that opened the session says.
//
// Design. A passive tracer cannot ask b2b_logic which dialogs belong together; what it can
// read is what B2BUAs write for the same purpose: a correlation header on the legs they
// originate (X-CID in Homer's convention, the A leg's Call-ID as its value). So a session has
// a key, and a message's session key is the value of the rule's session header (up to the
// first ';', as for a correlation header) or, without one, its Call-ID. A rule with scope b
// opens the session on its message with that message's key; then any message no scope holds
// whose key is a live session's joins it: the A leg's messages by their Call-ID, every other
// leg by the header. The tracker (sip_tracker.h) holds each joined dialog as a `d` scope with
// the session's ScopeData, so a leg's later messages that lack the header are held too.
//
// Lifetime. The session entry keeps only a weak reference to its ScopeData; the dialogs and
// transactions of the tracker keep the strong ones. When the last of them ends (a BYE's
// linger, a failure, a timer), the session is over without an event of its own. Dead entries
// are reclaimed by a sweep that looks at two entries per call (a cursor over the entries,
// O(1) per message), and at up to 64 more before refusing a new session on a full table. The
// table is bounded (max_sessions); a session that does not fit is refused and counted.
//
// Layout. The entries sit in one array, in no order (an erase moves the last entry into the
// hole), and the index maps a key to its position. The tracer opens an entry for every scope
// (to follow a call's media reports by Call-ID), so with 100,000 live calls the sweep walks
// 100,000 entries: in an array its next entry is the next 24 bytes, where a linked list's was
// a cache miss of its own and each entry a heap allocation.
//
// Keys are 64-bit hashes (XXH3) of the key text, as the tracker's are. Thread safety: one
// mutex.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/id_index.h"
#include "core/stage_counters.h"
#include "trace/sip_tracker.h"

namespace siphon::trace {

enum class SessionCount : uint8_t {
  Opened,       ///< sessions a rule opened
  Joined,       ///< messages a session took by their key
  Reclaimed,    ///< sessions whose last dialog and transaction had ended
  RefusedFull,  ///< sessions not opened: the table was full of live ones
  kCount,
};

class B2bSessions {
 public:
  /// `stage`: the name its counters are reported under.
  explicit B2bSessions(size_t max_sessions, std::string_view stage = "trace_sessions");

  /// Opens (or refreshes) the session `key` with `scope`; false when refused (full).
  bool open(std::string_view key, const ScopeRef& scope);
  /// The live session `key`, or null. Counts a hit as joined.
  [[nodiscard]] ScopeRef find(std::string_view key);

  [[nodiscard]] size_t size() const;
  [[nodiscard]] bool empty() const;
  [[nodiscard]] const core::StageCounters& stats() const { return counters_; }

 private:
  struct Entry {
    uint64_t key;
    std::weak_ptr<const ScopeData> scope;
  };

  void sweep(size_t n);  ///< looks at up to n entries from the cursor on; mu_ held
  void eraseAt(uint32_t pos);
  /// An entry's full key, which the index confirms its candidates with.
  [[nodiscard]] auto keyOf() const {
    return [this](uint32_t pos) { return entries_[pos].key; };
  }

  size_t max_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  uint32_t cursor_ = 0;
  core::IdIndex index_;  ///< key -> position in entries_
  core::StageCounters counters_;
};

}  // namespace siphon::trace
