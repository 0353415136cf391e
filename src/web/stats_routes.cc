#include "web/stats_routes.h"

#include <httplib.h>

#include <algorithm>
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
core::Result<Range, core::Failure> rangeOf(const Params& params) {
  const int64_t now = wallClockMicros();
  int64_t since = now - 3'600'000'000, until = now;
  SIPHON_TRY(timeParams(params, now, since, until));
  return Range{since / 1'000'000, until / 1'000'000};
}

// The time axis of a reply: buckets of `interval` seconds from `first`, `n` of them.
struct Axis {
  int64_t since_s = 0, until_s = 0;
  int64_t first = 0, interval = 60;
  size_t n = 0;

  /// The bucket of `seconds`, or n when it is outside the axis.
  [[nodiscard]] size_t index(int64_t seconds) const {
    const int64_t i = (seconds - first) / interval;
    return i < 0 || static_cast<size_t>(i) >= n ? n : static_cast<size_t>(i);
  }
  /// "since", "until", "interval_s" and "buckets" (each bucket's start, seconds).
  void put(Json& body) const {
    body["since"] = since_s;
    body["until"] = until_s;
    body["interval_s"] = interval;
    auto buckets = Json::array();
    for (size_t i = 0; i < n; ++i) buckets.push_back(first + static_cast<int64_t>(i) * interval);
    body["buckets"] = std::move(buckets);
  }
};

int64_t autoInterval(const Range& r) {
  for (int64_t step : {60, 300, 900, 3600, 21600, 86400}) {
    if ((r.until_s - r.since_s) / step < kMaxPoints) return step;
  }
  return 86400 * ((r.until_s - r.since_s) / (86400 * kMaxPoints) + 1);
}

// since/until and `interval` (a multiple of 60 s; absent: at most kMaxPoints points; at least an
// hour for the hour-bucketed dimensions), at most kMaxBuckets buckets.
core::Result<Axis, core::Failure> axisOf(const Params& params, bool hourly) {
  SIPHON_ASSIGN_OR_RETURN(const Range range, rangeOf(params));
  SIPHON_ASSIGN_OR_RETURN(const size_t asked, sizeParam(params, "interval", 0, 60, 366 * 86400));
  Axis a;
  a.since_s = range.since_s;
  a.until_s = range.until_s;
  a.interval = asked != 0 ? static_cast<int64_t>(asked - asked % 60) : autoInterval(range);
  if (hourly) a.interval = std::max<int64_t>(a.interval - a.interval % 3600, 3600);
  a.first = range.since_s - range.since_s % a.interval;
  const int64_t n = (range.until_s - a.first) / a.interval + 1;
  if (n > kMaxBuckets) {
    return core::unexpected(core::Failure{"interval: more than 5000 points; choose a larger one", 2});
  }
  a.n = static_cast<size_t>(n);
  return a;
}

// One dimension's rows as dense series over `buckets`.
void addSeries(Json& series, const std::vector<store::StatsRow>& rows, const Axis& axis,
               std::map<std::string, std::vector<int64_t>>* keep = nullptr) {
  std::map<std::string, std::vector<int64_t>> by_key;
  for (const auto& row : rows) {
    const size_t i = axis.index(row.bucket);
    if (i == axis.n) continue;
    auto& v = by_key[row.key];
    if (v.empty()) v.assign(axis.n, 0);
    v[i] += row.count;
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
  auto axis = axisOf(req.params, /*hourly=*/false);
  if (!axis.has_value()) return replyError(res, 400, axis.error().message);
  Json body;
  body["by"] = "drops";
  axis->put(body);
  auto series = Json::array();
  for (auto& [reason, counts] : drops->series(axis->first, axis->interval, axis->n)) {
    int64_t total = 0;
    for (int64_t c : counts) total += c;
    series.push_back({{"key", reason}, {"counts", counts}, {"total", total}});
  }
  body["series"] = std::move(series);
  replyJson(res, body);
}

void seriesRoute(const StoreAccess& access, const DropHistory* drops, const httplib::Request& req,
                 httplib::Response& res) {
  if (auto names = checkNames(req.params, {"by", "since", "until", "interval"}); !names.has_value()) {
    return replyError(res, 400, names.error().message);
  }
  const std::string by = paramOr(req.params, "by", "total");
  if (by == "drops") return dropsRoute(drops, req, res);
  const bool asr = by == "asr";
  const StatsDim dim = asr ? StatsDim::Calls : store::statsDimFromName(by);
  if (dim == StatsDim::kCount) return replyError(res, 400, "by: unknown dimension '" + by + "'");
  auto axis = axisOf(req.params, store::isTopDim(dim));
  if (!axis.has_value()) return replyError(res, 400, axis.error().message);
  auto db = access.reader();
  if (!db.has_value()) return replyError(res, 500, db.error().message);
  Json body;
  body["by"] = by;
  axis->put(body);
  auto series = Json::array();
  const size_t size = axis->n;
  if (!asr) {
    auto rows = (*db)->statsSeries(dim, axis->first, axis->until_s, axis->interval);
    if (!rows.has_value()) return replyError(res, 500, rows.error().message);
    addSeries(series, *rows, *axis);
  } else {
    std::map<std::string, std::vector<int64_t>> calls, answered;
    for (auto [d, out, name] : {std::tuple{StatsDim::Calls, &calls, "calls"},
                                std::tuple{StatsDim::Answered, &answered, "answered"}}) {
      auto rows = (*db)->statsSeries(d, axis->first, axis->until_s, axis->interval);
      if (!rows.has_value()) return replyError(res, 500, rows.error().message);
      Json one = Json::array();
      addSeries(one, *rows, *axis, out);
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
  if (auto names = checkNames(req.params, {"by", "since", "until", "limit"}); !names.has_value()) {
    return replyError(res, 400, names.error().message);
  }
  const std::string by = paramOr(req.params, "by", "src_ip");
  const StatsDim dim = store::statsDimFromName(by);
  if (dim == StatsDim::kCount) return replyError(res, 400, "by: unknown dimension '" + by + "'");
  auto range = rangeOf(req.params);
  if (!range.has_value()) return replyError(res, 400, range.error().message);
  auto limit = sizeParam(req.params, "limit", 10, 1, 100);
  if (!limit.has_value()) return replyError(res, 400, limit.error().message);
  auto db = access.reader();
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
  auto q = searchFiltersFrom(req.params, wallClockMicros());
  if (!q.has_value()) return replyError(res, 400, q.error().message);
  auto axis = axisOf(req.params, /*hourly=*/false);  // its own interval: the filters take none
  if (!axis.has_value()) return replyError(res, 400, axis.error().message);
  std::vector<int64_t> counts(axis->n, 0);
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
    auto db = access.reader();
    if (!db.has_value()) return replyError(res, 500, db.error().message);
    auto rows = (*db)->statsSeries(dim, axis->first, axis->until_s, axis->interval);
    if (!rows.has_value()) return replyError(res, 500, rows.error().message);
    for (const auto& r : *rows) {
      if (const size_t i = axis->index(r.bucket); r.key == key && i < axis->n) counts[i] += r.count;
    }
    body["source"] = "statistics";
    body["exact"] = true;
  } else {
    q->since = axis->since_s * 1'000'000;
    q->until = axis->until_s * 1'000'000 + 999'999;
    q->limit = kScanLimit;
    q->offset = 0;
    auto found = access.search(*q);
    if (!found.has_value()) return replyError(res, 500, found.error().message);
    for (const auto& f : found->records) {
      if (const size_t i = axis->index(f.meta.microsSinceEpoch() / 1'000'000); i < axis->n) ++counts[i];
    }
    body["source"] = "scan";
    body["exact"] = !found->truncated;
  }
  axis->put(body);
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
