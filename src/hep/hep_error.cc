#include "hep/hep_error.h"

namespace siphon::hep {

std::string_view hepErrcName(HepErrc code) {
  switch (code) {
    case HepErrc::Truncated:
      return "truncated";
    case HepErrc::BadMagic:
      return "bad_magic";
    case HepErrc::BadTotalLength:
      return "bad_total_length";
    case HepErrc::BadChunkLength:
      return "bad_chunk_length";
    case HepErrc::BadChunkValueSize:
      return "bad_chunk_value_size";
    case HepErrc::ReservedChunk:
      return "reserved_chunk";
    case HepErrc::TooManyChunks:
      return "too_many_chunks";
    case HepErrc::TooLarge:
      return "too_large";
    case HepErrc::NoPayload:
      return "no_payload";
    case HepErrc::NoAddresses:
      return "no_addresses";
    case HepErrc::BadHeaderLength:
      return "bad_header_length";
    case HepErrc::BadFamily:
      return "bad_family";
    case HepErrc::InflateFailed:
      return "inflate_failed";
    case HepErrc::Unencodable:
      return "unencodable";
  }
  return "unknown";
}

}  // namespace siphon::hep
