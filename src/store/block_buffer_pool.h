#pragma once
// BlockBufferPool: the buffers blocks are decompressed into, handed back for reuse when the
// last record viewing one is gone.
//
// Why. A search reads its candidate blocks newest first and keeps each one alive while a
// record of it is on the page (search.h: Found::block_bytes). A fresh multi-megabyte vector
// per block meant, each time, an mmap, a page fault per 4 KB and a zero fill of bytes zstd
// overwrites at once: 15 % of a 24 h user search's time at 10 M messages (perf, query_bench).
// A returned buffer keeps its size, so reusing it costs neither; it only grows (zero-filling
// the growth once) when a larger block comes.
//
// Bounds: the pool keeps returned buffers up to `max_bytes` in all and frees the rest, so an
// idle store holds at most that much. Thread-safe: buffers come back from whichever thread
// drops the last record, possibly after the store is gone (the pool's state is shared with
// the buffers it handed out).

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace siphon::store {

class BlockBufferPool {
 public:
  using Buffer = std::vector<std::byte>;

  explicit BlockBufferPool(size_t max_bytes);

  /// A buffer of at least `size` bytes whose contents are unspecified; it returns to the pool
  /// when its last owner drops it.
  [[nodiscard]] std::shared_ptr<Buffer> take(size_t size);

  /// Bytes of the buffers waiting for reuse.
  [[nodiscard]] size_t idleBytes() const;

 private:
  struct State {
    explicit State(size_t max) : max_bytes(max) {}
    mutable std::mutex mu;
    std::vector<std::unique_ptr<Buffer>> idle;
    size_t idle_bytes = 0;
    const size_t max_bytes;
  };
  std::shared_ptr<State> state_;
};

}  // namespace siphon::store
