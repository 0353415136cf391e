#include "query/call_assembly.h"

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <set>
#include <tuple>

#include "core/byte_reader.h"
#include "hep/extra_correlation.h"
#include "media/sdp_media.h"

namespace siphon::query {
namespace {

// Same capture point, addresses and bytes: the identity of a duplicate capture.
bool sameCapture(const CallMessage& a, const CallMessage& b) {
  return a.node == b.node && a.meta.src_ip == b.meta.src_ip && a.meta.dst_ip == b.meta.dst_ip &&
         a.meta.src_port == b.meta.src_port && a.meta.dst_port == b.meta.dst_port &&
         a.payload() == b.payload();
}

size_t captureHash(const CallMessage& m) {
  size_t h = std::hash<std::string_view>{}(m.payload());
  h ^= std::hash<std::string>{}(m.node) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= (static_cast<size_t>(m.meta.src_port) << 16 | m.meta.dst_port) + (h << 6) + (h >> 2);
  return h;
}

// Drops captures of the same message at the same capture point within the window; `in` is in
// time order, so a duplicate always follows the capture it repeats.
std::vector<CallMessage> removeDuplicates(std::vector<CallMessage> in, int64_t window_us,
                                          size_t& duplicates) {
  std::vector<CallMessage> out;
  out.reserve(in.size());
  std::unordered_multimap<size_t, size_t> seen;  // hash -> index in out
  for (auto& m : in) {
    size_t h = captureHash(m);
    bool dup = false;
    auto [lo, hi] = seen.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
      const auto& kept = out[it->second];
      if (m.micros() - kept.micros() <= window_us && sameCapture(kept, m)) {
        dup = true;
        break;
      }
    }
    if (dup) {
      ++duplicates;
      continue;
    }
    seen.emplace(h, out.size());
    out.push_back(std::move(m));
  }
  return out;
}

// How long after a call's last message its RTCP may still come (a last report, RTCP BYE).
constexpr int64_t kMediaLingerUs = 10'000'000;
// Media addresses looked up per call at most (an offer and an answer with audio and video).
constexpr size_t kMaxMediaAddresses = 8;

using Taken = std::set<std::tuple<std::string, int64_t, size_t>>;

// RTCP stored without a correlation id (an agent that did not know the call) joins the call
// whose offer or answer named its address: each media endpoint of the call's SDP bodies
// (media/sdp_media.h), looked up by address between the call's first message and its last
// plus kMediaLingerUs; an RTCP record (payload type 5) with no correlation id whose source or
// destination is an endpoint's RTCP address is the call's. One with another call's id is not.
core::Result<size_t, core::Failure> linkMediaBySdp(CaptureReader& reader, const CallQuery& q,
                                                  const std::vector<CallMessage>& messages,
                                                  std::vector<CallReport>& reports, Taken& taken) {
  std::vector<media::MediaEndpoint> endpoints;
  std::array<media::MediaEndpoint, 8> scratch;
  int64_t first = 0, last = 0;
  for (const auto& m : messages) {
    first = first == 0 ? m.micros() : std::min(first, m.micros());
    last = std::max(last, m.micros());
    if (m.sip.fields.content_type.find("sdp") == std::string_view::npos) continue;
    const size_t n = media::sdpMediaEndpoints(m.sip.body, scratch);
    for (size_t i = 0; i < n; ++i) {
      const auto& e = scratch[i];
      const bool known = std::any_of(endpoints.begin(), endpoints.end(), [&](const media::MediaEndpoint& k) {
        return k.address == e.address && k.rtcp_port == e.rtcp_port;
      });
      if (!known) endpoints.push_back(e);
    }
  }
  std::vector<core::IpAddress> addresses;
  for (const auto& e : endpoints) {
    if (std::find(addresses.begin(), addresses.end(), e.address) == addresses.end() &&
        addresses.size() < kMaxMediaAddresses) {
      addresses.push_back(e.address);
    }
  }
  auto isEndpoint = [&](const core::IpAddress& ip, uint16_t port) {
    return std::any_of(endpoints.begin(), endpoints.end(), [&](const media::MediaEndpoint& e) {
      return e.rtcp_port == port && e.address == ip;
    });
  };
  size_t linked = 0;
  for (const auto& address : addresses) {
    SearchQuery sq;
    sq.ip = address.toString();
    sq.since = std::max(q.since, first);
    sq.until = q.until != 0 ? std::min(q.until, last + kMediaLingerUs) : last + kMediaLingerUs;
    sq.limit = q.max_messages;
    SIPHON_ASSIGN_OR_RETURN(SearchResult found, reader.search(sq));
    for (auto& f : found.records) {
      const auto& meta = f.meta;
      if (meta.payload_type != 5 || !meta.correlation_id.empty()) continue;
      if (!isEndpoint(meta.src_ip, meta.src_port) && !isEndpoint(meta.dst_ip, meta.dst_port)) continue;
      if (!taken.insert({f.table, f.block_id, f.record_index}).second) continue;
      if (reports.size() >= q.max_messages) break;
      reports.push_back(CallReport{f.block_bytes, meta, record::RowKind::Rtcp, f.table, f.block_id, f.record_index});
      ++linked;
    }
  }
  return linked;
}

}  // namespace

core::Result<CallResult, core::Failure> assembleCall(CaptureReader& reader, const CallQuery& q,
                                                     const record::CaptureRowOptions& row_options) {
  if (q.call_id.empty() == q.correlation.empty()) {
    return core::unexpected(core::Failure{"give exactly one of a Call-ID or a correlation id", 2});
  }
  CallResult result;
  std::deque<std::string> pending{q.call_id.empty() ? q.correlation : q.call_id};
  std::unordered_set<std::string> seen_ids{pending.front()};
  Taken taken;  // a message found twice is one
  std::unordered_map<std::string, size_t> leg_of;
  std::vector<CallMessage> found;
  std::vector<CallReport> reports;
  std::array<std::string_view, hep::kMaxExtraCorrelationValues> extra;

  auto cut = [&](std::string reason) {
    if (!result.truncated) result.truncated_reason = std::move(reason);
    result.truncated = true;
  };
  auto enqueue = [&](std::string_view id) {
    if (id.empty()) return;
    auto [it, inserted] = seen_ids.emplace(id);
    if (inserted) pending.emplace_back(*it);
  };

  while (!pending.empty() && found.size() <= q.max_messages) {
    std::string id = std::move(pending.front());
    pending.pop_front();
    ++result.identifiers;
    // One more than the room left, to tell "exactly the limit" from "more".
    auto candidates = reader.byIdentifier(id, q.since, q.until, q.max_messages + 1 - found.size());
    if (!candidates.has_value()) return core::unexpected(std::move(candidates).error());
    ++result.blocks_read;
    for (auto& f : *candidates) {
      if (found.size() > q.max_messages) break;
      if (taken.contains({f.table, f.block_id, f.record_index})) continue;
      const auto& meta = f.meta;
      record::ParsedSip sip;
      record::parseSip(meta, row_options.fields, sip);
      const auto& fields = sip.fields;
      size_t n_extra = hep::extraCorrelationValues(meta, extra);
      bool in_extra = std::find(extra.begin(), extra.begin() + static_cast<ptrdiff_t>(n_extra), id) !=
                      extra.begin() + static_cast<ptrdiff_t>(n_extra);
      if (fields.callid != id && fields.callid_aleg != id && meta.correlation_id != id && !in_extra) {
        continue;  // the text merely mentions the id (or an index hash collision)
      }
      if (!sip.isSip()) {
        if (reports.size() >= q.max_messages) {
          cut("more than " + std::to_string(q.max_messages) + " RTCP and report records");
          continue;
        }
        taken.insert({f.table, f.block_id, f.record_index});
        reports.push_back(CallReport{f.block_bytes, meta, sip.kind, f.table, f.block_id, f.record_index});
        continue;
      }
      auto leg = leg_of.find(std::string(fields.callid));
      if (leg == leg_of.end()) {
        if (result.legs.size() >= q.max_legs) {
          cut("more than " + std::to_string(q.max_legs) + " legs (Call-IDs) are correlated");
          continue;
        }
        leg = leg_of.emplace(std::string(fields.callid), result.legs.size()).first;
        result.legs.emplace_back(fields.callid);
      }
      taken.insert({f.table, f.block_id, f.record_index});
      CallMessage m;
      m.block_bytes = f.block_bytes;
      m.meta = meta;
      m.sip = sip;
      m.table = f.table;
      m.callid = fields.callid;
      m.callid_aleg = fields.callid_aleg;
      m.correlation_id = meta.correlation_id;
      for (size_t k = 0; k < n_extra; ++k) m.extra_correlation.emplace_back(extra[k]);
      m.node = meta.node_name;
      m.leg = leg->second;
      m.block_id = f.block_id;
      m.record_index = f.record_index;
      enqueue(m.callid);
      enqueue(m.callid_aleg);
      enqueue(m.correlation_id);
      for (const auto& v : m.extra_correlation) enqueue(v);
      found.push_back(std::move(m));
    }
  }
  std::sort(found.begin(), found.end(), [](const CallMessage& a, const CallMessage& b) {
    if (a.micros() != b.micros()) return a.micros() < b.micros();
    if (a.block_id != b.block_id) return a.block_id < b.block_id;
    return a.record_index < b.record_index;
  });
  // One message more than the limit was collected, to tell "exactly the limit" from "more".
  if (found.size() > q.max_messages) {
    found.resize(q.max_messages);
    cut("more than " + std::to_string(q.max_messages) + " messages (the earliest found are kept)");
  }
  result.messages = removeDuplicates(std::move(found), q.duplicate_window_us, result.duplicates);
  SIPHON_ASSIGN_OR_RETURN(result.reports_by_sdp, linkMediaBySdp(reader, q, result.messages, reports, taken));
  std::sort(reports.begin(), reports.end(), [](const CallReport& a, const CallReport& b) {
    if (a.micros() != b.micros()) return a.micros() < b.micros();
    if (a.block_id != b.block_id) return a.block_id < b.block_id;
    return a.record_index < b.record_index;
  });
  result.reports = std::move(reports);
  return result;
}

}  // namespace siphon::query
