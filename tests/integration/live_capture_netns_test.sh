#!/usr/bin/env bash
# Live capture across a veth pair between two network namespaces this script creates
# (siphon-test-PID-a, siphon-test-PID-b), removed again by the EXIT trap.
#
# Runs the LivePcapSource and IpipRawSource tests of source_live_test inside namespace A:
# - LivePcapSource captures on veth vA (10.231.0.1/24) with portRangeBpf(one port); the test's
#   sender thread joins namespace B (setns) and sends SIP over UDP to two ports on 10.231.0.1;
#   every message to the filtered port must be seen exactly once, none to the other port.
# - IpipRawSource listens on 10.231.0.1; namespace B has an ipip tunnel tun0 (local
#   10.231.0.2, remote 10.231.0.1) and sends SIP to 192.0.2.1 through it; every inner message
#   must arrive byte-exact. If the kernel has no ipip module, B sends hand-made IP-in-IP
#   packets over the veth instead (said on stdout).
# If namespaces cannot be created (no root, no CAP_SYS_ADMIN), the tests run on "lo" instead,
# and the script says so.
#
# Usage: live_capture_netns_test.sh PATH/TO/source_live_test
set -euo pipefail

bin=${1:?usage: $0 source_live_test}
filter='LivePcapSourceTest.*:IpipRawSource.*'
ns_a="siphon-test-$$-a"
ns_b="siphon-test-$$-b"
if_a="sva$$"
if_b="svb$$"
addr_a=10.231.0.1
addr_b=10.231.0.2

cleanup() {
  ip netns del "$ns_a" 2>/dev/null || true
  ip netns del "$ns_b" 2>/dev/null || true
}
trap cleanup EXIT

if ! ip netns add "$ns_a" 2>/dev/null; then
  echo "NOTE: cannot create network namespaces; running the live capture tests on lo instead"
  exec timeout 120 "$bin" --gtest_filter="$filter"
fi
ip netns add "$ns_b"

# Both ends are created inside their namespaces, so nothing touches the host's interfaces.
ip link add "$if_a" netns "$ns_a" type veth peer name "$if_b" netns "$ns_b"
ip -n "$ns_a" addr add "$addr_a/24" dev "$if_a"
ip -n "$ns_b" addr add "$addr_b/24" dev "$if_b"
for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
ip -n "$ns_a" link set "$if_a" up
ip -n "$ns_b" link set "$if_b" up
# Permanent neighbour entries: the first datagrams would otherwise queue behind ARP, and a
# burst can overflow that queue.
mac_a=$(ip -n "$ns_a" -o link show "$if_a" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
mac_b=$(ip -n "$ns_b" -o link show "$if_b" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
ip -n "$ns_a" neigh replace "$addr_b" lladdr "$mac_b" dev "$if_a" nud permanent
ip -n "$ns_b" neigh replace "$addr_a" lladdr "$mac_a" dev "$if_b" nud permanent

ipip_env=()
if ip -n "$ns_b" link add tun0 type ipip local "$addr_b" remote "$addr_a" 2>/dev/null; then
  ip -n "$ns_b" link set tun0 up
  ip -n "$ns_b" addr add 192.0.2.2/32 dev tun0
  ip -n "$ns_b" route add 192.0.2.1/32 dev tun0
  ipip_env=(SIPHON_TEST_IPIP_INNER=192.0.2.1)
  echo "IPIP: through an ipip tunnel device in $ns_b"
else
  echo "NOTE: no ipip tunnel device (kernel module missing?); $ns_b sends hand-made IP-in-IP"
fi

echo "capturing on $if_a in $ns_a; peer in $ns_b"
ip netns exec "$ns_a" env \
  SIPHON_TEST_LIVE_IF="$if_a" SIPHON_TEST_LIVE_ADDR="$addr_a" \
  SIPHON_TEST_PEER_NETNS="/run/netns/$ns_b" SIPHON_TEST_IPIP_LISTEN="$addr_a" \
  "${ipip_env[@]}" \
  timeout 120 "$bin" --gtest_filter="$filter"
