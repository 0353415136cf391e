#include "tui/call_list.h"

#include <algorithm>
#include <cctype>

namespace siphon::tui {
namespace {

std::string party(std::string_view user, std::string_view domain) {
  return std::string(user.empty() ? domain : user);
}

bool containsIgnoreCase(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

// The method a CSeq value names ("1 INVITE" -> "INVITE").
std::string_view cseqMethod(std::string_view cseq) {
  const size_t space = cseq.rfind(' ');
  return space == std::string_view::npos ? cseq : cseq.substr(space + 1);
}

}  // namespace

void CallList::add(std::span<const query::Found> records) {
  std::vector<const query::Found*> sorted;
  for (const auto& f : records) {
    if (!f.sip.isSip() || f.sip.fields.callid.empty()) continue;
    const int64_t t = f.meta.microsSinceEpoch();
    if (t < newest_us_) continue;  // before where this refresh started: added already
    if (t == newest_us_ && at_newest_.contains({f.table, f.block_id, f.record_index})) continue;
    sorted.push_back(&f);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return a->meta.microsSinceEpoch() < b->meta.microsSinceEpoch();
  });
  for (const auto* f : sorted) {
    const auto& s = f->sip.fields;
    const int64_t t = f->meta.microsSinceEpoch();
    if (t > newest_us_) {
      newest_us_ = t;
      at_newest_.clear();
    }
    at_newest_.insert({f->table, f->block_id, f->record_index});
    auto [it, fresh] = calls_.try_emplace(std::string(s.callid));
    Building& b = it->second;
    if (fresh) {
      b.row.callid = std::string(s.callid);
      b.row.first_us = t;
    }
    b.row.last_us = std::max(b.row.last_us, t);
    ++b.row.messages;
    if (b.row.from.empty()) b.row.from = party(s.from_user, s.from_domain);
    if (b.row.to.empty()) b.row.to = party(s.to_user, s.to_domain);
    if (s.type == 1) {
      if (b.row.method.empty()) b.row.method = std::string(s.method);
      if (s.method == "BYE" && b.answered) b.bye = true;
      if (s.method == "CANCEL" && !b.answered) b.cancel = true;
    } else if (s.type == 2 && !b.row.method.empty() && cseqMethod(s.cseq) == b.row.method) {
      const int code = s.status_code;
      if (code == 180 || code == 183) b.ringing = true;
      if (code >= 200 && code < 300) b.answered = true;
      if (code >= 300 && b.final_failure == 0 && !b.answered) b.final_failure = code;
      if (code >= 200) b.last_final = code;
    }
  }
}

void CallList::forgetBefore(int64_t oldest_us) {
  std::erase_if(calls_, [&](const auto& entry) { return entry.second.row.last_us < oldest_us; });
}

std::vector<CallRow> CallList::rows() const {
  std::vector<CallRow> out;
  out.reserve(calls_.size());
  for (const auto& [id, b] : calls_) {
    CallRow r = b.row;
    if (r.method == "INVITE") {
      if (b.bye) {
        r.state = "COMPLETED";
      } else if (b.answered) {
        r.state = "IN CALL";
      } else if (b.cancel && (b.final_failure == 0 || b.final_failure == 487)) {
        r.state = "CANCELLED";
      } else if (b.final_failure != 0) {
        r.state = "REJECTED " + std::to_string(b.final_failure);
      } else {
        r.state = b.ringing ? "RINGING" : "CALL SETUP";
      }
    } else {
      r.state = b.last_final != 0 ? std::to_string(b.last_final) : "-";
    }
    if (r.method.empty()) r.method = "(reply)";
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const CallRow& a, const CallRow& b) {
    return a.first_us != b.first_us ? a.first_us > b.first_us : a.callid < b.callid;
  });
  return out;
}

std::vector<CallRow> groupCalls(std::span<const query::Found> records) {
  CallList list;
  list.add(records);
  return list.rows();
}

std::vector<size_t> filterRows(const std::vector<CallRow>& rows, std::string_view filter) {
  std::vector<size_t> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (containsIgnoreCase(r.callid, filter) || containsIgnoreCase(r.from, filter) ||
        containsIgnoreCase(r.to, filter) || containsIgnoreCase(r.method, filter) ||
        containsIgnoreCase(r.state, filter)) {
      out.push_back(i);
    }
  }
  return out;
}

}  // namespace siphon::tui
