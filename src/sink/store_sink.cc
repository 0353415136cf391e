#include "sink/store_sink.h"

#include <array>
#include <cstdio>
#include <vector>

#include "core/byte_reader.h"
#include "hep/extra_correlation.h"
#include "sink/store/index_key.h"
#include "sip/sip_message.h"

namespace siphon::sink {
StoreSink::StoreSink(StoreSinkOptions options, core::BoundedQueue<core::Capture>& queue,
                     core::IngestStats& stats)
    : options_(std::move(options)), queue_(queue), stats_(stats), router_(options_.routing) {}

StoreSink::~StoreSink() { flushAndStop(); }

core::Result<void, core::Failure> StoreSink::open() {
  auto s = store::BlockStore::open(options_.path, options_.store);
  if (!s.has_value()) return core::unexpected(std::move(s).error());
  store_ = std::move(*s);
  return {};
}

void StoreSink::start() {
  thread_ = std::thread([this] { run(); });
}

void StoreSink::flushAndStop() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
  if (store_) {
    commitBatch(/*force=*/true);  // everything staged is written or counted as dropped
    (void)store_->close();
    store_.reset();  // release the file: readers may open it right after a stop
  }
}

void StoreSink::stage(const core::Capture& capture) {
  // The storage path parses SIP once and keeps to what the table choice and the index keys
  // need; the printable columns (dates, address text) are made only when records are read.
  const auto& meta = capture.meta;
  std::array<int64_t, 16> keys{};
  size_t n = 0;
  auto add = [&](store::KeyKind kind, std::string_view v) {
    if (!v.empty() && n < keys.size()) keys[n++] = store::indexKey(kind, v);
  };
  std::string_view correlation = meta.correlation_id;
  std::string_view table;
  auto [kind, type] = rowKindFor(meta.payload_type);
  if (kind == RowKind::Sip) {
    auto msg = sip::SipMessage::parse(core::asText(meta.payload));
    sip::extractCaptureFields(msg, options_.row.fields, fields_);
    if (msg.parseError()) ++staged_unparsed_;
    add(store::KeyKind::CallId, fields_.callid);
    if (correlation.empty()) correlation = fields_.callid;
    add(store::KeyKind::CallIdAleg, fields_.callid_aleg);
    for (auto user : {fields_.from_user, fields_.to_user, fields_.ruri_user, fields_.pid_user}) {
      add(store::KeyKind::User, user);
    }
    table = router_.route(fields_, meta.microsSinceEpoch());
    // A correlation id equal to the Call-ID needs no key of its own: the Call-ID key finds it.
    if (correlation != fields_.callid) add(store::KeyKind::Correlation, correlation);
  } else {
    table = reportTableName(kind);  // fields_ still views the previous record here: not read
    add(store::KeyKind::Correlation, correlation);
  }
  // OpenSIPS extra correlation (0x0065): each value a Correlation key, so that call assembly
  // finds the legs a B2BUA, transfer or queue tied together (HEP-AND-MODULES.md §5.4).
  std::array<std::string_view, hep::kMaxExtraCorrelationValues> extra;
  size_t n_extra = hep::extraCorrelationValues(meta, extra);
  for (size_t i = 0; i < n_extra; ++i) {
    bool is_callid = kind == RowKind::Sip && extra[i] == fields_.callid;  // its key exists
    if (extra[i] != correlation && !is_callid) add(store::KeyKind::Correlation, extra[i]);
  }
  if (!meta.src_ip.empty()) keys[n++] = store::ipKey(meta.src_ip);
  if (!meta.dst_ip.empty()) keys[n++] = store::ipKey(meta.dst_ip);
  // The node column, built once per capture id instead of once per record (hot path).
  std::string_view node = meta.node_name;
  if (node.empty() && nodeHasCaptureId(meta)) {
    if (node_cache_.empty() || node_cache_id_ != meta.capture_id) {
      node_cache_id_ = meta.capture_id;
      node_cache_ = nodeColumn(meta, options_.row);
    }
    node = node_cache_;
  } else if (node.empty()) {
    node = options_.row.capture_node;
  }
  store_->add(table, meta, node, std::span<const int64_t>(keys.data(), n));
  ++staged_;
}

void StoreSink::commitBatch(bool force) {
  // insert_retries / insert_retry_timeout as Kamailio: retry at once, stop after the count or
  // the time is exceeded (docs/HEP-AND-MODULES.md §2.7).
  auto first_failure = std::chrono::steady_clock::now();
  int failures = 0;
  for (;;) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = store_->flush(force);
    if (r.has_value()) {
      stats_.stored.fetch_add(*r, std::memory_order_relaxed);
      if (*r > 0) {
        auto us = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::steady_clock::now() - t0)
                                            .count());
        stats_.store_batches.fetch_add(1, std::memory_order_relaxed);
        stats_.store_batch_us.fetch_add(us, std::memory_order_relaxed);
        if (us > stats_.store_batch_max_us.load(std::memory_order_relaxed)) {
          stats_.store_batch_max_us.store(us, std::memory_order_relaxed);  // one writer thread
        }
      }
      break;
    }
    if (failures == 0) first_failure = std::chrono::steady_clock::now();
    ++failures;
    if (failures > options_.insert_retries ||
        std::chrono::steady_clock::now() - first_failure > options_.insert_retry_timeout) {
      size_t lost = store_->pendingRecords();
      std::fprintf(stderr, "siphon: store: %s; %zu records dropped\n", r.error().message.c_str(), lost);
      for (size_t i = 0; i < lost; ++i) stats_.drop(core::DropReason::StorageError);
      store_->discardUnwritten();  // what is counted as dropped must not appear later
      break;
    }
  }
  stats_.unparsed_sip.fetch_add(staged_unparsed_, std::memory_order_relaxed);
  staged_ = 0;
  staged_unparsed_ = 0;
}

void StoreSink::run() {
  std::vector<core::Capture> batch;
  batch.reserve(options_.batch_size);
  for (;;) {
    queue_.popBatchFilling(batch, options_.batch_size, options_.flush_interval);
    if (!batch.empty()) {
      try {
        for (const auto& c : batch) stage(c);
        commitBatch();
      } catch (const std::exception& e) {  // the one catch-all of this thread: count, go on
        std::fprintf(stderr, "siphon: store sink: %s\n", e.what());
        for (size_t i = 0; i < staged_; ++i) stats_.drop(core::DropReason::StorageError);
        staged_ = 0;
      }
      batch.clear();
    } else if (store_) {
      commitBatch();  // open blocks due for a write, blocks grown old while nothing arrived
    }
    if (queue_.closedAndEmpty()) break;
  }
}

}  // namespace siphon::sink
