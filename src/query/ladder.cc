#include "query/ladder.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/byte_reader.h"
#include "core/endpoint.h"
#include "sip/cseq.h"

namespace siphon::query {
namespace {

bool containsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    bool eq = true;
    for (size_t k = 0; k < needle.size() && eq; ++k) {
      char a = hay[i + k];
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      eq = a == needle[k];
    }
    if (eq) return true;
  }
  return false;
}

// What the ladder needs from one message, parsed once.
struct MessageFacts {
  std::string label, cseq, cseq_method, branch;
  bool is_request = false;
  int status = 0;
  bool has_sdp = false;
};

// From the message's one parse (call assembly made it).
MessageFacts factsOf(const CallMessage& m) {
  MessageFacts f;
  const sip::SipCaptureFields& c = m.sip.fields;
  if (c.type == 1) {
    f.is_request = true;
    f.label = c.method;
  } else if (c.type == 2) {
    f.status = c.status_code;
    f.label = std::to_string(f.status);
    if (!c.reply_reason.empty()) f.label += " " + std::string(c.reply_reason);
  } else {
    f.label = "(unparsed)";
  }
  f.cseq = c.cseq;
  if (auto cseq = sip::parseCSeq(c.cseq); cseq.has_value()) f.cseq_method = cseq->method;
  f.branch = c.via_1_branch;
  std::string_view ct = c.content_type;
  f.has_sdp = containsNoCase(ct, "application/sdp") ||
              (containsNoCase(ct, "multipart/") && containsNoCase(m.sip.body, "application/sdp"));
  return f;
}

struct HopKey {
  size_t from, to;
  size_t payload_hash;
  bool operator<(const HopKey& o) const {
    return std::tie(from, to, payload_hash) < std::tie(o.from, o.to, o.payload_hash);
  }
};

}  // namespace

std::string endpointText(const core::IpAddress& ip, uint16_t port) {
  const core::IpAddress a = ip.unmapped();
  return core::hostPortText(a.empty() ? "?" : a.toString(), port);
}

std::string clockText(int64_t ts_us) {
  std::time_t secs = static_cast<std::time_t>(ts_us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06lld", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(ts_us % 1'000'000));
  return buf;
}

std::string deltaText(int64_t delta_us) {
  char buf[40];
  const char* sign = delta_us < 0 ? "-" : "+";
  int64_t a = delta_us < 0 ? -delta_us : delta_us;
  std::snprintf(buf, sizeof buf, "%s%lld.%06lld", sign, static_cast<long long>(a / 1'000'000),
                static_cast<long long>(a % 1'000'000));
  return buf;
}

Ladder buildLadder(const CallResult& call, const LadderOptions& options) {
  Ladder ladder;
  ladder.legs = call.legs;
  ladder.truncated = call.truncated;
  ladder.truncated_reason = call.truncated_reason;

  std::unordered_map<std::string, size_t> column_of;
  auto column = [&](const core::IpAddress& ip, uint16_t port) {
    std::string addr = endpointText(ip, port);
    auto [it, inserted] = column_of.emplace(addr, ladder.columns.size());
    if (inserted) ladder.columns.push_back({addr, ""});
    return it->second;
  };

  std::multimap<HopKey, size_t> by_bytes;  // arrows by hop and payload hash
  std::map<std::tuple<size_t, size_t, std::string, std::string, std::string>, size_t> by_txn_key;
  std::map<std::tuple<size_t, std::string, std::string>, size_t> txn_of;  // (leg, branch, method)
  // Per capture point: the columns every one of its messages touches (node-name labels).
  std::map<std::string, std::set<size_t>> common_columns;

  for (size_t i = 0; i < call.messages.size(); ++i) {
    const CallMessage& m = call.messages[i];
    size_t from = column(m.meta.src_ip, m.meta.src_port);
    size_t to = column(m.meta.dst_ip, m.meta.dst_port);
    std::set<size_t> ends{from, to};
    auto [cc, first_of_node] = common_columns.emplace(m.node, ends);
    if (!first_of_node) {
      std::set<size_t> keep;
      std::set_intersection(cc->second.begin(), cc->second.end(), ends.begin(), ends.end(),
                            std::inserter(keep, keep.begin()));
      cc->second = std::move(keep);
    }

    HopKey hop{from, to, std::hash<std::string_view>{}(m.payload())};
    // The same bytes on the same hop, captured at another capture point: one arrow per hop.
    bool merged = false;
    auto [lo, hi] = by_bytes.equal_range(hop);
    for (auto it = lo; it != hi; ++it) {
      LadderArrow& a = ladder.arrows[it->second];
      const CallMessage& first = call.messages[a.message];
      bool seen_here = std::find(a.capture_points.begin(), a.capture_points.end(), m.node) !=
                       a.capture_points.end();
      if (!seen_here && m.micros() - first.micros() <= options.hop_merge_window_us &&
          first.payload() == m.payload()) {
        a.also_messages.push_back(i);
        a.capture_points.push_back(m.node);
        merged = true;
        break;
      }
    }
    if (merged) continue;

    MessageFacts f = factsOf(m);
    LadderArrow a;
    a.message = i;
    a.from = from;
    a.to = to;
    a.ts_us = m.micros();
    a.label = f.label;
    a.is_request = f.is_request;
    a.status = f.status;
    a.cseq = f.cseq;
    a.branch = f.branch;
    a.leg = m.leg;
    a.capture_points.push_back(m.node);
    a.has_sdp = f.has_sdp;
    size_t index = ladder.arrows.size();

    // Retransmission: the same message again, same direction, seen at this capture point.
    for (auto it = lo; it != hi && !a.retransmission; ++it) {
      const LadderArrow& prev = ladder.arrows[it->second];
      if (call.messages[prev.message].payload() == m.payload() &&
          std::find(prev.capture_points.begin(), prev.capture_points.end(), m.node) !=
              prev.capture_points.end()) {
        a.retransmission = true;
        a.retransmission_of = prev.retransmission ? prev.retransmission_of : it->second;
      }
    }
    auto txn_key = std::make_tuple(from, to, f.branch, f.cseq, f.label);
    if (!f.branch.empty()) {
      auto prev = by_txn_key.find(txn_key);
      if (!a.retransmission && prev != by_txn_key.end()) {
        const LadderArrow& p = ladder.arrows[prev->second];
        if (std::find(p.capture_points.begin(), p.capture_points.end(), m.node) !=
            p.capture_points.end()) {
          a.retransmission = true;
          a.retransmission_of = p.retransmission ? p.retransmission_of : prev->second;
        }
      }
      by_txn_key.emplace(txn_key, index);
    }

    // RFC 3261 §17.1.1.3: the ACK of a non-2xx final response reuses the INVITE's branch and
    // belongs to the INVITE transaction; a 2xx ACK has a branch of its own (§13.2.2.4).
    std::string method = f.cseq_method.empty() ? f.label : f.cseq_method;
    std::string branch_key = f.branch.empty() ? "cseq:" + f.cseq : f.branch;
    if (method == "ACK" && txn_of.contains({m.leg, branch_key, "INVITE"})) method = "INVITE";
    auto [t, new_txn] = txn_of.emplace(std::make_tuple(m.leg, branch_key, method),
                                       ladder.transactions.size());
    if (new_txn) ladder.transactions.push_back({m.leg, f.branch, method, {}});
    a.transaction = t->second;
    ladder.transactions[a.transaction].arrows.push_back(index);

    by_bytes.emplace(hop, index);
    ladder.arrows.push_back(std::move(a));
  }

  for (size_t k = 0; k < ladder.arrows.size(); ++k) {
    auto& a = ladder.arrows[k];
    a.delta_first_us = a.ts_us - ladder.arrows.front().ts_us;
    a.delta_prev_us = k == 0 ? 0 : a.ts_us - ladder.arrows[k - 1].ts_us;
  }
  for (const auto& [node, cols] : common_columns) {
    if (cols.size() != 1 || node.empty()) continue;  // ambiguous: say nothing
    auto& label = ladder.columns[*cols.begin()].label;
    label += label.empty() ? node : "," + node;
  }
  return ladder;
}

}  // namespace siphon::query
