// The pipeline and its lanes, with a sink that records what it is given: processors in order,
// fan-out sharing one record, byte-bounded queues that count what they drop, the lifecycle in
// the lane (open, write, tick, close, writeFailed), and sync() as a barrier under a fake clock.

#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/pipeline_totals.h"
#include "process/sip_parse.h"
#include "support/fake_clock.h"
#include "support/records.h"

namespace siphon::pipeline {
namespace {

const std::string kSip = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: pipe-1\r\n\r\n";

enum class Count : uint8_t { Written, Ticks };
enum class Drop : uint8_t { Failed };
constexpr std::string_view kCounts[] = {"written", "ticks"};
constexpr std::string_view kDrops[] = {"failed"};

// Records what the lane hands it; can be told to hold the lane (gate) or to throw.
class RecordingSink final : public sink::Sink {
 public:
  explicit RecordingSink(bool needs_parse = false)
      : Sink("recording", {kCounts, kDrops}), needs_parse_(needs_parse) {}
  core::Result<void, core::Failure> open() override {
    opened = true;
    return {};
  }
  void write(std::span<const record::RecordPtr> batch) override {
    std::unique_lock lock(mu_);
    gate_cv_.wait(lock, [&] { return !gated_; });
    if (interrupted) {  // as a database sink: what it cannot write is counted, not lost
      counters_.drop(Drop::Failed, batch.size());
      return;
    }
    if (throw_next_) {
      throw_next_ = false;
      throw std::runtime_error("disk on fire");
    }
    for (const auto& r : batch) seen.push_back(r);
    counters_.count(Count::Written, batch.size());
  }
  void tick() override { counters_.count(Count::Ticks); }
  void close() override { closed = true; }
  // A write held at the gate is a write waiting on a silent database: interrupting it lets it
  // go, and it and every later write fail.
  void interrupt() override {
    interrupted = true;
    gate(false);
  }
  void writeFailed(std::span<const record::RecordPtr> batch,
                   std::string_view what) noexcept override {
    failure = std::string(what);
    counters_.drop(Drop::Failed, batch.size());
  }
  [[nodiscard]] sink::SinkTiming timing() const override {
    return {64, std::chrono::milliseconds(20), false};
  }
  [[nodiscard]] bool needsSipParse() const override { return needs_parse_; }

  void gate(bool closed_gate) {
    {
      std::lock_guard lock(mu_);
      gated_ = closed_gate;
    }
    gate_cv_.notify_all();
  }
  void throwOnNextWrite() {
    std::lock_guard lock(mu_);
    throw_next_ = true;
  }
  [[nodiscard]] std::vector<record::RecordPtr> records() {
    std::lock_guard lock(mu_);
    return seen;
  }

  std::atomic<bool> opened{false}, closed{false}, interrupted{false};
  std::string failure;

 private:
  bool needs_parse_;
  std::mutex mu_;
  std::condition_variable gate_cv_;
  bool gated_ = false;
  bool throw_next_ = false;
  std::vector<record::RecordPtr> seen;
};

// Moves every record to lane 1 and counts what it saw, to show the chain runs in order.
class ToLaneOne final : public process::Processor {
 public:
  ToLaneOne() : Processor("to_lane_one", {kCounts, {}}) {}
  process::Verdict process(record::Record& r) override {
    r.lanes.reset().set(1);
    counters_.count(Count::Written);
    return process::Verdict::Keep;
  }
};

record::RecordBox recordOf(std::string_view payload) {
  return record::makeRecord(support::makeCapture(payload));
}

TEST(Pipeline, FanOutSharesOneRecordAndCopiesNoPayload) {
  Pipeline p;
  auto* a = new RecordingSink;
  auto* b = new RecordingSink;
  ASSERT_TRUE(p.addLane("a", sink::SinkPtr(a), {}, true).has_value());
  ASSERT_TRUE(p.addLane("b", sink::SinkPtr(b), {}, true).has_value());
  ASSERT_TRUE(p.start().has_value());
  EXPECT_TRUE(a->opened && b->opened);
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(p.push(recordOf(kSip), source::PushPolicy::DropWhenFull));
  p.sync();
  auto ra = a->records(), rb = b->records();
  ASSERT_EQ(ra.size(), 10u);
  ASSERT_EQ(rb.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(ra[i].get(), rb[i].get()) << "one record for both lanes";
    EXPECT_EQ(ra[i]->meta().payload.data(), rb[i]->meta().payload.data());
  }
  p.stop();
  EXPECT_TRUE(a->closed && b->closed);
}

TEST(Pipeline, ProcessorsChooseTheLanesAndARecordWithNoLaneIsCounted) {
  Pipeline p;
  auto* zero = new RecordingSink;
  auto* one = new RecordingSink;
  ASSERT_TRUE(p.addLane("zero", sink::SinkPtr(zero), {}, true).has_value());
  ASSERT_TRUE(p.addLane("one", sink::SinkPtr(one), {}, false).has_value());
  p.addProcessor(std::make_unique<ToLaneOne>());
  ASSERT_TRUE(p.start().has_value());
  EXPECT_TRUE(p.push(recordOf(kSip), source::PushPolicy::DropWhenFull));
  p.sync();
  EXPECT_TRUE(zero->records().empty());
  EXPECT_EQ(one->records().size(), 1u);
  p.stop();

  Pipeline none;  // no lane at all: the record is dropped and counted, not lost
  ASSERT_TRUE(none.start().has_value());
  EXPECT_FALSE(none.push(recordOf(kSip), source::PushPolicy::DropWhenFull));
  auto totals = PipelineTotals::of(none.snapshot());
  EXPECT_EQ(totals.dropped("no_lane"), 1u);
}

TEST(Pipeline, AFullLaneDropsLiveRecordsAndCountsThemByteBound) {
  Pipeline p;
  auto* slow = new RecordingSink;
  LaneOptions small;
  small.byte_capacity = 8 * 1024;  // a few records' worth: the byte bound, not the count, is hit
  ASSERT_TRUE(p.addLane("slow", sink::SinkPtr(slow), small, true).has_value());
  ASSERT_TRUE(p.start().has_value());
  slow->gate(true);  // the sink holds its lane: nothing leaves the queue
  // One record goes to the sink and waits at the gate; the queue fills behind it.
  size_t taken = 0;
  const size_t offered = 200;
  for (size_t i = 0; i < offered; ++i)
    taken += p.push(recordOf(kSip), source::PushPolicy::DropWhenFull);
  EXPECT_LT(taken, offered);
  EXPECT_LE(p.queueBytes(), small.byte_capacity);
  slow->gate(false);
  p.stop();
  auto totals = PipelineTotals::of(p.snapshot());
  EXPECT_EQ(totals.dropped("queue_full"), offered - taken);
  EXPECT_EQ(slow->stats().countOf(Count::Written), taken) << "every record taken is written";
}

TEST(Pipeline, StopInterruptsASinkThatHoldsItsLanePastTheGraceTime) {
  Pipeline p;
  auto* held = new RecordingSink;
  LaneOptions options;
  options.stop_grace = std::chrono::milliseconds(50);
  ASSERT_TRUE(p.addLane("held", sink::SinkPtr(held), options, true).has_value());
  ASSERT_TRUE(p.start().has_value());
  held->gate(true);  // its write never ends on its own
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(p.push(recordOf(kSip), source::PushPolicy::DropWhenFull));
  p.stop();  // returns: the sink was interrupted after 50 ms
  EXPECT_TRUE(held->interrupted);
  EXPECT_TRUE(held->closed);
  EXPECT_EQ(held->stats().countOf(Count::Written) + held->stats().droppedBy(Drop::Failed), 10u)
      << "every record is written or counted";
}

TEST(Pipeline, AQuickSinkIsNotInterrupted) {
  Pipeline p;
  auto* quick = new RecordingSink;
  ASSERT_TRUE(p.addLane("quick", sink::SinkPtr(quick), {}, true).has_value());
  ASSERT_TRUE(p.start().has_value());
  ASSERT_TRUE(p.push(recordOf(kSip), source::PushPolicy::DropWhenFull));
  p.stop();
  EXPECT_FALSE(quick->interrupted);
  EXPECT_EQ(quick->stats().countOf(Count::Written), 1u);
}

TEST(Pipeline, AThrowingSinkCountsTheBatchAndTheLaneGoesOn) {
  Pipeline p;
  auto* s = new RecordingSink;
  ASSERT_TRUE(p.addLane("s", sink::SinkPtr(s), {}, true).has_value());
  ASSERT_TRUE(p.start().has_value());
  s->throwOnNextWrite();
  EXPECT_TRUE(p.push(recordOf(kSip), source::PushPolicy::DropWhenFull));
  p.sync();
  EXPECT_EQ(s->failure, "disk on fire");
  EXPECT_EQ(s->stats().droppedBy(Drop::Failed), 1u);
  EXPECT_TRUE(p.push(recordOf(kSip), source::PushPolicy::DropWhenFull));
  p.sync();
  EXPECT_EQ(s->stats().countOf(Count::Written), 1u);
  p.stop();
}

TEST(Pipeline, ASinkThatReadsTheParseNeedsTheSipParseInTheChain) {
  Pipeline without;
  ASSERT_TRUE(
      without.addLane("store", std::make_unique<RecordingSink>(true), {}, true).has_value());
  auto r = without.start();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("SIP parse"), std::string::npos) << r.error().message;

  Pipeline with;
  auto* s = new RecordingSink(true);
  ASSERT_TRUE(with.addLane("store", sink::SinkPtr(s), {}, true).has_value());
  with.addProcessor(std::make_unique<process::SipParseProcessor>(sip::FieldOptions{}));
  ASSERT_TRUE(with.start().has_value());
  EXPECT_TRUE(with.push(recordOf(kSip), source::PushPolicy::DropWhenFull));
  with.sync();
  auto seen = s->records();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0]->parsed);
  EXPECT_EQ(seen[0]->sip.fields.callid, "pipe-1");
  with.stop();
}

TEST(Pipeline, SnapshotHasEveryStageInTheOneShape) {
  support::FakeClock clock;
  Pipeline p(clock);
  ASSERT_TRUE(p.addLane("a", std::make_unique<RecordingSink>(), {}, true).has_value());
  p.addProcessor(std::make_unique<ToLaneOne>());
  auto stages = p.snapshot();
  std::vector<std::string> kinds;
  for (const auto& s : stages) kinds.push_back(s.kind + ":" + s.stage);
  EXPECT_EQ(kinds, (std::vector<std::string>{"processor:to_lane_one", "processor:pipeline",
                                             "lane:a", "sink:recording"}));
  EXPECT_EQ(&p.clock(), &clock);
}

TEST(Pipeline, TooManyLanesIsAConfigurationError) {
  Pipeline p;
  for (size_t i = 0; i < record::kMaxLanes; ++i) {
    ASSERT_TRUE(p.addLane("l", std::make_unique<RecordingSink>(), {}, false).has_value());
  }
  auto r = p.addLane("one too many", std::make_unique<RecordingSink>(), {}, false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 2);
}

TEST(Lane, OfflineInputWaitsForRoomThenGivesUpCounted) {
  auto* s = new RecordingSink;
  LaneOptions o;
  o.capacity = 1;
  o.max_wait = std::chrono::milliseconds(50);
  Lane lane("offline", sink::SinkPtr(s), o);
  lane.start();
  s->gate(true);
  // The first goes to the (gated) sink, the second fills the queue, the third waits and fails.
  EXPECT_TRUE(lane.push(recordOf(kSip), source::PushPolicy::WaitForRoom));
  while (lane.depth() != 0) std::this_thread::yield();  // the lane thread took it to the gate
  EXPECT_TRUE(lane.push(recordOf(kSip), source::PushPolicy::WaitForRoom));
  EXPECT_FALSE(lane.push(recordOf(kSip), source::PushPolicy::WaitForRoom));
  EXPECT_EQ(lane.stats().droppedBy(LaneDrop::NotQueued), 1u);
  s->gate(false);
  lane.stop();
  EXPECT_EQ(s->stats().countOf(Count::Written), 2u);
  EXPECT_TRUE(s->closed);
}

TEST(Lane, ALaneNeverStartedStillClosesItsSink) {
  auto* s = new RecordingSink;
  Lane lane("idle", sink::SinkPtr(s), {});
  lane.sync();  // not running: returns at once
  EXPECT_FALSE(s->closed);
  lane.stop();  // what open() took is let go even though no thread ever ran
  EXPECT_TRUE(s->closed);
}

}  // namespace
}  // namespace siphon::pipeline
