#!/bin/bash
# test-member.sh IGMPX_MEMBER: drive the kernel through igmpx-member --serve.
#
# Two namespaces joined by a veth (192.0.2.0/24, no IPv6): the server holds
# groups on one end, tcpdump records 'ip proto 2' on the other.  Each command
# must be answered "ok" and the capture must then hold, in command order, the
# IGMPv3 record the kernel writes for that change (RFC 9776 §5.1 Table 3).
# Also checks --send's exit codes and error answers, 64 groups at once,
# leaveall, several commands on one connection, and that SIGTERM drops what
# is left and removes the socket.  Each step waits for its change's report
# and retransmission (robustness 2) before the next, so that no two changes
# are merged into one report.  Needs root and tcpdump; exits 77
# (skipped) otherwise.
# shellcheck disable=SC2317  # functions reached through traps and until_true
set -u

member=${1:?usage: test-member.sh IGMPX_MEMBER}
[ "$(id -u)" = 0 ] || { echo "skipped: needs root for network namespaces"; exit 77; }
command -v tcpdump >/dev/null || { echo "skipped: tcpdump is not installed"; exit 77; }
case $member in /*) ;; *) member=$PWD/$member ;; esac
[ -x "$member" ] || { echo "FAIL: $member is not executable"; exit 1; }

HNS=igmpx-mt-host-$$
TNS=igmpx-mt-tester-$$
HIF=imth$$              # interface names: at most 15 characters
TIF=imtt$$
WORK=$(mktemp -d /tmp/igmpx-test-member.XXXXXX)
SOCK=$WORK/member.sock
PCAP=$WORK/igmp.pcap
SERVER_PID=
TCPDUMP_PID=
fail=0

cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	if [ -n "$TCPDUMP_PID" ]; then
		kill -INT "$TCPDUMP_PID" 2>/dev/null
		wait "$TCPDUMP_PID" 2>/dev/null
	fi
	SERVER_PID='' TCPDUMP_PID=''
	# Deleting a namespace deletes its end of the veth, and so the pair.
	ip netns del "$HNS" 2>/dev/null
	ip netns del "$TNS" 2>/dev/null
	rm -rf "$WORK"
}
trap 'rc=$?; cleanup; exit $rc' EXIT
trap 'exit 130' INT TERM

die() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# until_true SECONDS WHAT CMD...: poll CMD every 50 ms.
until_true() {
	local end=$(($(date +%s%N) + $1 * 1000000000)) what=$2
	shift 2
	until "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || die "timed out waiting for $what"
		sleep 0.05
	done
}

setup() {
	local ns
	ip netns add "$TNS" || die "cannot create namespace $TNS"
	ip netns add "$HNS" || die "cannot create namespace $HNS"
	for ns in "$TNS" "$HNS"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || die "cannot disable IPv6 in $ns"
	done
	ip -n "$TNS" link add "$TIF" type veth peer name "$HIF" netns "$HNS" ||
		die "cannot create the veth pair"
	# Short retransmission interval: each step's reports are out within 0.4 s.
	ip netns exec "$HNS" sysctl -qw \
		"net.ipv4.conf.$HIF.igmpv3_unsolicited_report_interval=200" ||
		die "cannot set the IGMP sysctls of $HIF"
	{ ip -n "$TNS" addr add 192.0.2.1/24 dev "$TIF" &&
		ip -n "$HNS" addr add 192.0.2.2/24 dev "$HIF" &&
		ip -n "$TNS" link set "$TIF" up && ip -n "$HNS" link set "$HIF" up; } ||
		die "cannot configure the veth pair"
	until_true 5 "carrier on $HIF" carrier_up
}

carrier_up() { [ "$(ip netns exec "$HNS" cat "/sys/class/net/$HIF/carrier" 2>/dev/null)" = 1 ]; }
tcpdump_ready() { grep -q "listening on" "$WORK/tcpdump.err"; }
serving() { grep -q "^serving $SOCK\$" "$WORK/serve.out"; }
records() { tcpdump -vv -n -r "$PCAP" 2>/dev/null; }
# Groups of 239.2.0.0/24 the host namespace holds (/proc shows them as hex, bytes reversed).
held_2x() { ip netns exec "$HNS" grep -c '[0-9A-F][0-9A-F]0002EF ' /proc/net/igmp; }
lines() { records | wc -l; }
# sent_twice FROM RECORD...: after line FROM of the capture, one of the
# RECORDs has been sent twice: the change's report and its one
# retransmission (robustness 2), so the change is over and the next one
# cannot be merged into it.
sent_twice() {
	local from=$1 pat
	shift
	for pat in "$@"; do
		[ "$(records | tail -n +"$((from + 1))" | grep -o -F -e "$pat" | wc -l)" -ge 2 ] && return 0
	done
	return 1
}
# all_sent_twice FROM RECORD-PREFIX N: each of 239.2.0.1 .. 239.2.0.N has a
# record starting with "[gaddr 239.2.0.I RECORD-PREFIX" twice after line FROM.
all_sent_twice() {
	local n
	n=$(records | tail -n +"$(($1 + 1))" | grep -oE "\[gaddr 239\.2\.0\.[0-9]+ $2" | sort |
		uniq -c | awk '$1 >= 2' | wc -l)
	[ "$n" -ge "$3" ]
}

# send EXPECTED_RC WORD...: run --send; leaves its output in $out and $err.
send() {
	local want=$1 rc
	shift
	"$member" --send "$SOCK" "$@" >"$WORK/send.out" 2>"$WORK/send.err"
	rc=$?
	out=$(cat "$WORK/send.out")
	err=$(cat "$WORK/send.err")
	if [ "$rc" -ne "$want" ]; then
		bad "'$*': exit $rc, expected $want (stdout '$out', stderr '$err')"
		return 1
	fi
	[ "$want" -ne 0 ] || [ "$out" = ok ] || { bad "'$*': answered '$out'"; return 1; }
	return 0
}

# step 'RECORD'... -- WORD...: a command that must succeed, then its reports;
# the first RECORD is what the capture must show for it (any of them will do).
# The next step starts once one of them has been sent twice.
STEPS=()
step() {
	local recs=() from
	while [ "$1" != -- ]; do recs+=("$1"); shift; done
	shift
	from=$(lines)
	send 0 "$@" && ok "$*"
	STEPS+=("$*" "${#recs[@]}" "${recs[@]}")
	until_true 5 "the reports of '$*' (one of: ${recs[*]}) twice" sent_twice "$from" "${recs[@]}"
}

# send_error PATTERN WORD...: a command that must fail with PATTERN in its message.
send_error() {
	local pat=$1
	shift
	send 1 "$@" || return
	case $err in *"$pat"*) ok "error for '$*': $err" ;;
	*) bad "'$*': error '$err' does not say '$pat'" ;; esac
}

setup
# Immediate mode: otherwise the last frames can sit in the capture ring's
# current block and be lost when tcpdump is stopped.
ip netns exec "$TNS" tcpdump -i "$TIF" --immediate-mode -U -n -Z root -w "$PCAP" 'ip proto 2' \
	2>"$WORK/tcpdump.err" &
TCPDUMP_PID=$!
until_true 5 "tcpdump to start" tcpdump_ready

ip netns exec "$HNS" "$member" --serve "$SOCK" "$HIF" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
until_true 5 "the server to start" serving

step "[gaddr 239.1.1.1 to_ex { }]" -- join 239.1.1.1
step "[gaddr 239.1.1.2 allow { 198.51.100.1 198.51.100.2 }]" \
	"[gaddr 239.1.1.2 to_in { 198.51.100.1 198.51.100.2 }]" -- \
	join 239.1.1.2 include 198.51.100.1,198.51.100.2
step "[gaddr 239.1.1.2 block { 198.51.100.1 }]" -- block 239.1.1.2 198.51.100.1
step "[gaddr 239.1.1.1 to_in { }]" -- leave 239.1.1.1

# Filter changes of one held group, each one state change.
step "[gaddr 239.1.1.4 to_ex { 198.51.100.7 }]" "[gaddr 239.1.1.4 block { 198.51.100.7 }]" -- \
	join 239.1.1.4 exclude 198.51.100.7
step "[gaddr 239.1.1.4 to_in { 198.51.100.8 }]" -- include 239.1.1.4 198.51.100.8
step "[gaddr 239.1.1.4 allow { 198.51.100.9 }]" -- allow 239.1.1.4 198.51.100.9
step "[gaddr 239.1.1.4 to_ex { }]" -- exclude 239.1.1.4
step "[gaddr 239.1.1.4 to_in { 198.51.100.8 }]" -- join 239.1.1.4 include 198.51.100.8
step "[gaddr 239.1.1.4 block { 198.51.100.8 }]" -- include 239.1.1.4
send_error "239.1.1.4 is not held" leave 239.1.1.4   # INCLUDE {} left the group

# Errors: none of these may change a membership (no report for 239.1.1.3).
send_error "239.9.9.9 is not held" leave 239.9.9.9
send_error "'198.51.100.300'" join 239.1.1.3 include 198.51.100.1,198.51.100.300
send_error "'239.1.1'" join 239.1.1
send_error "unknown command 'frobnicate'" frobnicate 239.1.1.2

# 64 groups at once, each on its own socket, then leaveall once every join
# has been reported twice.
from=$(lines)
for i in $(seq 64); do
	"$member" --send "$SOCK" join "239.2.0.$i" >/dev/null || bad "join 239.2.0.$i failed"
done
n=$(held_2x)
if [ "$n" = 64 ]; then ok "64 groups held"; else bad "the host holds $n of the 64 groups"; fi
until_true 5 "the 64 joins' reports twice" all_sent_twice "$from" "to_ex" 64
from=$(lines)
send 0 leaveall && ok "leaveall"
n=$(held_2x)
if [ "$n" = 0 ]; then
	ok "leaveall dropped the 64 groups"
else
	bad "after leaveall the host holds $n groups"
fi
STEPS+=("leaveall" 1 "[gaddr 239.2.0.64 to_in { }]")
until_true 5 "the 64 leaves' reports twice" all_sent_twice "$from" "to_in" 64

# Several lines on one connection, each answered.
if command -v python3 >/dev/null; then
	got=$(python3 - "$SOCK" <<-'EOF' 2>&1
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	s.connect(sys.argv[1])
	s.sendall(b"join 239.1.1.9\nleave 239.1.1.9\nleave 239.1.1.9\n")
	s.shutdown(socket.SHUT_WR)
	print(s.makefile().read(), end="")
	EOF
	)
	if [ "$got" = "$(printf 'ok\nok\nerror: 239.1.1.9 is not held')" ]; then
		ok "three lines on one connection, three answers"
	else
		bad "three lines on one connection answered: $got"
	fi
else
	echo "skip several lines on one connection: no python3"
fi

# A group held when SIGTERM comes: the server's exit must drop it.
step "[gaddr 239.1.1.5 to_ex { }]" -- join 239.1.1.5
from=$(lines)
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
SERVER_PID=
if [ "$rc" -eq 0 ]; then
	ok "server exits 0 on SIGTERM"
else
	bad "server exited $rc on SIGTERM: $(cat "$WORK/serve.err")"
fi
if [ -e "$SOCK" ]; then bad "server left $SOCK behind"; else ok "server removed its socket"; fi
STEPS+=("SIGTERM" 1 "[gaddr 239.1.1.5 to_in { }]")
# The kernel drops the group when the server's sockets close: its report
# and retransmission.
until_true 5 "the held group's leave reported twice" sent_twice "$from" \
	"[gaddr 239.1.1.5 to_in { }]"
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID"
TCPDUMP_PID=

start=$(date +%s%N)
"$member" --send "$WORK/missing.sock" join 239.1.1.1 2>"$WORK/send.err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
# igmpx-member tries for 3 s, then gives up; how long after that it gets to
# exit is the machine's, so the bound above is loose.
if [ "$rc" -eq 2 ] && [ "$ms" -ge 2900 ] && [ "$ms" -le 10000 ]; then
	ok "--send to a missing socket: exit 2 after $ms ms ($(cat "$WORK/send.err"))"
else
	bad "--send to a missing socket: exit $rc after $ms ms, expected 2 after 3 to 10 s"
fi

# Each step's record, searched from the line where the previous step's was
# found: the kernel must have reported the changes in the order they were made.
records >"$WORK/igmp.txt"
prev=1
set -- "${STEPS[@]}"
while [ $# -gt 0 ]; do
	what=$1 n=$2 line=
	shift 2
	for pat in "${@:1:$n}"; do
		line=$(awk -v p="$prev" -v s="$pat" 'NR >= p && index($0, s) { print NR; exit }' \
			"$WORK/igmp.txt")
		[ -n "$line" ] && break
	done
	if [ -n "$line" ]; then
		ok "$what: $pat"
		prev=$line
	else
		bad "$what: no '$1' in the capture after line $prev"
	fi
	shift "$n"
done
grep -q "gaddr 239.1.1.3" "$WORK/igmp.txt" && bad "the failed join of 239.1.1.3 sent a report"
if [ "$fail" -ne 0 ]; then
	echo "--- capture:"
	cat "$WORK/igmp.txt"
	echo "--- server stderr:"
	cat "$WORK/serve.err"
fi
exit $fail
