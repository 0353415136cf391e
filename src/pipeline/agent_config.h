#pragma once
// The agent's settings (`siphon agent`): the siptrace seed's keys for what goes out
// (duplicate_uri, hep_mode_on, hep_version, hep_capture_id, xheaders_write, force_send_sock,
// trace_local_ip, trace_on, trace_to_database + db_url) and the sipcapture seed's raw-capture
// keys for what comes in (raw_interface, raw_socket_listen, raw_moni_capture_on,
// raw_ipip_capture_on, raw_moni_bpf_on, promiscuous_on, raw_sock_children). Command-line
// flags override the file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/address_match.h"
#include "core/config_file.h"
#include "core/endpoint.h"
#include "core/result.h"
#include "sink/hep_out/hep_out_encoder.h"
#include "source/replay_pacer.h"
#include "trace/sip_tracker.h"
#include "trace/trace_rule.h"

namespace siphon::pipeline {

struct AgentConfig {
  std::vector<std::string> interfaces;  ///< --interface / raw_interface (live capture)
  std::vector<std::string> pcap_files;  ///< --pcap (offline)
  /// --replay-speed / --rate: how fast pcap files are replayed (replay_pacer.h).
  source::ReplayPacing replay{.speed = std::nullopt, .rate = source::ReplayPacing::kDefaultRate};
  std::string filter;             ///< --filter: any BPF expression
  std::vector<std::string> hep;   ///< --hep / duplicate_uri: where HEP goes
  sink::HepOutEncoding encoding;  ///< hep_version, hep_capture_id, node name, auth key
  bool hep_mode_on = true;        ///< hep_mode_on: 0 sends plain SIP to duplicate_uri
  /// sip_duplicate_uri (Siphon's): a plain-SIP copy as well, beside HEP to duplicate_uri; it
  /// takes xheaders_write, force_send_sock and trace_local_ip like the hep_mode_on=0 copy.
  std::string sip_duplicate_uri;
  bool xheaders_write = false;            ///< xheaders_write (plain SIP mode)
  std::string force_send_sock;            ///< force_send_sock (plain SIP mode)
  std::string trace_local_ip;             ///< trace_local_ip
  bool trace_on = true;                   ///< trace_on
  bool trace_to_database = false;         ///< trace_to_database: also store into db_url
  std::string trace_table = "sip_trace";  ///< siptrace's `table`: the default sip_trace table
  std::string db_url;                     ///< --db / db_url
  std::string spool_dir;                  ///< hep_spool_dir: unsent HEP for stream destinations
  /// spool_dir / spool_max_mb: trace_to_database into PostgreSQL keeps its batches here while
  /// the database is down (sink/database/database_sink.h); "" for none.
  std::string db_spool_dir = "db-spool";
  uint64_t db_spool_max_bytes = 1024ull << 20;
  std::string raw_socket_listen;     ///< "ip:port" or "ip:port1-port2"
  bool raw_moni_capture_on = false;  ///< raw_moni_capture_on (mirror port)
  bool raw_ipip_capture_on = false;  ///< raw_ipip_capture_on
  bool raw_moni_bpf_on = false;      ///< raw_moni_bpf_on: kernel filter from the port range
  bool promiscuous_on = false;       ///< promiscuous_on
  /// capture_rtcp / --rtcp: the RTCP of the media the captured SDP announces, sent as HEP
  /// payload type 5 with the Call-ID as correlation id (source/media_tracker.h).
  bool capture_rtcp = false;
  int raw_sock_children = 1;         ///< raw_sock_children
  size_t queue_size = 200'000;       ///< records between capture and the senders
  std::vector<trace::TraceRule> trace_rules;  ///< [[trace]] tables, in order
  /// local_addresses: the traced server's own addresses ("10.0.0.5", "10.0.0.0/24",
  /// "10.0.0.5:5060"), which give the sip_trace rows their direction.
  std::vector<core::AddressMatch> local_addresses;
  trace::TrackerOptions trace_state;  ///< trace_max_transactions, _dialogs, _sessions, ...
};

/// Applies every key of `file` over `config`; names the key on any error (exit status 2).
[[nodiscard]] core::Result<void, core::Failure> applyAgentConfigFile(core::ConfigFile& file,
                                                                     AgentConfig& config);

}  // namespace siphon::pipeline
