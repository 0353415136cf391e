#pragma once
// The collector's settings (`siphon serve`): defaults that work with no file at all, then the
// TOML file's keys (the seed documents' parameter names), then command-line flags on top.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/config_file.h"
#include "core/endpoint.h"
#include "core/result.h"
#include "route/route_config.h"
#include "route/route_rule.h"
#include "source/connection_table.h"
#include "sink/store_sink.h"

namespace siphon::pipeline {

/// One `capture_mode` profile: "NAME=>db_url=...;table_name=...;mt_mode=...;hash_source=...".
struct CaptureMode {
  std::string name;
  std::string db_url;
  process::TableRouting routing;
};

struct CollectorConfig {
  std::vector<core::Endpoint> listen;      ///< default udp:0.0.0.0:9060 and tcp:0.0.0.0:9060
  std::string db_url = "sqlite:siphon.db"; ///< db_url
  std::string http = "127.0.0.1:9080";     ///< HTTP API address
  bool capture_on = true;                  ///< capture_on (a standalone collector starts on)
  bool hep_capture_on = true;              ///< hep_capture_on
  int db_insert_mode = 2;                  ///< db_insert_mode: 0/1/2; we always batch (see README)
  std::string hep_auth_key;                ///< hep_auth_key
  bool xheaders_read = false;              ///< xheaders_read: plain SIP with X-Siptrace-* on UDP
  std::string tls_certificate;             ///< tls_certificate: PEM, for tls: listeners
  std::string tls_private_key;             ///< tls_private_key: PEM
  int workers = 2;                         ///< UDP worker threads per listener
  /// tcp_idle_timeout, tcp_max_connections_per_source, tls_handshake_timeout: the slots of
  /// the TCP and TLS listeners (source/connection_table.h).
  source::StreamLimits stream_limits;
  size_t queue_size = 200'000;             ///< records between sources and the store, at most
  size_t queue_memory_mb = 128;            ///< ... and at most this many MB of them: the bound
                                           ///< that keeps RSS flat under overload
  std::vector<CaptureMode> capture_modes;  ///< capture_mode profiles
  /// capture_mode_rule: "CONDITION;... => MODE", first match wins; each becomes a routing
  /// rule with a capture_mode action, after the `[[route]]` rules (route/route_config.h).
  std::vector<std::string> capture_mode_rules;
  route::HepRoute hep_route;               ///< hep_route: none | sip (default) | NAME
  std::vector<route::RouteRule> routes;    ///< [[route]] tables, in file order
  /// hep_relay: relay lanes send HEPv3 by default, whatever version came in, so that the relay
  /// path (loop guard) rides along; 1 or 2 for receivers that take nothing else (no loop guard).
  uint8_t relay_hep_version = 3;
  uint32_t relay_id = 0;                   ///< relay_id: this collector's id on relay paths; 0 random
  size_t relay_max_hops = 8;               ///< relay_max_hops: longer relay paths are dropped
  std::string relay_spool_dir = "relay-spool";  ///< relay_spool_dir: per destination; "" none
  uint64_t relay_spool_max_mb = 256;       ///< relay_spool_max_mb: per destination
  sink::StoreSinkOptions store;            ///< table_name, mt_mode, hash_source, capture_node,
                                           ///< callid_aleg_header, insert_retries, ...
  /// api_read_tokens / api_admin_tokens: HTTP API bearer tokens (search and export / every
  /// route). Both empty: the API serves loopback clients only, without a token.
  std::vector<std::string> api_read_tokens;
  std::vector<std::string> api_admin_tokens;

  /// Every routing rule in order: the [[route]] tables, then the capture_mode_rule values,
  /// resolved against `listen` and `capture_modes`.
  [[nodiscard]] core::Result<std::vector<route::RouteRule>, core::Failure> routeRules() const;
  /// The rule scope of this configuration (listeners, capture modes, hep_route).
  [[nodiscard]] route::RuleScope ruleScope() const;
};

/// Defaults with no file.
[[nodiscard]] CollectorConfig defaultCollectorConfig();
/// Applies every key of `file` over `config`; names the key on any error (exit status 2).
[[nodiscard]] core::Result<void, core::Failure> applyConfigFile(core::ConfigFile& file,
                                                               CollectorConfig& config);
/// Parses one capture_mode value.
[[nodiscard]] core::Result<CaptureMode, core::Failure> parseCaptureMode(std::string_view text);

}  // namespace siphon::pipeline
