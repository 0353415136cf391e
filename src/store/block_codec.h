#pragma once
// Serialises a batch of records into one block and back. Layout (before compression):
//
//   "SPB1" | varint count | count x record metadata | count x payload bytes
//
// Metadata and payloads are kept apart so that each compresses with its own kind (zstd sees
// long runs of similar SIP text, then runs of small integers). Decoding validates every length
// against what remains, like every parser of bytes we did not write ourselves in this process.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/capture.h"
#include "core/result.h"
#include "store/block_buffer_pool.h"

namespace siphon::store {

enum class BlockErrc : uint8_t {
  BadMagic,    ///< not a block of this format
  Truncated,   ///< a length points past the end
  BadValue,    ///< a field out of range (e.g. an address length that is neither 0, 4 nor 16)
  Decompress,  ///< zstd refused the compressed bytes
  TooLarge,    ///< the decompressed size is above the limit
};
using BlockError = core::ErrorOf<BlockErrc>;

/// Appends one record to an open block's staging buffers.
class BlockBuilder {
 public:
  /// `node` is stored as the record's node name (the collector's computed node column).
  void add(const core::CaptureMeta& meta, std::string_view node);
  [[nodiscard]] size_t count() const { return count_; }
  [[nodiscard]] size_t rawBytes() const { return meta_.size() + payloadBytes(); }
  /// The whole block, uncompressed.
  [[nodiscard]] std::vector<std::byte> finish() const;
  void clear();

 private:
  friend class BlockCompressor;
  /// The block's header (magic, record count).
  [[nodiscard]] std::vector<std::byte> header() const;
  /// The whole block in one span, made by copying the header and the metadata into the room
  /// before the payloads; empty when they do not fit there (then the parts are compressed in
  /// turn). Valid until the next add().
  [[nodiscard]] std::span<const std::byte> contiguous();
  /// The payloads, after the room (none before the first add()).
  [[nodiscard]] std::span<const std::byte> payloads() const {
    return payloads_.size() > kFrontRoom ? std::span<const std::byte>(payloads_).subspan(kFrontRoom)
                                         : std::span<const std::byte>{};
  }
  [[nodiscard]] size_t payloadBytes() const { return payloads().size(); }

  // Why the room: zstd compresses one span without copying it, but copies input given in
  // parts into its own window buffer (about 4 % of the store thread's time in `serve`, for a
  // megabyte per block). The header and metadata, about a tenth of a block, are copied into
  // the room instead. 256 KB holds the metadata of about 5,000 records.
  static constexpr size_t kFrontRoom = 256 * 1024;

  size_t count_ = 0;
  std::vector<std::byte> meta_;
  // kFrontRoom bytes of room once a record is added, then the payloads.
  std::vector<std::byte> payloads_;
};

/// Decodes a whole (uncompressed) block. The records' views point into `block`.
[[nodiscard]] core::Result<std::vector<core::CaptureMeta>, BlockError> decodeBlock(
    std::span<const std::byte> block);

/// zstd, level chosen for ingest speed.
[[nodiscard]] std::vector<std::byte> compressBlock(std::span<const std::byte> raw, int level);

/// Compresses blocks with one reused zstd context and output buffer: a fresh context per
/// block costs megabytes of allocation and page faults at every flush.
class BlockCompressor {
 public:
  explicit BlockCompressor(int level);
  ~BlockCompressor();
  BlockCompressor(const BlockCompressor&) = delete;
  BlockCompressor& operator=(const BlockCompressor&) = delete;

  /// The compressed block (one zstd frame with its content size); valid until the next call.
  [[nodiscard]] std::span<const std::byte> compress(BlockBuilder& block);
  /// Uncompressed size of the last block.
  [[nodiscard]] size_t lastRawSize() const { return last_raw_; }

 private:
  void* cctx_;  // ZSTD_CCtx*
  int level_;
  std::vector<std::byte> out_;
  size_t last_raw_ = 0;
};

/// A decompressed block: `raw` views the first bytes of `owner` (which may be larger).
struct DecompressedBlock {
  std::shared_ptr<const std::vector<std::byte>> owner;
  std::span<const std::byte> raw;
};

/// Decompresses blocks with one reused zstd context into pooled buffers (block_buffer_pool.h):
/// the read side's twin of BlockCompressor. One thread at a time.
class BlockDecompressor {
 public:
  /// `pool_bytes`: how much of the returned buffers the pool keeps for reuse.
  explicit BlockDecompressor(size_t pool_bytes);
  ~BlockDecompressor();
  BlockDecompressor(const BlockDecompressor&) = delete;
  BlockDecompressor& operator=(const BlockDecompressor&) = delete;

  /// The block, or Decompress (not a zstd frame with its size, or a corrupt one) or TooLarge
  /// (its announced size above `max_bytes`).
  [[nodiscard]] core::Result<DecompressedBlock, BlockError> decompress(
      std::span<const std::byte> compressed, size_t max_bytes);

 private:
  void* dctx_;  // ZSTD_DCtx*
  BlockBufferPool pool_;
};

}  // namespace siphon::store
