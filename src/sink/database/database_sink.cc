#include "sink/database/database_sink.h"

#include <algorithm>
#include <cstdio>

#include "record/record_codec.h"
#include "sink/store_sink.h"

namespace siphon::sink {
namespace {

// The store's counts first, in StoreCount's order, so that countCommit() and every reader of
// "stored" / "batches" / "batch_us" treat this sink as they treat the embedded store.
enum class DbCount : uint8_t {
  Stored,
  Batches,
  BatchUs,
  BatchMaxUs,
  CacheBytes,
  Spooled,       ///< records written to the spool
  Replayed,      ///< spooled records later stored
  SpoolRecords,  ///< gauge: records waiting in the spool
  SpoolBytes,    ///< gauge: the spool's files
  SpoolAgeS,     ///< gauge: how long the oldest spooled record has waited
  ExpiredRecords,  ///< rows retention removed (dropped tables' by the server's estimate)
  ExpiredTables,   ///< tables or day partitions retention dropped
  AlreadyStored,   ///< records an in-doubt write had stored, found by rewrite() and not written again
  kCount
};
static_assert(static_cast<int>(DbCount::CacheBytes) == static_cast<int>(StoreCount::CacheBytes));
constexpr std::string_view kDatabaseSinkCounts[] = {
    "stored",          "batches",        "batch_us",      "batch_max_us", "cache_bytes",
    "spooled",         "replayed",       "spool_records", "spool_bytes",  "spool_age_s",
    "expired_records", "expired_tables", "already_stored"};
static_assert(std::size(kDatabaseSinkCounts) == static_cast<size_t>(DbCount::kCount));

enum class DbDrop : uint8_t {
  StorageError,  ///< the database failed and no spool took the records
  SpoolFull,     ///< spooled records deleted (oldest first) to make room
  SpoolError,    ///< the spool could not write or read back a record
  kCount
};
static_assert(static_cast<int>(DbDrop::StorageError) == static_cast<int>(StoreDrop::StorageError));
constexpr std::string_view kDatabaseSinkDrops[] = {"storage_error", "spool_full", "spool_error"};
static_assert(std::size(kDatabaseSinkDrops) == static_cast<size_t>(DbDrop::kCount));

// A database batch of 5,000 records of a few kB each fits; a single record as large as a
// HEP packet or an inflated payload (a few MB) does too.
constexpr uint32_t kMaxSpoolRecordBytes = 16u << 20;

}  // namespace

DatabaseSink::DatabaseSink(DatabaseSinkOptions options, const WriterFactory& make_writer,
                           const core::Clock& clock)
    : Sink(options.name, {kDatabaseSinkCounts, kDatabaseSinkDrops}),
      options_(std::move(options)),
      clock_(clock) {
  options_.connections = std::max<size_t>(1, options_.connections);
  for (size_t i = 0; i < options_.connections; ++i) writers_.push_back(make_writer());
  crew_ = std::make_unique<WriterCrew>(options_.connections - 1);
}

DatabaseSink::~DatabaseSink() {
  crew_.reset();
  for (auto& w : writers_) w->disconnect();
}

core::Result<void, core::Failure> DatabaseSink::open() {
  if (!options_.spool_dir.empty()) {
    DiskSpoolOptions so;
    so.directory = options_.spool_dir;
    so.max_bytes = options_.spool_max_bytes;
    so.max_record_bytes = kMaxSpoolRecordBytes;
    so.segment_bytes = std::max<uint64_t>(options_.spool_max_bytes / 16, 2 * uint64_t{kMaxSpoolRecordBytes});
    so.suffix = ".dbspool";
    auto s = DiskSpool::open(std::move(so));
    if (!s.has_value()) {
      auto f = std::move(s).error();
      f.message = "spool_dir: " + f.message;
      return core::unexpected(std::move(f));
    }
    spool_ = std::move(*s);
    findOldest();
    refreshSpoolGauges();
    if (!spool_->empty()) {
      std::fprintf(stderr, "siphon: %s: %llu records spooled by an earlier run; replaying them\n",
                   options_.name.c_str(), static_cast<unsigned long long>(spool_->pendingRecords()));
      setState(SinkState::Retrying);
      // That run may have stopped in the middle of a write: the batch it was replaying (the
      // spool resumes after the last one consumed) may be stored already.
      in_doubt_ = true;
    }
  }
  for (auto& w : writers_) SIPHON_TRY(w->open());
  return {};
}

SinkTiming DatabaseSink::timing() const {
  return {options_.batch_size, options_.flush_interval, /*fill=*/true};
}

std::chrono::milliseconds DatabaseSink::idleWait() const {
  return std::min(options_.flush_interval, options_.backoff_min);
}

void DatabaseSink::setState(SinkState s) { state_.store(s, std::memory_order_relaxed); }

bool DatabaseSink::retryDue() const { return clock_.steadyNow() >= retry_at_; }

SinkHealth DatabaseSink::health() const {
  SinkHealth h;
  h.state = state_.load(std::memory_order_relaxed);
  h.spool_records = spool_records_.load(std::memory_order_relaxed);
  h.spool_bytes = spool_bytes_.load(std::memory_order_relaxed);
  const int64_t oldest = oldest_us_shared_.load(std::memory_order_relaxed);
  if (oldest > 0 && h.spool_records > 0) {
    h.spool_age_s = std::max<int64_t>(0, (clock_.wallMicros() - oldest) / 1'000'000);
  }
  if (h.state != SinkState::Ok) {
    std::lock_guard lock(error_mutex_);
    h.error = error_;
  }
  return h;
}

void DatabaseSink::refreshSpoolGauges() {
  const uint64_t records = spool_ ? spool_->pendingRecords() : 0;
  const uint64_t bytes = spool_ ? spool_->diskBytes() : 0;
  spool_records_.store(records, std::memory_order_relaxed);
  spool_bytes_.store(bytes, std::memory_order_relaxed);
  oldest_us_shared_.store(oldest_us_, std::memory_order_relaxed);
  counters_.set(DbCount::SpoolRecords, records);
  counters_.set(DbCount::SpoolBytes, bytes);
  int64_t age = 0;
  if (records > 0 && oldest_us_ > 0) age = std::max<int64_t>(0, (clock_.wallMicros() - oldest_us_) / 1'000'000);
  counters_.set(DbCount::SpoolAgeS, static_cast<uint64_t>(age));
}

void DatabaseSink::findOldest() {
  oldest_us_ = 0;
  if (!spool_ || spool_->empty()) return;
  uint64_t lost = 0;
  if (spool_->front(buffer_, lost)) {
    oldest_us_ = record::encodedSpoolTime(buffer_).value_or(clock_.wallMicros());
  }
  spool_->rewind();
  if (lost > 0) counters_.drop(DbDrop::SpoolError, lost);
}

core::Result<void, core::Failure> DatabaseSink::writeWithRetries(
    size_t w, std::span<const record::RecordPtr> part) {
  // insert_retries / insert_retry_timeout as Kamailio: retry at once, stop after the count or
  // once the time is exceeded (docs/HEP-AND-MODULES.md §2.7).
  auto first_failure = clock_.steadyNow();
  int failures = 0;
  for (;;) {
    // After a failure the part is in doubt: the attempt may have stored it before it failed.
    core::Result<void, core::Failure> r;
    if (failures == 0) {
      r = writers_[w]->write(part);
    } else if (auto again = writers_[w]->rewrite(part); again.has_value()) {
      if (*again > 0) counters_.count(DbCount::AlreadyStored, *again);
    } else {
      r = core::unexpected(std::move(again).error());
    }
    if (r.has_value()) return {};
    // Whatever state the connection is in (broken, or inside an aborted transaction), the
    // next attempt starts from a new one.
    writers_[w]->disconnect();
    if (failures == 0) first_failure = clock_.steadyNow();
    ++failures;
    if (failures > options_.insert_retries ||
        clock_.steadyNow() - first_failure > options_.insert_retry_timeout) {
      return r;
    }
    setState(SinkState::Retrying);
  }
}

void DatabaseSink::failed(const core::Failure& f, bool spooling) {
  bool changed = false;
  {
    std::lock_guard lock(error_mutex_);
    changed = error_ != f.message;
    error_ = f.message;
  }
  setState(spooling ? SinkState::Spooling : SinkState::Down);
  // One line when the trouble starts or changes, not one per batch: the counters tell the rest.
  if (!failing_ || changed) {
    std::fprintf(stderr, "siphon: %s: %s; %s\n", options_.name.c_str(), f.message.c_str(),
                 spooling ? ("spooling to " + options_.spool_dir.string()).c_str()
                          : "records dropped until the database is back");
  }
  failing_ = true;
  in_doubt_ = true;
  if (spooling) {
    backoff_ = backoff_.count() == 0 ? options_.backoff_min
                                     : std::min(options_.backoff_max, backoff_ * 2);
    retry_at_ = clock_.steadyNow() + backoff_;
  }
}

void DatabaseSink::recovered() {
  backoff_ = std::chrono::milliseconds{0};
  retry_at_ = {};
  if (failing_) {
    std::fprintf(stderr, "siphon: %s: writing again%s\n", options_.name.c_str(),
                 spool_ && !spool_->empty() ? "; replaying the spool" : "");
  }
  failing_ = false;
  setState(spool_ && !spool_->empty() ? SinkState::Retrying : SinkState::Ok);
}

void DatabaseSink::spoolBatch(std::span<const record::RecordPtr> batch) {
  const bool was_empty = spool_->empty();
  const int64_t now_us = clock_.wallMicros();
  uint64_t full = 0, errors = 0, spooled = 0;
  for (const auto& r : batch) {
    buffer_.clear();
    if (!record::encodeRecord(*r, now_us, buffer_) || buffer_.size() > spool_->maxRecordBytes()) {
      ++errors;
      continue;
    }
    auto a = spool_->append(buffer_);
    if (!a.has_value()) {
      ++errors;
      continue;
    }
    full += a->dropped_records;
    ++spooled;
  }
  if (spooled > 0) counters_.count(DbCount::Spooled, spooled);
  if (full > 0) counters_.drop(DbDrop::SpoolFull, full);
  if (errors > 0) {
    counters_.drop(DbDrop::SpoolError, errors);
    if (spooled == 0) setState(SinkState::Down);  // the spool itself fails: records are lost
  }
  if (was_empty || full > 0) {
    findOldest();
  }
  refreshSpoolGauges();
}

void DatabaseSink::replay(std::chrono::milliseconds budget) {
  if (!spool_ || spool_->empty() || !retryDue()) return;
  const auto deadline = clock_.steadyNow() + budget;
  do {
    spool_->rewind();
    replayed_.clear();
    uint64_t damaged = 0, read = 0;
    while (replayed_.size() < options_.batch_size && spool_->next(buffer_, damaged)) {
      ++read;
      auto d = record::decodeRecord(buffer_, options_.fields);
      if (!d.has_value()) {
        ++damaged;  // consumed with its batch: a record that cannot be read back is lost
        continue;
      }
      replayed_.push_back(std::move(d->record));
    }
    if (damaged > 0) counters_.drop(DbDrop::SpoolError, damaged);
    if (read == 0 && replayed_.empty()) {
      spool_->consume();  // only damage was left
      break;
    }
    if (!replayed_.empty()) {
      const auto t0 = std::chrono::steady_clock::now();
      core::Result<uint64_t, core::Failure> r = uint64_t{0};
      if (in_doubt_) {
        r = writers_[0]->rewrite(replayed_);
      } else if (auto w = writers_[0]->write(replayed_); !w.has_value()) {
        r = core::unexpected(std::move(w).error());
      }
      if (!r.has_value()) {
        writers_[0]->disconnect();
        spool_->rewind();
        failed(r.error(), /*spooling=*/true);
        break;
      }
      // What is in doubt is the spool's head (the batches a failed write or an earlier run may
      // have stored): once a batch held nothing stored, neither does what follows it.
      if (in_doubt_ && *r == 0) in_doubt_ = false;
      if (*r > 0) counters_.count(DbCount::AlreadyStored, *r);
      countCommit(counters_, replayed_.size(), t0);
      counters_.count(DbCount::Replayed, replayed_.size());
    }
    spool_->consume();
    findOldest();
    if (failing_) recovered();
  } while (!spool_->empty() && clock_.steadyNow() < deadline);
  replayed_.clear();
  if (spool_->empty() && !failing_) {
    std::fprintf(stderr, "siphon: %s: spool replayed\n", options_.name.c_str());
    setState(SinkState::Ok);
  }
  refreshSpoolGauges();
}

void DatabaseSink::write(std::span<const record::RecordPtr> batch) {
  if (batch.empty()) return;
  const bool spooled_before = spool_ && !spool_->empty();
  if (spooled_before || (spool_ && !retryDue())) {
    // Behind what is already spooled (order), or while the database is failing.
    spoolBatch(batch);
    replay(options_.replay_turn);
    return;
  }
  // The batch in parts, one per connection, each part its own transaction.
  const size_t parts =
      std::clamp<size_t>(batch.size() / options_.min_part, 1, options_.connections);
  std::vector<std::span<const record::RecordPtr>> part(parts);
  for (size_t i = 0; i < parts; ++i) {
    const size_t from = batch.size() * i / parts, to = batch.size() * (i + 1) / parts;
    part[i] = batch.subspan(from, to - from);
  }
  std::vector<core::Result<void, core::Failure>> result(parts);
  const auto t0 = std::chrono::steady_clock::now();
  crew_->run(parts, [&](size_t i) { result[i] = writeWithRetries(i, part[i]); });
  size_t stored = 0;
  const core::Failure* failure = nullptr;
  for (size_t i = 0; i < parts; ++i) {
    if (result[i].has_value()) {
      stored += part[i].size();
    } else {
      failure = &result[i].error();
    }
  }
  if (stored > 0) countCommit(counters_, stored, t0);
  if (failure == nullptr) {
    recovered();
    maintain();
    return;
  }
  failed(*failure, /*spooling=*/spool_ != nullptr);
  for (size_t i = 0; i < parts; ++i) {
    if (result[i].has_value()) continue;
    if (spool_) {
      spoolBatch(part[i]);
    } else {
      counters_.drop(DbDrop::StorageError, part[i].size());
    }
  }
}

void DatabaseSink::maintain() {
  if (failing_) return;
  const Expired e = writers_[0]->maintain(clock_.wallMicros());
  if (e.records) counters_.count(DbCount::ExpiredRecords, e.records);
  if (e.tables) counters_.count(DbCount::ExpiredTables, e.tables);
}

void DatabaseSink::tick() {
  maintain();
  replay(options_.replay_turn);
  if (spool_) refreshSpoolGauges();
}

void DatabaseSink::close() {
  if (spool_ && !spool_->empty()) {
    retry_at_ = {};  // one last try, whatever the backoff says
    replay(options_.close_replay);
    if (!spool_->empty()) {
      std::fprintf(stderr, "siphon: %s: %llu records stay spooled in %s for the next run\n",
                   options_.name.c_str(),
                   static_cast<unsigned long long>(spool_->pendingRecords()),
                   options_.spool_dir.string().c_str());
    }
  }
  for (auto& w : writers_) w->disconnect();
}

void DatabaseSink::interrupt() {
  std::fprintf(stderr, "siphon: %s: stopping while the database does not answer: writes given up\n",
               options_.name.c_str());
  for (auto& w : writers_) w->interrupt();
}

void DatabaseSink::writeFailed(std::span<const record::RecordPtr> batch,
                               std::string_view what) noexcept {
  std::fprintf(stderr, "siphon: %s: %.*s\n", options_.name.c_str(), static_cast<int>(what.size()),
               what.data());
  counters_.drop(DbDrop::StorageError, batch.size());
  for (auto& w : writers_) w->disconnect();
}

}  // namespace siphon::sink
