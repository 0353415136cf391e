#!/usr/bin/env bash
# install-hep-receivers.sh PKG... - idempotent install of the third-party HEP receivers used by
# kamailio_sipcapture_test.sh (kamailio kamailio-sqlite-modules sqlite3) and sngrep_hep_test.sh
# (sngrep tshark). Same approach as install-peers.sh (adapted from the project's shared peers
# harness, shared/peers/install.sh): installs only what is missing, runs `apt-get update` only
# when the package lists are empty or an install from the current lists fails, starts no daemon
# (a temporary /usr/sbin/policy-rc.d exiting 101 blocks service starts).
# Exit status: 0 everything installed, 1 an install failed, 3 packages are missing and apt or
# root is not available (callers treat 3 as "cannot run": skipped).
set -euo pipefail

[ "$#" -gt 0 ] || { echo "usage: $0 PKG..." >&2; exit 2; }
missing=()
for p in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-hep-receivers: missing ${missing[*]} and apt-get is not available" >&2
  exit 3
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "install-hep-receivers: missing ${missing[*]} and not root (no passwordless sudo)" >&2
    exit 3
  fi
fi

echo "install-hep-receivers: installing: ${missing[*]}"
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
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
  $SUDO apt-get update
  apt_install
fi
