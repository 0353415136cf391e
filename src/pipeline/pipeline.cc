#include "pipeline/pipeline.h"

#include <algorithm>

namespace siphon::pipeline {
namespace {

enum class PipelineDrop : uint8_t { NoLane };
constexpr std::string_view kPipelineDrops[] = {"no_lane"};

}  // namespace

Pipeline::Pipeline(const core::Clock& clock)
    : clock_(clock), counters_("pipeline", "processor", {{}, kPipelineDrops}) {}

Pipeline::~Pipeline() { stop(); }

void Pipeline::addProcessor(process::ProcessorPtr p) { processors_.push_back(std::move(p)); }

core::Result<size_t, core::Failure> Pipeline::addLane(std::string name, sink::SinkPtr sink,
                                                      LaneOptions options, bool by_default) {
  if (lanes_.size() >= record::kMaxLanes) {
    return core::unexpected(core::Failure{
        "at most " + std::to_string(record::kMaxLanes) + " outputs (lanes) in one pipeline", 2});
  }
  const size_t index = lanes_.size();
  lanes_.push_back(std::make_unique<Lane>(std::move(name), std::move(sink), options));
  if (by_default) default_lanes_.set(index);
  return index;
}

core::Result<void, core::Failure> Pipeline::addSource(source::SourcePtr s) {
  if (running_) SIPHON_TRY(s->start());
  sources_.push_back(std::move(s));
  return {};
}

void Pipeline::addSwitch(std::string name, process::CaptureSwitch* s) {
  switches_.emplace_back(std::move(name), s);
}

process::CaptureSwitch* Pipeline::findSwitch(std::string_view name) const {
  for (const auto& [n, s] : switches_) {
    if (n == name) return s;
  }
  return nullptr;
}

core::Result<void, core::Failure> Pipeline::start() {
  const bool parses = std::any_of(processors_.begin(), processors_.end(),
                                  [](const auto& p) { return p->parsesSip(); });
  for (auto& lane : lanes_) {
    if (lane->sink().needsSipParse() && !parses) {
      return core::unexpected(core::Failure{
          lane->stats().stage() + ": the sink reads the SIP parse, and the pipeline has none", 1});
    }
  }
  for (auto& lane : lanes_) {
    if (auto opened = lane->sink().open(); !opened.has_value()) {
      stop();
      return opened;
    }
  }
  running_ = true;
  for (auto& lane : lanes_) lane->start();
  for (auto& s : sources_) {
    if (auto started = s->start(); !started.has_value()) {
      stop();
      return started;
    }
  }
  return {};
}

void Pipeline::stop() {
  for (auto& s : sources_) s->stop();  // each pushes what it already received
  for (auto& lane : lanes_) lane->stop();
  running_ = false;
}

void Pipeline::sync() {
  for (auto& lane : lanes_) lane->sync();
}

bool Pipeline::push(record::RecordBox box, source::PushPolicy policy) {
  record::Record& r = *box;
  r.lanes = default_lanes_;
  for (auto& p : processors_) {
    if (p->process(r) == process::Verdict::Drop) return false;
  }
  if (r.lanes.none()) {
    counters_.drop(PipelineDrop::NoLane);
    return false;
  }
  // Every lane but the last gets a copy of the pointer; the last takes it.
  size_t remaining = r.lanes.count();
  const record::LaneSet lanes = r.lanes;
  record::RecordPtr shared = std::move(box);  // frozen: from here on the record is only read
  bool taken = false;
  for (size_t i = 0; i < lanes_.size() && remaining > 0; ++i) {
    if (!lanes.test(i)) continue;
    --remaining;
    taken = lanes_[i]->push(remaining == 0 ? std::move(shared) : shared, policy) || taken;
  }
  return taken;
}

std::vector<core::StageSnapshot> Pipeline::snapshot() const {
  std::vector<core::StageSnapshot> out;
  for (const auto& s : sources_) s->snapshot(out);
  for (const auto* r : reporters_) r->snapshot(out);
  for (const auto& p : processors_) {
    out.push_back(p->stats().snapshot());
    p->moreStats(out);
  }
  out.push_back(counters_.snapshot());
  for (const auto& lane : lanes_) {
    out.push_back(lane->stats().snapshot());
    out.push_back(lane->sink().stats().snapshot());
  }
  return out;
}

size_t Pipeline::queueDepth() const {
  size_t n = 0;
  for (const auto& lane : lanes_) n += lane->depth();
  return n;
}

size_t Pipeline::queuePeakBytes() const {
  size_t n = 0;
  for (const auto& lane : lanes_) n += lane->peakBytes();
  return n;
}

size_t Pipeline::queueBytes() const {
  size_t n = 0;
  for (const auto& lane : lanes_) n += lane->bytes();
  return n;
}

}  // namespace siphon::pipeline
