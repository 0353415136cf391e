#include "web/stats_routes.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "query/search.h"
#include "store/traffic_stats.h"
#include "web/drop_history.h"
#include "web/http_reply.h"
#include "web/request_params.h"
#include "web/store_access.h"

namespace siphon::web {
namespace {

using Json = nlohmann::ordered_json;
using store::StatsDim;

constexpr int64_t kMaxPoints = 360;
constexpr int64_t kMaxBuckets = 5000;  // an interval asked for explicitly: at most this many

struct Range {
  int64_t since_s = 0, until_s = 0;
};

// since/until (CLI TIME syntax), checked; defaults: the last hour.
core::Result<Range, std::string> rangeOf(const Params& params) {
  const int64_t now = wallClockMicros();
  int64_t since = now - 3'600'000'000, until = now;
  for (auto [name, out] : {std::pair{"since", &since}, std::pair{"until", &until}}) {
    auto it = params.find(name);
    if (it == params.end() || it->second.empty()) continue;
    auto t = query::parseTime(it->second, now);
    if (!t.has_value()) return core::unexpected(std::string(name) + ": " + t.error().message);
    *out = *t;
  }
  if (since > until) return core::unexpected(std::string("since is after until"));
  return Range{since / 1'000'000, until / 1'000'000};
}

core::Result<int64_t, std::string> integerParam(const Params& params, const char* name, int64_t fallback,
                                                int64_t min, int64_t max) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return fallback;
  int64_t v = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return core::unexpected(std::string(name) + ": expected an integer from " + std::to_string(min) +
                            " to " + std::to_string(max));
  }
  return v;
}

std::string checkNames(const Params& params, std::initializer_list<std::string_view> allowed) {
  std::map<std::string, int> seen;
  for (const auto& [name, value] : params) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end() && name != "token") {
      return "unknown parameter '" + name + "'";
    }
    if (++seen[name] > 1) return "parameter '" + name + "' given twice";
  }
  return {};
}

int64_t autoInterval(const Range& r) {
  for (int64_t step : {60, 300, 900, 3600, 21600, 86400}) {
    if ((r.until_s - r.since_s) / step < kMaxPoints) return step;
  }
  return 86400 * ((r.until_s - r.since_s) / (86400 * kMaxPoints) + 1);
}

// One dimension's rows as dense series over `buckets`.
void addSeries(Json& series, const std::vector<store::StatsRow>& rows, int64_t first, int64_t interval,
               size_t n_buckets, std::map<std::string, std::vector<int64_t>>* keep = nullptr) {
  std::map<std::string, std::vector<int64_t>> by_key;
  for (const auto& row : rows) {
    const int64_t i = (row.bucket - first) / interval;
    if (i < 0 || static_cast<size_t>(i) >= n_buckets) continue;
    auto& v = by_key[row.key];
    if (v.empty()) v.assign(n_buckets, 0);
    v[static_cast<size_t>(i)] += row.count;
  }
  std::vector<std::pair<int64_t, const std::string*>> order;
  for (const auto& [key, counts] : by_key) {
    int64_t total = 0;
    for (int64_t c : counts) total += c;
    order.emplace_back(total, &key);
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : *a.second < *b.second;
  });
  for (const auto& [total, key] : order) {
    series.push_back({{"key", *key}, {"counts", by_key[*key]}, {"total", total}});
  }
  if (keep) *keep = std::move(by_key);
}

// by=drops: the collector's drops by reason per interval, from its in-memory history.
void dropsRoute(const DropHistory* drops, const httplib::Request& req, httplib::Response& res) {
  if (drops == nullptr) return replyError(res, 501, "no drop history in this process");
  auto range = rangeOf(req.params);
  if (!range.has_value()) return replyError(res, 400, range.error());
  auto asked = integerParam(req.params, "interval", 0, 60, 366 * 86400);
  if (!asked.has_value()) return replyError(res, 400, asked.error());
  const int64_t interval = *asked != 0 ? *asked - *asked % 60 : autoInterval(*range);
  const int64_t first = range->since_s - range->since_s % interval;
  const auto n = static_cast<size_t>((range->until_s - first) / interval + 1);
  Json body;
  body["by"] = "drops";
  body["since"] = range->since_s;
  body["until"] = range->until_s;
  body["interval_s"] = interval;
  auto buckets = Json::array();
  for (size_t i = 0; i < n; ++i) buckets.push_back(first + static_cast<int64_t>(i) * interval);
  body["buckets"] = std::move(buckets);
  auto series = Json::array();
  for (auto& [reason, counts] : drops->series(first, interval, n)) {
    int64_t total = 0;
    for (int64_t c : counts) total += c;
    series.push_back({{"key", reason}, {"counts", counts}, {"total", total}});
  }
  body["series"] = std::move(series);
  replyJson(res, body);
}

void seriesRoute(const StoreAccess& access, const DropHistory* drops, const httplib::Request& req,
                 httplib::Response& res) {
  if (auto bad = checkNames(req.params, {"by", "since", "until", "interval"}); !bad.empty()) {
    return replyError(res, 400, bad);
  }
  const std::string by = paramOr(req.params, "by", "total");
  if (by == "drops") return dropsRoute(drops, req, res);
  const bool asr = by == "asr";
  const StatsDim dim = asr ? StatsDim::Calls : store::statsDimFromName(by);
  if (dim == StatsDim::kCount) return replyError(res, 400, "by: unknown dimension '" + by + "'");
  auto range = rangeOf(req.params);
  if (!range.has_value()) return replyError(res, 400, range.error());
  auto asked = integerParam(req.params, "interval", 0, 60, 366 * 86400);
  if (!asked.has_value()) return replyError(res, 400, asked.error());
  int64_t interval = *asked != 0 ? *asked - *asked % 60 : autoInterval(*range);
  if (store::isTopDim(dim)) interval = std::max<int64_t>(interval - interval % 3600, 3600);
  const int64_t first = range->since_s - range->since_s % interval;
  const int64_t n = (range->until_s - first) / interval + 1;
  if (n > kMaxBuckets) return replyError(res, 400, "interval: more than 5000 points; choose a larger one");
  if (!access.embedded()) return replyError(res, 501, "traffic statistics are kept by the embedded store only");
  auto db = access.open();
  if (!db.has_value()) return replyError(res, 500, db.error().message);
  Json body;
  body["by"] = by;
  body["since"] = range->since_s;
  body["until"] = range->until_s;
  body["interval_s"] = interval;
  auto buckets = Json::array();
  for (int64_t i = 0; i < n; ++i) buckets.push_back(first + i * interval);
  body["buckets"] = std::move(buckets);
  auto series = Json::array();
  const auto size = static_cast<size_t>(n);
  if (!asr) {
    auto rows = (*db)->statsSeries(dim, first, range->until_s, interval);
    if (!rows.has_value()) return replyError(res, 500, rows.error().message);
    addSeries(series, *rows, first, interval, size);
  } else {
    std::map<std::string, std::vector<int64_t>> calls, answered;
    for (auto [d, out, name] : {std::tuple{StatsDim::Calls, &calls, "calls"},
                                std::tuple{StatsDim::Answered, &answered, "answered"}}) {
      auto rows = (*db)->statsSeries(d, first, range->until_s, interval);
      if (!rows.has_value()) return replyError(res, 500, rows.error().message);
      Json one = Json::array();
      addSeries(one, *rows, first, interval, size, out);
      if (one.empty()) one.push_back({{"key", ""}, {"counts", std::vector<int64_t>(size, 0)}, {"total", 0}});
      one[0]["key"] = name;
      series.push_back(std::move(one[0]));
    }
    const auto c = calls.empty() ? std::vector<int64_t>(size, 0) : calls.begin()->second;
    const auto a = answered.empty() ? std::vector<int64_t>(size, 0) : answered.begin()->second;
    auto values = Json::array();
    for (size_t i = 0; i < size; ++i) {
      values.push_back(c[i] > 0 ? Json(100.0 * static_cast<double>(a[i]) / static_cast<double>(c[i])) : Json());
    }
    series.push_back({{"key", "asr"}, {"values", std::move(values)}});
  }
  body["series"] = std::move(series);
  replyJson(res, body);
}

void topRoute(const StoreAccess& access, const httplib::Request& req, httplib::Response& res) {
  if (auto bad = checkNames(req.params, {"by", "since", "until", "limit"}); !bad.empty()) {
    return replyError(res, 400, bad);
  }
  const std::string by = paramOr(req.params, "by", "src_ip");
  const StatsDim dim = store::statsDimFromName(by);
  if (dim == StatsDim::kCount) return replyError(res, 400, "by: unknown dimension '" + by + "'");
  auto range = rangeOf(req.params);
  if (!range.has_value()) return replyError(res, 400, range.error());
  auto limit = integerParam(req.params, "limit", 10, 1, 100);
  if (!limit.has_value()) return replyError(res, 400, limit.error());
  if (!access.embedded()) return replyError(res, 501, "traffic statistics are kept by the embedded store only");
  auto db = access.open();
  if (!db.has_value()) return replyError(res, 500, db.error().message);
  // Buckets that start inside the range; an hour-bucketed dimension takes the hour `since` is in.
  const int64_t since = store::statsBucket(dim, range->since_s * 1'000'000);
  auto rows = (*db)->statsTop(dim, since, range->until_s, static_cast<size_t>(*limit));
  if (!rows.has_value()) return replyError(res, 500, rows.error().message);
  auto top = Json::array();
  for (const auto& r : *rows) top.push_back({{"key", r.key}, {"count", r.count}});
  Json body;
  body["by"] = by;
  body["since"] = range->since_s;
  body["until"] = range->until_s;
  body["top"] = std::move(top);
  replyJson(res, body);
}

// Messages over time for the search's filters (the histogram above the results). When the
// filters are at most one of method, status or node, the store's statistics answer exactly;
// otherwise the newest kScanLimit matches are counted, and "exact" says whether that was all.
constexpr size_t kScanLimit = 20'000;

void histogramRoute(const StoreAccess& access, const httplib::Request& req, httplib::Response& res) {
  Params params;
  for (const auto& [name, value] : req.params) {
    if (name != "limit" && name != "offset") params.emplace(name, value);
  }
  auto q = searchQueryFrom(params, wallClockMicros());
  if (!q.has_value()) return replyError(res, 400, q.error().message);
  auto range = rangeOf(req.params);
  if (!range.has_value()) return replyError(res, 400, range.error());
  const int64_t interval = autoInterval(*range);
  const int64_t first = range->since_s - range->since_s % interval;
  const auto n = static_cast<size_t>((range->until_s - first) / interval + 1);
  std::vector<int64_t> counts(n, 0);
  const bool only_stats_filters = q->call_id.empty() && q->correlation.empty() && q->from_user.empty() &&
                                  q->to_user.empty() && q->ruri_user.empty() && q->ip.empty() &&
                                  q->headers.empty() && q->custom_field1.empty() && q->custom_field2.empty() &&
                                  q->custom_field3.empty();
  const int filters = !q->method.empty() + q->status.has_value() + !q->node.empty();
  Json body;
  if (access.embedded() && only_stats_filters && filters <= 1) {
    StatsDim dim = StatsDim::Total;
    std::string key;
    if (!q->method.empty()) {
      dim = StatsDim::Method;
      key = q->method;
    } else if (q->status) {
      dim = StatsDim::Code;
      key = std::to_string(*q->status);
    } else if (!q->node.empty()) {
      dim = StatsDim::Node;
      key = q->node;
    }
    auto db = access.open();
    if (!db.has_value()) return replyError(res, 500, db.error().message);
    auto rows = (*db)->statsSeries(dim, first, range->until_s, interval);
    if (!rows.has_value()) return replyError(res, 500, rows.error().message);
    for (const auto& r : *rows) {
      const int64_t i = (r.bucket - first) / interval;
      if (r.key == key && i >= 0 && static_cast<size_t>(i) < n) counts[static_cast<size_t>(i)] += r.count;
    }
    body["source"] = "statistics";
    body["exact"] = true;
  } else {
    q->since = range->since_s * 1'000'000;
    q->until = range->until_s * 1'000'000 + 999'999;
    q->limit = kScanLimit;
    q->offset = 0;
    auto found = access.search(*q);
    if (!found.has_value()) return replyError(res, 500, found.error().message);
    for (const auto& f : found->records) {
      const int64_t i = (f.meta.microsSinceEpoch() / 1'000'000 - first) / interval;
      if (i >= 0 && static_cast<size_t>(i) < n) ++counts[static_cast<size_t>(i)];
    }
    body["source"] = "scan";
    body["exact"] = !found->truncated;
  }
  auto buckets = Json::array();
  for (size_t i = 0; i < n; ++i) buckets.push_back(first + static_cast<int64_t>(i) * interval);
  body["since"] = range->since_s;
  body["until"] = range->until_s;
  body["interval_s"] = interval;
  body["buckets"] = std::move(buckets);
  body["counts"] = std::move(counts);
  replyJson(res, body);
}

}  // namespace

void addStatsRoutes(httplib::Server& server, const StoreAccess& store, const DropHistory* drops) {
  server.Get("/api/v1/search/histogram", [&store](const httplib::Request& req, httplib::Response& res) {
    histogramRoute(store, req, res);
  });
  server.Get("/api/v1/stats/series", [&store, drops](const httplib::Request& req, httplib::Response& res) {
    seriesRoute(store, drops, req, res);
  });
  server.Get("/api/v1/stats/top", [&store](const httplib::Request& req, httplib::Response& res) {
    topRoute(store, req, res);
  });
}

}  // namespace siphon::web
