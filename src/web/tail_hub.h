#pragma once
// TailHub: the live tail. Viewers (GET /api/v1/tail, the UI's Follow, `siphon search
// --follow`) each give search filters; every record the store writes that matches them is sent
// to the viewer as it is stored.
//
//   store lane ──RecordTap──▶ observe(): batch into the hub's bounded queue (no viewer: nothing)
//                                  │
//                         the hub's thread: each record against each viewer's filters, its
//                         JSON made once and shared, into each matching viewer's bounded queue
//                                  │
//   HTTP thread per viewer ◀── next(): waits up to a second, takes what is queued
//
// Nothing here can slow the store: observe() only moves shared pointers under a short lock,
// and when the hub's queue (or a viewer's) is full the excess is dropped and counted, for the
// viewer to be told. At most `max_viewers` watch at once (each holds an HTTP thread).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "query/search.h"
#include "record/capture_row.h"
#include "record/parsed_sip.h"
#include "record/record.h"
#include "sink/record_tap.h"

namespace siphon::web {

struct TailOptions {
  size_t max_viewers = 16;
  size_t hub_records = 50'000;    ///< records waiting for the hub's thread, at most
  size_t viewer_events = 20'000;  ///< events waiting for one viewer, at most
};

class TailHub;

class TailViewer {
 public:
  /// Waits up to `wait` for events; moves what is queued into `out` (JSON objects, one per
  /// record, each shared by every viewer it matched). Returns false once the hub stopped.
  bool next(std::vector<std::shared_ptr<const std::string>>& out, std::chrono::milliseconds wait);
  /// Records dropped because this viewer fell behind (its queue was full), plus those the hub
  /// dropped since the viewer subscribed (its queue was full: they were never filtered, so
  /// this counts them whether or not they would have matched).
  [[nodiscard]] uint64_t dropped() const;

 private:
  friend class TailHub;
  query::SearchQuery filter_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<const std::string>> events_;
  uint64_t dropped_ = 0;
  bool closed_ = false;
  const std::atomic<uint64_t>* hub_dropped_ = nullptr;
  uint64_t hub_dropped_base_ = 0;  ///< the hub's count when this viewer subscribed
};

class TailHub final : public sink::RecordObserver, public std::enable_shared_from_this<TailHub> {
 public:
  TailHub(record::CaptureRowOptions row, TailOptions options = {});
  ~TailHub() override;
  TailHub(const TailHub&) = delete;
  TailHub& operator=(const TailHub&) = delete;

  void observe(std::span<const record::RecordPtr> batch) override;

  /// A new viewer with these filters (time filters are ignored: everything new is in range),
  /// or null when max_viewers already watch.
  [[nodiscard]] std::shared_ptr<TailViewer> subscribe(query::SearchQuery filter);
  void unsubscribe(const std::shared_ptr<TailViewer>& viewer);
  /// Ends every viewer's next() and the hub's thread.
  void stop();
  /// After stop(): waits up to `limit` for every viewer's stream to end (its unsubscribe), so
  /// that the HTTP server, stopped next, does not cut a stream before its last chunk. False
  /// when some viewer was still there at the limit (a client that stopped reading).
  bool awaitViewersGone(std::chrono::milliseconds limit);

  [[nodiscard]] size_t viewers() const;
  /// Records dropped because the hub's own queue was full (all viewers missed them).
  [[nodiscard]] uint64_t hubDropped() const;

 private:
  void run();
  // `r`'s parse with every column: r.sip, or a parse again into reparsed_ (valid until the next
  // call) when r.sip has FieldSet::Store's fields only. The hub's thread only.
  const record::ParsedSip& everyColumn(const record::Record& r);

  record::CaptureRowOptions row_;
  record::ParsedSip reparsed_;
  TailOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable viewer_left_;
  std::deque<record::RecordPtr> queue_;
  std::vector<std::shared_ptr<TailViewer>> viewers_;
  std::atomic<size_t> viewer_count_{0};
  std::atomic<uint64_t> hub_dropped_{0};
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace siphon::web
