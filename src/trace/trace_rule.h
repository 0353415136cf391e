#pragma once
// One tracing rule (`[[trace]]` in the agent's configuration, docs/CLI.md "Tracing rules"):
// which messages it takes and how they are traced. The rules are Kamailio siptrace's
// sip_trace([address][, correlation][, mode]) and OpenSIPS tracer's trace(id, scope, ...,
// flags, correlation_id) written as data (docs/HEP-AND-MODULES.md §4.2, §5.2): first match
// wins, on a message that no traced scope already holds.
//
// What a rule can say: the scope (m message, t transaction, d dialog, b B2BUA session), the
// side (C caller / c callee, §5.3), a correlation id (fixed text, a header's value up to its
// first ';', or the Call-ID) that goes out as chunk 0x0011 on every message of the scope, the
// destinations that replace --hep / duplicate_uri for what it takes (sip_trace(address)),
// traced users and a table (traced_user_avp, trace_table_avp), or drop.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address_match.h"
#include "core/capture.h"
#include "core/result.h"
#include "core/text_test.h"
#include "record/record.h"
#include "trace/rule_sip.h"

namespace siphon::trace {

enum class TraceScope : uint8_t { Message, Transaction, Dialog, B2bSession };
enum class TraceSide : uint8_t { Both, Caller, Callee };

/// "m", "t", "d", "b" (any case): OpenSIPS's letters.
[[nodiscard]] std::string_view scopeName(TraceScope s);

struct TraceCorrelation {
  /// Replaces: the Call-ID a Replaces header names (RFC 3891: the INVITE of an attended
  /// transfer), or that a REFER's Refer-To URI carries as its Replaces header (RFC 5589 §7,
  /// percent-decoded), up to the first ';'.
  enum class Kind : uint8_t { None, Fixed, Header, CallId, Replaces };
  Kind kind = Kind::None;
  std::string value;  ///< the text (Fixed) or the header name (Header)
};

struct TraceMatch {
  std::vector<std::string> methods;  ///< requests of these methods (any case)
  /// type = "request" | "reply": only requests or only replies (methods imply requests).
  std::optional<bool> requests;
  std::optional<std::string> from_user, to_user, ruri_user;
  std::optional<core::AddressMatch> source, destination;
  struct Header {
    std::string name;
    core::TextTest test;
  };
  std::optional<Header> header;
  /// listen = "[proto:]address[:port]": the traced server's socket (Kamailio's listen=,
  /// OpenSIPS's socket): a message sent from it or to it, on that transport when one is named.
  struct Listen {
    core::Transport transport = core::Transport::Unknown;  ///< Unknown: any
    core::AddressMatch address;
  };
  std::optional<Listen> listen;
  /// interface = "eth0": captured live on that interface (--interface; "ipip" for the raw
  /// IP-in-IP socket). Records read from files or fed to libsiphon_tracer have none.
  std::optional<std::string> interface;
  uint16_t interface_source = 0;  ///< bindInterfaces(): the record source it names
};

struct TraceActions {
  TraceScope scope = TraceScope::Message;
  TraceSide side = TraceSide::Both;
  TraceCorrelation correlation;
  /// extra_correlation (OpenSIPS's extra correlation, chunk 0x0065 {"correlation": id}): read
  /// on every message of the scope, which carries it when it has the value (a header form on
  /// the messages with that header), so one leg can point at another without changing its
  /// own 0x0011.
  TraceCorrelation extra_correlation;
  std::vector<std::string> destinations;  ///< checked and resolved by the agent
  std::vector<std::string> traced_users;  ///< sip_capture field names (from_user, ...)
  std::string table;                      ///< trace_table_avp
  /// Scope b: the headers whose value (up to the first ';') joins a dialog to the session,
  /// tried in order (session_header = "X-CID;X-CID0"); a message with none is keyed by its
  /// Call-ID. Empty for the other scopes.
  std::vector<std::string> session_headers;
  bool drop = false;
};

struct TraceRule {
  std::string label;  ///< "trace #3", for errors and counters
  TraceMatch match;
  TraceActions actions;

  /// Whether the rule takes the record `sip` reads (parsed by the SIP-parse processor; an
  /// unparsed or non-SIP record, or one whose dialog headers do not parse, matches only a rule
  /// without SIP conditions). The cheap tests come first; `sip` parses the message in full
  /// only for one that passes them (rule_sip.h).
  [[nodiscard]] bool matches(RuleSip& sip) const;
};

/// Binds each rule's `interface` to its record source: `source_names[i]` is the interface the
/// agent's source i captures on ("" for a source without one). A name no source has stops
/// start-up (exit 2), naming the rule.
[[nodiscard]] core::Result<void, core::Failure> bindInterfaces(
    std::vector<TraceRule>& rules, const std::vector<std::string>& source_names);

/// The correlation id `c` gives `r`: the text, the header's value up to its first ';'
/// (trimmed), the Call-ID, or the Replaces Call-ID; nothing when the message lacks it or `c`
/// is None. The view is of `c` (Fixed), of the record's payload, or (a percent-encoded
/// Refer-To) of a value kept with the record's capture.
[[nodiscard]] std::optional<std::string_view> correlationOf(const TraceCorrelation& c,
                                                            record::Record& r);

}  // namespace siphon::trace
