#pragma once
// RecordTap: where a storage sink shows the records it has just written to whoever watches
// them (the HTTP API's live tail, web/tail_hub.h), without knowing who that is: the sink
// calls publish() after each batch; an observer attaches and detaches while it runs.
//
// Cost: while nothing is attached, publish() is one relaxed atomic load. With an observer it
// is the observer's observe(), which must not block (the tail hands the batch to its own
// thread). attach/detach/publish from any thread; publish never runs an observer that
// detach() already returned from.

#include <atomic>
#include <memory>
#include <mutex>
#include <span>

#include "record/record.h"

namespace siphon::sink {

class RecordObserver {
 public:
  virtual ~RecordObserver() = default;
  /// Records just written by the storage sink (its lane's thread). Must not block.
  virtual void observe(std::span<const record::RecordPtr> batch) = 0;
};

class RecordTap {
 public:
  void attach(std::shared_ptr<RecordObserver> observer) {
    std::lock_guard lock(mu_);
    observer_ = std::move(observer);
    attached_.store(observer_ != nullptr, std::memory_order_release);
  }
  void detach() { attach(nullptr); }

  void publish(std::span<const record::RecordPtr> batch) {
    if (!attached_.load(std::memory_order_relaxed) || batch.empty()) return;
    std::shared_ptr<RecordObserver> o;
    {
      std::lock_guard lock(mu_);
      o = observer_;
    }
    if (o) o->observe(batch);
  }

 private:
  std::mutex mu_;
  std::shared_ptr<RecordObserver> observer_;
  std::atomic<bool> attached_{false};
};

}  // namespace siphon::sink
