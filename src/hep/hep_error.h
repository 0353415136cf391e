#pragma once
// Why a HEP packet was rejected. Each value is a drop reason in the collector's statistics.

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace siphon::hep {

enum class HepErrc : uint8_t {
  Truncated,          ///< fewer bytes than a header or an advertised length needs
  BadMagic,           ///< neither "HEP3"/"EEP1" nor version byte 1/2
  BadTotalLength,     ///< HEPv3 total length below 6 or above the bytes received
  BadChunkLength,     ///< a chunk length below 6 or past the advertised total
  BadChunkValueSize,  ///< a fixed-size generic chunk with the wrong value size
  ReservedChunk,      ///< generic chunk type 0 (Kamailio drops such packets too)
  TooManyChunks,      ///< more chunks than the configured maximum
  TooLarge,           ///< packet or inflated payload above the configured maximum
  NoPayload,          ///< no 0x000f / 0x0010 chunk
  NoAddresses,        ///< SIP without source/destination address or port
  BadHeaderLength,    ///< HEPv1/v2 hp_l does not match the address family
  BadFamily,          ///< HEPv1/v2 family is neither IPv4 nor IPv6
  InflateFailed,      ///< 0x0010 payload is not a valid gzip or zlib stream
  Unencodable,        ///< encode: the record cannot be written in the asked version
};

using HepError = core::ErrorOf<HepErrc>;

/// The failed Result a decoder returns: `return hepFailure(HepErrc::Truncated, "why");`.
inline core::Unexpected<HepError> hepFailure(HepErrc code, std::string_view why) {
  return core::unexpected(HepError{code, why});
}

/// Stable lower-case name of a code, for metrics labels and JSON ("bad_chunk_length").
[[nodiscard]] std::string_view hepErrcName(HepErrc code);

}  // namespace siphon::hep
