// Fuzz target: any payload as a SIP record through the one parse (record::parseSip), every
// column of the sip_capture table (or, for a log payload, of both report column sets, with the
// Homer-6 `event` read from JSON), the JSON record (which must always dump: never a throw on
// bytes that are not UTF-8) and the text line.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "core/capture.h"
#include "record/capture_columns.h"
#include "record/capture_row.h"
#include "record/parsed_sip.h"
#include "record/record_json.h"
#include "record/record_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace siphon;
  core::CaptureMeta meta;
  meta.hep_version = 3;
  meta.ip_proto = 17;
  // A log payload now and then: 0xFF, or what may be an xlog JSON object.
  meta.payload_type = size > 0 && (data[0] == 0xFF || data[0] == '{') ? 100 : 1;
  meta.payload = std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size);
  record::ParsedSip sip;
  record::parseSip(meta, {}, sip);
  record::CaptureRow row;
  record::CaptureRowOptions options;
  options.homer6_reports = true;
  record::buildCaptureRow(meta, sip, options, row);
  size_t sum = 0;
  for (bool homer6 : {false, true}) {
    for (const auto& c : record::captureColumns(record::columnSetFor(sip.kind, homer6))) {
      auto v = c.value(meta, row);
      for (char ch : v.text) sum += static_cast<unsigned char>(ch);
      sum += static_cast<size_t>(v.integer);
    }
  }
  std::string json = record::recordJson(meta, sip).dump();
  std::string text = record::recordText(meta, sip);
  if (json.empty() || text.empty() || sum == SIZE_MAX) std::abort();
  return 0;
}
