#pragma once
// SipTracker: the passive state behind the tracing scopes t (transaction) and d (dialog), the
// part of Kamailio's tm/dialog callbacks (docs/HEP-AND-MODULES.md §4.4) that a tracer which
// only sees packets can rebuild.
//
// Design. A proxy in the middle of a call is seen from both sides: the request as it came
// and as it was relayed (with a new top Via), the replies from downstream and as relayed
// upstream, retransmissions of any of them, CANCEL and ACK. What a proxy never changes is the
// Call-ID, the From tag and the CSeq, so a transaction is keyed on them (the RFC 2543 rule of
// RFC 3261 §17.2.3, which also works for the corpus's `branch=0`): Call-ID, From tag, CSeq
// number and the method, where ACK and CANCEL belong to the INVITE they name. A magic-cookie
// Via branch (RFC 3261 §8.1.1.7) then decides what only it can: an ACK whose top branch is
// one the INVITE was seen with is the hop-by-hop ACK of a negative reply (§17.1.1.3) and
// part of the transaction; an ACK with a new branch acknowledges a 2xx and belongs to the
// dialog only. Without a branch the final status decides (>= 300: the transaction's).
//
// A dialog is keyed on the Call-ID and the caller's tag (the INVITE's From tag): requests of
// the caller carry it as From tag, requests of the callee as To tag, so both directions and
// every fork (early dialogs with other To tags) find the same entry. It is confirmed by a 2xx
// to the INVITE and ends when a BYE gets its final reply, or when the INVITE fails.
//
// Keys are 64-bit hashes (XXH3) of those fields, not the fields: a dialog costs its entry
// and its scope, not copies of its Call-ID and tags. Two calls collide with probability
// about n^2 / 2^65 (3e-8 for a million live dialogs); a collision joins them.
//
// Bounds. Each table has a capacity; a new scope that does not fit is refused and counted
// (`refused_full`): a flood of new INVITEs cannot grow the state or evict live calls. Entries
// expire on the capture clock of the messages (a pcap replays with its own times), by list:
//   transactions    64*T1 = 32 s after their last message (Timer B/F, and Timer H/J after a
//                   final reply, which keeps retransmissions and the ACK in scope);
//   early dialogs   180 s (a proxy's Timer C) after their last message;
//   confirmed       dialog_timeout after their last message (Kamailio's default 43200 s);
//   ended dialogs   32 s after the BYE transaction or the failure, for retransmissions.
// Within one list every entry has the same timeout, so the list by last activity is also the
// list by expiry: expiring is looking at fronts (activity_lists.h, which keeps the entries in
// slabs and moves a refreshed entry only when it reaches its front). The earliest deadline of
// the four fronts is kept, so a message that expires nothing does not read them: with many
// live scopes the fronts are cold, and reading four cost more than the lookup.
//
// Thread safety: one mutex; the agent's sources share the tracker.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/id_index.h"
#include "core/stage_counters.h"
#include "sip/sip_capture_fields.h"
#include "trace/activity_lists.h"
#include "trace/trace_hop.h"

namespace siphon::trace {

/// What a scope was opened with, shared by the dialog and every transaction in it.
struct ScopeData {
  uint32_t rule = 0;  ///< the rule that opened it
  bool drop = false;  ///< drop = true: the scope's messages are not traced
  /// The scope's id is the Call-ID, which every message a t or d scope holds carries (its
  /// keys include it): each is sent with its own, and `correlation` stays empty. The most
  /// common id (correlation = "call-id") then costs no copy per scope: about 48 heap bytes
  /// of a live dialog's 340 (agent_bench heap_bytes_per_dialog).
  bool correlation_is_call_id = false;
  std::string correlation;  ///< sent on every message of the scope; "" for none
  Hop caller_hop;           ///< the hop the scope's first request was seen on (trace_hop.h)
};
using ScopeRef = std::shared_ptr<const ScopeData>;

/// The fields of one message the tracker reads (from the record's one parse).
struct TrackedMessage {
  std::string_view call_id, from_tag, to_tag;
  std::string_view method;  ///< requests: the method; replies: the CSeq method
  uint32_t cseq = 0;
  uint16_t status = 0;  ///< 0 for requests
  std::string_view top_branch;

  [[nodiscard]] bool isRequest() const { return status == 0; }
  /// Fills from a parsed SIP message; false when it lacks what a scope needs (Call-ID, a
  /// CSeq with a number and a method).
  [[nodiscard]] static bool from(const sip::SipCaptureFields& f, TrackedMessage& out);
};

struct TrackerOptions {
  size_t max_transactions = 1'000'000;
  size_t max_dialogs = 1'000'000;
  size_t max_sessions = 1'000'000;               ///< scope b sessions (b2b_sessions.h)
  std::chrono::seconds transaction_timeout{32};  ///< 64*T1
  std::chrono::seconds early_dialog_timeout{180};
  std::chrono::seconds dialog_timeout{43200};
  std::chrono::seconds ended_linger{32};
};

enum class TrackerCount : uint8_t {
  Transactions,  ///< transaction scopes opened
  Dialogs,       ///< dialog scopes opened
  Held,          ///< messages a scope held
  ExpiredTxn,    ///< transactions ended by their timer
  ExpiredEarly,  ///< early dialogs that never got a final reply, by Timer C
  ExpiredIdle,   ///< confirmed dialogs idle for dialog_timeout
  Ended,         ///< dialogs ended by BYE or a failed INVITE (after their linger)
  RefusedFull,   ///< a scope not opened: its table was full
  kCount,
};

class SipTracker {
 public:
  explicit SipTracker(TrackerOptions options = {});

  /// The scope that holds `m`, if any, with the state updated by it (a 2xx confirms a dialog,
  /// a BYE's final reply ends it, ...). `now_us`: the message's capture time.
  [[nodiscard]] ScopeRef observe(const TrackedMessage& m, int64_t now_us) {
    ScopeRef held;
    (void)observe(m, now_us, [&](const ScopeRef& scope) { held = scope; });
    return held;
  }
  /// The same, for a caller that only reads the scope: `visit(const ScopeRef&)` runs under
  /// the tracker's lock, which keeps the scope alive meanwhile, and the reference count is
  /// not touched. True when a scope held `m`. Why: the copy that the other form returns is
  /// two atomic read-modify-writes of a shared count on every message a scope holds.
  template <class Visit>
  bool observe(const TrackedMessage& m, int64_t now_us, Visit&& visit) {
    std::lock_guard lock(mu_);
    const ScopeRef* held = observeLocked(m, now_us);
    if (held == nullptr) return false;
    visit(*held);
    return true;
  }

  /// Opens a transaction scope on request `m` (false: refused, the table is full).
  bool openTransaction(const TrackedMessage& m, ScopeRef scope, int64_t now_us);
  /// Opens a dialog scope on the initial INVITE `m` (no To tag), with its transaction.
  bool openDialog(const TrackedMessage& m, ScopeRef scope, int64_t now_us);

  [[nodiscard]] size_t transactions() const;
  [[nodiscard]] size_t dialogs() const;
  [[nodiscard]] const core::StageCounters& stats() const { return counters_; }

 private:
  /// A dialog's state is the list it is in.
  enum class DialogState : uint8_t { Early, Confirmed, Ended };
  static constexpr size_t kDialogStates = 3;
  static constexpr size_t kBranches = 4;  ///< INVITE top branches remembered for the ACK rule
  struct Txn {
    uint64_t key = 0;
    ScopeRef scope;
    bool invite = false;
    uint16_t final_status = 0;
    uint8_t branch_count = 0;
    uint32_t branches[kBranches] = {};
  };
  struct Dialog {
    uint64_t key = 0;
    ScopeRef scope;
    uint32_t invite_cseq = 0;
  };
  using TxnLists = ActivityLists<Txn, 1>;
  using DialogLists = ActivityLists<Dialog, kDialogStates>;
  using Id = uint32_t;

  /// observe() with mu_ held: the entry's scope, or nullptr.
  [[nodiscard]] const ScopeRef* observeLocked(const TrackedMessage& m, int64_t now_us);
  void expire(int64_t now_us);
  /// An entry was added or moved to a list's end with this deadline: it may be the earliest.
  void noteDeadline(int64_t deadline_us) {
    next_deadline_us_ = std::min(next_deadline_us_, deadline_us);
  }
  [[nodiscard]] int64_t idleLimitUs(DialogState s) const;  ///< the timeout of a state's list
  void addTxn(uint64_t key, const TrackedMessage& m, ScopeRef scope, int64_t now_us);
  void noteBranch(Txn& t, const TrackedMessage& m);
  [[nodiscard]] bool branchSeen(const Txn& t, const TrackedMessage& m) const;
  void updateDialog(Id d, const TrackedMessage& m, int64_t now_us);
  void moveDialog(Id d, DialogState to, int64_t now_us);
  /// The full keys of the entries, which the indexes confirm their candidates with.
  [[nodiscard]] auto txnKeyOf() const {
    return [this](Id id) { return txns_.at(id).value.key; };
  }
  [[nodiscard]] auto dialogKeyOf() const {
    return [this](Id id) { return dialogs_.at(id).value.key; };
  }

  TrackerOptions options_;
  mutable std::mutex mu_;
  TxnLists txns_;
  core::IdIndex txn_index_;
  DialogLists dialogs_;  ///< a list per DialogState
  core::IdIndex dialog_index_;
  /// No list's front expires before this: a lower bound, exact after expire() ran through.
  int64_t next_deadline_us_ = INT64_MAX;
  core::StageCounters counters_;
};

}  // namespace siphon::trace
