#!/usr/bin/env bash
# frr.sh: FRR (zebra + pimd, Debian's package) as a router IUT, in a VM of
# igmpx-vm (FRR's pimd needs the kernel's multicast routing, which the
# machine's kernel may not have); for frr.ini and frr-v2.ini.
#
#   frr.sh check          what is missing (FRR, the VM), exit 1 if any
#   frr.sh version        FRR's version and the VM's
#   frr.sh boot VERSION   boot the VM, then in it: the test link's address
#                         on eth0, the source link's on eth1, zebra, and
#                         pimd with PIM on eth0 and eth1, this router the
#                         RP of every group (so that a source on eth1 is
#                         forwarded to eth0's members without another
#                         router), and IGMPvVERSION's timers on eth0 from
#                         the profile's, but IGMP not yet on
#   frr.sh start          IGMP on eth0: the querier starts (the time pimd
#                         takes to start in an emulated VM, seconds, is
#                         thus no part of the case)
#   frr.sh ready          start is done and pimd answers its vty
#   frr.sh state          pimd's groups on eth0 in igmpx's state format
#   frr.sh stop           power the VM off
#   frr.sh guest-boot V, guest-start: the parts that run in the VM
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vm=$here/vm/igmpx-vm
W=${IGMPX_WORKDIR:-}
run=/run/frr-igmpx
# vty DAEMON COMMAND...: the commands on the daemon's vty socket, as vtysh
# sends them (each ends in a NUL, each answer in 0 0 0 STATUS): vtysh
# itself takes more than a second to start in an emulated VM.
vty() {
	local d=$1
	shift
	printf '%s\0' "$@" | socat -t 5 - "UNIX-CONNECT:$run/$d.vty" | tr -d '\000-\037' | tr -s ' '
}
daemon() {
	/usr/lib/frr/"$1" -d -f "$run/$1.conf" -i "$run/$1.pid" -z "$run/zserv.api" \
		--vty_socket "$run" -u frr -g frr --log "file:$IGMPX_WORKDIR/$1.log"
}

case ${1:-} in
check)
	m=
	[ -x /usr/lib/frr/pimd ] || m="FRR is not installed (package frr)"
	v=$("$vm" check) || m="${m:+$m; }$v"
	[ -z "$m" ] || { echo "$m"; exit 1; }
	;;
version)
	echo "FRR $(dpkg-query -W -f='${Version}' frr 2>/dev/null || echo '(not installed)') (zebra, pimd), in $("$vm" about)"
	;;
boot)
	"$vm" up
	IGMPX_VM_TIMEOUT=80 "$vm" exec "'$here/frr.sh' guest-boot $2"
	;;
start)
	IGMPX_VM_TIMEOUT=80 "$vm" exec "'$here/frr.sh' guest-start"
	touch "$W/started"
	;;
ready)
	# start has put IGMP on eth0; pimd has answered the poller.
	[ -e "$W/started" ] && [ -s "$W/pimd-state.lines" ]
	;;
state)
	# pimd's groups and their sources: a snapshot taken after this asked
	# for it (guest-start's poller takes one when the file "want" is newer
	# than its output, and only then, so that pimd is not kept busy
	# between looks), its last complete line (a line is
	# "[GROUPS,SOURCES]"; one cut short, or not JSON, is passed over).  A
	# source "*" is the EXCLUDE entry of no source.  Not printed: the group timer (FRR shows it to
	# the second only), its "version" (not documented as the compatibility
	# mode of RFC 9776 §7.3.2), and the filter mode of a group FRR shows
	# without one, as it does a group of an IGMPv2 report ("unshown").
	f=$W/pimd-state.lines
	"$vm" snapshot "$f" || { echo "frr.sh state: pimd gave no snapshot within 9 s of the request" >&2; exit 1; }
	for try in 1 2 3; do
		snap=$(tail -n 3 "$f" | jq -c -R 'fromjson? // empty' | tail -n 1)
		[ -z "$snap" ] || break
		[ $try != 3 ] || { echo "frr.sh state: no complete snapshot in $f" >&2; exit 1; }
		sleep 0.05
	done
	# Sources: FRR's "forwarded" says whether it forwards the source, which
	# it never does for INCLUDE sources outside its SSM range (R-FWD-
	# INCLUDE), so the timers say which run.  In INCLUDE mode every source
	# listed has a running timer (RFC 9776 §6.2.1: one whose timer ends is
	# deleted); in EXCLUDE mode a source with no timer ("--:--": FRR prints
	# that when the source's timer is not running) is one of the blocked
	# list, the others run.  FRR shows the time left to the second, so a
	# running timer in its last second reads "00:00": running (as a
	# source whose timer a Group-and-Source query has lowered to LMQT).
	jq -r '
	  def stopped: .timer == "--:--";
	  (.[1].eth0 // {}) as $s
	  | (.[0].eth0.groups // [])[]
	  | (.mode // "unshown" | ascii_downcase) as $m
	  | (($s[.group].sources // []) | map(select(.source != "*"))) as $src
	  | [ .group, $m,
	      "running=\([$src[] | select($m == "include" or (stopped | not)) | .source] | join(","))",
	      "stopped=\([$src[] | select($m != "include" and stopped) | .source] | join(","))" ]
	  | join(" ")' <<<"$snap" ||
		{ echo "frr.sh state: pimd's snapshot not understood: $snap" >&2; exit 1; }
	;;
stop)
	"$vm" stop
	;;
guest-boot)
	. "$W/env"
	v=$2
	ip link set eth0 up
	ip addr add "$IGMPX_IUT_ADDR/24" dev eth0
	pim_src=
	if [ -n "${IGMPX_SRC_IFNAME:-}" ]; then
		ip link set eth1 up
		ip addr add "$IGMPX_SRC_IUT_ADDR/24" dev eth1
		pim_src="interface eth1
 ip pim"
	fi
	sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0
	mkdir -p "$run"
	chown frr:frr "$run"
	# FRR takes seconds for the Query Interval, deciseconds for the
	# others; the Max Response Time first (FRR refuses a Query Interval
	# not above the one it has).
	cat >"$run/pimd.conf" <<CONF
interface eth0
 ip pim
 ip igmp version $v
 ip igmp query-max-response-time $((IGMPX_QRI_MS / 100))
 ip igmp query-interval $((IGMPX_QI_MS / 1000))
 ip igmp last-member-query-interval $((IGMPX_LMQI_MS / 100))
 ip igmp last-member-query-count $IGMPX_LMQC
$pim_src
CONF
	: >"$run/zebra.conf"
	chown frr:frr "$run"/*.conf
	daemon zebra
	for _ in $(seq 100); do [ -S "$run/zserv.api" ] && break; sleep 0.05; done
	daemon pimd
	# The RP once pimd has its address from zebra: in the configuration
	# file it is refused when pimd reads it first ("No Path to RP").
	rp=${IGMPX_SRC_IUT_ADDR:-$IGMPX_IUT_ADDR}
	for _ in $(seq 200); do
		[ -S "$run/pimd.vty" ] && vty pimd 'show ip pim interface json' | grep -q "\"$rp\"" && break
		sleep 0.05
	done
	out=$(vty pimd enable 'configure terminal' "ip pim rp $rp 224.0.0.0/4")
	case $out in *%*) echo "frr.sh: pimd refused its RP: $out" >&2; exit 1 ;; esac
	vty pimd 'show ip pim rp-info json' | grep -q "\"$rp\"" ||
		{ echo "frr.sh: pimd has no RP $rp" >&2; exit 1; }
	;;
guest-start)
	out=$(vty pimd enable 'configure terminal' 'interface eth0' 'ip igmp')
	case $out in *%*) echo "frr.sh: pimd refused IGMP on eth0: $out" >&2; exit 1 ;; esac
	# pimd's groups and sources, asked on its vty socket and written to
	# the work folder, one line per snapshot: once at the start, then
	# whenever state has asked (the file "want" is newer than the
	# output; looked at every 20 ms): starting vtysh in an emulated VM
	# takes more than a second, too slow for a state window.  Each answer
	# on the socket ends in 0 0 0 STATUS (a STATUS not 0 is read when the
	# short wait for it ends); the loop starts no process (the pause is a
	# read that times out on a FIFO nobody writes), and starts the file
	# again every 200 lines.
	mkfifo "$run/.sleep"
	setsid bash -c '
		run=$0 out=$1/pimd-state.lines n=0
		coproc VTY { exec socat - "UNIX-CONNECT:$run/pimd.vty"; }
		ask() {
			local a=
			printf "%s\0" "$1" >&"${VTY[1]}"
			IFS= read -r -d "" a <&"${VTY[0]}" || exit 0
			IFS= read -r -d "" _ <&"${VTY[0]}"
			IFS= read -r -d "" _ <&"${VTY[0]}"
			IFS= read -r -d "" -t 0.05 _ <&"${VTY[0]}" || :
			reply=${a//$'"'"'\n'"'"'/}
		}
		while :; do
			if [ ! -s "$out" ] || [ "$1/want" -nt "$out" ]; then
				ask "show ip igmp groups json"; g=$reply
				ask "show ip igmp sources json"
				[ $((n += 1)) -le 200 ] || { n=0; : >"$out"; }
				printf "[%s,%s]\n" "$g" "$reply" >>"$out"
			fi
			read -r -t 0.02 <>"$run/.sleep" || :
		done
	' "$run" "$IGMPX_WORKDIR" </dev/null >/dev/null 2>&1 &
	;;
*)
	echo "frr.sh: check, version, boot VERSION, start, ready, state or stop; not '${1:-}'" >&2
	exit 2
	;;
esac
