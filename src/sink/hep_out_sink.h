#pragma once
// HepOutSink: the capture agent's HEP output (Kamailio siptrace hep_mode_on=1; docs/
// HEP-AND-MODULES.md §4.6). Every record taken from the queue is encoded once (hep_version
// 1/2/3, hep_capture_id, node name 0x0013, auth key 0x000e, correlation id 0x0011, relayed
// chunks kept) and sent to each destination.
//
// Design.
//  - One thread drains a core::BoundedQueue<core::Capture>. Producers push with offer(),
//    which counts a full queue as a drop; sources are never blocked.
//  - UDP destinations get one datagram per packet, a batch's datagrams handed to the kernel
//    together (sendmmsg). A send error (ECONNREFUSED from an earlier datagram's ICMP, ...) is
//    counted, the packet tried once more, then dropped and counted.
//  - TCP/TLS destinations keep one long-lived stream. When it breaks, or the collector is not
//    there, packets go to that destination's on-disk HepSpool (hep_spool.h) and the sink
//    reconnects with exponential backoff (reconnect_min → reconnect_max). Once connected the
//    spool is replayed in order before any new packet, so the collector sees the original
//    order. Packets written into a stream just before the collector vanished may be lost in
//    the kernel buffers (TCP gives no application-level acknowledgement); everything the sink
//    knows it did not deliver is spooled.
//  - A payload too large for one packet goes as 0x0010 (gzip) when that fits, else it is cut
//    and counted as truncated (hep_out_encoder.h). Nothing is dropped without a counter.
//  - flushAndStop() closes the queue, sends (or spools) everything in it, makes one last
//    attempt to deliver the spool, and closes the streams cleanly. What is still spooled
//    stays on disk for the next run.
//
// Threads: offer() from any thread; stats() readable from any thread; open/start/flushAndStop
// from the owner.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/capture.h"
#include "core/endpoint.h"
#include "core/result.h"
#include "sink/hep_connection.h"
#include "sink/hep_out_encoder.h"
#include "sink/hep_spool.h"
#include "sink/sink.h"

namespace siphon::sink {

struct HepOutOptions {
  std::vector<core::Endpoint> destinations;  ///< duplicate_uri targets: udp:/tcp:/tls:
  HepOutEncoding encoding;                   ///< hep_version, hep_capture_id, node name, auth key
  HepTlsClientOptions tls;                   ///< tls: destinations: verify (off), ca_file
  /// Spool root; each stream destination gets a subdirectory named after it. Empty: no spool,
  /// packets for a disconnected stream are dropped and counted (reason disconnected).
  std::filesystem::path spool_dir;
  uint64_t spool_max_bytes = 64 * 1024 * 1024;  ///< per destination
  uint64_t spool_segment_bytes = 4 * 1024 * 1024;
  std::chrono::milliseconds reconnect_min{100};   ///< first retry after a failure
  std::chrono::milliseconds reconnect_max{5000};  ///< backoff doubles up to this
  std::chrono::milliseconds io_timeout{2000};     ///< connect, TLS handshake, one blocked send
  size_t batch = 256;  ///< records taken from the queue per turn
};

enum class HepOutDrop : uint8_t {
  QueueFull,     ///< offer() found the queue full
  Unencodable,   ///< the record cannot be written in hep_version (e.g. v1/v2 without IPs)
  UdpSendError,  ///< a UDP send failed twice
  SpoolFull,     ///< an unsent packet in the oldest spool segment, deleted for room
  SpoolError,    ///< the spool could not write (disk full, ...) or read back a packet
  Disconnected,  ///< a stream destination was down and no spool is configured
  kCount,
};

[[nodiscard]] std::string_view hepOutDropName(HepOutDrop r);

/// Counters: per packet and destination (a record sent to two collectors counts twice),
/// except queue_full and unencodable, which count records.
struct HepOutStats {
  std::atomic<uint64_t> sent{0};         ///< packets written to a socket (replays included)
  std::atomic<uint64_t> spooled{0};      ///< packets appended to a spool
  std::atomic<uint64_t> replayed{0};     ///< spooled packets later sent
  std::atomic<uint64_t> compressed{0};   ///< records sent with 0x0010
  std::atomic<uint64_t> truncated{0};    ///< records whose payload was cut to fit
  std::atomic<uint64_t> reconnects{0};   ///< stream connections re-established after a loss
  std::atomic<uint64_t> connect_failures{0};  ///< connect / handshake attempts that failed
  std::atomic<uint64_t> udp_send_errors{0};   ///< failed UDP sends (each try)
  std::array<std::atomic<uint64_t>, static_cast<size_t>(HepOutDrop::kCount)> dropped{};

  void drop(HepOutDrop r, uint64_t n = 1) {
    dropped[static_cast<size_t>(r)].fetch_add(n, std::memory_order_relaxed);
  }
  [[nodiscard]] uint64_t droppedBy(HepOutDrop r) const {
    return dropped[static_cast<size_t>(r)].load(std::memory_order_relaxed);
  }
  [[nodiscard]] uint64_t droppedTotal() const;
};

class HepOutSink final : public Sink {
 public:
  /// `queue` must outlive the sink; the sink closes it in flushAndStop().
  HepOutSink(HepOutOptions options, core::BoundedQueue<core::Capture>& queue);
  ~HepOutSink() override;
  HepOutSink(const HepOutSink&) = delete;
  HepOutSink& operator=(const HepOutSink&) = delete;

  /// Checks the configuration (exit code 2: no destination, hep_version not 1-3, v1/v2 to a
  /// tcp:/tls: destination, an unreadable ca_file), opens the spools (loading what an
  /// earlier run left) and the UDP sockets. A collector that is down is not an error.
  [[nodiscard]] core::Result<void, core::Failure> open() override;
  void start() override;
  void flushAndStop() override;

  /// Pushes a record for sending; false (counted as queue_full) when the queue is full.
  bool offer(core::Capture&& record);
  /// Encodes `records` and sends them to every destination, as the sink thread does with each
  /// batch it takes from the queue. For callers that run the sink on their own thread (the
  /// agent benchmark): only when start() was not called.
  void sendBatch(std::span<const core::Capture> records);

  [[nodiscard]] const HepOutStats& stats() const { return stats_; }
  /// Packets waiting in all spools (owner thread after flushAndStop(), else approximate).
  [[nodiscard]] uint64_t spooledPending() const { return spool_pending_.load(); }

 private:
  struct Destination;

  void run(std::stop_token stop);
  void deliver(Destination& d, std::span<const std::byte> packet);  // stream destinations
  void deliverDatagrams(Destination& d, std::span<const std::span<const std::byte>> packets);
  void spool(Destination& d, std::span<const std::byte> packet);
  void service(Destination& d, bool final_attempt);
  void tryConnect(Destination& d, bool ignore_backoff);
  void connectionLost(Destination& d);
  void updatePending();
  [[nodiscard]] std::chrono::milliseconds nextWait() const;

  HepOutOptions options_;
  core::BoundedQueue<core::Capture>& queue_;
  std::vector<std::unique_ptr<Destination>> destinations_;
  HepOutStats stats_;
  std::atomic<uint64_t> spool_pending_{0};
  std::vector<std::vector<std::byte>> packets_;     ///< one per record of a batch, reused
  std::vector<std::span<const std::byte>> encoded_;  ///< the batch's packets that encoded
  std::jthread thread_;
  bool opened_ = false;
};

}  // namespace siphon::sink
