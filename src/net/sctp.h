#pragma once
// SCTP (RFC 9260): the common header and the DATA chunks of one packet.
//
// An SCTP packet is a 12-byte common header followed by chunks: type(8) flags(8) length(16)
// value, where the length counts the 4-byte chunk header and the value but not the padding
// that brings each chunk to a multiple of 4 bytes (§3.2). A DATA chunk (type 0, §3.3.1)
// carries one piece of a user message: TSN, stream id, stream sequence number, payload protocol
// identifier (PPID), then the user data. A SIP message may span several DATA chunks (B/E
// flags) and several packets; putting it back together is the caller's job.
//
// Everything here is a view into the given bytes: no copy, no allocation.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/result.h"
#include "net/decoded_packet.h"
#include "net/net_error.h"

namespace siphon::net {

inline constexpr size_t kSctpCommonHeaderBytes = 12;
inline constexpr size_t kSctpChunkHeaderBytes = 4;
inline constexpr size_t kSctpDataChunkHeaderBytes = 16;
inline constexpr uint8_t kSctpChunkData = 0;
/// IANA SCTP payload protocol identifiers for SIP are not assigned; SIP over SCTP (RFC 4168)
/// sends PPID 0. Listed for callers that filter.
inline constexpr uint32_t kSctpPpidUnspecified = 0;

/// Decodes the common header at the front of `segment` (the IP payload of protocol 132) into
/// out.src_port, out.dst_port and out.payload (the chunks after the header). The CRC32c
/// checksum is not verified. Errors: Truncated (fewer than 12 bytes).
[[nodiscard]] core::Result<void, NetError> decodeSctp(std::span<const std::byte> segment,
                                                      DecodedPacket& out);

struct SctpDataChunk {
  uint8_t flags = 0;  ///< reserved(4) I(1) U(1) B(1) E(1)
  uint32_t tsn = 0;
  uint16_t stream_id = 0;
  uint16_t stream_seq = 0;
  uint32_t ppid = 0;  ///< payload protocol identifier (network byte order on the wire)
  /// The user data, a view into the packet (padding excluded).
  std::span<const std::byte> user_data;

  [[nodiscard]] bool unordered() const { return (flags & 0x04) != 0; }
  [[nodiscard]] bool beginning() const { return (flags & 0x02) != 0; }  ///< first piece
  [[nodiscard]] bool ending() const { return (flags & 0x01) != 0; }     ///< last piece
};

/// Walks the chunks of one SCTP packet (DecodedPacket::payload after decodeSctp) and yields the
/// DATA chunks; other chunk types (INIT, SACK, I-DATA, ...) are skipped.
///
///   SctpDataChunks chunks(p.payload);
///   while (auto c = chunks.next()) { use(c->user_data); }
///   if (chunks.error()) { count(chunks.error()->code); }
///
/// A malformed chunk ends the walk and sets error(): Truncated (a chunk length past the
/// packet), BadSctpHeader (chunk length below 4, DATA chunk length below 16). A DATA chunk
/// without user data (length 16, an RFC 9260 protocol violation) is skipped, not yielded.
/// Not thread-safe; cheap to copy.
class SctpDataChunks {
 public:
  explicit SctpDataChunks(std::span<const std::byte> chunks) : rest_(chunks) {}

  /// The next DATA chunk, or nullopt at the end of the packet or on an error.
  [[nodiscard]] std::optional<SctpDataChunk> next();
  /// Why the walk stopped early; nullopt when it reached the end (or has not yet).
  [[nodiscard]] const std::optional<NetError>& error() const { return error_; }

 private:
  std::span<const std::byte> rest_;
  std::optional<NetError> error_;
};

/// Calls `on_data(const SctpDataChunk&)` for every DATA chunk in `chunks` (see SctpDataChunks)
/// and returns how many there were, or the error that ended the walk (chunks before it were
/// already delivered).
template <class OnData>
[[nodiscard]] core::Result<size_t, NetError> forEachSctpData(std::span<const std::byte> chunks,
                                                             OnData&& on_data) {
  SctpDataChunks walk(chunks);
  size_t count = 0;
  while (auto chunk = walk.next()) {
    on_data(*chunk);
    ++count;
  }
  if (walk.error()) {
    return core::unexpected(*walk.error());
  }
  return count;
}

}  // namespace siphon::net
