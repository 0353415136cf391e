// The spool's file handling. Records are written with one writev() each so that a crash
// leaves at most one torn record, at the end of the newest segment; load() cuts it off.

#include "sink/spool/disk_spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "core/byte_order.h"

namespace siphon::sink {
namespace {

core::Unexpected<core::Failure> spoolFailure(const std::string& what) {
  return core::unexpected(core::Failure{what + ": " + std::strerror(errno), 1});
}

// pread() until `n` bytes or EOF/error; true when all came.
bool readExactly(int fd, std::byte* out, size_t n, uint64_t offset) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, out + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

// The sequence number of a segment file name, 0 for any other file.
uint64_t seqOf(const std::filesystem::path& p, std::string_view suffix) {
  const std::string name = p.filename().string();
  if (!name.ends_with(suffix)) return 0;
  std::string_view digits(name.data(), name.size() - suffix.size());
  uint64_t seq = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc() || end != digits.data() + digits.size()) return 0;
  return seq;
}

}  // namespace

core::Result<DiskSpoolPtr, core::Failure> DiskSpool::open(DiskSpoolOptions options) {
  if (options.directory.empty()) {
    return core::unexpected(core::Failure{"spool: no directory given", 2});
  }
  if (options.max_record_bytes == 0 || options.suffix.empty()) {
    return core::unexpected(core::Failure{"spool: no record size or file suffix given", 2});
  }
  const uint64_t min_segment = uint64_t{options.max_record_bytes} + kLengthPrefixBytes;
  if (options.max_bytes < 2 * min_segment) {
    return core::unexpected(core::Failure{
        "spool " + options.directory.string() + ": max bytes must be at least " +
            std::to_string(2 * min_segment), 2});
  }
  options.segment_bytes = std::clamp(options.segment_bytes, min_segment, options.max_bytes / 2);
  DiskSpoolPtr spool(new DiskSpool(std::move(options)));
  SIPHON_TRY(spool->load());
  return spool;
}

DiskSpool::~DiskSpool() {
  closeReader();
  closeWriter();
  if (progress_fd_ >= 0) ::close(progress_fd_);
}

std::filesystem::path DiskSpool::progressPath() const {
  return options_.directory / ("progress" + options_.suffix + ".pos");
}

void DiskSpool::saveProgress() {
  if (segments_.empty()) {
    // An empty spool leaves an empty directory behind.
    if (progress_fd_ >= 0) {
      ::close(progress_fd_);
      progress_fd_ = -1;
      ::unlink(progressPath().c_str());
    }
    return;
  }
  if (progress_fd_ < 0) {
    progress_fd_ = ::open(progressPath().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (progress_fd_ < 0) return;
  }
  std::array<std::byte, 24> data{};
  const Segment& front = segments_.front();
  core::storeBe64(data.data(), front.seq);
  core::storeBe64(data.data() + 8, front.consumed_offset);
  core::storeBe64(data.data() + 16, front.consumed_records);
  // One pwrite of 24 bytes: a crash leaves the old or the new content (or, torn, a content
  // loadProgress() refuses: not a record boundary of the named segment). A file left by a
  // run that had emptied its spool names a segment that is gone: refused too.
  (void)!::pwrite(progress_fd_, data.data(), data.size(), 0);
}

void DiskSpool::loadProgress() {
  if (segments_.empty()) return;
  const int fd = ::open(progressPath().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  std::array<std::byte, 24> data{};
  const bool read = readExactly(fd, data.data(), data.size(), 0);
  ::close(fd);
  Segment& front = segments_.front();
  if (!read || core::loadBe64(data.data()) != front.seq) return;
  const uint64_t offset = core::loadBe64(data.data() + 8), records = core::loadBe64(data.data() + 16);
  if (offset == 0 || offset > front.bytes || records > front.records) return;
  // The offset must be the end of the `records`-th record: walk the length prefixes.
  const int seg_fd = ::open(pathOf(front.seq).c_str(), O_RDONLY | O_CLOEXEC);
  if (seg_fd < 0) return;
  uint64_t at = 0, count = 0;
  std::array<std::byte, kLengthPrefixBytes> prefix;
  while (at < offset && readExactly(seg_fd, prefix.data(), prefix.size(), at)) {
    at += kLengthPrefixBytes + core::loadBe32(prefix.data());
    ++count;
  }
  ::close(seg_fd);
  if (at != offset || count != records) return;
  front.consumed_offset = offset;
  front.consumed_records = records;
  pending_records_ -= records;
}

std::filesystem::path DiskSpool::pathOf(uint64_t seq) const {
  char name[32];
  std::snprintf(name, sizeof name, "%016llu", static_cast<unsigned long long>(seq));
  return options_.directory / (std::string(name) + options_.suffix);
}

core::Result<void, core::Failure> DiskSpool::load() {
  std::error_code ec;
  // A missing directory is an empty spool: it is made when the first record has to wait.
  if (!std::filesystem::exists(options_.directory, ec)) {
    if (ec) {
      return core::unexpected(core::Failure{
          "spool " + options_.directory.string() + ": " + ec.message(), 1});
    }
    return {};
  }
  std::vector<uint64_t> seqs;
  for (const auto& entry : std::filesystem::directory_iterator(options_.directory, ec)) {
    if (uint64_t seq = seqOf(entry.path(), options_.suffix); seq != 0) seqs.push_back(seq);
  }
  if (ec) {
    return core::unexpected(core::Failure{
        "spool " + options_.directory.string() + ": " + ec.message(), 1});
  }
  std::sort(seqs.begin(), seqs.end());
  for (uint64_t seq : seqs) {
    const auto path = pathOf(seq);
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return spoolFailure("spool " + path.string());
    // Walk the records; the first that does not fit (torn write) ends the segment.
    Segment seg;
    seg.seq = seq;
    std::array<std::byte, kLengthPrefixBytes> prefix;
    struct stat st {};
    ::fstat(fd, &st);
    const uint64_t file_size = static_cast<uint64_t>(st.st_size);
    while (file_size - seg.bytes >= kLengthPrefixBytes &&
           readExactly(fd, prefix.data(), prefix.size(), seg.bytes)) {
      const uint32_t len = core::loadBe32(prefix.data());
      if (len == 0 || len > options_.max_record_bytes ||
          len > file_size - seg.bytes - kLengthPrefixBytes) {
        break;
      }
      seg.bytes += kLengthPrefixBytes + len;
      ++seg.records;
    }
    if (seg.bytes != file_size && ::ftruncate(fd, static_cast<off_t>(seg.bytes)) != 0) {
      auto f = spoolFailure("spool " + path.string());
      ::close(fd);
      return f;
    }
    ::close(fd);
    next_seq_ = seq + 1;
    if (seg.records == 0) {
      std::filesystem::remove(path, ec);
      continue;
    }
    pending_records_ += seg.records;
    disk_bytes_ += seg.bytes;
    segments_.push_back(seg);
  }
  loadProgress();
  cursor_ = {};
  rewind();
  return {};
}

core::Result<void, core::Failure> DiskSpool::startSegment() {
  closeWriter();
  std::error_code ec;
  std::filesystem::create_directories(options_.directory, ec);
  if (ec) {
    return core::unexpected(core::Failure{
        "spool " + options_.directory.string() + ": " + ec.message(), 1});
  }
  Segment seg;
  seg.seq = next_seq_++;
  const auto path = pathOf(seg.seq);
  write_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (write_fd_ < 0) return spoolFailure("spool " + path.string());
  segments_.push_back(seg);  // indices, and so the cursor, stay valid
  return {};
}

void DiskSpool::closeReader() {
  if (read_fd_ >= 0) ::close(read_fd_);
  read_fd_ = -1;
}

void DiskSpool::closeWriter() {
  if (write_fd_ >= 0) ::close(write_fd_);
  write_fd_ = -1;
}

void DiskSpool::removeOldest(uint64_t& dropped) {
  const Segment& seg = segments_.front();
  dropped += seg.records - seg.consumed_records;
  pending_records_ -= seg.records - seg.consumed_records;
  disk_bytes_ -= seg.bytes;
  if (read_seq_ == seg.seq) closeReader();
  if (segments_.size() == 1) closeWriter();
  std::error_code ec;
  std::filesystem::remove(pathOf(seg.seq), ec);
  segments_.pop_front();
  if (cursor_.segment == 0) {
    rewind();
  } else {
    --cursor_.segment;
  }
  saveProgress();
}

core::Result<DiskSpool::AppendResult, core::Failure> DiskSpool::append(
    std::span<const std::byte> record) {
  AppendResult result;
  if (record.empty() || record.size() > options_.max_record_bytes) {
    return core::unexpected(core::Failure{"spool: record size out of range", 1});
  }
  const uint64_t need = kLengthPrefixBytes + record.size();
  if (write_fd_ < 0 || segments_.back().bytes + need > options_.segment_bytes) {
    SIPHON_TRY(startSegment());
  }
  // Keep the newest: delete whole oldest segments (never the one taking appends).
  while (disk_bytes_ + need > options_.max_bytes && segments_.size() > 1) {
    uint64_t dropped = 0;
    removeOldest(dropped);
    result.dropped_records += dropped;
  }
  Segment& seg = segments_.back();
  std::array<std::byte, kLengthPrefixBytes> prefix;
  core::storeBe32(prefix.data(), static_cast<uint32_t>(record.size()));
  iovec iov[2] = {{prefix.data(), prefix.size()},
                  {const_cast<std::byte*>(record.data()), record.size()}};
  ssize_t n = ::writev(write_fd_, iov, 2);
  if (n != static_cast<ssize_t>(need)) {
    auto f = n < 0 ? spoolFailure("spool " + pathOf(seg.seq).string())
                   : core::unexpected(
                         core::Failure{"spool " + pathOf(seg.seq).string() + ": short write", 1});
    // Cut a partial record off so that replay stays aligned.
    if (::ftruncate(write_fd_, static_cast<off_t>(seg.bytes)) != 0) closeWriter();
    return f;
  }
  seg.bytes += need;
  ++seg.records;
  ++pending_records_;
  disk_bytes_ += need;
  return result;
}

bool DiskSpool::next(std::vector<std::byte>& out, uint64_t& dropped_records) {
  while (cursor_.segment < segments_.size()) {
    Segment& seg = segments_[cursor_.segment];
    if (cursor_.records >= seg.records) {
      // The newest segment may still grow: the cursor waits at its end.
      if (cursor_.segment + 1 >= segments_.size()) return false;
      cursor_ = {cursor_.segment + 1, 0, 0};  // later segments have nothing consumed
      continue;
    }
    if (read_fd_ < 0 || read_seq_ != seg.seq) {
      closeReader();
      read_fd_ = ::open(pathOf(seg.seq).c_str(), O_RDONLY | O_CLOEXEC);
      read_seq_ = seg.seq;
    }
    std::array<std::byte, kLengthPrefixBytes> prefix;
    uint32_t len = 0;
    bool ok = read_fd_ >= 0 && readExactly(read_fd_, prefix.data(), prefix.size(), cursor_.offset);
    if (ok) {
      len = core::loadBe32(prefix.data());
      ok = len != 0 && len <= options_.max_record_bytes &&
           len <= seg.bytes - cursor_.offset - kLengthPrefixBytes;
    }
    if (ok) {
      out.resize(len);
      ok = readExactly(read_fd_, out.data(), len, cursor_.offset + kLengthPrefixBytes);
    }
    if (!ok) {
      // Damaged on disk (or deleted under us): what is left of this segment is lost. Appends
      // must not land behind the damage, where no cursor would find them.
      const uint64_t lost = seg.records - cursor_.records;
      dropped_records += lost;
      pending_records_ -= lost;
      seg.records = cursor_.records;
      if (cursor_.segment + 1 == segments_.size()) closeWriter();
      continue;
    }
    cursor_.offset += kLengthPrefixBytes + len;
    ++cursor_.records;
    return true;
  }
  return false;
}

void DiskSpool::rewind() {
  if (segments_.empty()) {
    cursor_ = {};
    return;
  }
  cursor_ = {0, segments_.front().consumed_offset, segments_.front().consumed_records};
}

void DiskSpool::consume() {
  std::error_code ec;
  auto removeFront = [&] {
    const Segment& seg = segments_.front();
    if (read_seq_ == seg.seq) closeReader();
    if (segments_.size() == 1) closeWriter();
    disk_bytes_ -= seg.bytes;
    std::filesystem::remove(pathOf(seg.seq), ec);
    segments_.pop_front();
  };
  // Segments the cursor has left behind were read to their end.
  while (cursor_.segment > 0 && !segments_.empty()) {
    const Segment& seg = segments_.front();
    pending_records_ -= seg.records - seg.consumed_records;
    removeFront();
    --cursor_.segment;
  }
  if (segments_.empty()) {
    cursor_ = {};
    saveProgress();
    return;
  }
  Segment& seg = segments_.front();
  pending_records_ -= cursor_.records - seg.consumed_records;
  seg.consumed_offset = cursor_.offset;
  seg.consumed_records = cursor_.records;
  if (seg.consumed_records == seg.records) {
    // All of it delivered: the newest segment too (start over with an empty directory rather
    // than growing a file that is all consumed).
    removeFront();
    cursor_ = {};
    rewind();
  }
  saveProgress();
}

}  // namespace siphon::sink
