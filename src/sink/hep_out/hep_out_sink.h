#pragma once
// HepOutSink: the capture agent's HEP output (Kamailio siptrace hep_mode_on=1; docs/
// HEP-AND-MODULES.md §4.6). Every record taken from the queue is encoded once (hep_version
// 1/2/3, hep_capture_id, node name 0x0013, auth key 0x000e, correlation id 0x0011, relayed
// chunks kept) and sent to each destination.
//
// Design.
//  - It is the sink of a pipeline lane (sink.h): the lane's thread hands it batches from the
//    lane's bounded queue (a full queue is the lane's queue_full drop; sources never block)
//    and calls tick() when nothing came within idleWait(), which is when a reconnect is due.
//  - UDP destinations get one datagram per packet, a batch's datagrams handed to the kernel
//    together (sendmmsg). A send error (ECONNREFUSED from an earlier datagram's ICMP, ...) is
//    counted, the packet tried once more, then dropped and counted.
//  - TCP/TLS destinations keep one long-lived stream. When it breaks, or the collector is not
//    there, packets go to that destination's on-disk DiskSpool (sink/spool/disk_spool.h) and the sink
//    reconnects with exponential backoff (reconnect_min → reconnect_max). Once connected the
//    spool is replayed in order before any new packet, so the collector sees the original
//    order. Packets written into a stream just before the collector vanished may be lost in
//    the kernel buffers (TCP gives no application-level acknowledgement); everything the sink
//    knows it did not deliver is spooled.
//  - A payload too large for one packet goes as 0x0010 (gzip) when that fits, else it is cut
//    and counted as truncated (hep_out_encoder.h). Nothing is dropped without a counter.
//  - close(), after the lane drained its queue, makes one last attempt to deliver the spool
//    and closes the streams cleanly. What is still spooled stays on disk for the next run.
//  - Backoff and retry times are read from the injected clock.
//
// Threads: open() from the owner; write/tick/close on the lane thread; stats() from any.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/capture.h"
#include "core/clock.h"
#include "core/endpoint.h"
#include "core/result.h"
#include "sink/hep_out/hep_connection.h"
#include "sink/hep_out/hep_out_encoder.h"
#include "sink/spool/disk_spool.h"
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

/// Counters: per packet and destination (a record sent to two collectors counts twice),
/// except compressed, truncated and unencodable, which count records.
enum class HepOutCount : uint8_t {
  Sent,             ///< packets written to a socket (replays included)
  Spooled,          ///< packets appended to a spool
  Replayed,         ///< spooled packets later sent
  Compressed,       ///< records sent with 0x0010
  Truncated,        ///< records whose payload was cut to fit
  Reconnects,       ///< stream connections re-established after a loss
  ConnectFailures,  ///< connect / handshake attempts that failed
  UdpSendErrors,    ///< failed UDP sends (each try)
  kCount,
};

enum class HepOutDrop : uint8_t {
  Unencodable,   ///< the record cannot be written in hep_version (e.g. v1/v2 without IPs)
  UdpSendError,  ///< a UDP send failed twice
  SpoolFull,     ///< an unsent packet in the oldest spool segment, deleted for room
  SpoolError,    ///< the spool could not write (disk full, ...) or read back a packet
  Disconnected,  ///< a stream destination was down and no spool is configured
  InternalError, ///< encoding or sending threw (out of memory): the batch is lost
  kCount,
};

class HepOutSink final : public Sink {
 public:
  /// `clock` must outlive the sink.
  explicit HepOutSink(HepOutOptions options, const core::Clock& clock = core::systemClock());
  ~HepOutSink() override;

  /// Checks the configuration (exit code 2: no destination, hep_version not 1-3, v1/v2 to a
  /// tcp:/tls: destination, an unreadable ca_file), opens the spools (loading what an
  /// earlier run left) and the UDP sockets. A collector that is down is not an error.
  [[nodiscard]] core::Result<void, core::Failure> open() override;
  /// Encodes the batch and sends it to every destination (spooling for a stream that is down).
  void write(std::span<const record::RecordPtr> batch) override;
  /// Reconnects what is due and replays spools.
  void tick() override;
  /// One last try to hand the spools over, then closes the streams cleanly.
  void close() override;
  void writeFailed(std::span<const record::RecordPtr> batch, std::string_view what) noexcept override;
  [[nodiscard]] SinkTiming timing() const override;
  /// Until the next reconnect is due (at most 100 ms).
  [[nodiscard]] std::chrono::milliseconds idleWait() const override;

  /// Packets waiting in all spools (approximate while the lane runs).
  [[nodiscard]] uint64_t spooledPending() const { return spool_pending_.load(); }
  /// Spooling while any packet waits in a spool (a stream destination is or was down).
  [[nodiscard]] SinkHealth health() const override {
    SinkHealth h;
    h.spool_records = spooledPending();
    if (h.spool_records > 0) h.state = SinkState::Spooling;
    return h;
  }

 private:
  struct Destination;

  void deliver(Destination& d, std::span<const std::byte> packet);  // stream destinations
  void deliverDatagrams(Destination& d, std::span<const std::span<const std::byte>> packets);
  void spool(Destination& d, std::span<const std::byte> packet);
  void service(Destination& d, bool final_attempt);
  void tryConnect(Destination& d, bool ignore_backoff);
  void connectionLost(Destination& d);
  void updatePending();

  HepOutOptions options_;
  const core::Clock& clock_;
  std::vector<std::unique_ptr<Destination>> destinations_;
  std::atomic<uint64_t> spool_pending_{0};
  std::vector<std::vector<std::byte>> packets_;     ///< one per record of a batch, reused
  std::vector<std::span<const std::byte>> encoded_;  ///< the batch's packets that encoded
  bool closed_ = false;
};

}  // namespace siphon::sink
