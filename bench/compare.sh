#!/usr/bin/env bash
# bench/compare.sh: Siphon next to Kamailio 5.6 sipcapture, in one run on this machine.
#
#   bench/compare.sh [BUILD_DIR] [--rates 1000,2500,...] [--seconds 10]
#
# Starts, one after the other, each on its own throw-away server (loopback, free ports, a
# temporary directory, stopped by PID):
#   Siphon into its embedded store        Kamailio sipcapture into SQLite (db_sqlite, 1 worker)
#   Siphon into PostgreSQL (binary COPY)  Kamailio sipcapture into PostgreSQL (4 workers)
# and drives each with the same generator (siphon-hep-load --real-mix: the SIP of the real
# captures in tests/data/pcap, each call made unique: tests/support/real_capture_traffic.h) at
# the same stepped rates,
# RATE x SECONDS HEPv3 packets per step. It prints, per rate, what each stored and lost, then
# each pair's highest zero-loss rate and their ratio. bench/load/backends.py does the work
# (it also runs MariaDB and ClickHouse: see its header).
#
# Needs: a Release build with the load tools (cmake --build BUILD --target siphon
# siphon-hep-load), kamailio with kamailio-postgres-modules and kamailio-sqlite-modules,
# postgresql. Takes about 15 minutes with the default rates.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../build}
[ $# -gt 0 ] && shift
exec python3 "$HERE/load/backends.py" "$BUILD" \
  --backends embedded,kamailio-sqlite,postgres,kamailio-postgres \
  --compare embedded:kamailio-sqlite,postgres:kamailio-postgres \
  --rates 1000,2500,5000,10000,20000,40000,80000,120000 "$@"
