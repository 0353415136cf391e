#include "source/injected_source.h"

#include <array>
#include <string_view>

#include "record/record.h"

namespace siphon::source {
namespace {

enum class InjectedSourceCount : uint8_t { Received, Pushed, kCount };
enum class InjectedSourceDrop : uint8_t { QueueFull, Stopped, BadArgument, kCount };
constexpr std::array<std::string_view, 2> kInjectedSourceCounts = {"received", "pushed"};
constexpr std::array<std::string_view, 3> kInjectedSourceDrops = {"queue_full", "stopped",
                                                                  "bad_argument"};

constexpr size_t kRecordsPerPop = 256;

}  // namespace

InjectedSource::InjectedSource(InjectedSourceOptions options, Ingress& ingress)
    : options_(std::move(options)),
      ingress_(ingress),
      queue_(options_.queue_records, options_.queue_bytes),
      counters_(options_.name, "source", {kInjectedSourceCounts, kInjectedSourceDrops}) {}

InjectedSource::~InjectedSource() { stop(); }

core::Result<void, core::Failure> InjectedSource::start() {
  if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
  return {};
}

void InjectedSource::stop() {
  stopping_.store(true, std::memory_order_release);
  queue_.close();  // the worker drains what is left, then ends
  if (worker_.joinable()) worker_.join();
}

bool InjectedSource::offer(core::Capture&& capture) {
  if (stopping_.load(std::memory_order_acquire)) {
    counters_.drop(InjectedSourceDrop::Stopped);
    return false;
  }
  const size_t bytes = capture.footprint();
  if (!queue_.tryPush(std::move(capture), bytes)) {
    // Closed between the check above and here counts as stopped too.
    counters_.drop(stopping_.load(std::memory_order_acquire) ? InjectedSourceDrop::Stopped
                                                             : InjectedSourceDrop::QueueFull);
    return false;
  }
  accepted_.fetch_add(1, std::memory_order_acq_rel);
  counters_.count(InjectedSourceCount::Received);
  return true;
}

void InjectedSource::countBadArgument() { counters_.drop(InjectedSourceDrop::BadArgument); }

void InjectedSource::run() {
  std::vector<core::Capture> batch;
  batch.reserve(kRecordsPerPop);
  while (!queue_.closedAndEmpty()) {
    batch.clear();
    const size_t n = queue_.popBatch(batch, kRecordsPerPop, std::chrono::milliseconds(100));
    for (auto& c : batch) {
      // The pipeline counts what its processors and lanes drop; waiting for room here keeps
      // every loss in one counted place, the queue in front.
      (void)ingress_.push(record::makeRecord(std::move(c)), PushPolicy::WaitForRoom);
    }
    if (n == 0) continue;
    counters_.count(InjectedSourceCount::Pushed, n);
    {
      std::lock_guard lock(pushed_mu_);
      pushed_ += n;
    }
    pushed_cv_.notify_all();
  }
}

bool InjectedSource::flush(std::chrono::milliseconds timeout) {
  // accepted_ is raised after the push into the queue, so every capture counted here is in
  // the queue or already through it: waiting for pushed_ to reach it is enough.
  const uint64_t target = accepted_.load(std::memory_order_acquire);
  std::unique_lock lock(pushed_mu_);
  return pushed_cv_.wait_for(lock, timeout, [&] { return pushed_ >= target; });
}

uint64_t InjectedSource::accepted() const { return accepted_.load(std::memory_order_acquire); }

uint64_t InjectedSource::pushed() const { return counters_.countOf(InjectedSourceCount::Pushed); }

uint64_t InjectedSource::refused() const { return counters_.droppedTotal(); }

void InjectedSource::snapshot(std::vector<core::StageSnapshot>& out) const {
  out.push_back(counters_.snapshot());
}

}  // namespace siphon::source
