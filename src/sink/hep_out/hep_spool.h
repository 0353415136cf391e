#pragma once
// HepSpool: a bounded on-disk FIFO of encoded HEP packets for one stream destination.
//
// Design. While a TCP/TLS collector is unreachable the HEP-out sink appends every packet here
// and replays them in order once the connection is back. The spool is a directory of
// append-only segment files named by a rising sequence number (`0000000000000001.hepspool`);
// each record is a 4-byte big-endian length followed by that many bytes of one HEP packet.
// Appends go to the newest segment until it reaches `segment_bytes`, then a new one starts.
// Replay reads from the oldest segment at an in-memory offset and deletes a segment once all
// of it was sent. When an append would take the directory above `max_bytes`, whole oldest
// segments are deleted first and their unsent packets are reported as dropped: the spool
// keeps the newest traffic, bounded, and never loses a packet silently.
//
// Restart. open() scans the segments left by an earlier run (a torn record at a segment's
// end, from a crash mid-write, is cut off) and replays them. Progress inside a segment is
// not persisted, so after a crash a partly replayed segment is sent again from its start:
// at-least-once across restarts, exactly-once within one run. Writes are not fsync'ed: the
// spool protects against a collector outage, not against power loss.
//
// Threads: one owner (the sink thread); no locking.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace siphon::sink {

struct HepSpoolOptions {
  std::filesystem::path directory;        ///< created when missing
  uint64_t max_bytes = 64 * 1024 * 1024;  ///< all segment files together, at most
  uint64_t segment_bytes = 4 * 1024 * 1024;  ///< a segment is closed once it reaches this
};

class HepSpool;
using HepSpoolPtr = std::unique_ptr<HepSpool>;

class HepSpool {
 public:
  /// Largest packet a record may hold (HEP's 16-bit length).
  static constexpr size_t kMaxRecordBytes = 65535;
  static constexpr size_t kLengthPrefixBytes = 4;

  /// Creates the directory if needed and loads the segments an earlier run left. Errors: the
  /// directory cannot be created or read, or max_bytes is too small for two segments of at
  /// least one full-size record (segment_bytes is lowered to max_bytes / 2 when above it).
  [[nodiscard]] static core::Result<HepSpoolPtr, core::Failure> open(HepSpoolOptions options);
  ~HepSpool();
  HepSpool(const HepSpool&) = delete;
  HepSpool& operator=(const HepSpool&) = delete;

  struct AppendResult {
    uint64_t dropped_packets = 0;  ///< unsent packets of the oldest segments deleted for room
  };
  /// Appends one packet (1..kMaxRecordBytes bytes). On a write error (disk full, ...) the
  /// segment is cut back to its previous size and the error returned; the packet is not kept.
  [[nodiscard]] core::Result<AppendResult, core::Failure> append(std::span<const std::byte> packet);

  /// Copies the oldest unsent packet into `out` (replaced). False when the spool is empty.
  /// A record that cannot be read back (a segment damaged on disk) ends its segment: the
  /// packets lost that way are added to `dropped_packets`.
  [[nodiscard]] bool front(std::vector<std::byte>& out, uint64_t& dropped_packets);
  /// Marks the packet front() returned as sent; deletes a segment once it is fully sent.
  void popFront();

  [[nodiscard]] bool empty() const { return pending_packets_ == 0; }
  [[nodiscard]] uint64_t pendingPackets() const { return pending_packets_; }
  /// Bytes of all segment files (sent parts of the oldest segment included until it goes).
  [[nodiscard]] uint64_t diskBytes() const { return disk_bytes_; }
  [[nodiscard]] const std::filesystem::path& directory() const { return options_.directory; }

 private:
  struct Segment {
    uint64_t seq = 0;
    uint64_t bytes = 0;         ///< valid bytes in the file
    uint64_t packets = 0;       ///< records in the file
    uint64_t read_offset = 0;   ///< next record to replay (oldest segment only)
    uint64_t read_packets = 0;  ///< records already replayed
  };

  explicit HepSpool(HepSpoolOptions options) : options_(std::move(options)) {}
  [[nodiscard]] core::Result<void, core::Failure> load();
  [[nodiscard]] std::filesystem::path pathOf(uint64_t seq) const;
  [[nodiscard]] core::Result<void, core::Failure> startSegment();
  void dropOldest(uint64_t& dropped_packets);
  void closeReader();
  void closeWriter();

  HepSpoolOptions options_;
  std::deque<Segment> segments_;  ///< oldest first; the newest takes the appends
  int write_fd_ = -1;             ///< open on segments_.back() while it takes appends
  int read_fd_ = -1;              ///< open on segments_.front() while replaying
  uint64_t read_seq_ = 0;         ///< which segment read_fd_ belongs to
  uint64_t next_seq_ = 1;
  uint64_t pending_packets_ = 0;
  uint64_t disk_bytes_ = 0;
  size_t front_size_ = 0;         ///< bytes of the record front() returned, 0 if none
};

}  // namespace siphon::sink
