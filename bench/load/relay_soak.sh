#!/usr/bin/env bash
# relay_soak.sh: ingest_soak.sh with routing: 20 [[route]] rules (19 that no packet matches, on
# different keys, then one that matches every packet) and a relay of every packet to one
# collector over HEPv3/TCP. The collector at the other end is a discard sink on loopback that
# counts the HEP packets it receives (bench/load/hep_count_sink.py), so the relay's delivery is
# checked too. Prints ingest_soak's JSON plus "relay_received". Bounded in count and time.
#
#   bench/load/relay_soak.sh BUILD_DIR [RATE=100000] [SECONDS=5] [ROUTE=sip|named]
set -euo pipefail
BUILD=${1:?build dir}; RATE=${2:-100000}; SECS=${3:-5}; ROUTE=${4:-sip}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=$(mktemp -d /tmp/siphon-relay-soak.XXXXXX)
SINK_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$HERE/hep_count_sink.py" "$SINK_PORT" "$DIR/sink.count" $((SECS * 4 + 60)) &
SINK=$!
trap 'kill $SINK 2>/dev/null || true; rm -rf "$DIR"' EXIT
name=""; [ "$ROUTE" = named ] && { echo 'hep_route = "fast"' >"$DIR/relay.toml"; name='name = "fast"'; }
for key in 'capture_id = 9001' 'node = "sbc-east"' 'payload_type = "rtcp"' 'hep_version = 2' \
           'capture_id = 9002' 'chunk = "vlan_id=100"' 'sender = "10.99.0.0/16"' 'node = "sbc-west"' \
           'capture_id = 9003' 'chunk = "0x0011~^zz"' 'payload_type = 100' 'capture_id = 9004' \
           'node = "lab"' 'capture_id = 9005' 'sender = "192.0.2.1"' 'payload_type = 32' \
           'capture_id = 9006' 'node = "core-1"' 'capture_id = 9007'; do
  printf '[[route]]\n%s\n%s\ntable = "elsewhere"\n' "$name" "$key" >>"$DIR/relay.toml"
done
printf "[[route]]\n%s\nrelay = [\"tcp:127.0.0.1:%s\"]\n" "$name" "$SINK_PORT" >>"$DIR/relay.toml"
sed -i "1i relay_spool_dir = \"$DIR/spool\"" "$DIR/relay.toml"
for _ in $(seq 50); do [ -e "$DIR/sink.count" ] && break; sleep 0.1; done
out=$("$HERE/ingest_soak.sh" "$BUILD" "$RATE" "$SECS" "$DIR/relay.toml")
sleep 1
kill -TERM $SINK 2>/dev/null || true; wait $SINK 2>/dev/null || true
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["route"]=sys.argv[3]; d["relay_received"]=int(open(sys.argv[2]).read() or 0); print(json.dumps(d))' \
  "$out" "$DIR/sink.count" "$ROUTE"
