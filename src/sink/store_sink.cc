#include "sink/store_sink.h"

#include <array>
#include <cstdio>
#include <vector>

#include "hep/extra_correlation.h"
#include "store/index_key.h"

namespace siphon::sink {
namespace {

constexpr std::string_view kStoreSinkCounts[] = {"stored",        "batches",     "batch_us",
                                                 "batch_max_us",  "cache_bytes", "expired_records",
                                                 "expired_blocks"};
constexpr std::string_view kStoreSinkDrops[] = {"storage_error"};
static_assert(std::size(kStoreSinkCounts) == static_cast<size_t>(StoreCount::kCount));
static_assert(std::size(kStoreSinkDrops) == static_cast<size_t>(StoreDrop::kCount));

}  // namespace

core::CounterNames storeCounterNames() { return {kStoreSinkCounts, kStoreSinkDrops}; }

void countCommit(core::StageCounters& counters, uint64_t records,
                 std::chrono::steady_clock::time_point started) {
  counters.count(StoreCount::Stored, records);
  if (records == 0) return;
  const auto us = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::steady_clock::now() - started)
                                            .count());
  counters.count(StoreCount::Batches);
  counters.count(StoreCount::BatchUs, us);
  counters.raise(StoreCount::BatchMaxUs, us);
}

StoreSink::StoreSink(StoreSinkOptions options, const core::Clock& clock)
    : Sink("store sqlite:" + options.path, storeCounterNames()),
      options_(std::move(options)),
      clock_(clock) {
  options_.store.clock = &clock_;
}

StoreSink::~StoreSink() { close(); }

core::Result<void, core::Failure> StoreSink::open() {
  auto s = store::BlockStore::open(options_.path, options_.store);
  if (!s.has_value()) return core::unexpected(std::move(s).error());
  store_ = std::move(*s);
  return {};
}

SinkTiming StoreSink::timing() const {
  return {options_.batch_size, options_.flush_interval, /*fill=*/true};
}

void StoreSink::write(std::span<const record::RecordPtr> batch) {
  for (const auto& r : batch) stage(*r);
  if (commitBatch() && options_.tap) options_.tap->publish(batch);
  expire();
}

void StoreSink::expire() {
  if (!store_ || (!options_.retention.enabled() && options_.max_store_bytes == 0)) return;
  const auto now = clock_.steadyNow();
  if (expired_at_ != core::Clock::SteadyTime{} && now - expired_at_ < std::chrono::minutes(1)) return;
  expired_at_ = now;
  const int64_t now_us = clock_.wallMicros();
  auto r = store_->expire(
      [&](std::string_view table) -> int64_t {
        const int days = options_.retention.daysFor(table);
        return days > 0 ? now_us - int64_t{days} * 86'400'000'000 : 0;
      },
      options_.max_store_bytes);
  if (!r.has_value()) {
    std::fprintf(stderr, "siphon: store: retention: %s\n", r.error().message.c_str());
    return;
  }
  if (r->records > 0) counters_.count(StoreCount::ExpiredRecords, r->records);
  if (r->blocks > 0) counters_.count(StoreCount::ExpiredBlocks, r->blocks);
}

void StoreSink::close() {
  if (!store_) return;
  commitBatch(/*force=*/true);  // everything staged is written or counted as dropped
  (void)store_->close();
  store_.reset();  // release the file: readers may open it right after a stop
}

void StoreSink::writeFailed(std::span<const record::RecordPtr>, std::string_view what) noexcept {
  std::fprintf(stderr, "siphon: store sink: %.*s\n", static_cast<int>(what.size()), what.data());
  if (store_) {
    counters_.drop(StoreDrop::StorageError, store_->pendingRecords());
    store_->discardUnwritten();  // what is counted as dropped must not appear later
  }
}

void StoreSink::stage(const record::Record& r) {
  // The table, the node column and the index keys; the printable columns (dates, address
  // text) are made only when records are read.
  const auto& meta = r.meta();
  const record::ParsedSip& sip = r.sip;
  const auto& fields = sip.fields;
  std::array<int64_t, 16> keys{};
  size_t n = 0;
  auto add = [&](store::KeyKind kind, std::string_view v) {
    if (!v.empty() && n < keys.size()) keys[n++] = store::indexKey(kind, v);
  };
  const std::string_view correlation = sip.correlation_id;
  const bool is_sip = sip.isSip();
  if (is_sip) {
    add(store::KeyKind::CallId, fields.callid);
    add(store::KeyKind::CallIdAleg, fields.callid_aleg);
    for (auto user : {fields.from_user, fields.to_user, fields.ruri_user, fields.pid_user}) {
      add(store::KeyKind::User, user);
    }
    // A correlation id equal to the Call-ID needs no key of its own: the Call-ID key finds it.
    if (correlation != fields.callid) add(store::KeyKind::Correlation, correlation);
  } else {
    add(store::KeyKind::Correlation, correlation);
  }
  // OpenSIPS extra correlation (0x0065): each value a Correlation key, so that call assembly
  // finds the legs a B2BUA, transfer or queue tied together (HEP-AND-MODULES.md §5.4).
  std::array<std::string_view, hep::kMaxExtraCorrelationValues> extra;
  size_t n_extra = hep::extraCorrelationValues(meta, extra);
  for (size_t i = 0; i < n_extra; ++i) {
    bool is_callid = is_sip && extra[i] == fields.callid;  // its key exists
    if (extra[i] != correlation && !is_callid) add(store::KeyKind::Correlation, extra[i]);
  }
  if (!meta.src_ip.empty()) keys[n++] = store::ipKey(meta.src_ip);
  if (!meta.dst_ip.empty()) keys[n++] = store::ipKey(meta.dst_ip);
  // The node column, built once per capture id instead of once per record (hot path).
  std::string_view node = meta.node_name;
  if (node.empty() && !is_sip && options_.row.homer6_reports && meta.hep_version >= 3) {
    node = options_.row.capture_node;  // Homer-6 report rows: no ":captid" (§3.4)
  } else if (node.empty() && record::nodeHasCaptureId(meta)) {
    if (node_cache_.empty() || node_cache_id_ != meta.capture_id) {
      node_cache_id_ = meta.capture_id;
      node_cache_ = record::nodeColumn(meta, options_.row);
    }
    node = node_cache_;
  } else if (node.empty()) {
    node = options_.row.capture_node;
  }
  // No table chosen (a pipeline without table routing): the family's own table.
  std::string_view pattern = r.table.empty() ? record::reportTableName(sip.kind) : r.table;
  store_->add(tables_.expand(pattern, meta.microsSinceEpoch()), meta, node,
              std::span<const int64_t>(keys.data(), n));
  countStats(r, node);
}

// The traffic statistics of one record (store/traffic_stats.h), counted with the record.
void StoreSink::countStats(const record::Record& r, std::string_view node) {
  const auto& meta = r.meta();
  const record::ParsedSip& sip = r.sip;
  const auto& f = sip.fields;
  store::StatsRecord s;
  s.micros = meta.microsSinceEpoch();
  s.node = node;
  if (!meta.src_ip.empty()) s.src_ip = ipText(meta.src_ip);
  if (!meta.dst_ip.empty()) s.dst_ip = ipText(meta.dst_ip);
  switch (sip.kind) {
    case record::RowKind::Rtcp:
      s.kind = store::StatsKind::Rtcp;
      break;
    case record::RowKind::Report:
      s.kind = store::StatsKind::Report;
      break;
    case record::RowKind::Log:
      s.kind = store::StatsKind::Log;
      break;
    case record::RowKind::Sip:
      s.kind = store::StatsKind::Sip;
      if (f.type == 1) {
        s.method = f.method;
        s.call_attempt = f.method == "INVITE" && f.to_tag.empty();
      } else if (f.type == 2 && f.status_code >= 100 && f.status_code <= 699) {
        s.code = f.method;  // a reply's method column is its code
        s.answered = f.status_code >= 200 && f.status_code < 300 && f.cseq.ends_with("INVITE");
      }
      s.user = f.from_user;
      s.user_agent = f.user_agent.substr(0, 100);
      break;
  }
  store_->addStats(s);
}

std::string_view StoreSink::ipText(const core::IpAddress& ip) {
  // Most records repeat the addresses of the one before (a few peers talk a lot).
  for (auto& cached : ip_cache_) {
    if (cached.first == ip) return cached.second;
  }
  auto& slot = ip_cache_[ip_cache_next_++ % ip_cache_.size()];
  slot = {ip, ip.toString()};
  return slot.second;
}

bool StoreSink::commitBatch(bool force) {
  if (!store_) return false;
  // insert_retries / insert_retry_timeout as Kamailio: retry at once, stop after the count or
  // the time is exceeded (docs/HEP-AND-MODULES.md §2.7).
  auto first_failure = clock_.steadyNow();
  int failures = 0;
  for (;;) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = store_->flush(force);
    if (r.has_value()) {
      countCommit(counters_, *r, t0);
      if (*r > 0) counters_.set(StoreCount::CacheBytes, store_->cacheBytes());
      return true;
    }
    if (failures == 0) first_failure = clock_.steadyNow();
    ++failures;
    if (failures > options_.insert_retries ||
        clock_.steadyNow() - first_failure > options_.insert_retry_timeout) {
      size_t lost = store_->pendingRecords();
      std::fprintf(stderr, "siphon: store: %s; %zu records dropped\n", r.error().message.c_str(), lost);
      counters_.drop(StoreDrop::StorageError, lost);
      store_->discardUnwritten();  // what is counted as dropped must not appear later
      return false;
    }
  }
}

}  // namespace siphon::sink
