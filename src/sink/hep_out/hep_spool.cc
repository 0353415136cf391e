// The spool's file handling. Records are written with one writev() each so that a crash
// leaves at most one torn record, at the end of the newest segment; load() cuts it off.

#include "sink/hep_out/hep_spool.h"

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

constexpr std::string_view kSuffix = ".hepspool";

core::Unexpected<core::Failure> fail(const std::string& what) {
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
uint64_t seqOf(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  if (!name.ends_with(kSuffix)) return 0;
  std::string_view digits(name.data(), name.size() - kSuffix.size());
  uint64_t seq = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc() || end != digits.data() + digits.size()) return 0;
  return seq;
}

}  // namespace

core::Result<HepSpoolPtr, core::Failure> HepSpool::open(HepSpoolOptions options) {
  constexpr uint64_t kMinSegment = kMaxRecordBytes + kLengthPrefixBytes;
  if (options.directory.empty()) {
    return core::unexpected(core::Failure{"spool: no directory given", 2});
  }
  if (options.max_bytes < 2 * kMinSegment) {
    return core::unexpected(core::Failure{
        "spool " + options.directory.string() + ": max bytes must be at least " +
            std::to_string(2 * kMinSegment), 2});
  }
  options.segment_bytes = std::clamp(options.segment_bytes, kMinSegment, options.max_bytes / 2);
  HepSpoolPtr spool(new HepSpool(std::move(options)));
  SIPHON_TRY(spool->load());
  return spool;
}

HepSpool::~HepSpool() {
  closeReader();
  closeWriter();
}

std::filesystem::path HepSpool::pathOf(uint64_t seq) const {
  char name[32];
  std::snprintf(name, sizeof name, "%016llu", static_cast<unsigned long long>(seq));
  return options_.directory / (std::string(name) + std::string(kSuffix));
}

core::Result<void, core::Failure> HepSpool::load() {
  std::error_code ec;
  std::filesystem::create_directories(options_.directory, ec);
  if (ec) {
    return core::unexpected(core::Failure{
        "spool " + options_.directory.string() + ": " + ec.message(), 1});
  }
  std::vector<uint64_t> seqs;
  for (const auto& entry : std::filesystem::directory_iterator(options_.directory, ec)) {
    if (uint64_t seq = seqOf(entry.path()); seq != 0) seqs.push_back(seq);
  }
  if (ec) {
    return core::unexpected(core::Failure{
        "spool " + options_.directory.string() + ": " + ec.message(), 1});
  }
  std::sort(seqs.begin(), seqs.end());
  for (uint64_t seq : seqs) {
    const auto path = pathOf(seq);
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return fail("spool " + path.string());
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
      if (len == 0 || len > kMaxRecordBytes ||
          len > file_size - seg.bytes - kLengthPrefixBytes) {
        break;
      }
      seg.bytes += kLengthPrefixBytes + len;
      ++seg.packets;
    }
    if (seg.bytes != file_size && ::ftruncate(fd, static_cast<off_t>(seg.bytes)) != 0) {
      auto f = fail("spool " + path.string());
      ::close(fd);
      return f;
    }
    ::close(fd);
    next_seq_ = seq + 1;
    if (seg.packets == 0) {
      std::filesystem::remove(path, ec);
      continue;
    }
    pending_packets_ += seg.packets;
    disk_bytes_ += seg.bytes;
    segments_.push_back(seg);
  }
  return {};
}

core::Result<void, core::Failure> HepSpool::startSegment() {
  closeWriter();
  Segment seg;
  seg.seq = next_seq_++;
  const auto path = pathOf(seg.seq);
  write_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (write_fd_ < 0) return fail("spool " + path.string());
  segments_.push_back(seg);
  return {};
}

void HepSpool::closeReader() {
  if (read_fd_ >= 0) ::close(read_fd_);
  read_fd_ = -1;
}

void HepSpool::closeWriter() {
  if (write_fd_ >= 0) ::close(write_fd_);
  write_fd_ = -1;
}

void HepSpool::dropOldest(uint64_t& dropped_packets) {
  const Segment& seg = segments_.front();
  dropped_packets += seg.packets - seg.read_packets;
  pending_packets_ -= seg.packets - seg.read_packets;
  disk_bytes_ -= seg.bytes;
  if (read_seq_ == seg.seq) closeReader();
  if (segments_.size() == 1) closeWriter();
  std::error_code ec;
  std::filesystem::remove(pathOf(seg.seq), ec);
  segments_.pop_front();
  front_size_ = 0;
}

core::Result<HepSpool::AppendResult, core::Failure> HepSpool::append(
    std::span<const std::byte> packet) {
  AppendResult result;
  if (packet.empty() || packet.size() > kMaxRecordBytes) {
    return core::unexpected(core::Failure{"spool: packet size out of range", 1});
  }
  const uint64_t need = kLengthPrefixBytes + packet.size();
  if (write_fd_ < 0 || segments_.back().bytes + need > options_.segment_bytes) {
    SIPHON_TRY(startSegment());
  }
  // Keep the newest: delete whole oldest segments (never the one taking appends).
  while (disk_bytes_ + need > options_.max_bytes && segments_.size() > 1) {
    dropOldest(result.dropped_packets);
  }
  Segment& seg = segments_.back();
  std::array<std::byte, kLengthPrefixBytes> prefix;
  core::storeBe32(prefix.data(), static_cast<uint32_t>(packet.size()));
  iovec iov[2] = {{prefix.data(), prefix.size()},
                  {const_cast<std::byte*>(packet.data()), packet.size()}};
  ssize_t n = ::writev(write_fd_, iov, 2);
  if (n != static_cast<ssize_t>(need)) {
    auto f = n < 0 ? fail("spool " + pathOf(seg.seq).string())
                   : core::unexpected(core::Failure{"spool " + pathOf(seg.seq).string() +
                                                        ": short write", 1});
    // Cut a partial record off so that replay stays aligned.
    if (::ftruncate(write_fd_, static_cast<off_t>(seg.bytes)) != 0) closeWriter();
    return f;
  }
  seg.bytes += need;
  ++seg.packets;
  ++pending_packets_;
  disk_bytes_ += need;
  return result;
}

bool HepSpool::front(std::vector<std::byte>& out, uint64_t& dropped_packets) {
  while (!segments_.empty()) {
    Segment& seg = segments_.front();
    if (seg.read_packets == seg.packets) {
      // Fully sent. The newest segment is kept open for appends; older ones go.
      if (segments_.size() == 1) return false;
      closeReader();
      disk_bytes_ -= seg.bytes;
      std::error_code ec;
      std::filesystem::remove(pathOf(seg.seq), ec);
      segments_.pop_front();
      continue;
    }
    if (read_fd_ < 0 || read_seq_ != seg.seq) {
      closeReader();
      read_fd_ = ::open(pathOf(seg.seq).c_str(), O_RDONLY | O_CLOEXEC);
      read_seq_ = seg.seq;
    }
    std::array<std::byte, kLengthPrefixBytes> prefix;
    uint32_t len = 0;
    bool ok = read_fd_ >= 0 && readExactly(read_fd_, prefix.data(), prefix.size(), seg.read_offset);
    if (ok) {
      len = core::loadBe32(prefix.data());
      ok = len != 0 && len <= kMaxRecordBytes;
    }
    if (ok) {
      out.resize(len);
      ok = readExactly(read_fd_, out.data(), len, seg.read_offset + kLengthPrefixBytes);
    }
    if (!ok) {
      // Damaged on disk (or deleted under us): what is left of this segment is lost.
      const uint64_t lost = seg.packets - seg.read_packets;
      dropped_packets += lost;
      pending_packets_ -= lost;
      seg.read_packets = seg.packets;
      seg.read_offset = seg.bytes;
      continue;
    }
    front_size_ = kLengthPrefixBytes + len;
    return true;
  }
  return false;
}

void HepSpool::popFront() {
  if (front_size_ == 0 || segments_.empty()) return;
  Segment& seg = segments_.front();
  seg.read_offset += front_size_;
  ++seg.read_packets;
  --pending_packets_;
  front_size_ = 0;
  if (seg.read_packets == seg.packets && segments_.size() == 1) {
    // Everything sent: start over with an empty directory instead of growing this file.
    closeReader();
    closeWriter();
    disk_bytes_ -= seg.bytes;
    std::error_code ec;
    std::filesystem::remove(pathOf(seg.seq), ec);
    segments_.pop_front();
  }
}

}  // namespace siphon::sink
