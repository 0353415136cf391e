#include "pipeline/lane.h"

#include <cstdio>
#include <exception>

namespace siphon::pipeline {
namespace {

constexpr std::string_view kLaneCounts[] = {"queued"};
constexpr std::string_view kLaneDrops[] = {"queue_full", "not_queued"};
static_assert(std::size(kLaneCounts) == static_cast<size_t>(LaneCount::kCount));
static_assert(std::size(kLaneDrops) == static_cast<size_t>(LaneDrop::kCount));

}  // namespace

Lane::Lane(std::string name, sink::SinkPtr sink, LaneOptions options)
    : sink_(std::move(sink)),
      options_(options),
      counters_(std::move(name), "lane", {kLaneCounts, kLaneDrops}),
      queue_(options.capacity, options.byte_capacity) {}

Lane::~Lane() { stop(); }

bool Lane::push(record::RecordPtr r, source::PushPolicy policy) {
  const size_t weight = r->footprint();
  if (queue_.tryPush(std::move(r), weight)) {  // moves only when it succeeds
    counters_.count(LaneCount::Queued);
    return true;
  }
  if (policy == source::PushPolicy::DropWhenFull) {
    counters_.drop(LaneDrop::QueueFull);
    return false;
  }
  // Offline input waits for room: a file is replayed whole. Bounded, so that a sink that never
  // drains cannot hang the reader; such a record is counted not_queued.
  const auto deadline = std::chrono::steady_clock::now() + options_.max_wait;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (queue_.tryPush(std::move(r), weight)) {
      counters_.count(LaneCount::Queued);
      return true;
    }
  }
  counters_.drop(LaneDrop::NotQueued);
  return false;
}

void Lane::start() {
  if (started_) return;
  started_ = true;
  {
    std::lock_guard lock(sync_mu_);
    running_ = true;
  }
  thread_ = std::thread([this] { run(); });
}

void Lane::stop() {
  queue_.close();
  if (thread_.joinable()) {
    std::unique_lock lock(sync_mu_);
    const bool ended = sync_done_cv_.wait_for(lock, options_.stop_grace, [&] { return !running_; });
    lock.unlock();
    if (!ended) {
      std::fprintf(stderr, "siphon: lane %s: still writing after %lld ms; interrupting it\n",
                   counters_.stage().c_str(), static_cast<long long>(options_.stop_grace.count()));
      sink_->interrupt();
    }
    thread_.join();
  } else if (!started_) {
    sink_->close();  // never started: what open() took (a connection, a file) is let go
  }
  started_ = true;  // a stopped lane does not start again
}

void Lane::sync() {
  std::unique_lock lock(sync_mu_);
  if (!running_) return;
  const uint64_t ticket = ++sync_requested_;
  lock.unlock();
  queue_.interrupt();  // the lane thread stops waiting for records and looks
  lock.lock();
  sync_done_cv_.wait(lock, [&] { return sync_done_ >= ticket || !running_; });
}

void Lane::writeBatch() {
  try {
    sink_->write(batch_);
  } catch (const std::exception& e) {
    sink_->writeFailed(batch_, e.what());
  }
  batch_.clear();
}

void Lane::serveSync() {
  uint64_t wanted = 0;
  {
    std::lock_guard lock(sync_mu_);
    wanted = sync_requested_;
    if (wanted == sync_done_) return;
  }
  // Everything pushed before the request is queued by now: write it all, then the periodic
  // work, so that what is due by the clock is written too.
  const size_t max = sink_->timing().batch;
  while (queue_.popBatch(batch_, max, std::chrono::milliseconds(0)) > 0) writeBatch();
  sink_->tick();
  {
    std::lock_guard lock(sync_mu_);
    sync_done_ = wanted;
  }
  sync_done_cv_.notify_all();
}

void Lane::run() {
  // The one catch-all of this thread: a sink's exception never ends the process. write()
  // failures are the sink's to count (writeFailed); anything else is reported and the lane
  // goes on.
  for (;;) {
    try {
      const sink::SinkTiming timing = sink_->timing();
      const size_t n = timing.fill ? queue_.popBatchFilling(batch_, timing.batch, timing.interval)
                                   : queue_.popBatch(batch_, timing.batch, sink_->idleWait());
      if (n > 0) {
        writeBatch();
      } else {
        sink_->tick();
      }
      serveSync();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "siphon: lane %s: %s\n", counters_.stage().c_str(), e.what());
      batch_.clear();
    }
    if (queue_.closedAndEmpty()) break;
  }
  try {
    sink_->close();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "siphon: lane %s: closing: %s\n", counters_.stage().c_str(), e.what());
  }
  {
    std::lock_guard lock(sync_mu_);
    running_ = false;
  }
  sync_done_cv_.notify_all();
}

}  // namespace siphon::pipeline
