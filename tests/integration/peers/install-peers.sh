#!/usr/bin/env bash
# install-peers.sh - idempotent install of the third-party peers used by the real-peer
# integration tests (tests/integration/kamailio_siptrace_test.sh):
#   kamailio (5.6 on Debian 12, siptrace module is in the main package), sip-tester (sipp),
#   tcpdump, tshark.
# Adapted from the project's shared peers harness (shared/peers/install.sh).
#
# Installs only what is missing; runs `apt-get update` only when the package lists are empty
# or when an install from the current lists fails (or APT_UPDATE=1). Starts no daemon: a
# temporary /usr/sbin/policy-rc.d exiting 101 blocks service starts from maintainer scripts.
# Exit status: 0 when everything is installed, 1 when an install failed, 3 when packages are
# missing and apt/root are not available (callers may treat 3 as "cannot run").
set -euo pipefail

PKGS=(kamailio sip-tester tcpdump tshark)
BINS=(kamailio sipp tcpdump tshark)

have_all() {
  local b
  for b in "${BINS[@]}"; do command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || return 1; done
}

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ] && have_all; then
  echo "install-peers: all packages already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-peers: missing ${missing[*]:-binaries} and apt-get is not available" >&2
  exit 3
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "install-peers: missing ${missing[*]} and not root (no passwordless sudo)" >&2
    exit 3
  fi
fi

echo "install-peers: installing: ${missing[*]}"
# tshark: do not ask whether non-root users may capture.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true

# Never start daemons (kamailio) from package maintainer scripts.
cleanup_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  cleanup_policy=1
fi
cleanup() { if [ "$cleanup_policy" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

apt_install() {
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
}

lists_empty() { [ -z "$(ls -A /var/lib/apt/lists/ 2>/dev/null | grep -v -e '^lock$' -e '^partial$' -e '^auxfiles$')" ]; }
if lists_empty || [ "${APT_UPDATE:-0}" = 1 ]; then
  $SUDO apt-get update
  apt_install
elif ! apt_install; then
  # stale lists (404 on a superseded .deb): refresh once and retry
  $SUDO apt-get update
  apt_install
fi

have_all || { echo "install-peers: binaries still missing after install" >&2; exit 1; }
kamailio -v 2>/dev/null | head -1 || true
sipp -v 2>/dev/null | grep -i 'sipp v' | head -1 || true
tshark -v 2>/dev/null | head -1 || true
