// The C face of LibraryTracer (include/siphon/tracer.h). Nothing may unwind into a C
// caller: every entry point catches what C++ could throw (std::bad_alloc, a toml11 or
// std::thread failure) and turns it into the function's error value.

#include <siphon/tracer.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "tracer/library_tracer.h"

struct siphon_tracer {
  std::unique_ptr<siphon::tracer::LibraryTracer> impl;
};

namespace {

void copyOut(std::string_view text, char* buffer, size_t buffer_len) {
  if (buffer == nullptr || buffer_len == 0) return;
  const size_t n = std::min(text.size(), buffer_len - 1);
  std::memcpy(buffer, text.data(), n);
  buffer[n] = '\0';
}

}  // namespace

extern "C" {

siphon_tracer* siphon_tracer_create(const char* toml, char* error, size_t error_len) {
  copyOut("", error, error_len);
  if (toml == nullptr) {
    copyOut("siphon_tracer_create: no configuration (NULL)", error, error_len);
    return nullptr;
  }
  try {
    auto made = siphon::tracer::LibraryTracer::create(toml);
    if (!made) {
      copyOut(made.error().message, error, error_len);
      return nullptr;
    }
    return new siphon_tracer{std::move(*made)};
  } catch (const std::exception& e) {
    copyOut(std::string("siphon_tracer_create: ") + e.what(), error, error_len);
  } catch (...) {
    copyOut("siphon_tracer_create: unknown error", error, error_len);
  }
  return nullptr;
}

int siphon_tracer_trace(siphon_tracer* tracer, const void* bytes, size_t length, const char* source,
                        const char* destination, int transport, int direction,
                        const char* correlation_id) {
  if (tracer == nullptr) return SIPHON_TRACE_BAD_ARGUMENT;
  siphon::tracer::TracedMessage m;
  if (bytes != nullptr) m.bytes = {static_cast<const std::byte*>(bytes), length};
  if (source != nullptr) m.source = source;
  if (destination != nullptr) m.destination = destination;
  if (correlation_id != nullptr) m.correlation = correlation_id;
  m.transport = transport;
  m.direction = direction;
  try {
    switch (tracer->impl->trace(m)) {
      case siphon::tracer::TraceOutcome::Queued:
        return SIPHON_TRACE_QUEUED;
      case siphon::tracer::TraceOutcome::Dropped:
        return SIPHON_TRACE_DROPPED;
      case siphon::tracer::TraceOutcome::BadArgument:
        return SIPHON_TRACE_BAD_ARGUMENT;
    }
  } catch (...) {  // out of memory copying the message: dropped, as a full queue would
  }
  return SIPHON_TRACE_DROPPED;
}

int siphon_tracer_flush(siphon_tracer* tracer, unsigned timeout_ms) {
  if (tracer == nullptr) return -1;
  try {
    return tracer->impl->flush(std::chrono::milliseconds(timeout_ms)) ? 0 : 1;
  } catch (...) {
    return 1;
  }
}

void siphon_tracer_stats_get(const siphon_tracer* tracer, siphon_tracer_stats* out) {
  if (out == nullptr) return;
  *out = siphon_tracer_stats{};
  if (tracer == nullptr) return;
  try {
    const auto s = tracer->impl->stats();
    out->accepted = s.accepted;
    out->dropped_queue_full = s.dropped_queue_full;
    out->rejected = s.rejected;
    out->processed = s.processed;
    out->traced = s.traced;
    out->sent = s.sent;
    out->stored = s.stored;
    out->dropped = s.dropped;
    out->queue_depth = s.queue_depth;
  } catch (...) {  // a snapshot that could not be allocated reads as zeros
  }
}

size_t siphon_tracer_stats_json(const siphon_tracer* tracer, char* buffer, size_t buffer_len) {
  copyOut("", buffer, buffer_len);
  if (tracer == nullptr) return 0;
  try {
    const std::string json = tracer->impl->statsJson();
    copyOut(json, buffer, buffer_len);
    return json.size();
  } catch (...) {
    return 0;
  }
}

void siphon_tracer_set_on(siphon_tracer* tracer, int on) {
  if (tracer != nullptr) tracer->impl->setOn(on != 0);
}

void siphon_tracer_destroy(siphon_tracer* tracer) {
  delete tracer;  // ~LibraryTracer drains the queue and stops the lanes; it does not throw
}

}  // extern "C"
