#pragma once
// capture_mode routing: which capture_mode profile (db_url, table_name, mt_mode, hash_source)
// a record is stored with. Kamailio picks a profile in its script (`sip_capture("",
// "mode1")`); a standalone collector has no script, so the choice is written as rules in the
// configuration, checked in order, first match wins:
//
//   capture_mode_rule = ["capture_id=2001 => mode1", "node=sbc-east;payload_type=1 => mode2",
//                        "listen=udp:0.0.0.0:9061 => mode1"]
//
// Conditions (all must hold): capture_id (HEP 0x000c), node (HEP node name 0x0013),
// payload_type (0x000b), listen (the listener the packet arrived on, as written in `listen`).
// A record no rule matches goes to the default db_url / table_name.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/capture.h"
#include "core/endpoint.h"
#include "core/result.h"

namespace siphon::process {

struct CaptureRule {
  std::optional<uint32_t> capture_id;
  std::optional<std::string> node;
  std::optional<uint8_t> payload_type;
  std::optional<size_t> listener;  ///< index into the collector's `listen` list
  std::string mode;                ///< capture_mode name
  size_t mode_index = 0;           ///< position of `mode` in the capture_mode list

  [[nodiscard]] bool matches(const core::CaptureMeta& meta, size_t listener_index) const;
};

/// Parses "COND;COND... => MODE". `listeners` resolves listen=; `modes` are the defined
/// capture_mode names. Errors name capture_mode_rule and say what is wrong (exit status 2).
[[nodiscard]] core::Result<CaptureRule, core::Failure> parseCaptureRule(
    std::string_view text, const std::vector<core::Endpoint>& listeners,
    const std::vector<std::string>& modes);

class CaptureRules {
 public:
  CaptureRules() = default;
  explicit CaptureRules(std::vector<CaptureRule> rules) : rules_(std::move(rules)) {}

  /// 0 for the default storage, else 1 + the index of the capture_mode the first matching
  /// rule names.
  [[nodiscard]] size_t lane(const core::CaptureMeta& meta, size_t listener_index) const {
    for (const auto& r : rules_) {
      if (r.matches(meta, listener_index)) return r.mode_index + 1;
    }
    return 0;
  }
  [[nodiscard]] bool empty() const { return rules_.empty(); }

 private:
  std::vector<CaptureRule> rules_;
};

}  // namespace siphon::process
