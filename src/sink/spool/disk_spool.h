#pragma once
// DiskSpool: a bounded on-disk FIFO of byte records, for a sink whose destination is away: the
// HEP-out sink spools encoded packets while a TCP/TLS collector is unreachable, a database sink
// spools encoded records (record/record_codec.h) while its database is down or failing.
//
// Design. The spool is a directory of append-only segment files named by a rising sequence
// number (`0000000000000001.hepspool`); each record is a 4-byte big-endian length followed by
// that many bytes. Appends go to the newest segment until it reaches `segment_bytes`, then a
// new one starts. Reading goes through a cursor that starts at the oldest record not yet
// consumed: next() reads the record under it and moves on, consume() marks everything read so
// far as done (a segment file is deleted once all of it is), rewind() moves the cursor back to
// the first record not consumed. So a sink reads a batch, hands it over, and consumes it only
// once it was delivered; a failed delivery rewinds and the same records come again, in order.
// When an append would take the directory above `max_bytes`, whole oldest segments are deleted
// first and their unconsumed records are reported as dropped: the spool keeps the newest
// traffic, bounded, and never loses a record silently.
//
// Restart. open() scans the segments left by an earlier run (a torn record at a segment's
// end, from a crash mid-write, is cut off) and replays them. How far the oldest segment was
// consumed is kept in `progress<suffix>.pos` (its sequence number, byte offset and record
// count, rewritten at each consume()); open() resumes there when the file names the oldest
// segment and its offset is a record boundary, else from the segment's start. So after a
// crash only what was read since the last consume() is delivered again: the batch that was
// in flight (a database sink then leaves out what its database already holds: DatabaseSink's
// "in doubt"). Writes are not fsync'ed: the spool protects against an outage of the
// destination, not against power loss.
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

struct DiskSpoolOptions {
  std::filesystem::path directory;        ///< created when the first record is appended
  uint64_t max_bytes = 64 * 1024 * 1024;  ///< all segment files together, at most
  uint64_t segment_bytes = 4 * 1024 * 1024;  ///< a segment is closed once it reaches this
  /// Largest record accepted (and read back: a longer length on disk is damage).
  uint32_t max_record_bytes = 65535;
  /// Segment file suffix: files of another kind in the directory are left alone.
  std::string suffix = ".hepspool";
};

class DiskSpool;
using DiskSpoolPtr = std::unique_ptr<DiskSpool>;

class DiskSpool {
 public:
  static constexpr size_t kLengthPrefixBytes = 4;

  /// Loads the segments an earlier run left (none when the directory does not exist: it is
  /// made by the first append). Errors: the directory cannot be read, or max_bytes is too
  /// small for two segments of at least one full-size record (segment_bytes is lowered to
  /// max_bytes / 2 when above it).
  [[nodiscard]] static core::Result<DiskSpoolPtr, core::Failure> open(DiskSpoolOptions options);
  ~DiskSpool();
  DiskSpool(const DiskSpool&) = delete;
  DiskSpool& operator=(const DiskSpool&) = delete;

  struct AppendResult {
    uint64_t dropped_records = 0;  ///< unconsumed records of the oldest segments deleted for room
  };
  /// Appends one record (1..max_record_bytes bytes). On a write error (disk full, ...) the
  /// segment is cut back to its previous size and the error returned; the record is not kept.
  /// Deleting old segments for room rewinds the cursor.
  [[nodiscard]] core::Result<AppendResult, core::Failure> append(std::span<const std::byte> record);

  /// Copies the record under the cursor into `out` (replaced) and moves the cursor past it.
  /// False when the cursor is at the end. A record that cannot be read back (a segment damaged
  /// on disk) ends its segment: the records lost that way are added to `dropped_records`.
  [[nodiscard]] bool next(std::vector<std::byte>& out, uint64_t& dropped_records);
  /// Everything next() returned since the last consume() or rewind() is done with.
  void consume();
  /// The cursor goes back to the oldest record not consumed.
  void rewind();

  /// rewind() then next(): the oldest record not consumed.
  [[nodiscard]] bool front(std::vector<std::byte>& out, uint64_t& dropped_records) {
    rewind();
    return next(out, dropped_records);
  }
  /// Consumes the record front() returned.
  void popFront() { consume(); }

  [[nodiscard]] bool empty() const { return pending_records_ == 0; }
  /// Records appended and not consumed.
  [[nodiscard]] uint64_t pendingRecords() const { return pending_records_; }
  /// Bytes of all segment files (consumed parts of the oldest segment included until it goes).
  [[nodiscard]] uint64_t diskBytes() const { return disk_bytes_; }
  [[nodiscard]] const std::filesystem::path& directory() const { return options_.directory; }
  [[nodiscard]] uint32_t maxRecordBytes() const { return options_.max_record_bytes; }

 private:
  struct Segment {
    uint64_t seq = 0;
    uint64_t bytes = 0;             ///< valid bytes in the file
    uint64_t records = 0;           ///< records in the file
    uint64_t consumed_offset = 0;   ///< first record not consumed (oldest segment only)
    uint64_t consumed_records = 0;  ///< records consumed
  };
  /// Where next() reads: a segment (index into segments_), an offset and a record count in it.
  struct Cursor {
    size_t segment = 0;
    uint64_t offset = 0;
    uint64_t records = 0;
  };

  explicit DiskSpool(DiskSpoolOptions options) : options_(std::move(options)) {}
  [[nodiscard]] core::Result<void, core::Failure> load();
  [[nodiscard]] std::filesystem::path pathOf(uint64_t seq) const;
  [[nodiscard]] core::Result<void, core::Failure> startSegment();
  /// Removes segments_.front() and its file; its unconsumed records are added to `dropped`.
  void removeOldest(uint64_t& dropped);
  void closeReader();
  void closeWriter();
  /// The oldest segment's consumed offset into the progress file (removed when the spool is
  /// empty).
  /// Failures are ignored: the spool then replays from the segment's start after a restart.
  void saveProgress();
  /// Applies what the progress file says to segments_.front(), when it is about that segment.
  void loadProgress();
  [[nodiscard]] std::filesystem::path progressPath() const;

  DiskSpoolOptions options_;
  std::deque<Segment> segments_;  ///< oldest first; the newest takes the appends
  Cursor cursor_;
  int write_fd_ = -1;             ///< open on segments_.back() while it takes appends
  int read_fd_ = -1;              ///< open on the segment the cursor reads
  int progress_fd_ = -1;          ///< the progress file, opened by the first saveProgress()
  uint64_t read_seq_ = 0;         ///< which segment read_fd_ belongs to
  uint64_t next_seq_ = 1;
  uint64_t pending_records_ = 0;
  uint64_t disk_bytes_ = 0;
};

}  // namespace siphon::sink
