#include "hep/hep_inflate.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace siphon::hep {
namespace {

// zlib's API takes non-const Bytef*; it never writes through next_in.
Bytef* zIn(const std::byte* p) { return const_cast<Bytef*>(reinterpret_cast<const Bytef*>(p)); }
Bytef* zOut(std::byte* p) { return reinterpret_cast<Bytef*>(p); }

// A zlib header is CMF FLG with deflate method 8 and (CMF*256+FLG) % 31 == 0 (RFC 1950).
bool looksLikeZlibHeader(std::span<const std::byte> in) {
  if (in.size() < 2) return false;
  unsigned cmf = std::to_integer<unsigned>(in[0]);
  unsigned flg = std::to_integer<unsigned>(in[1]);
  return (cmf & 0x0f) == 8 && (cmf * 256 + flg) % 31 == 0;
}
bool looksLikeGzip(std::span<const std::byte> in) {
  return in.size() >= 2 && in[0] == std::byte{0x1f} && in[1] == std::byte{0x8b};
}

class InflateStream {
 public:
  explicit InflateStream(int window_bits) { ok_ = inflateInit2(&zs_, window_bits) == Z_OK; }
  ~InflateStream() {
    if (ok_) inflateEnd(&zs_);
  }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }
  z_stream& z() { return zs_; }

 private:
  z_stream zs_{};
  bool ok_ = false;
};

// resize() alone may double the capacity past the limit; reserve the exact size first so the
// memory a bomb can claim stays at max_bytes + 1.
void growTo(std::vector<std::byte>& v, size_t n) {
  v.reserve(n);
  v.resize(n);
}

}  // namespace

core::Result<void, HepError> inflatePayload(std::span<const std::byte> compressed,
                                            std::vector<std::byte>& out, size_t max_bytes) {
  out.clear();
  if (compressed.size() > std::numeric_limits<uInt>::max()) {
    return hepFailure(HepErrc::TooLarge, "compressed payload too large");
  }
  // 15+32 auto-detects gzip and zlib wrappers; the spec's "gzip/inflate" may also mean a bare
  // deflate stream (-15), which has no header to detect, so it is the fallback.
  const int window_bits =
      looksLikeGzip(compressed) || looksLikeZlibHeader(compressed) ? 15 + 32 : -15;
  InflateStream stream(window_bits);
  if (!stream.ok()) return hepFailure(HepErrc::InflateFailed, "inflateInit failed");
  z_stream& zs = stream.z();
  zs.next_in = zIn(compressed.data());
  zs.avail_in = static_cast<uInt>(compressed.size());

  // Grow the output geometrically, one byte past the limit so "exactly max" is still fine
  // and "max + 1" is detected without inflating the whole bomb.
  const size_t hard_cap = max_bytes < std::numeric_limits<size_t>::max() / 2 ? max_bytes + 1 : max_bytes;
  size_t produced = 0;
  size_t capacity = std::min(hard_cap, std::max<size_t>(4 * compressed.size() + 256, 1024));
  growTo(out, capacity);
  for (;;) {
    zs.next_out = zOut(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(capacity - produced, std::numeric_limits<uInt>::max()));
    const uInt before = zs.avail_out;
    int rc = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (produced > max_bytes) {
      out.clear();
      return hepFailure(HepErrc::TooLarge, "inflated payload above the maximum");
    }
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      out.clear();
      return hepFailure(HepErrc::InflateFailed, "corrupt compressed payload");
    }
    if (zs.avail_out == 0) {
      // produced == capacity <= max_bytes here, so capacity < hard_cap: room to grow.
      capacity = std::min(hard_cap, capacity * 2);
      growTo(out, capacity);
      continue;
    }
    // Output space left but no progress: the input ended before the stream did.
    out.clear();
    return hepFailure(HepErrc::InflateFailed, "compressed payload truncated");
  }
  out.resize(produced);
  return {};
}

bool gzipPayload(std::span<const std::byte> data, std::vector<std::byte>& out) {
  if (data.size() > std::numeric_limits<uInt>::max() / 2) return false;
  z_stream zs{};
  // 15+16: gzip wrapper, which is what OpenSIPS sends and what "1f 8b" sniffers expect.
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  const size_t start = out.size();
  const size_t bound = deflateBound(&zs, static_cast<uLong>(data.size())) + 18;
  out.resize(start + bound);
  zs.next_in = zIn(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = zOut(out.data() + start);
  zs.avail_out = static_cast<uInt>(bound);
  int rc = deflate(&zs, Z_FINISH);
  const size_t written = bound - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    out.resize(start);
    return false;
  }
  out.resize(start + written);
  return true;
}

}  // namespace siphon::hep
