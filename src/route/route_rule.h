#pragma once
// One routing rule (`[[route]]`, docs/CLI.md "Routing rules"): what it matches and what it
// does. The rules are OpenSIPS sipcapture's script-level control of HEP (hep_route, hep_set /
// hep_get / hep_del, sip_capture(table, cf1..3), report_capture, hep_relay; docs/HEP-AND-
// MODULES.md §3.2-§3.7) written as data: first match wins.
//
// Actions run in one fixed order, the order a script would need them in: get_chunk (reads the
// packet as it came), set_chunk, del_chunk, then table, custom_field1..3, report_capture,
// capture_mode, and the outputs (store, relay, drop). A relay sends the packet as edited.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address_match.h"
#include "core/endpoint.h"
#include "core/text_test.h"
#include "hep/chunk_edit.h"
#include "route/route_template.h"

namespace siphon::route {

using core::TextTest;

struct ChunkCondition {
  hep::ChunkId id;
  TextTest test;
};

struct HeaderCondition {
  std::string name;
  TextTest test;
};

struct RouteMatch {
  std::optional<uint8_t> hep_version;
  std::optional<uint8_t> payload_type;
  std::optional<uint32_t> capture_id;
  std::optional<std::string> node;
  std::vector<ChunkCondition> chunks;
  std::optional<core::Endpoint> received_on;
  std::optional<size_t> listener;  ///< received_on as an index into the collector's listeners
  std::optional<core::AddressMatch> sender;
  // hep_route = "sip" only (they read the parsed SIP):
  std::vector<std::string> methods;  ///< requests of these methods
  std::optional<uint16_t> status;    ///< replies: this code, or a class when status_class
  bool status_class = false;         ///< "4xx": status holds 4
  std::optional<std::string> from_user, to_user, ruri_user;
  std::optional<HeaderCondition> header;

  [[nodiscard]] bool readsSip() const {
    return !methods.empty() || status || from_user || to_user || ruri_user || header;
  }
};

/// Where a hep_get copies a value.
enum class GetTarget : uint8_t { CustomField1, CustomField2, CustomField3, Correlation };

struct ChunkGet {
  hep::ChunkId id;
  GetTarget target;
};
struct ChunkSet {
  hep::ChunkId id;
  Template value;
};
struct ReportCapture {
  Template correlation;
  std::string table = "rtcp_capture";
  std::optional<uint8_t> proto_type;
};

struct RouteActions {
  std::vector<ChunkGet> get;
  std::vector<ChunkSet> set;
  std::vector<hep::ChunkId> del;
  std::optional<std::string> table;  ///< sip_capture(table): strftime allowed
  std::array<std::optional<Template>, 3> custom_fields;
  std::optional<ReportCapture> report;
  std::optional<std::string> capture_mode;  ///< a capture_mode profile's storage
  std::vector<core::Endpoint> relay;        ///< hep_relay destinations
  bool store = true;
  bool drop = false;
  bool resume_sip = false;     ///< named route: go on to the SIP-level rules
  bool drop_on_error = false;  ///< an action that fails drops the packet (else: counted, kept)
};

struct RouteRule {
  std::string label;  ///< "route #3" or "capture_mode_rule #1", for messages
  std::string name;   ///< the hep_route it belongs to; empty: SIP-level
  RouteMatch match;
  RouteActions actions;

  /// Whether the rule matches `ctx.record`. SIP conditions need the record parsed.
  [[nodiscard]] bool matches(const RouteContext& ctx) const;
};

}  // namespace siphon::route
