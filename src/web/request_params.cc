#include "web/request_params.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "core/ip_address.h"

namespace siphon::web {
namespace {

core::Failure bad(const std::string& why) { return core::Failure{why, 2}; }

// Names every route accepts besides its own: `token` carries the API token in links.
constexpr std::string_view kCommon[] = {"token"};

}  // namespace

core::Result<void, core::Failure> checkNames(const Params& params,
                                             std::initializer_list<std::string_view> own,
                                             std::initializer_list<std::string_view> extra,
                                             std::string_view repeatable) {
  for (auto it = params.begin(); it != params.end(); it = params.upper_bound(it->first)) {
    const std::string& name = it->first;
    bool known = std::find(own.begin(), own.end(), name) != own.end() ||
                 std::find(extra.begin(), extra.end(), name) != extra.end() ||
                 std::find(std::begin(kCommon), std::end(kCommon), name) != std::end(kCommon);
    if (!known) return core::unexpected(bad("unknown parameter '" + name + "'"));
    if (name != repeatable && params.count(name) > 1) {
      return core::unexpected(bad("parameter '" + name + "' given more than once"));
    }
  }
  return {};
}

core::Result<size_t, core::Failure> sizeParam(const Params& params, const std::string& name,
                                              size_t fallback, size_t min, size_t max) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  const std::string& text = it->second;
  size_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return core::unexpected(bad(name + ": expected an integer from " + std::to_string(min) + " to " +
                                std::to_string(max)));
  }
  return v;
}

core::Result<void, core::Failure> timeParams(const Params& params, int64_t now_us, int64_t& since,
                                             int64_t& until) {
  for (auto [name, out] : {std::pair{"since", &since}, std::pair{"until", &until}}) {
    auto it = params.find(name);
    if (it == params.end() || it->second.empty()) continue;
    auto t = query::parseTime(it->second, now_us);
    if (!t.has_value()) return core::unexpected(bad(std::string(name) + ": " + t.error().message));
    *out = *t;
  }
  if (since && until && since > until) return core::unexpected(bad("since is after until"));
  return {};
}

int64_t wallClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string paramOr(const Params& params, const std::string& name, std::string fallback) {
  auto it = params.find(name);
  return it == params.end() ? std::move(fallback) : it->second;
}

core::Result<query::SearchQuery, core::Failure> searchQueryFrom(const Params& params,
                                                                int64_t now_us) {
  auto names = checkNames(params,
                          {"call_id", "correlation", "from_user", "to_user", "ruri_user", "method",
                           "status", "ip", "node", "since", "until", "limit", "offset", "header",
                           "custom_field1", "custom_field2", "custom_field3"},
                          {}, "header");
  SIPHON_TRY(names);
  query::SearchQuery q;
  for (auto [name, out] : {std::pair{"call_id", &q.call_id}, std::pair{"correlation", &q.correlation},
                           std::pair{"from_user", &q.from_user}, std::pair{"to_user", &q.to_user},
                           std::pair{"ruri_user", &q.ruri_user}, std::pair{"method", &q.method},
                           std::pair{"ip", &q.ip}, std::pair{"node", &q.node},
                           std::pair{"custom_field1", &q.custom_field1},
                           std::pair{"custom_field2", &q.custom_field2},
                           std::pair{"custom_field3", &q.custom_field3}}) {
    *out = paramOr(params, name, "");
  }
  if (!q.ip.empty() && !core::IpAddress::parse(q.ip)) {
    return core::unexpected(bad("ip: '" + q.ip + "' is not an IPv4 or IPv6 address"));
  }
  if (params.count("status")) {
    auto status = sizeParam(params, "status", 0, 100, 699);
    if (!status.has_value()) return core::unexpected(std::move(status).error());
    q.status = static_cast<int>(*status);
  }
  auto limit = sizeParam(params, "limit", kDefaultPageSize, 1, kMaxPageSize);
  if (!limit.has_value()) return core::unexpected(std::move(limit).error());
  q.limit = *limit;
  auto offset = sizeParam(params, "offset", 0, 0, kMaxOffset);
  if (!offset.has_value()) return core::unexpected(std::move(offset).error());
  q.offset = *offset;
  auto [first, last] = params.equal_range("header");
  for (auto it = first; it != last; ++it) {
    const std::string& text = it->second;
    auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
      return core::unexpected(bad("header: expected NAME:VALUE, got '" + text + "'"));
    }
    q.headers.emplace_back(text.substr(0, colon), text.substr(colon + 1));
  }
  SIPHON_TRY(timeParams(params, now_us, q.since, q.until));
  return q;
}

core::Result<query::SearchQuery, core::Failure> searchFiltersFrom(const Params& params, int64_t now_us) {
  Params filters;
  for (const auto& [name, value] : params) {
    if (name != "limit" && name != "offset") filters.emplace(name, value);
  }
  return searchQueryFrom(filters, now_us);
}

core::Result<query::CallQuery, core::Failure> callQueryFrom(
    const Params& params, int64_t now_us, std::initializer_list<std::string_view> extra) {
  auto names = checkNames(params, {"call_id", "correlation", "since", "until"}, extra);
  SIPHON_TRY(names);
  query::CallQuery q;
  q.call_id = paramOr(params, "call_id", "");
  q.correlation = paramOr(params, "correlation", "");
  if (q.call_id.empty() == q.correlation.empty()) {
    return core::unexpected(bad("give exactly one of call_id or correlation"));
  }
  SIPHON_TRY(timeParams(params, now_us, q.since, q.until));
  return q;
}

}  // namespace siphon::web
