#pragma once
// The fields Kamailio's sip_capture table stores, extracted from one SIP message
// (docs/HEP-AND-MODULES.md §2.3-§2.4). Every string_view points into the message bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

#include "sip/sip_error.h"

namespace siphon::sip {

class SipMessage;

struct FieldOptions {
  /// `callid_aleg_header`: header names tried in order; the first one present wins (§2.8).
  std::vector<std::string> callid_aleg_headers = {"X-CID"};
  /// custom_field1..3_header (Kamailio defaults Mac, IP, Port).
  std::string custom_field1_header = "Mac";
  std::string custom_field2_header = "IP";
  std::string custom_field3_header = "Port";
};

/// Parses a `callid_aleg_header` value: header names separated by ';', blanks trimmed, empty
/// items skipped, at most 16 names (§2.8). Errors name `key` (exit status 2).
[[nodiscard]] core::Result<std::vector<std::string>, core::Failure> splitHeaderNames(
    std::string_view key, std::string_view value);

struct SipCaptureFields {
  uint8_t type = 0;          ///< 1 request, 2 reply, 0 not parsed
  std::string_view method;   ///< request method, or the status code text of a reply
  uint16_t status_code = 0;  ///< reply status, 0 for requests
  std::string_view reply_reason;
  std::string_view ruri, ruri_user, ruri_domain;
  std::string_view from_user, from_domain, from_tag;
  std::string_view to_user, to_domain, to_tag;
  /// The first From and To values as written (every set): the tracer's rules look for a user
  /// in them before they parse the URIs (trace/rule_sip.h).
  std::string_view from_value, to_value;
  std::string_view pid_user;  ///< P-Asserted-Identity, else P-Preferred-Identity, else RPID
  std::string_view contact_user, contact_ip;
  uint16_t contact_port = 0;
  std::string_view auth_user;  ///< digest username from Proxy-Authorization or Authorization
  std::string_view callid, callid_aleg;
  std::string_view via_1, via_1_branch;
  std::string_view cseq;
  std::string_view diversion, reason, content_type, user_agent;
  std::string_view originator_ip;  ///< X-OIP host
  uint16_t originator_port = 0;
  std::string_view rtp_stat;
  std::string_view custom_field1, custom_field2, custom_field3;
};

/// Which fields extractCaptureFields fills.
enum class FieldSet : uint8_t {
  All,     ///< every sip_capture column, every URI parsed in full: what the readers (search,
           ///< printers, the SQL view) and the SQL sinks use
  Ingest,  ///< every sip_capture column, the URI parts found without their grammar
           ///< (field_views.h): what the embedded store indexes at ingest, whose readers parse
           ///< in full. Equal to All's fields wherever the value a field comes from parses
           ///< (sip/field_views_test); where it does not, All leaves the field empty and Ingest
           ///< gives its best-effort part
  Store,   ///< what the embedded store reads at ingest, as Ingest finds it: its index keys
           ///< (Call-ID, the callid_aleg header, the From, To, R-URI and P-Asserted-Identity
           ///< users), its traffic statistics (type, method, status, To tag, CSeq, User-Agent or
           ///< Server) and table routing's hash (Call-ID, From and To user); with the R-URI,
           ///< From and To parts those splits give at no cost (domains, From tag, values as
           ///< written). The rest stays empty: Contact, auth user, Via, Diversion, Reason,
           ///< Content-Type, X-OIP, the RTP stats and the custom fields, about 40 % of Ingest's
           ///< instructions on an INVITE (pipeline_bench). A reader that shows or matches every
           ///< column parses again (the live tail: web/tail_hub.cc)
  Dialog,  ///< what the tracer's rules read (trace_rule.h): type, method, status, R-URI and
           ///< its user, From and To user and tag, Call-ID, top Via and branch, CSeq
  Keys,    ///< what the tracer's state reads (sip_tracker.h) to find a message's scope: type,
           ///< method, status, Call-ID, From and To tag, CSeq, the top Via branch of INVITE and
           ///< ACK requests (empty on other messages: the tracker reads no other), and the
           ///< R-URI, From and To values as written (not their parts). The tags and the
           ///< branch are found where the full parse finds them (the same parameter grammar),
           ///< but the URIs around them are not parsed or validated: on a message whose
           ///< dialogError() is empty they equal Dialog's (sip/capture_fields_test).
};

/// Fills every field of `set` the message has; fields whose header is absent or unparsable
/// stay empty. Works on a message that failed to parse as far as its parts allow
/// (capture_bad_msgs).
void extractCaptureFields(const SipMessage& msg, const FieldOptions& options, SipCaptureFields& out,
                          FieldSet set = FieldSet::All);

}  // namespace siphon::sip
