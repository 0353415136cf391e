#pragma once
// Record builders for tests: captures that own their bytes, and records made by the real
// processors (the SIP parse, then table routing) as the collector's pipeline makes them, so
// that a sink under test reads exactly what it reads in production.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/capture.h"
#include "process/sip_parse.h"
#include "process/table_router.h"
#include "process/table_routing.h"
#include "record/record.h"

namespace siphon::support {

/// How a test capture looks; the defaults are a HEPv3 SIP datagram 10.0.0.1:5060 →
/// 10.0.0.2:5062 on 2023-11-14 22:13:20 UTC from capture agent 7.
struct CaptureSpec {
  uint8_t hep_version = 3;
  uint8_t ip_proto = 17;
  std::string src = "10.0.0.1", dst = "10.0.0.2";
  uint16_t sport = 5060, dport = 5062;
  int64_t ts_us = 1'700'000'000'000'000;
  uint32_t capture_id = 7;
  uint8_t payload_type = 1;
  std::string correlation;        ///< HEP 0x0011
  std::string node;               ///< HEP 0x0013
  std::string extra_correlation;  ///< OpenSIPS 0x0065
  struct Chunk {
    uint16_t vendor, type;
    std::string value;
  };
  std::vector<Chunk> chunks;  ///< more chunks kept as they came
};

/// A capture owning its bytes: the payload and every string of `spec` live in `raw`.
[[nodiscard]] core::Capture makeCapture(std::string_view payload, const CaptureSpec& spec = {});

/// `payload` encoded as one HEP packet of `version` with what `spec` describes (HEPv1 carries
/// no time, capture id or chunks).
[[nodiscard]] std::vector<std::byte> hepPacket(std::string_view payload,
                                               const CaptureSpec& spec = {}, uint8_t version = 3);

/// Records as the collector's processors make them, for one storage lane (lane 0). `set`:
/// the collector parses with FieldSet::Store when its only storage is the embedded store
/// (Ingest with SIP routing rules), with All when a SQL sink keeps the verdict
/// (Sink::needsFullSipVerdict).
class RecordMaker {
 public:
  explicit RecordMaker(process::TableRouting routing = {}, sip::FieldOptions fields = {},
                       sip::FieldSet set = sip::FieldSet::All);
  /// The capture through the SIP parse and table routing, frozen as the lanes receive it.
  [[nodiscard]] record::RecordPtr make(core::Capture&& c);
  [[nodiscard]] record::RecordPtr make(std::string_view payload, const CaptureSpec& spec = {}) {
    return make(makeCapture(payload, spec));
  }
  /// The same processors on `r` in place (its capture may view bytes it does not own).
  void process(record::Record& r);

 private:
  process::SipParseProcessor parse_;
  process::TableRoutingProcessor tables_;
};

}  // namespace siphon::support
