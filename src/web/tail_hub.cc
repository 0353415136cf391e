#include "web/tail_hub.h"

#include <algorithm>

#include "record/record_json.h"

namespace siphon::web {

bool TailViewer::next(std::vector<std::shared_ptr<const std::string>>& out, std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, wait, [&] { return closed_ || !events_.empty(); });
  while (!events_.empty()) {
    out.push_back(std::move(events_.front()));
    events_.pop_front();
  }
  return !closed_;
}

uint64_t TailViewer::dropped() const {
  std::lock_guard lock(mu_);
  const uint64_t hub = hub_dropped_ ? hub_dropped_->load(std::memory_order_relaxed) - hub_dropped_base_ : 0;
  return dropped_ + hub;
}

TailHub::TailHub(record::CaptureRowOptions row, TailOptions options)
    : row_(std::move(row)), options_(options), thread_([this] { run(); }) {}

TailHub::~TailHub() { stop(); }

void TailHub::stop() {
  std::vector<std::shared_ptr<TailViewer>> viewers;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    viewers = viewers_;
  }
  cv_.notify_all();
  for (const auto& v : viewers) {
    std::lock_guard lock(v->mu_);
    v->closed_ = true;
    v->cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void TailHub::observe(std::span<const record::RecordPtr> batch) {
  if (viewer_count_.load(std::memory_order_relaxed) == 0) return;
  {
    std::lock_guard lock(mu_);
    for (const auto& r : batch) {
      if (queue_.size() >= options_.hub_records) {
        hub_dropped_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      queue_.push_back(r);
    }
  }
  cv_.notify_one();
}

std::shared_ptr<TailViewer> TailHub::subscribe(query::SearchQuery filter) {
  filter.since = 0;
  filter.until = 0;
  auto v = std::make_shared<TailViewer>();
  v->filter_ = std::move(filter);
  std::lock_guard lock(mu_);
  v->hub_dropped_ = &hub_dropped_;
  v->hub_dropped_base_ = hub_dropped_.load(std::memory_order_relaxed);
  if (stopping_ || viewers_.size() >= options_.max_viewers) return nullptr;
  viewers_.push_back(v);
  viewer_count_.store(viewers_.size(), std::memory_order_relaxed);
  return v;
}

void TailHub::unsubscribe(const std::shared_ptr<TailViewer>& viewer) {
  {
    std::lock_guard lock(mu_);
    std::erase(viewers_, viewer);
    viewer_count_.store(viewers_.size(), std::memory_order_relaxed);
  }
  viewer_left_.notify_all();
}

bool TailHub::awaitViewersGone(std::chrono::milliseconds limit) {
  std::unique_lock lock(mu_);
  return viewer_left_.wait_for(lock, limit, [&] { return viewers_.empty(); });
}

size_t TailHub::viewers() const { return viewer_count_.load(std::memory_order_relaxed); }

uint64_t TailHub::hubDropped() const { return hub_dropped_.load(std::memory_order_relaxed); }

const record::ParsedSip& TailHub::everyColumn(const record::Record& r) {
  // The collector parses for its embedded store only what the store reads (FieldSet::Store);
  // a viewer filters on and sees every column, as search shows them. Only records that reach
  // the hub (someone is watching) pay for this second parse.
  if (!r.parsed || !r.sip.isSip() || r.sip.set != sip::FieldSet::Store) return r.sip;
  record::parseSip(r.meta(), row_.fields, reparsed_, sip::FieldSet::Ingest);
  reparsed_.correlation_id = r.sip.correlation_id;  // as routing left it
  return reparsed_;
}

void TailHub::run() {
  std::deque<record::RecordPtr> work;
  std::vector<std::shared_ptr<TailViewer>> viewers;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      work.swap(queue_);
      viewers = viewers_;
    }
    for (const auto& r : work) {
      std::shared_ptr<const std::string> json;  // made once, for the first viewer it matches
      const record::ParsedSip& sip = everyColumn(*r);
      for (const auto& v : viewers) {
        if (!r->parsed || !query::matches(v->filter_, r->meta(), sip, row_)) continue;
        if (!json) {
          // As search results: the fields; the message is one request away.
          json = std::make_shared<const std::string>(
              record::recordJsonText(r->meta(), sip, row_, /*with_message=*/false));
        }
        std::lock_guard lock(v->mu_);
        if (v->events_.size() >= options_.viewer_events) {
          ++v->dropped_;
          continue;
        }
        v->events_.push_back(json);
        v->cv_.notify_one();
      }
    }
    work.clear();
    viewers.clear();
  }
}

}  // namespace siphon::web
