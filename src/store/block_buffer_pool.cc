#include "store/block_buffer_pool.h"

namespace siphon::store {

BlockBufferPool::BlockBufferPool(size_t max_bytes) : state_(std::make_shared<State>(max_bytes)) {}

std::shared_ptr<BlockBufferPool::Buffer> BlockBufferPool::take(size_t size) {
  std::unique_ptr<Buffer> buffer;
  {
    std::lock_guard lock(state_->mu);
    if (!state_->idle.empty()) {
      buffer = std::move(state_->idle.back());
      state_->idle.pop_back();
      state_->idle_bytes -= buffer->size();
    }
  }
  if (!buffer) buffer = std::make_unique<Buffer>();
  if (buffer->size() < size) buffer->resize(size);
  // The deleter shares the pool's state: a buffer may outlive the store that read it.
  return std::shared_ptr<Buffer>(buffer.release(), [state = state_](Buffer* b) {
    std::unique_ptr<Buffer> owned(b);
    std::lock_guard lock(state->mu);
    if (state->idle_bytes + owned->size() > state->max_bytes) return;  // freed, unlocked after
    state->idle_bytes += owned->size();
    state->idle.push_back(std::move(owned));
  });
}

size_t BlockBufferPool::idleBytes() const {
  std::lock_guard lock(state_->mu);
  return state_->idle_bytes;
}

}  // namespace siphon::store
