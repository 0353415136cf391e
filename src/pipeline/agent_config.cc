#include "pipeline/agent_config.h"

#include "trace/trace_config.h"

namespace siphon::pipeline {

core::Result<void, core::Failure> applyAgentConfigFile(core::ConfigFile& file, AgentConfig& c) {
#define SIPHON_CONFIG_GET(lhs, expr) \
  auto lhs = (expr);                 \
  if (!lhs.has_value()) return core::unexpected(std::move(lhs).error())

  SIPHON_CONFIG_GET(duplicate_uri, file.getStrings("duplicate_uri"));
  if (*duplicate_uri) c.hep = **duplicate_uri;
  SIPHON_CONFIG_GET(sip_duplicate, file.getString("sip_duplicate_uri"));
  if (*sip_duplicate) c.sip_duplicate_uri = **sip_duplicate;
  SIPHON_CONFIG_GET(hep_mode_on, file.getSwitch("hep_mode_on"));
  if (*hep_mode_on) c.hep_mode_on = **hep_mode_on;
  SIPHON_CONFIG_GET(hep_version, file.getInt("hep_version", 1, 3));
  if (*hep_version) c.encoding.hep_version = static_cast<uint8_t>(**hep_version);
  SIPHON_CONFIG_GET(capture_id, file.getInt("hep_capture_id", 0, UINT32_MAX));
  if (*capture_id) c.encoding.hep_capture_id = static_cast<uint32_t>(**capture_id);
  SIPHON_CONFIG_GET(node, file.getString("hep_node_name"));
  if (*node) c.encoding.node_name = **node;
  SIPHON_CONFIG_GET(auth, file.getString("hep_auth_key"));
  if (*auth) {
    c.encoding.has_auth_key = true;
    c.encoding.auth_key = **auth;
  }
  SIPHON_CONFIG_GET(xheaders_write, file.getSwitch("xheaders_write"));
  if (*xheaders_write) c.xheaders_write = **xheaders_write;
  SIPHON_CONFIG_GET(force_send_sock, file.getString("force_send_sock"));
  if (*force_send_sock) c.force_send_sock = **force_send_sock;
  SIPHON_CONFIG_GET(trace_local_ip, file.getString("trace_local_ip"));
  if (*trace_local_ip) c.trace_local_ip = **trace_local_ip;
  SIPHON_CONFIG_GET(trace_on, file.getSwitch("trace_on"));
  if (*trace_on) c.trace_on = **trace_on;
  SIPHON_CONFIG_GET(to_db, file.getSwitch("trace_to_database"));
  if (*to_db) c.trace_to_database = **to_db;
  SIPHON_CONFIG_GET(table, file.getString("table"));
  if (*table) {
    if (auto why = trace::badTraceTableName(**table)) {
      return core::unexpected(core::Failure{file.name() + ": table: " + *why, 2});
    }
    c.trace_table = **table;
  }
  // Accepted with the seed's values, and what they mean for a passive tracer is in the
  // README: trace_delayed (the store already writes in batches off the capture path),
  // trace_flag (no script flags to read: a rule's scope says what sip_trace()'s mode would),
  // trace_sl_acks (the rules decide for every ACK).
  SIPHON_CONFIG_GET(delayed, file.getSwitch("trace_delayed"));
  SIPHON_CONFIG_GET(flag, file.getInt("trace_flag", -1, 63));
  SIPHON_CONFIG_GET(sl_acks, file.getSwitch("trace_sl_acks"));
  SIPHON_CONFIG_GET(db_url, file.getString("db_url"));
  if (*db_url) c.db_url = **db_url;
  SIPHON_CONFIG_GET(rules, trace::parseTraceRules(file));
  c.trace_rules = std::move(*rules);
  SIPHON_CONFIG_GET(local, file.getStrings("local_addresses"));
  if (*local) {
    for (const auto& text : **local) {
      auto a = core::AddressMatch::parse(text);
      if (!a.has_value()) {
        return core::unexpected(
            core::Failure{file.name() + ": local_addresses: '" + text + "': " + a.error(), 2});
      }
      c.local_addresses.push_back(*a);
    }
  }
  SIPHON_CONFIG_GET(max_txns, file.getInt("trace_max_transactions", 1, 100'000'000));
  if (*max_txns) c.trace_state.max_transactions = static_cast<size_t>(**max_txns);
  SIPHON_CONFIG_GET(max_dialogs, file.getInt("trace_max_dialogs", 1, 100'000'000));
  if (*max_dialogs) c.trace_state.max_dialogs = static_cast<size_t>(**max_dialogs);
  SIPHON_CONFIG_GET(max_sessions, file.getInt("trace_max_sessions", 1, 100'000'000));
  if (*max_sessions) c.trace_state.max_sessions = static_cast<size_t>(**max_sessions);
  // Kamailio dialog's default_timeout: a confirmed dialog idle this long is forgotten.
  SIPHON_CONFIG_GET(dialog_timeout, file.getInt("trace_dialog_timeout", 1, 7 * 86400));
  if (*dialog_timeout) c.trace_state.dialog_timeout = std::chrono::seconds(**dialog_timeout);
  SIPHON_CONFIG_GET(spool, file.getString("hep_spool_dir"));
  if (*spool) c.spool_dir = **spool;
  SIPHON_CONFIG_GET(db_spool, file.getString("spool_dir"));
  if (*db_spool) c.db_spool_dir = **db_spool;
  SIPHON_CONFIG_GET(db_spool_mb, file.getInt("spool_max_mb", 64, 1'048'576));
  if (*db_spool_mb) c.db_spool_max_bytes = static_cast<uint64_t>(**db_spool_mb) << 20;
  SIPHON_CONFIG_GET(listen, file.getString("raw_socket_listen"));
  if (*listen) c.raw_socket_listen = **listen;
  SIPHON_CONFIG_GET(iface, file.getStrings("raw_interface"));
  if (*iface) c.interfaces = **iface;
  SIPHON_CONFIG_GET(moni, file.getSwitch("raw_moni_capture_on"));
  if (*moni) c.raw_moni_capture_on = **moni;
  SIPHON_CONFIG_GET(ipip, file.getSwitch("raw_ipip_capture_on"));
  if (*ipip) c.raw_ipip_capture_on = **ipip;
  SIPHON_CONFIG_GET(bpf, file.getSwitch("raw_moni_bpf_on"));
  if (*bpf) c.raw_moni_bpf_on = **bpf;
  SIPHON_CONFIG_GET(promisc, file.getSwitch("promiscuous_on"));
  if (*promisc) c.promiscuous_on = **promisc;
  SIPHON_CONFIG_GET(rtcp, file.getSwitch("capture_rtcp"));
  if (*rtcp) c.capture_rtcp = **rtcp;
  SIPHON_CONFIG_GET(children, file.getInt("raw_sock_children", 1, 64));
  if (*children) c.raw_sock_children = static_cast<int>(**children);
  SIPHON_CONFIG_GET(filter, file.getString("filter"));
  if (*filter) c.filter = **filter;
  SIPHON_CONFIG_GET(queue, file.getInt("queue_size", 1, 100'000'000));
  if (*queue) c.queue_size = static_cast<size_t>(**queue);
#undef SIPHON_CONFIG_GET
  return file.rejectUnknown();
}

}  // namespace siphon::pipeline
