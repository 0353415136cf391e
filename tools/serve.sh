#!/usr/bin/env bash
# Installs what is missing, builds Siphon (Release) and starts the collector on its embedded
# defaults: HEP on udp:0.0.0.0:9060 and tcp:0.0.0.0:9060, store sqlite:siphon.db, HTTP API on
# 127.0.0.1:9080. Extra arguments go to `siphon serve` (e.g. --db sqlite:/var/lib/siphon.db).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIPHON_TESTS=OFF >/dev/null
cmake --build build-release -j "$(nproc)" --target siphon siphon_sqlite
exec build-release/src/cli/siphon serve "$@"
