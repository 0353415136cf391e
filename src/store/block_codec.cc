#include "store/block_codec.h"

#include <zstd.h>

#include <cstring>

#include "core/byte_reader.h"

namespace siphon::store {
namespace {

constexpr std::byte kMagic[4] = {std::byte{'S'}, std::byte{'P'}, std::byte{'B'}, std::byte{'1'}};
constexpr size_t kMaxRecordsPerBlock = 1u << 20;

void putVarint(std::vector<std::byte>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::byte>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::byte>(v));
}


// A record's metadata written straight into the block's buffer: the buffer is grown once by
// an upper bound, written through a pointer and cut to what was written. A vector push_back
// per byte (capacity check, size update each time) cost more than the rest of the encoding.
class RecordWriter {
 public:
  RecordWriter(std::vector<std::byte>& out, size_t bound) : out_(out), start_(out.size()) {
    out_.resize(start_ + bound);
    at_ = out_.data() + start_;
  }
  ~RecordWriter() { out_.resize(static_cast<size_t>(at_ - out_.data())); }
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  /// At most kMaxVarint bytes.
  void varint(uint64_t v) {
    while (v >= 0x80) {
      *at_++ = static_cast<std::byte>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *at_++ = static_cast<std::byte>(v);
  }
  void byte(uint8_t v) { *at_++ = static_cast<std::byte>(v); }
  /// kMaxVarint + b.size() bytes at most.
  void bytes(std::span<const std::byte> b) {
    varint(b.size());
    if (!b.empty()) std::memcpy(at_, b.data(), b.size());
    at_ += b.size();
  }

  static constexpr size_t kMaxVarint = 10;

 private:
  std::vector<std::byte>& out_;
  size_t start_;
  std::byte* at_;
};


std::optional<uint64_t> getVarint(core::ByteReader& r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    auto b = r.readU8();
    if (!b) return std::nullopt;
    v |= static_cast<uint64_t>(*b & 0x7f) << shift;
    if ((*b & 0x80) == 0) return v;
  }
  return std::nullopt;
}

std::optional<std::span<const std::byte>> getBytes(core::ByteReader& r) {
  auto n = getVarint(r);
  if (!n) return std::nullopt;
  return r.take(*n);
}

// Flags byte of a record.
constexpr uint8_t kHasAuthKey = 1;
constexpr uint8_t kCompressed = 2;

}  // namespace

void BlockBuilder::add(const core::CaptureMeta& m, std::string_view node) {
  if (count_ == 0) {
    // Growing by doubling would copy a block's bytes about twice more and fault in fresh
    // pages each time; one reservation per block avoids both.
    meta_.reserve(64 * 1024);
    payloads_.reserve(kFrontRoom + 1024 * 1024);
    payloads_.resize(kFrontRoom);  // zero-filled once: clear() keeps the room
  }
  ++count_;
  // The bound: every varint at its longest, every byte string with its length.
  constexpr size_t kV = RecordWriter::kMaxVarint;
  size_t bound = kV + 5 + 2 * (kV + 16) + 4 * kV + (kV + node.size()) +
                 (kV + m.correlation_id.size()) + kV + kV;
  for (const auto& c : m.other_chunks) bound += 3 * kV + c.value.size();
  RecordWriter w(meta_, bound);
  w.varint(static_cast<uint64_t>(m.microsSinceEpoch()));
  w.byte(m.hep_version);
  w.byte(m.ip_family);
  w.byte(m.ip_proto);
  w.byte(m.payload_type);
  w.byte(static_cast<uint8_t>((m.has_auth_key ? kHasAuthKey : 0) |
                              (m.payload_compressed ? kCompressed : 0)));
  w.bytes(m.src_ip.bytes());  // IpAddress::bytes() is 0, 4 or 16 bytes
  w.bytes(m.dst_ip.bytes());
  w.varint(m.src_port);
  w.varint(m.dst_port);
  w.varint(m.capture_id);
  w.varint(m.keepalive);
  w.bytes(core::asBytes(node));
  w.bytes(core::asBytes(m.correlation_id));
  // The auth key itself is a credential: we keep only whether one was sent.
  w.varint(m.other_chunks.size());
  for (const auto& c : m.other_chunks) {
    w.varint(c.vendor);
    w.varint(c.type);
    w.bytes(c.value);
  }
  w.varint(m.payload.size());
  payloads_.insert(payloads_.end(), m.payload.begin(), m.payload.end());
}

std::vector<std::byte> BlockBuilder::header() const {
  std::vector<std::byte> out(std::begin(kMagic), std::end(kMagic));
  putVarint(out, count_);
  return out;
}

std::vector<std::byte> BlockBuilder::finish() const {
  std::vector<std::byte> out = header();
  out.reserve(out.size() + meta_.size() + payloadBytes());
  out.insert(out.end(), meta_.begin(), meta_.end());
  const auto p = payloads();
  out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::span<const std::byte> BlockBuilder::contiguous() {
  if (count_ == 0) return {};
  const std::vector<std::byte> head = header();
  const size_t before = head.size() + meta_.size();
  if (before > kFrontRoom) return {};
  std::byte* start = payloads_.data() + kFrontRoom - before;
  std::memcpy(start, head.data(), head.size());
  std::memcpy(start + head.size(), meta_.data(), meta_.size());
  return {start, before + payloadBytes()};
}

void BlockBuilder::clear() {
  count_ = 0;
  meta_.clear();
  // Down to the room, which stays allocated and written: no zero-fill for the next block.
  if (payloads_.size() > kFrontRoom) payloads_.resize(kFrontRoom);
}

core::Result<std::vector<core::CaptureMeta>, BlockError> decodeBlock(std::span<const std::byte> block) {
  auto fail = [](BlockErrc c, std::string_view why) { return core::unexpected(BlockError{c, why}); };
  core::ByteReader r(block);
  auto magic = r.take(4);
  if (!magic || std::memcmp(magic->data(), kMagic, 4) != 0) return fail(BlockErrc::BadMagic, "magic");
  auto count = getVarint(r);
  if (!count || *count > kMaxRecordsPerBlock) return fail(BlockErrc::BadValue, "record count");
  std::vector<core::CaptureMeta> records(*count);
  std::vector<size_t> payload_sizes(*count);
  for (size_t i = 0; i < *count; ++i) {
    auto& m = records[i];
    auto ts = getVarint(r);
    auto fixed = r.take(5);
    if (!ts || !fixed) return fail(BlockErrc::Truncated, "record header");
    m.ts_sec = static_cast<uint32_t>(*ts / 1'000'000);
    m.ts_usec = static_cast<uint32_t>(*ts % 1'000'000);
    m.hep_version = static_cast<uint8_t>((*fixed)[0]);
    m.ip_family = static_cast<uint8_t>((*fixed)[1]);
    m.ip_proto = static_cast<uint8_t>((*fixed)[2]);
    m.payload_type = static_cast<uint8_t>((*fixed)[3]);
    auto flags = static_cast<uint8_t>((*fixed)[4]);
    m.has_auth_key = (flags & kHasAuthKey) != 0;
    m.payload_compressed = (flags & kCompressed) != 0;
    for (core::IpAddress* ip : {&m.src_ip, &m.dst_ip}) {
      auto b = getBytes(r);
      if (!b) return fail(BlockErrc::Truncated, "address");
      if (b->size() == 4) {
        *ip = core::IpAddress::v4(std::span<const std::byte, 4>(b->data(), 4));
      } else if (b->size() == 16) {
        *ip = core::IpAddress::v6(std::span<const std::byte, 16>(b->data(), 16));
      } else if (!b->empty()) {
        return fail(BlockErrc::BadValue, "address length");
      }
    }
    auto sport = getVarint(r), dport = getVarint(r), capid = getVarint(r), keep = getVarint(r);
    auto node = getBytes(r), corr = getBytes(r);
    auto nchunks = getVarint(r);
    if (!sport || !dport || !capid || !keep || !node || !corr || !nchunks) {
      return fail(BlockErrc::Truncated, "record fields");
    }
    if (*sport > 0xffff || *dport > 0xffff || *capid > 0xffffffffu || *keep > 0xffff ||
        *nchunks > r.remaining()) {
      return fail(BlockErrc::BadValue, "record field range");
    }
    m.src_port = static_cast<uint16_t>(*sport);
    m.dst_port = static_cast<uint16_t>(*dport);
    m.capture_id = static_cast<uint32_t>(*capid);
    m.keepalive = static_cast<uint16_t>(*keep);
    m.node_name = core::asText(*node);
    m.correlation_id = core::asText(*corr);
    for (uint64_t c = 0; c < *nchunks; ++c) {
      auto vendor = getVarint(r), type = getVarint(r);
      auto value = getBytes(r);
      if (!vendor || !type || !value || *vendor > 0xffff || *type > 0xffff) {
        return fail(BlockErrc::Truncated, "chunk");
      }
      m.other_chunks.push_back(
          {static_cast<uint16_t>(*vendor), static_cast<uint16_t>(*type), *value});
    }
    auto psize = getVarint(r);
    if (!psize) return fail(BlockErrc::Truncated, "payload size");
    payload_sizes[i] = *psize;
  }
  for (size_t i = 0; i < *count; ++i) {
    auto p = r.take(payload_sizes[i]);
    if (!p) return fail(BlockErrc::Truncated, "payload");
    records[i].payload = *p;
  }
  return records;
}

std::vector<std::byte> compressBlock(std::span<const std::byte> raw, int level) {
  std::vector<std::byte> out(ZSTD_compressBound(raw.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) return {};  // cannot happen with a bound-sized buffer
  out.resize(n);
  return out;
}

// The whole block is the window (block_raw_bytes, 4 MB, is the largest; zstd narrows it to a
// smaller block's size by itself). Levels 1 and 2 would otherwise look back only 512 KB and
// 1 MB, while a block of the real-capture mix is about 1.5 MB whose calls repeat across it: at
// level 1 its blocks compressed x23.1 with the default window and x27.7 with this one
// (`zstd -b1 --zstd=wlog=21`, six blocks of a real-mix store; level 3: x28.4).
constexpr int kWindowLog = 22;

BlockCompressor::BlockCompressor(int level) : cctx_(ZSTD_createCCtx()), level_(level) {}

BlockCompressor::~BlockCompressor() { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_)); }

std::span<const std::byte> BlockCompressor::compress(BlockBuilder& block) {
  auto* cctx = static_cast<ZSTD_CCtx*>(cctx_);
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level_);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, kWindowLog);
  if (const auto whole = block.contiguous(); !whole.empty()) {
    // One span: ZSTD_compress2 reads it in place (and writes the content size).
    last_raw_ = whole.size();
    out_.resize(ZSTD_compressBound(last_raw_));
    const size_t n = ZSTD_compress2(cctx, out_.data(), out_.size(), whole.data(), whole.size());
    if (ZSTD_isError(n)) return {};  // cannot happen with a bound-sized buffer
    return {out_.data(), n};
  }
  auto header = block.header();
  const std::span<const std::byte> payloads = block.payloads();
  last_raw_ = header.size() + block.meta_.size() + payloads.size();
  // The content size goes into the frame header, so that decompression can size its buffer.
  ZSTD_CCtx_setPledgedSrcSize(cctx, last_raw_);
  out_.resize(ZSTD_compressBound(last_raw_));
  ZSTD_outBuffer out{out_.data(), out_.size(), 0};
  const std::span<const std::byte> parts[] = {header, block.meta_, payloads};
  for (size_t i = 0; i < 3; ++i) {
    ZSTD_inBuffer in{parts[i].data(), parts[i].size(), 0};
    ZSTD_EndDirective mode = i == 2 ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
      size_t left = ZSTD_compressStream2(cctx, &out, &in, mode);
      if (ZSTD_isError(left)) return {};  // cannot happen with a bound-sized buffer
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) break;
    }
  }
  return {out_.data(), out.pos};
}

BlockDecompressor::BlockDecompressor(size_t pool_bytes)
    : dctx_(ZSTD_createDCtx()), pool_(pool_bytes) {}

BlockDecompressor::~BlockDecompressor() { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_)); }

core::Result<DecompressedBlock, BlockError> BlockDecompressor::decompress(
    std::span<const std::byte> compressed, size_t max_bytes) {
  const unsigned long long size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return core::unexpected(BlockError{BlockErrc::Decompress, "not a zstd frame"});
  }
  if (size > max_bytes) return core::unexpected(BlockError{BlockErrc::TooLarge, "block size"});
  auto buffer = pool_.take(size);
  const size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx_), buffer->data(), size,
                                       compressed.data(), compressed.size());
  if (ZSTD_isError(n) || n != size) {
    return core::unexpected(BlockError{BlockErrc::Decompress, "corrupt zstd frame"});
  }
  DecompressedBlock out;
  out.raw = std::span<const std::byte>(buffer->data(), size);
  out.owner = std::move(buffer);
  return out;
}

}  // namespace siphon::store
