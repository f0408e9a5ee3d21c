#!/bin/bash
# capture.sh: record this machine's Linux kernel speaking IGMPv1, v2 and v3.
#
#   sudo pcaps/linux/capture.sh [OUTDIR]
#
# Builds harness/igmpx-member and tools/igmpx-inject with gcc into a temporary
# folder (or uses those of the CMake build folder $IGMPX_BUILD_DIR), then for
# each IGMP version makes a fresh pair of namespaces joined by a veth:
#
#   igmpx-cap-tester: igmpxcap0 192.0.2.1/24 02:00:00:00:02:01
#                     tcpdump records 'ip proto 2' here; queries are injected here
#   igmpx-cap-host:   igmpxcap1 192.0.2.2/24 02:00:00:00:02:02
#                     the kernel under observation; igmpx-member joins here
#
# and writes linux-v1.pcap, linux-v2.pcap, linux-v3.pcap (Ethernet) into
# OUTDIR (default: this script's folder).  Each step waits for the frames it
# expects, with a deadline, and the script fails if a capture holds more or
# fewer frames than expected.  IGMPX_CAPTURES="v3" (say) makes only some;
# IGMPX_CAPTURES=bridge makes linux-bridge.pcap, the bridge's querier
# (capture_bridge), which is not in the default list: its frames vary.  IPv6 is off in both namespaces (no MLD).
# Nothing outside the two namespaces is touched; everything is removed on exit.
set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE}
HNS=igmpx-cap-host
TNS=igmpx-cap-tester
HIF=igmpxcap1
TIF=igmpxcap0
QUIET=0.4           # seconds without a further frame after each step
WORK=
TCPDUMP_PID=
declare -A MPID=() MFD=() MOUT=()

die() { echo "capture.sh: $*" >&2; exit 1; }
log() { echo "capture.sh: $(date +%T.%3N) $*"; }
inh() { ip netns exec "$HNS" "$@"; }
intst() { ip netns exec "$TNS" "$@"; }

cleanup() {
	local n
	for n in "${!MPID[@]}"; do
		kill -TERM "${MPID[$n]}" 2>/dev/null || true
		wait "${MPID[$n]}" 2>/dev/null || true
	done
	MPID=()
	if [ -n "$TCPDUMP_PID" ]; then
		kill -INT "$TCPDUMP_PID" 2>/dev/null || true
		wait "$TCPDUMP_PID" 2>/dev/null || true
		TCPDUMP_PID=
	fi
	ip netns del "$HNS" 2>/dev/null || true
	ip netns del "$TNS" 2>/dev/null || true
}

on_exit() {
	local rc=$?
	cleanup
	[ -n "$WORK" ] && rm -rf "$WORK"
	exit $rc
}

build_tools() {
	if [ -n "${IGMPX_BUILD_DIR:-}" ]; then
		MEMBER=$IGMPX_BUILD_DIR/harness/igmpx-member
		INJECT=$IGMPX_BUILD_DIR/tools/igmpx-inject
		if [ ! -x "$MEMBER" ] || [ ! -x "$INJECT" ]; then
			die "no $MEMBER or $INJECT (build $IGMPX_BUILD_DIR first)"
		fi
		return
	fi
	local core="$ROOT/core/codec.c $ROOT/core/build.c $ROOT/core/names.c $ROOT/core/ip.c"
	MEMBER=$WORK/igmpx-member
	INJECT=$WORK/igmpx-inject
	gcc -O2 -Wall -Wextra "$ROOT/harness/igmpx-member.c" -o "$MEMBER" || die "building igmpx-member failed"
	# shellcheck disable=SC2086
	gcc -O2 -Wall -Wextra -I"$ROOT/core" "$ROOT/tools/igmpx-inject.c" $core -lpcap -o "$INJECT" ||
		die "building igmpx-inject failed (libpcap-dev installed?)"
}

# Fresh namespaces and veth.  $1: force_igmp_version (0 = default v3).
setup() {
	local force=$1 ns
	cleanup
	ip netns add "$TNS" || die "ip netns add $TNS failed"
	ip netns add "$HNS" || die "ip netns add $HNS failed"
	for ns in "$TNS" "$HNS"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
			die "cannot disable IPv6 in $ns"
	done
	ip -n "$TNS" link add "$TIF" address 02:00:00:00:02:01 type veth \
		peer name "$HIF" address 02:00:00:00:02:02 netns "$HNS" || die "veth creation failed"
	intst sysctl -qw "net.ipv6.conf.$TIF.disable_ipv6=1"
	inh sysctl -qw "net.ipv6.conf.$HIF.disable_ipv6=1" \
		"net.ipv4.conf.$HIF.force_igmp_version=$force" \
		"net.ipv4.conf.$HIF.igmpv2_unsolicited_report_interval=500" \
		"net.ipv4.conf.$HIF.igmpv3_unsolicited_report_interval=500" ||
		die "cannot set the IGMP sysctls of $HIF"
	ip -n "$TNS" addr add 192.0.2.1/24 dev "$TIF"
	ip -n "$HNS" addr add 192.0.2.2/24 dev "$HIF"
	ip -n "$TNS" link set "$TIF" up
	ip -n "$HNS" link set "$HIF" up
	ip -n "$TNS" link set lo up
	ip -n "$HNS" link set lo up
	until_true 5 "carrier on $HIF" carrier_up
}

carrier_up() { [ "$(inh cat "/sys/class/net/$HIF/carrier" 2>/dev/null)" = 1 ]; }

# until_true SECONDS WHAT CMD...: poll CMD every 50 ms until it succeeds.
until_true() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(date +%s%N) + secs * 1000000000))
	until "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || die "timed out after ${secs}s waiting for $what"
		sleep 0.05
	done
}

count() { tcpdump -n -r "$PCAP" 2>/dev/null | wc -l; }
count_at_least() { [ "$(count)" -ge "$1" ]; }
tcpdump_ready() { grep -q "listening on" "$WORK/tcpdump.err"; }

start_capture() {
	PCAP=$WORK/$1
	EXPECT=0
	ip netns exec "$TNS" tcpdump -i "$TIF" -U -n -Z root -w "$PCAP" 'ip proto 2' 2>"$WORK/tcpdump.err" &
	TCPDUMP_PID=$!
	until_true 5 "tcpdump to start" tcpdump_ready
}

stop_capture() {
	kill -INT "$TCPDUMP_PID"
	wait "$TCPDUMP_PID" || true
	TCPDUMP_PID=
	mv "$PCAP" "$OUT/$1"
	log "wrote $OUT/$1 ($(tcpdump -n -r "$OUT/$1" 2>/dev/null | wc -l) frames)"
}

# expect N SECONDS WHAT: N more frames within SECONDS, then none for $QUIET s.
# N = 0: nothing may arrive for SECONDS.
expect() {
	EXPECT=$((EXPECT + $1))
	[ "$1" -gt 0 ] || sleep "$2"
	until_true "$2" "$3 (frame $EXPECT)" count_at_least "$EXPECT"
	sleep "$QUIET"
	local got
	got=$(count)
	if [ "$got" -ne "$EXPECT" ]; then
		tcpdump -n -r "$PCAP" >&2 2>/dev/null || true
		die "$3: capture holds $got frames, expected $EXPECT"
	fi
	log "  $3: $1 frame(s), $EXPECT in all"
}

# member NAME IF GROUP [MODE SOURCES]: start igmpx-member in the host namespace.
member() {
	local name=$1 fd
	shift
	rm -f "$WORK/$name.in"
	mkfifo "$WORK/$name.in"
	MOUT[$name]=$WORK/$name.out
	ip netns exec "$HNS" "$MEMBER" "$@" <"$WORK/$name.in" >"${MOUT[$name]}" 2>"$WORK/$name.err" &
	MPID[$name]=$!
	exec {fd}>"$WORK/$name.in"
	MFD[$name]=$fd
	until_true 5 "igmpx-member $* to join" member_joined "$name"
}

member_joined() {
	kill -0 "${MPID[$1]}" 2>/dev/null || die "igmpx-member $1 died: $(cat "$WORK/$1.err")"
	grep -q '^joined$' "${MOUT[$1]}"
}

# tell NAME COMMAND: send one filter command and wait for its answer.
tell() {
	local n
	n=$(($(grep -c -e '^ok$' -e '^error$' "${MOUT[$1]}" || true) + 1))
	echo "$2" >&"${MFD[$1]}"
	until_true 5 "igmpx-member $1 to do '$2'" member_answered "$1" "$n"
	[ "$(tail -n 1 "${MOUT[$1]}")" = ok ] ||
		die "igmpx-member $1 could not do '$2': $(tail -n 1 "$WORK/$1.err")"
}

member_answered() {
	kill -0 "${MPID[$1]}" 2>/dev/null || die "igmpx-member $1 died: $(cat "$WORK/$1.err")"
	[ "$(grep -c -e '^ok$' -e '^error$' "${MOUT[$1]}")" -ge "$2" ]
}

# part NAME: leave and exit.
part() {
	local fd=${MFD[$1]}
	echo leave >&"$fd"
	exec {fd}>&-
	wait "${MPID[$1]}" || die "igmpx-member $1 failed to leave: $(cat "$WORK/$1.err")"
	unset "MPID[$1]" "MFD[$1]"
}

# query VERSION MRC GROUP [SOURCES]: inject one query from the tester.
query() {
	"$INJECT" --make-query "$1" "$2" "$3" "$WORK/query.pcap" ${4:+"$4"} ||
		die "making query $* failed"
	intst "$INJECT" "$TIF" "$WORK/query.pcap" || die "injecting query $* failed"
}

capture_v1() {
	log "IGMPv1 (force_igmp_version=1)"
	setup 1
	start_capture linux-v1.pcap
	member a "$HIF" 239.1.1.1
	expect 2 3 "join 239.1.1.1: v1 report and its repetition"
	query 1 0 0.0.0.0
	expect 2 12 "v1 general query and its answer (up to 10 s: v1 queries carry no Max Resp)"
	part a
	expect 0 1 "leave 239.1.1.1 (v1: nothing is sent)"
	stop_capture linux-v1.pcap
}

capture_v2() {
	log "IGMPv2 (force_igmp_version=2)"
	setup 2
	start_capture linux-v2.pcap
	member a "$HIF" 239.1.1.1
	expect 2 3 "join 239.1.1.1: v2 report and its repetition"
	member b "$HIF" 239.1.1.2
	expect 2 3 "join 239.1.1.2: v2 report and its repetition"
	query 2 10 0.0.0.0
	expect 3 3 "v2 general query (1 s) and a report per group"
	query 2 10 239.1.1.1
	expect 2 3 "v2 group-specific query for 239.1.1.1 and its report"
	part a
	expect 1 2 "leave 239.1.1.1: Leave Group"
	part b
	expect 1 2 "leave 239.1.1.2: Leave Group"
	stop_capture linux-v2.pcap
}

capture_v3() {
	log "IGMPv3 (default)"
	setup 0
	start_capture linux-v3.pcap
	member a "$HIF" 239.1.1.1
	expect 2 3 "any-source join 239.1.1.1: TO_EX {} and its retransmission"
	member b "$HIF" 239.2.2.2 include 198.51.100.10
	expect 2 3 "include join 239.2.2.2 {198.51.100.10}"
	tell b "allow 198.51.100.11"
	expect 2 3 "allow 198.51.100.11 on 239.2.2.2"
	tell b "block 198.51.100.10"
	expect 2 3 "block 198.51.100.10 on 239.2.2.2"
	tell b "exclude 198.51.100.12"
	expect 2 3 "239.2.2.2 to EXCLUDE {198.51.100.12}"
	tell b "include 198.51.100.11"
	expect 2 3 "239.2.2.2 back to INCLUDE {198.51.100.11}"
	tell a "block 203.0.113.5"
	expect 2 3 "block 203.0.113.5 on 239.1.1.1 (EXCLUDE mode)"
	query 3 10 0.0.0.0
	expect 2 3 "v3 general query (1 s, QRV 2, QQIC 125) and the current-state report"
	query 3 10 239.1.1.1
	expect 2 3 "v3 group-specific query for 239.1.1.1 and its report"
	query 3 10 239.2.2.2 198.51.100.11,198.51.100.12
	expect 2 3 "v3 group-and-source query for 239.2.2.2 and its report"
	part a
	expect 2 3 "leave 239.1.1.1: TO_IN {} and its retransmission"
	part b
	expect 2 3 "leave 239.2.2.2 (INCLUDE {198.51.100.11})"
	stop_capture linux-v3.pcap
}

queries() { tcpdump -n -r "$PCAP" 2>/dev/null | grep -c 'igmp query'; }
queries_at_least() { [ "$(queries)" -ge "$1" ]; }

# The kernel's bridge as the querier, as a capture on a link shows it: a
# v3 host joins, the querier starts 6 s later (more than its Query Interval
# of 4 s: the capture shows its start), the host leaves and joins again.
# The frames are not counted one by one (the host answers each General
# Query after a random delay); the script waits for the queries instead.
capture_bridge() {
	log "the Linux bridge's IGMPv3 querier (Query Interval 4 s)"
	setup 0
	ip -n "$TNS" addr flush dev "$TIF"
	ip -n "$TNS" link add br0 address 02:00:00:00:02:03 type bridge mcast_snooping 1 \
		mcast_querier 0 mcast_igmp_version 3 mcast_query_use_ifaddr 1 \
		mcast_query_interval 400 mcast_query_response_interval 100 \
		mcast_startup_query_interval 100 mcast_startup_query_count 2 \
		mcast_last_member_interval 100 mcast_last_member_count 2 ||
		die "cannot make the bridge"
	intst sysctl -qw net.ipv6.conf.br0.disable_ipv6=1
	ip -n "$TNS" link set "$TIF" master br0
	ip -n "$TNS" addr add 192.0.2.1/24 dev br0
	ip -n "$TNS" link set br0 up
	start_capture linux-bridge.pcap
	member a "$HIF" 239.1.1.1
	sleep 6
	ip -n "$TNS" link set br0 type bridge mcast_querier 1
	until_true 15 "the startup queries and two periodic ones" queries_at_least 4
	part a
	sleep 3
	member a "$HIF" 239.1.1.1
	until_true 15 "two more periodic queries" queries_at_least 9
	sleep 1
	part a
	sleep 3
	stop_capture linux-bridge.pcap
}

main() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (it makes network namespaces)"
	command -v tcpdump >/dev/null || die "tcpdump is not installed (apt-get install -y tcpdump)"
	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)
	trap on_exit EXIT
	trap 'exit 130' INT TERM
	WORK=$(mktemp -d /tmp/igmpx-capture.XXXXXX)
	build_tools
	local start=$SECONDS
	local v
	for v in ${IGMPX_CAPTURES:-v1 v2 v3}; do
		case $v in
		v1|v2|v3|bridge) "capture_$v" ;;
		*) die "unknown capture '$v' in IGMPX_CAPTURES (v1, v2, v3, bridge)" ;;
		esac
	done
	cleanup
	log "done in $((SECONDS - start)) s on Linux $(uname -r)"
}

main "$@"
