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
#   igmpproxy.sh ready    igmpproxy runs, and the state poller has written
#   igmpproxy.sh state    the groups igmpproxy holds, in igmpx's state format
#   igmpproxy.sh stop     power the VM off
#   igmpproxy.sh guest-boot, guest-start, guest-ready: the parts in the VM
#
# State: igmpproxy has no command that shows its group table, but it
# shows the table all the same.  A group it holds on the downstream link
# is a route of its table, and for each route it joins the group on the
# upstream interface (and leaves it when the route goes): the VM kernel's
# memberships of eth1 (/proc/net/igmp) are igmpproxy's groups.  A poller
# in the VM writes them to the work folder when state asks.  igmpproxy keeps
# no filter mode or sources (it is an IGMPv2 router): a group is
# "unshown".  The kernel lets one socket join 20 groups
# (net.ipv4.igmp_max_memberships), and igmpproxy joins them all on one:
# guest-boot raises the limit, so that upstream membership can show every
# group igmpproxy holds (igmpproxy itself keeps routes past it, but on a
# kernel left at 20 it cannot pass the 21st group upstream).
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
	IGMPX_VM_TIMEOUT=80 "$vm" exec "'$here/igmpproxy.sh' guest-boot"
	;;
start)
	IGMPX_VM_TIMEOUT=80 "$vm" exec "'$here/igmpproxy.sh' guest-start"
	;;
ready)
	"$vm" exec "'$here/igmpproxy.sh' guest-ready" && [ -s "$W/upstream-groups.lines" ]
	;;
state)
	# A snapshot taken after this asked for it (igmpx-vm snapshot), its
	# last complete line (ending in " .").
	f=$W/upstream-groups.lines
	"$vm" snapshot "$f" ||
		{ echo "igmpproxy.sh state: no snapshot of the upstream groups within 9 s of the request" >&2; exit 1; }
	tail -n 3 "$f" | awk '/(^| )\.$/ { last = $0 }
		END { n = split(last, g, " "); for (i = 1; i < n; i++) print g[i] " unshown" }'
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
	sysctl -qw net.ipv4.igmp_max_memberships=65536
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
	# The upstream memberships, one line a snapshot, once at the start and
	# then whenever state asks (the file "want" newer than the output,
	# looked at every 20 ms): the groups of eth1 outside 224.0.0.0/24,
	# then " ." (a line without it was cut short).  /proc/net/igmp prints
	# a group as the hex of its four octets read as a little-endian word.
	# Builtins only: no process is started in the loop (the pause is a
	# read that times out on a FIFO nobody writes); the file starts again
	# every 200 lines.
	mkfifo "$run/.sleep"
	setsid bash -c '
		out=$1/upstream-groups.lines n=0
		while :; do
			if [ -s "$out" ] && ! [ "$1/want" -nt "$out" ]; then
				read -r -t 0.02 <>"$0/.sleep" || :
				continue
			fi
			line= dev=
			while read -r a b _; do
				if [ ${#a} != 8 ]; then
					dev=${b%:}
				elif [ "$dev" = eth1 ]; then
					printf -v g "%d.%d.%d.%d" 0x${a:6:2} 0x${a:4:2} 0x${a:2:2} 0x${a:0:2}
					case $g in 224.0.0.*) ;; *) line+="$g " ;; esac
				fi
			done </proc/net/igmp
			[ $((n += 1)) -le 200 ] || { n=0; : >"$out"; }
			printf "%s.\n" "$line" >>"$out"
		done
	' "$run" "$IGMPX_WORKDIR" </dev/null >/dev/null 2>&1 &
	;;
guest-ready)
	kill -0 "$(cat "$run/pid")" 2>/dev/null
	;;
*)
	echo "igmpproxy.sh: check, version, boot, start, ready, state or stop; not '${1:-}'" >&2
	exit 2
	;;
esac
