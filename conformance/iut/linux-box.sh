#!/bin/sh
# conformance/iut/linux-box.sh: the Linux kernel of this machine as an
# external IUT, a device that outlives the harness's cases: a network
# namespace per link ("a box"), its eth0 (the test link) one end of a veth
# pair whose other end is in this machine's namespace; a router box has a
# second, eth1, for the source link.  The profiles linux-host-nic.ini,
# linux-bridge-nic.ini (a box on a NIC) and linux-host-vm.ini,
# linux-bridge-vm.ini (a VM on a TAP) use it; tests/test-external.sh runs
# the suites through them.
#
#   linux-box.sh up iface|tap [host|router] [N]   N boxes (default 2),
#       igmpx-box0...; a host box's eth0 has 192.0.2.2/24, a router box's
#       links none (the bridge profile's start gives them to its bridge):
#       iface: the harness attaches to igmpxbox0... (and, for a router's
#              source links, igmpxboxs0...), as to NICs cabled to the device;
#       tap:   those are ports of bridges igmpxboxbr0... (igmpxboxsb0...; no
#              snooping, no STP), to which `reset` adds the TAPs the harness
#              made for the case (attach = tap:NAME), as a VM's virtio links
#              are bridged to its host's TAPs.
#   linux-box.sh reset LINK [TAP [SOURCE-TAP]]   box LINK back to a known
#       state: its bridge (a router box's IUT) deleted, and each of its links
#       moved out of the box and back, so the kernel forgets all IPv4 state
#       of the interface (its in_device: memberships, pending reports, the
#       IGMPv1/v2 compatibility mode, an adopted Robustness Variable and
#       Query Interval, per-interface sysctls), as after the device's
#       restart; then a host box's address again, and up.  With TAPs, each
#       joins its bridge.
#   linux-box.sh check iface|tap [host|router]   exit 1 (saying why) if the
#       boxes are not there
#   linux-box.sh down                           removes every box, bridge and link
#
# Needs root.  Only TEST-NET addresses; nothing leaves the machine.
set -eu

sysw() { [ ! -e "/proc/sys/$1" ] || echo "$2" >"/proc/sys/$1"; }

# wire I NAME-IN-BOX ROOT-END BRIDGE: a veth pair into box I.
wire() {
	ip link add "$3" type veth peer name "$2" netns "igmpx-box$1"
	sysw "net/ipv6/conf/$3/disable_ipv6" 1
	if [ "$mode" = tap ]; then
		ip link add "$4" type bridge mcast_snooping 0 stp_state 0
		sysw "net/ipv6/conf/$4/disable_ipv6" 1
		ip link set "$3" master "$4"
		ip link set "$4" up
	fi
	ip link set "$3" up
	ip -n "igmpx-box$1" link set "$2" up
}

up() {
	down
	i=0
	while [ "$i" -lt "$n" ]; do
		ns=igmpx-box$i
		ip netns add "$ns"
		ip netns add "${ns}p"        # where its links go for a moment on reset
		ip netns exec "$ns" sh -c '
			for c in all default; do
				[ ! -d /proc/sys/net/ipv6 ] || echo 1 >/proc/sys/net/ipv6/conf/$c/disable_ipv6
				echo 0 >/proc/sys/net/ipv4/conf/$c/rp_filter
			done'
		ip -n "$ns" link set lo up
		wire "$i" eth0 "igmpxbox$i" "igmpxboxbr$i"
		if [ "$role" = router ]; then
			wire "$i" eth1 "igmpxboxs$i" "igmpxboxsb$i"
		else
			ip -n "$ns" addr add 192.0.2.2/24 dev eth0
		fi
		i=$((i + 1))
	done
}

down() {
	for ns in $(ip netns list | sed -nE 's/^(igmpx-box[0-9]+p?)( .*)?$/\1/p'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns"
	done
	for l in $(ip -o link show | awk -F': ' '$2 ~ /^igmpxbox/ { sub(/@.*/, "", $2); print $2 }'); do
		ip link del "$l" 2>/dev/null || true
	done
}

check() {
	i=0
	while [ "$i" -lt "$n" ]; do
		for l in "igmpxbox$i" $([ "$role" = router ] && echo "igmpxboxs$i") \
			$([ "$mode" = tap ] && echo "igmpxboxbr$i") \
			$([ "$mode$role" = taprouter ] && echo "igmpxboxsb$i"); do
			ip netns list | grep -q "^igmpx-box$i\\b" && ip link show "$l" >/dev/null 2>&1 || {
				echo "no box igmpx-box$i with $l: run conformance/iut/linux-box.sh up $mode $role first"
				exit 1
			}
		done
		i=$((i + 1))
	done
}

reset() {
	ns=igmpx-box$1
	ip -n "$ns" link del br0 2>/dev/null || true
	for l in eth0 eth1; do
		ip -n "$ns" link show "$l" >/dev/null 2>&1 || continue
		ip -n "$ns" link set "$l" netns "${ns}p"
		ip -n "${ns}p" link set "$l" netns "$ns"
		ip -n "$ns" link set "$l" up
	done
	ip -n "$ns" link show eth1 >/dev/null 2>&1 || ip -n "$ns" addr add 192.0.2.2/24 dev eth0
	if [ -n "${2:-}" ]; then
		ip link set "$2" master "igmpxboxbr$1"
		ip link set "$2" up
	fi
	if [ -n "${3:-}" ]; then
		ip link set "$3" master "igmpxboxsb$1"
		ip link set "$3" up
	fi
}

roles() { case ${1:-host} in host | router) role=${1:-host} ;; *) echo "host or router, not '$1'" >&2; exit 2 ;; esac; }
modes() { case ${1:-} in iface | tap) mode=$1 ;; *) echo "iface or tap, not '${1:-}'" >&2; exit 2 ;; esac; }
case ${1:-} in
up) modes "${2:-}"; roles "${3:-}"; n=${4:-2}; up ;;
down) down ;;
check) modes "${2:-}"; roles "${3:-}"; n=${4:-2}; check ;;
reset) reset "${2:?reset LINK}" "${3:-}" "${4:-}" ;;
*) echo "usage: $0 up iface|tap [host|router] [N] | reset LINK [TAP [SOURCE-TAP]] | check iface|tap [host|router] | down" >&2; exit 2 ;;
esac
