#!/usr/bin/env bash
# Installs Siphon's build and test dependencies from Debian 12 packages, only those missing.
# Idempotent; runs `apt-get update` only when something must be installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config   # toolchain
  lld                                            # a faster linker (cmake/Linker.cmake)
  libpcap-dev                                    # pcap/pcapng files, live capture
  zlib1g-dev                                     # HEP 0x0010 compressed payloads
  libsqlite3-dev libzstd-dev libxxhash-dev      # embedded store: SQLite file, zstd blocks, key hashes
  libssl-dev                                     # HEP over TLS
  libjemalloc-dev                                # the siphon binary's allocator (cmake/Dependencies.cmake)
  libpq-dev                                      # PostgreSQL sink and search (db_url = postgres://)
  libmariadb-dev                                 # MySQL/MariaDB sink and search (db_url = mysql://)
  libcurl4-openssl-dev                           # ClickHouse sink and search over HTTP (clickhouse://)
  nlohmann-json3-dev                             # JSON records and API
  libjs-chart.js                                 # web UI charts (Chart.js, embedded at build time)
  libncurses-dev                                 # siphon tui
  libfmt-dev                                     # formatting
  libcli11-dev                                   # command line
  libcpp-httplib-dev                             # HTTP API, siphon ctl
  libtoml11-dev                                  # configuration files
  libgtest-dev libgmock-dev                      # unit tests
  libbenchmark-dev                               # micro-benchmarks (bench/)
  clang-14 libclang-rt-14-dev                    # libFuzzer builds (fuzz/)
  tshark sqlite3 tmux                             # integration tests: captures, the store view, siphon tui
  postgresql                                     # integration tests: the PostgreSQL sink
  mariadb-server mariadb-client                  # integration tests: the MySQL/MariaDB sink
  clickhouse-server curl                         # integration tests: the ClickHouse cluster
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
# The database servers are for the tests, which start their own on loopback: the packages must
# not start system-wide services (a policy-rc.d that says no, for the length of the install).
policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d && policy=1
fi
trap 'if [ "$policy" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi' EXIT
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
