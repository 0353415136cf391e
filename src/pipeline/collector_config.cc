#include "pipeline/collector_config.h"

#include <map>

#include "core/db_url.h"

namespace siphon::pipeline {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == ';')) s.remove_suffix(1);
  return s;
}

// An API token travels in an Authorization header or a URL: visible ASCII, no spaces, and
// long enough not to be guessed by trying.
core::Result<void, core::Failure> checkApiTokens(const std::string& key,
                                                 const std::vector<std::string>& tokens) {
  for (const auto& t : tokens) {
    if (t.size() < 16 || t.size() > 256) {
      return core::unexpected(core::Failure{key + ": a token must have 16 to 256 characters", 2});
    }
    for (char ch : t) {
      if (ch <= ' ' || ch > '~') {
        return core::unexpected(
            core::Failure{key + ": a token must be printable ASCII without spaces", 2});
      }
    }
  }
  return {};
}

}  // namespace

CollectorConfig defaultCollectorConfig() {
  CollectorConfig c;
  c.listen = {*core::Endpoint::parse("udp:0.0.0.0:9060"), *core::Endpoint::parse("tcp:0.0.0.0:9060")};
  return c;
}

route::RuleScope CollectorConfig::ruleScope() const {
  route::RuleScope scope;
  scope.listeners = &listen;
  for (const auto& m : capture_modes) scope.capture_modes.push_back(m.name);
  scope.hep_route = hep_route;
  return scope;
}

core::Result<std::vector<route::RouteRule>, core::Failure> CollectorConfig::routeRules() const {
  std::vector<route::RouteRule> rules = routes;
  SIPHON_TRY(route::resolveListeners(rules, listen));
  const route::RuleScope scope = ruleScope();
  for (size_t i = 0; i < capture_mode_rules.size(); ++i) {
    auto rule = route::parseCaptureModeRule(capture_mode_rules[i],
                                            "capture_mode_rule #" + std::to_string(i + 1), scope);
    if (!rule.has_value()) return core::unexpected(std::move(rule).error());
    rules.push_back(std::move(*rule));
  }
  if (hep_route.mode == route::HepRoute::Mode::None && !rules.empty()) {
    return core::unexpected(core::Failure{
        "hep_route = \"none\" runs no rules: remove the [[route]] tables and capture_mode_rule, or the key", 2});
  }
  return rules;
}

core::Result<CaptureMode, core::Failure> parseCaptureMode(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return core::unexpected(core::Failure{"capture_mode: '" + std::string(text) + "': " + why, 2});
  };
  auto arrow = text.find("=>");
  if (arrow == std::string_view::npos) return bad("expected NAME=>param=value;...");
  CaptureMode mode;
  mode.name = std::string(trim(text.substr(0, arrow)));
  if (mode.name.empty()) return bad("empty name");
  std::map<std::string, std::string, std::less<>> params;
  std::string_view rest = text.substr(arrow + 2);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find(';', start);
    if (end == std::string_view::npos) end = rest.size();
    auto item = trim(rest.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return bad("parameter without '='");
    // Token lengths decide, not C-string compares (Kamailio's hash_source quirk, §2.6).
    params[std::string(trim(item.substr(0, eq)))] = std::string(trim(item.substr(eq + 1)));
  }
  for (const auto& [k, v] : params) {
    if (k != "db_url" && k != "table_name" && k != "mt_mode" && k != "hash_source") {
      return bad("unknown parameter '" + k + "'");
    }
  }
  if (!params.count("db_url")) return bad("db_url is required");
  if (!params.count("table_name")) return bad("table_name is required");
  if (!params.count("mt_mode")) return bad("mt_mode is required");
  mode.db_url = params["db_url"];
  if (auto url = core::DbUrl::parse(mode.db_url); !url.has_value()) return bad(url.error().message);
  auto routing = process::TableRouting::parse(params["table_name"], params["mt_mode"],
                                           params.count("hash_source") ? params["hash_source"] : "");
  if (!routing.has_value()) return bad(routing.error().message);
  mode.routing = std::move(*routing);
  return mode;
}

core::Result<void, core::Failure> applyConfigFile(core::ConfigFile& file, CollectorConfig& c) {
#define SIPHON_CONFIG_GET(lhs, expr) \
  auto lhs = (expr);                 \
  if (!lhs.has_value()) return core::unexpected(std::move(lhs).error())

  SIPHON_CONFIG_GET(listen, file.getStrings("listen"));
  if (*listen) {
    c.listen.clear();
    for (const auto& text : **listen) {
      auto ep = core::Endpoint::parse(text);
      if (!ep.has_value()) {
        return core::unexpected(core::Failure{file.name() + ": listen: " + ep.error().message, 2});
      }
      c.listen.push_back(*ep);
    }
  }
  SIPHON_CONFIG_GET(db_url, file.getString("db_url"));
  if (*db_url) {
    c.db_url = **db_url;
    if (auto p = core::DbUrl::parse(c.db_url); !p.has_value()) {
      return core::unexpected(core::Failure{file.name() + ": " + p.error().message, 2});
    }
  }
  SIPHON_CONFIG_GET(http, file.getString("http"));
  if (*http) c.http = **http;
  SIPHON_CONFIG_GET(capture_on, file.getSwitch("capture_on"));
  if (*capture_on) c.capture_on = **capture_on;
  SIPHON_CONFIG_GET(hep_capture_on, file.getSwitch("hep_capture_on"));
  if (*hep_capture_on) c.hep_capture_on = **hep_capture_on;
  SIPHON_CONFIG_GET(insert_mode, file.getInt("db_insert_mode", 0, 2));
  if (*insert_mode) c.db_insert_mode = static_cast<int>(**insert_mode);
  SIPHON_CONFIG_GET(max_async, file.getInt("max_async_queries", 1, 100000));
  if (*max_async) c.store.batch_size = static_cast<size_t>(**max_async);
  SIPHON_CONFIG_GET(retries, file.getInt("insert_retries", 0, 500));
  if (*retries) c.store.insert_retries = static_cast<int>(**retries);
  SIPHON_CONFIG_GET(retry_timeout, file.getInt("insert_retry_timeout", 0, 300));
  if (*retry_timeout) c.store.insert_retry_timeout = std::chrono::seconds(**retry_timeout);
  SIPHON_CONFIG_GET(ch_cluster, file.getString("clickhouse_cluster"));
  if (*ch_cluster) c.store.clickhouse_cluster = **ch_cluster;
  SIPHON_CONFIG_GET(retention_days, file.getInt("retention_days", 0, 36500));
  SIPHON_CONFIG_GET(retention_rules, file.getStrings("retention"));
  if (*retention_days || *retention_rules) {
    auto policy = sink::RetentionPolicy::parse(
        *retention_days ? static_cast<int>(**retention_days) : 0,
        *retention_rules ? **retention_rules : std::vector<std::string>{});
    if (!policy.has_value()) {
      return core::unexpected(core::Failure{file.name() + ": " + policy.error().message, 2});
    }
    c.store.retention = std::move(*policy);
  }
  SIPHON_CONFIG_GET(max_store, file.getInt("max_store_mb", 0, 100'000'000));
  if (*max_store) c.store.max_store_bytes = static_cast<uint64_t>(**max_store) << 20;
  SIPHON_CONFIG_GET(db_conns, file.getInt("db_connections", 1, 16));
  if (*db_conns) c.store.db_connections = static_cast<size_t>(**db_conns);
  SIPHON_CONFIG_GET(db_spool, file.getString("spool_dir"));
  if (*db_spool) c.store.spool_dir = **db_spool;
  SIPHON_CONFIG_GET(db_spool_mb, file.getInt("spool_max_mb", 64, 1'048'576));
  if (*db_spool_mb) c.store.spool_max_bytes = static_cast<uint64_t>(**db_spool_mb) << 20;
  SIPHON_CONFIG_GET(node, file.getString("capture_node"));
  if (*node) c.store.row.capture_node = **node;
  SIPHON_CONFIG_GET(aleg, file.getString("callid_aleg_header"));
  if (*aleg) {
    auto names = sip::splitHeaderNames("callid_aleg_header", **aleg);
    if (!names.has_value()) {
      return core::unexpected(core::Failure{file.name() + ": " + names.error().message, 2});
    }
    c.store.row.fields.callid_aleg_headers = std::move(*names);
  }
  SIPHON_CONFIG_GET(cf1, file.getString("custom_field1_header"));
  if (*cf1) c.store.row.fields.custom_field1_header = **cf1;
  SIPHON_CONFIG_GET(cf2, file.getString("custom_field2_header"));
  if (*cf2) c.store.row.fields.custom_field2_header = **cf2;
  SIPHON_CONFIG_GET(cf3, file.getString("custom_field3_header"));
  if (*cf3) c.store.row.fields.custom_field3_header = **cf3;
  SIPHON_CONFIG_GET(xheaders_read, file.getSwitch("xheaders_read"));
  if (*xheaders_read) c.xheaders_read = **xheaders_read;
  SIPHON_CONFIG_GET(auth, file.getString("hep_auth_key"));
  if (*auth) c.hep_auth_key = **auth;
  SIPHON_CONFIG_GET(cert, file.getString("tls_certificate"));
  if (*cert) c.tls_certificate = **cert;
  SIPHON_CONFIG_GET(private_key, file.getString("tls_private_key"));
  if (*private_key) c.tls_private_key = **private_key;
  SIPHON_CONFIG_GET(workers, file.getInt("workers", 1, 64));
  if (*workers) c.workers = static_cast<int>(**workers);
  SIPHON_CONFIG_GET(idle, file.getInt("tcp_idle_timeout", 1, 86'400));
  if (*idle) c.stream_limits.idle_timeout = std::chrono::seconds(**idle);
  SIPHON_CONFIG_GET(per_source, file.getInt("tcp_max_connections_per_source", 1, 1024));
  if (*per_source) c.stream_limits.max_per_source = static_cast<size_t>(**per_source);
  SIPHON_CONFIG_GET(handshake, file.getInt("tls_handshake_timeout", 1, 300));
  if (*handshake) c.stream_limits.handshake_timeout = std::chrono::seconds(**handshake);
  SIPHON_CONFIG_GET(queue, file.getInt("queue_size", 1, 100'000'000));
  if (*queue) c.queue_size = static_cast<size_t>(**queue);
  SIPHON_CONFIG_GET(queue_mb, file.getInt("queue_memory_mb", 1, 65'536));
  if (*queue_mb) c.queue_memory_mb = static_cast<size_t>(**queue_mb);
  SIPHON_CONFIG_GET(cache_mb, file.getInt("store_cache_mb", 2, 65'536));
  if (*cache_mb) c.store.store.cache_mb = static_cast<int>(**cache_mb);
  SIPHON_CONFIG_GET(zstd_level, file.getInt("store_zstd_level", 1, 19));
  if (*zstd_level) c.store.store.zstd_level = static_cast<int>(**zstd_level);

  SIPHON_CONFIG_GET(table, file.getString("table_name"));
  SIPHON_CONFIG_GET(mt_mode, file.getString("mt_mode"));
  SIPHON_CONFIG_GET(hash_source, file.getString("hash_source"));
  if (*table || *mt_mode || *hash_source) {
    auto routing = process::TableRouting::parse(table->value_or("sip_capture"),
                                             mt_mode->value_or("rand"), hash_source->value_or("call_id"));
    if (!routing.has_value()) {
      return core::unexpected(core::Failure{file.name() + ": " + routing.error().message, 2});
    }
    c.store.routing = std::move(*routing);
  }
  SIPHON_CONFIG_GET(modes, file.getStrings("capture_mode"));
  if (*modes) {
    for (const auto& text : **modes) {
      auto mode = parseCaptureMode(text);
      if (!mode.has_value()) {
        return core::unexpected(core::Failure{file.name() + ": " + mode.error().message, 2});
      }
      c.capture_modes.push_back(std::move(*mode));
    }
  }
  SIPHON_CONFIG_GET(hep_route, file.getString("hep_route"));
  if (*hep_route) {
    auto parsed = route::HepRoute::parse(**hep_route);
    if (!parsed.has_value()) return core::unexpected(core::Failure{file.name() + ": hep_route: " + parsed.error().message, 2});
    c.hep_route = std::move(*parsed);
  }
  {
    auto tables = file.getTables("route");
    if (!tables.has_value()) return core::unexpected(std::move(tables).error());
    const route::RuleScope scope = c.ruleScope();
    c.routes.clear();
    for (size_t i = 0; i < tables->size(); ++i) {
      auto rule = route::parseRouteTable((*tables)[i], (*tables)[i].name(), scope);
      if (!rule.has_value()) return core::unexpected(std::move(rule).error());
      c.routes.push_back(std::move(*rule));
    }
  }
  SIPHON_CONFIG_GET(rules, file.getStrings("capture_mode_rule"));
  if (*rules) c.capture_mode_rules = **rules;
  if (auto checked = c.routeRules(); !checked.has_value()) {
    return core::unexpected(core::Failure{file.name() + ": " + checked.error().message, 2});
  }
  SIPHON_CONFIG_GET(relay_version, file.getInt("relay_hep_version", 1, 3));
  if (*relay_version) c.relay_hep_version = static_cast<uint8_t>(**relay_version);
  SIPHON_CONFIG_GET(relay_id, file.getInt("relay_id", 1, UINT32_MAX));
  if (*relay_id) c.relay_id = static_cast<uint32_t>(**relay_id);
  SIPHON_CONFIG_GET(max_hops, file.getInt("relay_max_hops", 1, 32));
  if (*max_hops) c.relay_max_hops = static_cast<size_t>(**max_hops);
  SIPHON_CONFIG_GET(spool_dir, file.getString("relay_spool_dir"));
  if (*spool_dir) c.relay_spool_dir = **spool_dir;
  SIPHON_CONFIG_GET(spool_mb, file.getInt("relay_spool_max_mb", 1, 1'048'576));
  if (*spool_mb) c.relay_spool_max_mb = static_cast<uint64_t>(**spool_mb);
  SIPHON_CONFIG_GET(homer5, file.getSwitch("homer5_on"));
  // homer5_on = 0: report rows get OpenSIPS's Homer-6 columns (§3.4), in PostgreSQL and in
  // the embedded store's report views.
  if (*homer5 && !**homer5) {
    c.store.row.homer6_reports = true;
    c.store.store.homer6_reports = true;
  }
  // Keys of the raw capture modes belong to the agent's capture sources (a later issue).
  for (const char* key : {"raw_ipip_capture_on", "raw_moni_capture_on", "raw_socket_listen",
                          "raw_interface", "raw_sock_children", "promiscuous_on",
                          "raw_moni_bpf_on"}) {
    auto present = file.getString(key);
    auto as_int = file.getInt(key, INT64_MIN, INT64_MAX);
    if ((present.has_value() && *present) || (as_int.has_value() && *as_int)) {
      return core::unexpected(
          core::Failure{file.name() + ": " + key + ": raw capture is not supported by serve yet", 2});
    }
  }
  for (auto [key, out] : {std::pair{"api_read_tokens", &c.api_read_tokens},
                          std::pair{"api_admin_tokens", &c.api_admin_tokens}}) {
    SIPHON_CONFIG_GET(tokens, file.getStrings(key));
    if (!*tokens) continue;
    if (auto ok = checkApiTokens(key, **tokens); !ok.has_value()) {
      return core::unexpected(core::Failure{file.name() + ": " + ok.error().message, 2});
    }
    *out = std::move(**tokens);
  }
#undef SIPHON_CONFIG_GET
  return file.rejectUnknown();
}

}  // namespace siphon::pipeline
