# Real-peer integration tests (included from tests/integration/CMakeLists.txt).
#
# kamailio_siptrace: Kamailio 5.6 siptrace -> siphon serve over HEP v1/v2/v3 (UDP) and HEPv3/TCP,
# with sipp calls through the proxy; installs kamailio, sipp, tcpdump and tshark with apt if
# missing (peers/install-peers.sh: needs root), captures on lo. Label `peers` selects these.
add_test(NAME kamailio_siptrace
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kamailio_siptrace_test.sh $<TARGET_FILE:siphon>)
set_tests_properties(kamailio_siptrace PROPERTIES LABELS "integration;peers" TIMEOUT 300 RUN_SERIAL TRUE)

# serve_cli: `siphon serve -c FILE` with seed keys, driven by the HEP load generator; ctl stats and
# capture on/off, SIGHUP, SIGTERM, search, bad configuration keys.
if(TARGET siphon-hep-load)
  add_test(NAME serve_cli
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/serve_cli_test.sh $<TARGET_FILE:siphon> $<TARGET_FILE:siphon-hep-load>)
  set_tests_properties(serve_cli PROPERTIES LABELS integration TIMEOUT 300)
endif()

# flow_export: `siphon flow` (text/svg/html) and `siphon export` on calls stored by `siphon serve`
# (load generator + a four-leg B2BUA call over UDP and TCP); tshark reads the pcap back byte-exact.
if(TARGET siphon-hep-load)
  add_test(NAME flow_export
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/flow_export_test.sh $<TARGET_FILE:siphon> $<TARGET_FILE:siphon-hep-load>)
  set_tests_properties(flow_export PROPERTIES LABELS integration TIMEOUT 300)
  # live_tail: siphon search --follow viewers of a running collector (GET /api/v1/tail)
  add_test(NAME live_tail
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/live_tail_test.sh $<TARGET_FILE:siphon> $<TARGET_FILE:siphon-hep-load>)
  set_tests_properties(live_tail PROPERTIES LABELS integration TIMEOUT 180)
  # tui: siphon tui driven by tmux (send-keys, capture-pane) over a store serve filled
  add_test(NAME tui
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tui_test.sh $<TARGET_FILE:siphon> $<TARGET_FILE:siphon-hep-load>)
  set_tests_properties(tui PROPERTIES LABELS integration TIMEOUT 180 SKIP_RETURN_CODE 77)
endif()

# The database tests (postgres_sink, mysql_sink, clickhouse_cluster) spend most of their time
# waiting (servers starting, io timeouts, outages), so they run beside the other tests, one at a
# time among themselves (RESOURCE_LOCK); run alone (RUN_SERIAL) they were about 120 s of the
# release tests' 234 s. The Kamailio and sngrep tests stay alone: kamailio_siptrace captures on
# lo, where other tests' traffic would show.
#
# postgres_sink: `siphon serve --db postgres://...` into a throw-away PostgreSQL cluster (initdb in a
# temp dir, loopback, free port), every column checked with psql, the database stopped under a
# running collector (storage_error drops, reconnect). Installs postgresql with apt if missing;
# exit 77 (skipped) when it cannot.
add_test(NAME postgres_sink
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/postgres_sink_test.sh $<TARGET_FILE:siphon>)
set_tests_properties(postgres_sink PROPERTIES LABELS "integration;peers" TIMEOUT 300
                     RESOURCE_LOCK database_servers SKIP_RETURN_CODE 77)

# mysql_sink: `siphon serve --db mysql://...` into a throw-away MariaDB server (mysql_install_db and
# mariadbd in a temp dir, loopback, free port): every column checked with the mariadb client, search,
# flow and export equal to the embedded store's, an outage spooled and replayed, the agent's
# sip_trace. Installs mariadb-server with apt if missing; exit 77 (skipped) when it cannot.
add_test(NAME mysql_sink
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/mysql_sink_test.sh $<TARGET_FILE:siphon> ${PROJECT_SOURCE_DIR}/tests/data)
set_tests_properties(mysql_sink PROPERTIES LABELS "integration;peers" TIMEOUT 300
                     RESOURCE_LOCK database_servers SKIP_RETURN_CODE 77)

# clickhouse_cluster: two clickhouse-server shards (Debian's 18.16) on loopback, two collectors
# writing their own shard with Distributed tables over both: a B2BUA call across shards found by
# flow and search from either server, a load counted per shard and over the cluster, a shard
# outage spooled and replayed once, retention_days dropping old day partitions. Installs
# clickhouse-server with apt if missing; exit 77 (skipped) when it cannot.
if(TARGET siphon-hep-load)
  add_test(NAME clickhouse_cluster
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/clickhouse_cluster_test.sh $<TARGET_FILE:siphon>
            $<TARGET_FILE:siphon-hep-load>)
  set_tests_properties(clickhouse_cluster PROPERTIES LABELS "integration;peers" TIMEOUT 300
                       RESOURCE_LOCK database_servers SKIP_RETURN_CODE 77)
endif()

# agent_live: `siphon agent --interface` on a veth pair in a namespace the test makes (root),
# HEP into `siphon serve`, `siphon ctl trace on|off|check` and stats, SIGTERM summary.
add_test(NAME agent_live
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/agent_live_test.sh $<TARGET_FILE:siphon>)
set_tests_properties(agent_live PROPERTIES LABELS "integration;peers" TIMEOUT 180)

# web_ui: the web UI served by `siphon serve` (embedded in the binary), driven in headless Chromium
# (Debian's chromium, installed with apt if missing) by playwright-core (npm ci in web_ui/): search,
# token prompt, call page ladder, message panel with SDP, pcap download read back by tshark, stats.
# Exit 77 (skipped) when node, chromium or tshark cannot be had.
if(TARGET siphon-hep-load)
  add_test(NAME web_ui
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/web_ui_test.sh $<TARGET_FILE:siphon> $<TARGET_FILE:siphon-hep-load>)
  set_tests_properties(web_ui PROPERTIES LABELS "integration;peers" TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

# kamailio_sipcapture: `siphon agent --pcap` replays tests/data captures as HEP v1/v2/v3 over UDP and
# HEPv3 over TCP into Kamailio 5.6 sipcapture (SQLite); every stored row is compared with `siphon
# decode` (payload byte-exact, addresses, ports, micro_ts, node). Installs kamailio,
# kamailio-sqlite-modules and sqlite3 with apt if missing; exit 77 (skipped) when it cannot.
add_test(NAME kamailio_sipcapture
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kamailio_sipcapture_test.sh $<TARGET_FILE:siphon>
          ${PROJECT_SOURCE_DIR}/tests/data)
set_tests_properties(kamailio_sipcapture PROPERTIES LABELS "integration;peers" TIMEOUT 300 RUN_SERIAL TRUE
                     SKIP_RETURN_CODE 77)

# sngrep_hep: the same replays as HEPv3 and HEPv2 into `sngrep -N -L` (sngrep 1.6); the pcap it saves
# must hold every message (Call-ID, CSeq, payload, time, addresses, ports). Installs sngrep and
# tshark with apt if missing; exit 77 (skipped) when it cannot.
add_test(NAME sngrep_hep
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/sngrep_hep_test.sh $<TARGET_FILE:siphon>
          ${PROJECT_SOURCE_DIR}/tests/data)
set_tests_properties(sngrep_hep PROPERTIES LABELS "integration;peers" TIMEOUT 300 RUN_SERIAL TRUE
                     SKIP_RETURN_CODE 77)

# hep_route: routing rules between real processes: `siphon serve` A relays with chunk edits to B
# and to Kamailio 5.6 sipcapture (installed with apt if missing; its checks are skipped without
# it), B stopped and restarted mid-stream loses and doubles nothing, two collectors relaying to
# each other, a named hep_route with report_capture read back with the sqlite3 shell.
if(TARGET siphon-hep-load)
  add_test(NAME hep_route
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/hep_route_test.sh $<TARGET_FILE:siphon>
            $<TARGET_FILE:siphon-hep-load> $<TARGET_FILE:siphon_sqlite>)
  set_tests_properties(hep_route PROPERTIES LABELS "integration;peers" TIMEOUT 300 RUN_SERIAL TRUE)
endif()
