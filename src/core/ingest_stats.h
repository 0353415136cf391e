#pragma once
// Counters of the collector's data path: every packet is stored or dropped with a reason.
// Atomics so that source and sink threads update them without locks.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace siphon::core {

enum class DropReason : uint8_t {
  BadHep,        ///< the packet did not decode as HEP
  AuthKey,       ///< hep_auth_key set and the packet's 0x000e did not match
  CaptureOff,    ///< capture_on / hep_capture_on switched off
  QueueFull,     ///< the sink's queue was full
  StorageError,  ///< the store refused the row after the configured retries
  StreamError,   ///< a HEP-over-TCP stream broke framing and was closed
  KernelBuffer,  ///< the kernel dropped datagrams: the socket's receive buffer was full
  NoXHeaders,    ///< xheaders_read: a plain SIP datagram without valid X-Siptrace-* headers
  kCount,
};

[[nodiscard]] constexpr std::string_view dropReasonName(DropReason r) {
  switch (r) {
    case DropReason::BadHep: return "bad_hep";
    case DropReason::AuthKey: return "auth_key";
    case DropReason::CaptureOff: return "capture_off";
    case DropReason::QueueFull: return "queue_full";
    case DropReason::StorageError: return "storage_error";
    case DropReason::StreamError: return "stream_error";
    case DropReason::KernelBuffer: return "kernel_buffer";
    case DropReason::NoXHeaders: return "no_xheaders";
    case DropReason::kCount: break;
  }
  return "unknown";
}

struct IngestStats {
  std::atomic<uint64_t> received{0};        ///< packets read from any source
  std::atomic<uint64_t> stored{0};          ///< rows committed to the store
  std::atomic<uint64_t> unparsed_sip{0};    ///< stored raw with a SIP parse error
  std::atomic<uint64_t> store_batches{0};   ///< store transactions that wrote records
  std::atomic<uint64_t> store_batch_us{0};  ///< time spent in those transactions, µs
  std::atomic<uint64_t> store_batch_max_us{0};  ///< the longest one, µs
  std::array<std::atomic<uint64_t>, static_cast<size_t>(DropReason::kCount)> dropped{};

  void drop(DropReason r, uint64_t n = 1) {
    dropped[static_cast<size_t>(r)].fetch_add(n, std::memory_order_relaxed);
  }
  [[nodiscard]] uint64_t droppedTotal() const {
    uint64_t n = 0;
    for (const auto& d : dropped) n += d.load(std::memory_order_relaxed);
    return n;
  }
};

}  // namespace siphon::core
