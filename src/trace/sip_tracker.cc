#include "trace/sip_tracker.h"

#include <xxhash.h>

#include <algorithm>

#include "core/char_class.h"
#include "core/text_cursor.h"

namespace siphon::trace {
namespace {

constexpr std::string_view kSipTrackerCounts[] = {"transactions",
                                                  "dialogs",
                                                  "held",
                                                  "expired_transaction",
                                                  "expired_early_dialog",
                                                  "expired_idle_dialog",
                                                  "ended_dialog",
                                                  "refused_full"};
static_assert(std::size(kSipTrackerCounts) == static_cast<size_t>(TrackerCount::kCount));

constexpr std::string_view kMagicCookie = "z9hG4bK";  // RFC 3261 §8.1.1.7

uint64_t mix(uint64_t h, std::string_view part) {
  return XXH3_64bits_withSeed(part.data(), part.size(), h);
}

// ACK and CANCEL name the INVITE transaction they belong to (RFC 3261 §9.1, §17.1.1.3).
std::string_view methodClass(std::string_view method) {
  if (core::equalsIgnoreCase(method, "ACK") || core::equalsIgnoreCase(method, "CANCEL")) {
    return "INVITE";
  }
  return method;
}

// The keys are 64-bit hashes. A message's Call-ID (its longest key part) is hashed once and
// seeds each key's hash of the rest: a reply looks up two dialog keys and a transaction key.
uint64_t callIdHash(std::string_view call_id) {
  return XXH3_64bits(call_id.data(), call_id.size());
}

uint64_t txnKey(uint64_t call_id_hash, const TrackedMessage& m) {
  const uint64_t h = mix(call_id_hash ^ 0x7478, m.from_tag);
  // Method names are case-sensitive on the wire (RFC 3261 §7.1) but written in capitals by
  // every real peer; the class is compared as written. The CSeq number perturbs the seed.
  return mix(h + m.cseq * 0x9e3779b97f4a7c15ULL, methodClass(m.method));
}

uint64_t dialogKey(uint64_t call_id_hash, std::string_view caller_tag) {
  return mix(call_id_hash ^ 0x646c, caller_tag);
}

// A top Via branch as a transaction remembers it. 32 bits: it is only compared with the other
// branches of one INVITE transaction (at most kBranches), where two that differ collide with
// probability 2^-32 per pair; 16 bytes less per transaction entry (96 -> 80).
uint32_t branchHash(std::string_view branch) { return static_cast<uint32_t>(mix(0x6272, branch)); }

bool isMethod(const TrackedMessage& m, std::string_view name) {
  return core::equalsIgnoreCase(m.method, name);
}

int64_t micros(std::chrono::seconds s) { return static_cast<int64_t>(s.count()) * 1'000'000; }

}  // namespace

bool TrackedMessage::from(const sip::SipCaptureFields& f, TrackedMessage& out) {
  if (f.callid.empty() || (f.type != 1 && f.type != 2)) return false;
  // CSeq: 1*DIGIT LWS Method (RFC 3261 §20.16), in one pass: every byte before the first SP
  // or HTAB a digit, the number at most 2^32 - 1, then a method. (Through firstIn(),
  // from_chars and their checks this took 140 instructions per message, callgrind.)
  const std::string_view cseq = core::trimBlanks(f.cseq);
  uint64_t number = 0;
  size_t i = 0;
  for (; i < cseq.size() && cseq[i] != ' ' && cseq[i] != '\t'; ++i) {
    const unsigned digit = static_cast<unsigned char>(cseq[i]) - unsigned{'0'};
    if (digit > 9) return false;
    number = number * 10 + digit;
    if (number > UINT32_MAX) return false;
  }
  if (i == 0 || i == cseq.size()) return false;
  const std::string_view cseq_method = core::trimBlanks(cseq.substr(i + 1));
  if (cseq_method.empty()) return false;
  out.call_id = f.callid;
  out.from_tag = f.from_tag;
  out.to_tag = f.to_tag;
  out.cseq = static_cast<uint32_t>(number);
  out.status = f.type == 2 ? f.status_code : 0;
  out.method = f.type == 1 ? f.method : cseq_method;
  out.top_branch = f.via_1_branch;
  return true;
}

SipTracker::SipTracker(TrackerOptions options)
    : options_(options), counters_("trace_state", "processor", {kSipTrackerCounts, {}}) {}

size_t SipTracker::transactions() const {
  std::lock_guard lock(mu_);
  return txn_index_.size();
}

size_t SipTracker::dialogs() const {
  std::lock_guard lock(mu_);
  return dialog_index_.size();
}

int64_t SipTracker::idleLimitUs(DialogState s) const {
  switch (s) {
    case DialogState::Early:
      return micros(options_.early_dialog_timeout);
    case DialogState::Confirmed:
      return micros(options_.dialog_timeout);
    case DialogState::Ended:
      return micros(options_.ended_linger);
  }
  return micros(options_.ended_linger);
}

void SipTracker::expire(int64_t now_us) {
  if (now_us <= next_deadline_us_) return;  // nothing is due: the fronts stay unread
  next_deadline_us_ =
      txns_.expire(0, micros(options_.transaction_timeout), now_us, [&](TxnLists::Entry& e) {
        txn_index_.erase(e.value.key, txnKeyOf());
        counters_.count(TrackerCount::ExpiredTxn);
      });
  static constexpr TrackerCount kWhy[kDialogStates] = {
      TrackerCount::ExpiredEarly, TrackerCount::ExpiredIdle, TrackerCount::Ended};
  for (size_t state = 0; state < kDialogStates; ++state) {
    noteDeadline(dialogs_.expire(state, idleLimitUs(static_cast<DialogState>(state)), now_us,
                                 [&](DialogLists::Entry& e) {
                                   dialog_index_.erase(e.value.key, dialogKeyOf());
                                   counters_.count(kWhy[state]);
                                 }));
  }
}

void SipTracker::moveDialog(Id d, DialogState to, int64_t now_us) {
  // In the same state this is a refresh: the entry keeps its place, whose deadline is at or
  // after its list front's, so noteDeadline() changes nothing then.
  dialogs_.move(d, static_cast<size_t>(to), now_us);
  noteDeadline(dialogs_.at(d).queued_us + idleLimitUs(to));
}

void SipTracker::noteBranch(Txn& t, const TrackedMessage& m) {
  if (!isMethod(m, "INVITE") || !m.top_branch.starts_with(kMagicCookie)) return;
  const uint32_t b = branchHash(m.top_branch);
  for (uint8_t i = 0; i < t.branch_count; ++i) {
    if (t.branches[i] == b) return;
  }
  // A proxy chain longer than kBranches hops keeps the first ones; an ACK on a later hop
  // then falls back to the final-status rule.
  if (t.branch_count < kBranches) t.branches[t.branch_count++] = b;
}

bool SipTracker::branchSeen(const Txn& t, const TrackedMessage& m) const {
  const uint32_t b = branchHash(m.top_branch);
  for (uint8_t i = 0; i < t.branch_count; ++i) {
    if (t.branches[i] == b) return true;
  }
  return false;
}

void SipTracker::addTxn(uint64_t key, const TrackedMessage& m, ScopeRef scope, int64_t now_us) {
  Txn t;
  t.key = key;
  t.scope = std::move(scope);
  t.invite = isMethod(m, "INVITE");
  noteBranch(t, m);
  const Id id = txns_.add(0, std::move(t), now_us);
  noteDeadline(now_us + micros(options_.transaction_timeout));
  txn_index_.insert(key, id, txnKeyOf());
}

void SipTracker::updateDialog(Id d, const TrackedMessage& m, int64_t now_us) {
  const auto state = static_cast<DialogState>(dialogs_.at(d).list);
  const uint32_t invite_cseq = dialogs_.at(d).value.invite_cseq;
  DialogState to = state;
  if (!m.isRequest() && m.status >= 200) {
    if (isMethod(m, "INVITE")) {
      if (m.status < 300) {
        to = DialogState::Confirmed;  // also a late 2xx of another fork after a failure
      } else if (m.cseq == invite_cseq && state == DialogState::Early) {
        to = DialogState::Ended;  // the initial INVITE failed (a re-INVITE's failure does not)
      }
    } else if (isMethod(m, "BYE")) {
      to = DialogState::Ended;
    }
  }
  moveDialog(d, to, now_us);
}

const ScopeRef* SipTracker::observeLocked(const TrackedMessage& m, int64_t now_us) {
  expire(now_us);
  if (dialog_index_.empty() && txn_index_.empty()) return nullptr;
  const uint64_t call = callIdHash(m.call_id);
  if (!dialog_index_.empty()) {
    const Id* found = dialog_index_.find(dialogKey(call, m.from_tag), dialogKeyOf());
    if (found == nullptr && !m.to_tag.empty()) {
      found = dialog_index_.find(dialogKey(call, m.to_tag), dialogKeyOf());
    }
    if (found != nullptr) {
      const Id d = *found;
      updateDialog(d, m, now_us);
      counters_.count(TrackerCount::Held);
      return &dialogs_.at(d).value.scope;
    }
  }
  if (txn_index_.empty()) return nullptr;
  const Id* found = txn_index_.find(txnKey(call, m), txnKeyOf());
  if (found == nullptr) return nullptr;
  const Id id = *found;
  Txn& t = txns_.at(id).value;
  if (m.isRequest()) {
    if (isMethod(m, "ACK") && t.invite) {
      // The ACK of a negative reply reuses the INVITE's branch; the ACK of a 2xx is a
      // transaction of its own (RFC 3261 §17.1.1.3, §13.2.2.4), in the dialog only.
      const bool own =
          m.top_branch.starts_with(kMagicCookie) ? branchSeen(t, m) : t.final_status >= 300;
      if (!own) return nullptr;
    } else {
      noteBranch(t, m);  // a retransmission, or the copy a proxy relayed
    }
  } else if (m.status >= 200 && !isMethod(m, "CANCEL") &&
             (t.final_status == 0 || t.final_status >= 300)) {
    t.final_status = m.status;  // a 2xx of any fork wins over a failure
  }
  txns_.refresh(id, now_us);  // moved to the list's back when it reaches the front
  counters_.count(TrackerCount::Held);
  return &t.scope;
}

bool SipTracker::openTransaction(const TrackedMessage& m, ScopeRef scope, int64_t now_us) {
  if (!m.isRequest()) return false;
  std::lock_guard lock(mu_);
  expire(now_us);
  const uint64_t key = txnKey(callIdHash(m.call_id), m);
  if (const Id* id = txn_index_.find(key, txnKeyOf())) {
    txns_.refresh(*id, now_us);
    return true;
  }
  if (txn_index_.size() >= options_.max_transactions) {
    counters_.count(TrackerCount::RefusedFull);
    return false;
  }
  addTxn(key, m, std::move(scope), now_us);
  counters_.count(TrackerCount::Transactions);
  return true;
}

bool SipTracker::openDialog(const TrackedMessage& m, ScopeRef scope, int64_t now_us) {
  if (!m.isRequest() || !isMethod(m, "INVITE") || !m.to_tag.empty()) return false;
  std::lock_guard lock(mu_);
  expire(now_us);
  const uint64_t key = dialogKey(callIdHash(m.call_id), m.from_tag);
  if (const Id* id = dialog_index_.find(key, dialogKeyOf())) {
    dialogs_.refresh(*id, now_us);
    return true;
  }
  if (dialog_index_.size() >= options_.max_dialogs) {
    counters_.count(TrackerCount::RefusedFull);
    return false;
  }
  Dialog d;
  d.key = key;
  d.scope = std::move(scope);
  d.invite_cseq = m.cseq;
  const Id id = dialogs_.add(static_cast<size_t>(DialogState::Early), std::move(d), now_us);
  noteDeadline(now_us + idleLimitUs(DialogState::Early));
  dialog_index_.insert(key, id, dialogKeyOf());
  counters_.count(TrackerCount::Dialogs);
  return true;
}

}  // namespace siphon::trace
