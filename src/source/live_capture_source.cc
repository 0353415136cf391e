#include "source/live_capture_source.h"

#include <chrono>
#include <cstdio>

namespace siphon::source {

LiveCaptureSource::LiveCaptureSource(std::string name, uint16_t record_source,
                                     std::unique_ptr<PacketSource> packets,
                                     std::function<uint64_t()> kernel_drops,
                                     FrameRecordExtractorOptions options, Ingress& ingress,
                                     const core::Clock& clock)
    : name_(std::move(name)),
      packets_(std::move(packets)),
      kernel_drops_(std::move(kernel_drops)),
      ingress_(ingress),
      clock_(clock),
      extractor_(std::move(options), [this, record_source](core::Capture&& c) {
        record::RecordBox r = record::makeRecord(std::move(c));
        r->source = record_source;
        ingress_.push(std::move(r), PushPolicy::DropWhenFull);
      }) {}

LiveCaptureSource::~LiveCaptureSource() { stop(); }

core::Result<void, core::Failure> LiveCaptureSource::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  return {};
}

void LiveCaptureSource::stop() {
  if (!thread_.joinable()) return;
  packets_->stop();  // wakes next(): the loop ends
  thread_.join();
}

void LiveCaptureSource::snapshot(std::vector<core::StageSnapshot>& out) const {
  out.push_back(extractor_.snapshot(name_));
  out.back().drops.emplace_back("kernel", kernel_dropped_.load(std::memory_order_relaxed));
}

void LiveCaptureSource::run() {
  try {  // the one catch-all of this thread: report, end the capture, keep the process
    auto last_expire = clock_.steadyNow();
    for (;;) {
      auto next = packets_->next();
      if (!next) {
        std::fprintf(stderr, "siphon agent: %s: %s\n", name_.c_str(), next.error().message.c_str());
        break;
      }
      if (!next->has_value()) break;  // stopped
      const RawPacket& p = **next;
      if (!p.idle) extractor_.onFrame(p);
      auto now = clock_.steadyNow();
      if (now - last_expire > std::chrono::seconds(1)) {  // idle TCP flows, stale fragments
        last_expire = now;
        extractor_.expire(static_cast<uint64_t>(clock_.wallMicros()));
        if (kernel_drops_) kernel_dropped_ = kernel_drops_();
      }
    }
    extractor_.finish();
    if (kernel_drops_) kernel_dropped_ = kernel_drops_();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "siphon agent: %s: %s\n", name_.c_str(), e.what());
  }
}

}  // namespace siphon::source
