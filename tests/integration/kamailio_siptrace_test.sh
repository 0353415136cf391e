#!/usr/bin/env bash
# Real-peer integration test of the collector: Kamailio 5.6 (Debian) proxies sipp calls and
# mirrors them with its siptrace module as HEP v1, v2 and v3 over UDP, and HEPv3 over TCP, to
# `siphon serve`. Every HEP packet Kamailio sent (ground truth: tcpdump on lo) must be stored,
# with the right Call-ID, method, users, addresses, ports and timestamps.
#
# Usage: kamailio_siptrace_test.sh SIPHON_BINARY
#   env: CALLS=10 (calls per case),
#        CASES="udp:1 udp:2 udp:3 tcp:3 udp:3:transaction udp:3:dialog udp:3:chain",
#        KEEP=1 keeps the work directory.
#
# Per case: free ports (siptrace_check.py free-ports), siphon serve with its own SQLite file,
# tcpdump on lo for the HEP to the collector and for the SIP between sipp and Kamailio, Kamailio
# (peers/kamailio-siptrace.cfg), a sipp UAS and a sipp UAC making CALLS calls. Then: the serve
# stats line says received == stored == HEP packets in the capture, dropped 0; `siphon search`
# returns that many records; every Call-ID sipp used is stored; each record's fields are sane
# (siptrace_check.py check); the stored records equal `siphon decode` of the captured HEP
# packets (multiset of callid/cseq/method/ports/users, plus micro_ts for v2/v3) and, in core
# mode, the SIP messages on the wire.
#
# Trace mode: core (modparam trace_mode=1) is used for the main cases because it mirrors every
# SIP message Kamailio sends or receives (14 per call; the stored records can then be matched
# one to one with the SIP on the wire). Transaction mode (sip_trace(uri, $ci, "t")) misses the
# relayed ACK (13 per call) but is what most deployments use and is the only mode that sends
# the 0x0011 correlation chunk; it runs as one extra HEPv3/UDP case.
#
# Dialog mode (dlg_manage() and sip_trace(uri, $ci, "d") on the initial INVITE) runs as one
# more case. In the transaction and dialog cases the SIP capture also goes through
# `siphon agent` with the equivalent [[trace]] rules, and its message set must be Kamailio's
# (by Call-ID, CSeq, method/status and direction) plus the ACKs to the 2xx Kamailio misses.
#
# Chain (partial tracing, OpenSIPS's C / c): sipp -> Kamailio P1 -> Kamailio P2 -> sipp, both
# proxies mirroring everything (core mode) to one collector, which then holds the P1 - P2 hop
# twice. The SIP capture goes through two agents, one tracing for P1 and one for P2, in the two
# setups an operator has: one capture point that sees the whole chain (a mirror port), with
# scope d and C on P1's agent and c on P2's; and each agent on its proxy's host (the capture
# filtered to that proxy's port), P1 tracing both sides and P2 only its callee side, as
# OpenSIPS's tracing tips advise. Either way the two agents hold every message once.
#
# HEP over TCP: Kamailio 5.6 siptrace sends HEP with the duplicate_uri's transport
# (siptrace_hep.c: dst.proto = trace_dup_uri->proto), so
# duplicate_uri="sip:127.0.0.1:P;transport=tcp" works once Kamailio listens on TCP. Only HEPv3
# is framed (v1/v2 carry no packet length), so TCP runs with v3 only. The ground truth is the
# TCP stream to the collector port, reassembled and split at the HEPv3 length fields.
#
# Every process started here is stopped by PID (trap); every wait is bounded; all traffic is
# on 127.0.0.1.
set -u

SIPHON=$(realpath "${1:?usage: $0 SIPHON_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS=$HERE/peers
CALLS=${CALLS:-10}
CASES=${CASES:-"udp:1 udp:2 udp:3 tcp:3 udp:3:transaction udp:3:dialog udp:3:chain"}
TMP=$(mktemp -d /tmp/siphon-kamailio-it.XXXXXX)
PIDS=()
failures=0

log() { echo "kamailio_siptrace: $*"; }
now_us() { echo $(( $(date +%s%N) / 1000 )); }

stop_pid() {  # stop_pid PID: SIGTERM, wait up to 5 s, then SIGKILL
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop on SIGTERM; SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}
stop_all() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}"; done
  PIDS=()
}
cleanup() {
  stop_all
  if [ "${KEEP:-0}" = 1 ] || [ "$failures" -ne 0 ]; then log "work directory kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: poll every 0.1 s
  local secs=$1 what=$2 i
  shift 2
  for i in $(seq $((secs * 10))); do "$@" && return 0; sleep 0.1; done
  echo "FAIL: timed out after ${secs}s waiting for $what"
  return 1
}
udp_up() { ss -Hlun "sport = :$1" 2>/dev/null | grep -q "127.0.0.1:$1"; }
tcp_up() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q "127.0.0.1:$1"; }

# ---- peers -------------------------------------------------------------------------------
if ! bash "$PEERS/install-peers.sh" >"$TMP/install.log" 2>&1; then
  cat "$TMP/install.log"
  echo "FAIL: could not install the peers (kamailio, sipp, tcpdump, tshark): needs apt-get and root"
  failures=1
  exit 1
fi
for tool in kamailio sipp tcpdump tshark python3 ss; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found"; failures=1; exit 1; }
done
MODULES=$(dirname "$(dpkg -L kamailio 2>/dev/null | grep '/siptrace\.so$' | head -1)")
[ -f "$MODULES/siptrace.so" ] || { echo "FAIL: kamailio siptrace.so not found"; failures=1; exit 1; }
log "$(kamailio -v 2>/dev/null | head -1 | sed 's/^version: //'), $(sipp -v 2>/dev/null | grep -o 'SIPp v[0-9.]*' | head -1), $(tshark -v 2>/dev/null | head -1)"

# ---- one case ----------------------------------------------------------------------------
run_case() {  # run_case udp|tcp HEP_VERSION core|transaction
  local transport=$1 hepv=$2 mode=$3
  local name="$transport-v$hepv-$mode"
  local dir=$TMP/$name
  mkdir -p "$dir/run"
  local ports
  read -r -a ports < <(python3 "$PEERS/siptrace_check.py" free-ports 6)
  local cudp=${ports[0]} ctcp=${ports[1]} http=${ports[2]} kport=${ports[3]} uas=${ports[4]} uac=${ports[5]}
  local cport=$cudp collector="sip:127.0.0.1:$cudp" send_sock="sip:127.0.0.1:$kport" kdefs=()
  if [ "$transport" = tcp ]; then
    cport=$ctcp
    collector="sip:127.0.0.1:$ctcp;transport=tcp"
    send_sock="sip:127.0.0.1:$kport;transport=tcp"
    kdefs+=(-A WITH_TCP -A "LISTEN_TCP=tcp:127.0.0.1:$kport")
  fi
  [ "$mode" = transaction ] && kdefs+=(-A TRACE_TRANSACTION)
  [ "$mode" = dialog ] && kdefs+=(-A TRACE_DIALOG)
  log "case $name: collector udp $cudp tcp $ctcp, http $http, kamailio $kport, sipp uas $uas uac $uac"
  local case_fail=0
  cfail() { echo "FAIL [$name]: $*"; case_fail=1; }

  # 1. the collector
  timeout 120 "$SIPHON" serve --listen "udp:127.0.0.1:$cudp" --listen "tcp:127.0.0.1:$ctcp" \
    --db "sqlite:$dir/siphon.db" --http "127.0.0.1:$http" >"$dir/serve.out" 2>"$dir/serve.err" &
  local serve_pid=$!
  PIDS+=("$serve_pid")
  if ! wait_for 10 "siphon serve to listen" bash -c "[ \$(grep -c '^listening on' '$dir/serve.out') -ge 2 ]"; then
    cat "$dir/serve.err"; return 1
  fi

  # 2. ground truth: the HEP packets to the collector, and the SIP between sipp and Kamailio
  local filter="udp and dst host 127.0.0.1 and dst port $cudp"
  [ "$transport" = tcp ] && filter="tcp and dst host 127.0.0.1 and dst port $ctcp"
  timeout 100 tcpdump -i lo -n -s 0 -U -w "$dir/hep.pcap" "$filter" 2>"$dir/tcpdump-hep.log" &
  PIDS+=($!)
  local tcpdump_hep=$!
  timeout 100 tcpdump -i lo -n -s 0 -U -w "$dir/sip.pcap" \
    "udp and (port $kport or port $uas or port $uac) and not port $cudp" 2>"$dir/tcpdump-sip.log" &
  PIDS+=($!)
  local tcpdump_sip=$!
  wait_for 10 "tcpdump" bash -c "grep -q listening '$dir/tcpdump-hep.log' && grep -q listening '$dir/tcpdump-sip.log'" || return 1

  local t0
  t0=$(now_us)
  # 3. Kamailio with siptrace
  timeout 100 kamailio -DD -E -L "$MODULES" -f "$PEERS/kamailio-siptrace.cfg" -Y "$dir/run" -P "$dir/run/kamailio.pid" \
    -A "COLLECTOR_URI=\"$collector\"" -A "SEND_SOCK=\"$send_sock\"" -A "UAS_URI=\"sip:127.0.0.1:$uas\"" \
    -A "HEP_VER=$hepv" -A "LISTEN_UDP=udp:127.0.0.1:$kport" "${kdefs[@]}" >"$dir/kamailio.log" 2>&1 &
  local kam_pid=$!
  PIDS+=("$kam_pid")
  wait_for 15 "kamailio on udp:127.0.0.1:$kport" udp_up "$kport" || { tail -20 "$dir/kamailio.log"; return 1; }

  # 4. sipp UAS, then the UAC's calls (bounded: 60 s)
  (cd "$dir" && exec timeout 80 sipp -sf "$PEERS/sipp/uas.xml" -i 127.0.0.1 -p "$uas" -m "$CALLS" -nostdin \
     -timeout 60s -trace_err >"$dir/sipp-uas.log" 2>&1) &
  local uas_pid=$!
  PIDS+=("$uas_pid")
  wait_for 10 "sipp uas on $uas" udp_up "$uas" || return 1
  (cd "$dir" && exec timeout 80 sipp "127.0.0.1:$kport" -sf "$PEERS/sipp/uac.xml" -s callee -i 127.0.0.1 -p "$uac" \
     -m "$CALLS" -r 10 -d 200 -nostdin -timeout 60s -trace_err >"$dir/sipp-uac.log" 2>&1)
  local uac_rc=$?
  local ok
  ok=$(grep -oE 'Successful call *\| *[0-9]+ *\| *[0-9]+' "$dir/sipp-uac.log" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  [ "$uac_rc" = 0 ] && [ "${ok:-0}" = "$CALLS" ] || cfail "sipp uac: rc $uac_rc, ${ok:-?} of $CALLS calls successful"

  # 5. let the last HEP packets arrive: received counter stable for 1 s (bounded 10 s)
  local last=-1 same=0 cur i
  for i in $(seq 50); do
    cur=$("$SIPHON" ctl --api "http://127.0.0.1:$http" stats --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("received",-1))' 2>/dev/null)
    if [ "${cur:--1}" = "$last" ] && [ "$cur" != -1 ]; then same=$((same + 1)); [ $same -ge 5 ] && break; else same=0; fi
    last=${cur:--1}
    sleep 0.2
  done
  stop_pid "$kam_pid"
  stop_pid "$uas_pid"
  sleep 0.3
  stop_pid "$tcpdump_hep"
  stop_pid "$tcpdump_sip"
  local t1
  t1=$(now_us)

  # 6. stop the collector: SIGTERM by PID, exit 0 and the stats line
  kill -TERM "$serve_pid"
  local serve_rc=124
  for i in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$serve_pid" 2>/dev/null; then
    cfail "siphon serve still running 10 s after SIGTERM"
    stop_pid "$serve_pid"
  else
    wait "$serve_pid"
    serve_rc=$?
  fi
  PIDS=()
  [ "$serve_rc" = 0 ] || cfail "siphon serve exited $serve_rc after SIGTERM: $(tail -3 "$dir/serve.err")"
  # Errors while it served, not while it shut down: after SIGTERM its main process logs "Thank
  # you for flying kamailio" and then stops its children, and the TCP main process may log
  # "CRITICAL: receive_fd(): EOF" as their sockets close (seen once in CI, every message stored).
  awk '/Thank you for flying/ {exit} 1' "$dir/kamailio.log" >"$dir/kamailio-serving.log"
  grep -E 'ERROR|CRITICAL' "$dir/kamailio-serving.log" | head -3 | sed "s/^/[$name] kamailio: /"
  [ "$(grep -cE 'ERROR|CRITICAL' "$dir/kamailio-serving.log")" = 0 ] || cfail "kamailio logged errors (above)"

  # 7. ground truth count, decoded capture, stored records
  local n_hep decode_pcap=$dir/hep.pcap
  if [ "$transport" = tcp ]; then
    n_hep=$(python3 "$PEERS/siptrace_check.py" tcp-hep "$dir/hep.pcap" "$ctcp" "$dir/hep-frames.pcap") ||
      cfail "could not split the TCP stream into HEPv3 frames"
    decode_pcap=$dir/hep-frames.pcap
  else
    n_hep=$(tshark -r "$dir/hep.pcap" -Y "udp.dstport==$cudp" -T fields -e frame.number 2>/dev/null | wc -l)
  fi
  [ "${n_hep:-0}" -gt 0 ] || cfail "no HEP packets in the capture"
  "$SIPHON" decode "$decode_pcap" --format jsonl >"$dir/decode.jsonl" 2>"$dir/decode.err" ||
    cfail "siphon decode $decode_pcap failed: $(cat "$dir/decode.err")"
  "$SIPHON" search --db "sqlite:$dir/siphon.db" --limit 100000 --format jsonl >"$dir/search.jsonl" 2>"$dir/search.err" ||
    cfail "siphon search failed: $(cat "$dir/search.err")"
  tshark -r "$dir/sip.pcap" -d "udp.port==$kport,sip" -Y sip -T fields -e udp.srcport -e udp.dstport \
    -e sip.Call-ID -e sip.CSeq -e sip.Method -e sip.Status-Code -e frame.time_epoch >"$dir/wire.tsv" 2>/dev/null

  python3 "$PEERS/siptrace_check.py" check --case "$name" --mode "$mode" --hep-version "$hepv" \
    --calls "$CALLS" --hep-count "${n_hep:-0}" --t0 "$t0" --t1 "$t1" --ports "$kport,$uas,$uac" \
    --serve-err "$dir/serve.err" --search "$dir/search.jsonl" --decode "$dir/decode.jsonl" \
    --wire "$dir/wire.tsv" || case_fail=1
  grep '^serve: received' "$dir/serve.err" | sed "s/^/[$name] /"

  # 8. the agent as the reference's twin: the same SIP (the capture of it) through `siphon agent`
  #    with the rules that say what the script's sip_trace() calls say; its messages must be
  #    Kamailio's plus the ACKs Kamailio misses (transaction mode: the relayed one; dialog mode:
  #    both), each with the Call-ID as correlation id.
  if [ "$mode" != core ]; then
    if [ "$mode" = transaction ]; then
      printf '[[trace]]\nmethod = ["ACK"]\ncorrelation = "call-id"\n[[trace]]\ntype = "request"\nscope = "t"\ncorrelation = "call-id"\n' >"$dir/agent.toml"
    else
      printf '[[trace]]\nmethod = ["INVITE"]\nscope = "d"\ncorrelation = "call-id"\n' >"$dir/agent.toml"
    fi
    "$SIPHON" agent -c "$dir/agent.toml" --pcap "$dir/sip.pcap" --db "sqlite:$dir/agent.db" >"$dir/agent.out" 2>"$dir/agent.err" ||
      cfail "siphon agent on the SIP capture: $(cat "$dir/agent.err")"
    "$SIPHON" search --db "sqlite:$dir/agent.db" --limit 100000 --format jsonl >"$dir/agent.jsonl" 2>"$dir/agent-search.err" ||
      cfail "siphon search of the agent's store failed"
    python3 "$PEERS/siptrace_check.py" compare-agent --case "$name" --kamailio "$dir/search.jsonl" \
      --agent "$dir/agent.jsonl" --kport "$kport" --uas "$uas" --calls "$CALLS" --mode "$mode" || case_fail=1
  fi
  return $case_fail
}


# ---- partial tracing on a chain of two proxies -----------------------------------------------
run_chain() {
  local name="chain" dir=$TMP/chain
  mkdir -p "$dir/run1" "$dir/run2"
  local ports
  read -r -a ports < <(python3 "$PEERS/siptrace_check.py" free-ports 6)
  local cudp=${ports[0]} http=${ports[1]} k1=${ports[2]} k2=${ports[3]} uas=${ports[4]} uac=${ports[5]}
  log "case $name: collector udp $cudp, kamailio P1 $k1 -> P2 $k2, sipp uas $uas uac $uac"
  local case_fail=0
  cfail() { echo "FAIL [$name]: $*"; case_fail=1; }

  timeout 120 "$SIPHON" serve --listen "udp:127.0.0.1:$cudp" --db "sqlite:$dir/full.db" \
    --http "127.0.0.1:$http" >"$dir/serve.out" 2>"$dir/serve.err" &
  local serve_pid=$!
  PIDS+=("$serve_pid")
  wait_for 10 "siphon serve to listen" bash -c "grep -q '^listening on' '$dir/serve.out'" || { cat "$dir/serve.err"; return 1; }
  timeout 100 tcpdump -i lo -n -s 0 -U -w "$dir/sip.pcap" \
    "udp and (port $k1 or port $k2 or port $uas or port $uac) and not port $cudp" 2>"$dir/tcpdump.log" &
  local tcpdump_pid=$!
  PIDS+=("$tcpdump_pid")
  wait_for 10 "tcpdump" grep -q listening "$dir/tcpdump.log" || return 1

  local kams=() i next port
  for i in 1 2; do
    port=$k1; next="sip:127.0.0.1:$k2"
    [ "$i" = 2 ] && { port=$k2; next="sip:127.0.0.1:$uas"; }
    timeout 100 kamailio -DD -E -L "$MODULES" -f "$PEERS/kamailio-siptrace.cfg" -Y "$dir/run$i" \
      -P "$dir/run$i/kamailio.pid" -A "COLLECTOR_URI=\"sip:127.0.0.1:$cudp\"" \
      -A "SEND_SOCK=\"sip:127.0.0.1:$port\"" -A "UAS_URI=\"$next\"" -A "HEP_VER=3" \
      -A "LISTEN_UDP=udp:127.0.0.1:$port" >"$dir/kamailio$i.log" 2>&1 &
    kams+=($!)
    PIDS+=($!)
    wait_for 15 "kamailio P$i on udp:127.0.0.1:$port" udp_up "$port" || { tail -20 "$dir/kamailio$i.log"; return 1; }
  done
  (cd "$dir" && exec timeout 80 sipp -sf "$PEERS/sipp/uas.xml" -i 127.0.0.1 -p "$uas" -m "$CALLS" -nostdin \
     -timeout 60s -trace_err >"$dir/sipp-uas.log" 2>&1) &
  local uas_pid=$!
  PIDS+=("$uas_pid")
  wait_for 10 "sipp uas on $uas" udp_up "$uas" || return 1
  (cd "$dir" && exec timeout 80 sipp "127.0.0.1:$k1" -sf "$PEERS/sipp/uac.xml" -s callee -i 127.0.0.1 -p "$uac" \
     -m "$CALLS" -r 10 -d 200 -nostdin -timeout 60s -trace_err >"$dir/sipp-uac.log" 2>&1)
  local uac_rc=$? ok
  ok=$(grep -oE 'Successful call *\| *[0-9]+ *\| *[0-9]+' "$dir/sipp-uac.log" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  [ "$uac_rc" = 0 ] && [ "${ok:-0}" = "$CALLS" ] || cfail "sipp uac through two proxies: rc $uac_rc, ${ok:-?} of $CALLS calls successful"
  sleep 0.5
  for i in "${kams[@]}" "$uas_pid" "$tcpdump_pid"; do stop_pid "$i"; done
  kill -TERM "$serve_pid"
  for i in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$serve_pid"
  PIDS=()
  "$SIPHON" search --db "sqlite:$dir/full.db" --limit 100000 --format jsonl >"$dir/full.jsonl" 2>"$dir/full.err" ||
    cfail "search of the collector: $(cat "$dir/full.err")"
  tshark -r "$dir/sip.pcap" -d "udp.port==$k1,sip" -d "udp.port==$k2,sip" -Y sip -T fields -e udp.srcport \
    -e udp.dstport -e sip.Call-ID -e sip.CSeq -e sip.Method -e sip.Status-Code -e frame.time_epoch \
    >"$dir/wire.tsv" 2>/dev/null

  # One agent per proxy, in each of the two setups: FLAGS of P1's and P2's rule, and the BPF
  # filter each agent's capture has ("" = the whole chain).
  local setup flags1 flags2 filter1 filter2 side flags filter
  for setup in mirror host; do
    if [ "$setup" = mirror ]; then
      flags1=C; flags2=c; filter1=""; filter2=""
    else
      flags1=""; flags2=c; filter1="udp port $k1"; filter2="udp port $k2"
    fi
    for side in 1 2; do
      flags=$flags1; filter=$filter1
      [ "$side" = 2 ] && { flags=$flags2; filter=$filter2; }
      printf '[[trace]]\nmethod = ["INVITE"]\nscope = "d"\nflags = "%s"\ncorrelation = "call-id"\n' "$flags" \
        >"$dir/$setup$side.toml"
      local args=(agent -c "$dir/$setup$side.toml" --pcap "$dir/sip.pcap" --db "sqlite:$dir/$setup$side.db")
      [ -n "$filter" ] && args+=(--filter "$filter")
      "$SIPHON" "${args[@]}" >"$dir/$setup$side.out" 2>"$dir/$setup$side.err" ||
        cfail "agent for P$side ($setup): $(cat "$dir/$setup$side.err")"
      "$SIPHON" search --db "sqlite:$dir/$setup$side.db" --limit 100000 --format jsonl >"$dir/$setup$side.jsonl" \
        2>>"$dir/$setup$side.err" || cfail "search of the P$side agent's store ($setup)"
    done
    local full=()
    [ "$setup" = mirror ] && full=(--full "$dir/full.jsonl")
    python3 "$PEERS/siptrace_check.py" chain --case "$name-$setup" --wire "$dir/wire.tsv" --calls "$CALLS" \
      --k1 "$k1" --k2 "$k2" --p1 "$dir/${setup}1.jsonl" --p2 "$dir/${setup}2.jsonl" "${full[@]}" || case_fail=1
  done
  return $case_fail
}

for c in $CASES; do
  IFS=: read -r transport hepv mode <<<"$c"
  runner=(run_case "$transport" "$hepv" "${mode:-core}")
  [ "${mode:-}" = chain ] && runner=(run_chain)
  if ! "${runner[@]}"; then
    failures=$((failures + 1))
    echo "FAIL: case $c (logs in $TMP/)"
  fi
  stop_all
done

if [ "$failures" -ne 0 ]; then
  echo "kamailio_siptrace: $failures case(s) failed"
  exit 1
fi
log "all cases passed ($CASES; $CALLS calls each)"
exit 0
