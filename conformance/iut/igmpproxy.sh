#!/usr/bin/env bash
# igmpproxy.sh: igmpproxy (Debian's package) as a router IUT, in a VM of
# igmpx-vm (igmpproxy needs the kernel's multicast routing, which the
# machine's kernel may not have); for igmpproxy.ini.
#
#   igmpproxy.sh check    what is missing (igmpproxy, the VM), exit 1 if any
#   igmpproxy.sh version  igmpproxy's version and the VM's
#   igmpproxy.sh boot     boot the VM, then in it: the test link's address
#                         on eth0 (igmpproxy's downstream interface, where
#                         it is the querier) and the source link's on eth1
#                         (its upstream interface, where the harness plays
#                         the sources), and igmpproxy's configuration
#   igmpproxy.sh start    igmpproxy in the foreground (-n), its log in the
#                         work folder: the querier starts
#   igmpproxy.sh ready    igmpproxy runs
#   igmpproxy.sh stop     power the VM off
#   igmpproxy.sh guest-boot, guest-start, guest-ready: the parts in the VM
#
# igmpproxy has no command that shows its group table: the profile has no
# state, and the cases that read it SKIP.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vm=$here/vm/igmpx-vm
W=${IGMPX_WORKDIR:-}
run=/run/igmpproxy-igmpx

case ${1:-} in
check)
	m=
	command -v igmpproxy >/dev/null || [ -x /usr/sbin/igmpproxy ] ||
		m="igmpproxy is not installed (package igmpproxy)"
	v=$("$vm" check) || m="${m:+$m; }$v"
	[ -z "$m" ] || { echo "$m"; exit 1; }
	;;
version)
	echo "igmpproxy $(dpkg-query -W -f='${Version}' igmpproxy 2>/dev/null || echo '(not installed)'), in $("$vm" about)"
	;;
boot)
	[ -n "${IGMPX_SRC_IFNAME:-}" ] || { echo "igmpproxy.sh: the profile needs a source link (upstream)" >&2; exit 1; }
	"$vm" up
	"$vm" exec "'$here/igmpproxy.sh' guest-boot"
	;;
start)
	"$vm" exec "'$here/igmpproxy.sh' guest-start"
	;;
ready)
	"$vm" exec "'$here/igmpproxy.sh' guest-ready"
	;;
stop)
	"$vm" stop
	;;
guest-boot)
	. "$W/env"
	ip link set eth0 up
	ip addr add "$IGMPX_IUT_ADDR/24" dev eth0
	ip link set eth1 up
	ip addr add "$IGMPX_SRC_IUT_ADDR/24" dev eth1
	sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0
	mkdir -p "$run"
	# Sources on the upstream link's subnet; no quickleave (the
	# querier's own Last Member Query, RFC 2236 §3, is what is tested).
	cat >"$run/igmpproxy.conf" <<CONF
phyint eth1 upstream ratelimit 0 threshold 1
	altnet ${IGMPX_SRC_IUT_ADDR%.*}.0/24
phyint eth0 downstream ratelimit 0 threshold 1
CONF
	;;
guest-start)
	setsid igmpproxy -n -v "$run/igmpproxy.conf" </dev/null >"$IGMPX_WORKDIR/igmpproxy.log" 2>&1 &
	echo $! >"$run/pid"
	;;
guest-ready)
	kill -0 "$(cat "$run/pid")" 2>/dev/null
	;;
*)
	echo "igmpproxy.sh: check, version, boot, start, ready or stop; not '${1:-}'" >&2
	exit 2
	;;
esac
