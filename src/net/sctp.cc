#include "net/sctp.h"

#include "core/byte_reader.h"

namespace siphon::net {

core::Result<void, NetError> decodeSctp(std::span<const std::byte> segment, DecodedPacket& out) {
  core::ByteReader r(segment);
  auto src_port = r.readU16be();
  auto dst_port = r.readU16be();
  auto verification_tag = r.readU32be();
  auto checksum = r.readU32be();
  if (!src_port || !dst_port || !verification_tag || !checksum) {
    return core::unexpected(truncatedError("sctp common header"));
  }
  out.src_port = *src_port;
  out.dst_port = *dst_port;
  out.payload = r.rest();
  return {};
}

std::optional<SctpDataChunk> SctpDataChunks::next() {
  // Each turn consumes at least 4 bytes (chunk length >= 4 is enforced), so the loop ends.
  while (!rest_.empty() && !error_) {
    core::ByteReader r(rest_);
    auto type = r.readU8();
    auto flags = r.readU8();
    auto length = r.readU16be();
    if (!type || !flags || !length) {
      error_ = truncatedError("sctp chunk header");
      break;
    }
    if (*length < kSctpChunkHeaderBytes) {
      error_ = NetError{NetErrc::BadSctpHeader, "sctp chunk length below 4"};
      break;
    }
    auto value = r.take(*length - kSctpChunkHeaderBytes);
    if (!value) {
      error_ = truncatedError("sctp chunk length past packet");
      break;
    }
    // RFC 9260 §3.2: chunks are padded to 4 bytes and the length excludes the padding. A
    // sender may leave the last chunk's padding off the end of the packet: tolerate that.
    const size_t padding = (4 - (*length % 4)) % 4;
    if (!r.skip(padding)) {
      (void)r.skip(r.remaining());
    }
    rest_ = r.rest();
    if (*type != kSctpChunkData) {
      continue;
    }
    if (*length < kSctpDataChunkHeaderBytes) {
      error_ = NetError{NetErrc::BadSctpHeader, "sctp data chunk length below 16"};
      break;
    }
    // RFC 9260 §3.3.1: TSN(32) stream identifier(16) stream sequence number(16) PPID(32).
    core::ByteReader v(*value);
    auto tsn = v.readU32be();
    auto stream_id = v.readU16be();
    auto stream_seq = v.readU16be();
    auto ppid = v.readU32be();
    if (!tsn || !stream_id || !stream_seq || !ppid) {
      error_ = truncatedError("sctp data chunk header");  // unreachable: length >= 16
      break;
    }
    if (v.empty()) {
      continue;  // no user data: nothing to deliver
    }
    SctpDataChunk chunk;
    chunk.flags = *flags;
    chunk.tsn = *tsn;
    chunk.stream_id = *stream_id;
    chunk.stream_seq = *stream_seq;
    chunk.ppid = *ppid;
    chunk.user_data = v.rest();
    return chunk;
  }
  return std::nullopt;
}

}  // namespace siphon::net
