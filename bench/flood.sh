#!/usr/bin/env bash
# bench/flood.sh [--seconds T] [--routers 'PROFILE...'] [--rates 'R...'] [--no-routers]
#
# Floods of reports, measured in one run (root; the harness's own
# namespaces and TAPs, nothing else on the machine touched):
#
# 1. The harness's injection rate.  The reference first: bench/tap-write
#    writes IGMPv3 reports back to back into a TAP with plain write(), and
#    through the link's send call.  Then `igmpx run` floods the Linux
#    kernel host in a namespace (conformance/iut/linux-host.ini) with a
#    send: step asking 100,000, 200,000 and 400,000 reports/s for T s
#    (default 2; 200,000 frames at most a step) and one asking more than
#    it can do (10,000,000/s: its fastest): reports from 200 hosts over
#    1000 groups, as a case would send them.  For each, the rate reached,
#    as a ratio to plain writes, and how late the frames went out after
#    their times (median, 99th percentile, worst), as the harness says it
#    in its report.  Target: 100,000 reports/s sustained.
#
# 2. Each router's capacity (--routers, default: every router profile of
#    conformance/iut/ whose `requires` holds here): the highest report rate
#    of --rates (default 250 500 1000 2000 5000 10000 20000 50000 100000)
#    at which the router still holds every group of the flood.  At each
#    rate a case floods it for T s (90,000 reports at most) from 50 hosts
#    over G groups, G = rate x T up to 1000 (IGMPv3 IS_EX {} reports for a v3 router, IGMPv2 reports
#    for a v2 one; each group reported rate x T / G times), and then asks,
#    within 2 s (less than any profile's Group Membership Interval less T),
#    that all G groups be held (the profile's state); the ladder stops at
#    the first rate that loses a group.  A router in an emulated VM (FRR,
#    igmpproxy) is measured with its emulation: its figure is this
#    machine's, not the router's on hardware.
#
# Builds nothing: runs $IGMPX_BUILD (default ./build) harness/igmpx and
# bench/tap-write (cmake --build build --target tap-write igmpx_cmd).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${IGMPX_BUILD:-$root/build}
igmpx=$build/harness/igmpx tapw=$build/bench/tap-write
seconds=2 routers="" rates="250 500 1000 2000 5000 10000 20000 50000 100000" do_routers=1
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--routers) routers=$2; shift 2 ;;
	--rates) rates=$2; shift 2 ;;
	--no-routers) do_routers=0; shift ;;
	*) echo "usage: bench/flood.sh [--seconds T] [--routers 'PROFILE...'] [--rates 'R...'] [--no-routers]" >&2
	   exit 2 ;;
	esac
done
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/flood.sh: skipped: needs root (it makes network namespaces and TAPs)"
	exit 0
fi
for b in "$igmpx" "$tapw"; do
	[ -x "$b" ] || { echo "bench/flood.sh: no $b (cmake --build $build --target tap-write igmpx_cmd)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The harness's own words for a flood: "send (line N): F frames in S s,
# R/s (asked: ...); ...; sent late by median A us, 99th percentile B us,
# at worst C us".
flood_line() { sed -n 's/^    PASS: send (line [0-9]*): //p' "$1" | head -n 1; }

echo "bench/flood.sh: $(uname -sr), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "1. Injection into a TAP (the Linux kernel in a namespace receives)"
echo
"$tapw" -n 1000000 > "$tmp/tapw" || exit 1
plain=$(sed -n 's/^tap-write: plain write(): .*: \([0-9]*\) frames\/s$/\1/p' "$tmp/tapw")
link=$(sed -n 's/^tap-write: hx_link_send_at: .*: \([0-9]*\) frames\/s$/\1/p' "$tmp/tapw")
[ -n "$plain" ] && [ -n "$link" ] || { cat "$tmp/tapw" >&2; exit 1; }
printf '%-34s %12s %8s  %s\n' "how" "reports/s" "/ plain" "sent late by (median, p99, worst)"
printf '%-34s %12s %8s  %s\n' "plain write(), back to back" "$plain" "1.00" "-"
printf '%-34s %12s %8s  %s\n' "hx_link_send_at, back to back" "$link" \
	"$(awk -v a="$link" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')" "-"
ok100=0
for rate in 100000 200000 400000 10000000; do
	f=$(awk -v r="$rate" -v s="$seconds" 'BEGIN { f = r * s; if (f > 200000) f = 200000; printf "%.6f", f / r }')
	cat > "$tmp/HB-FLOOD.yaml" <<CASE
id: HB-FLOOD
title: bench/flood.sh
rfc: RFC 9776 §5.2
level: MUST
role: host
versions: [3]
deadline: 60
steps:
  - send: |
      v3report
        record type=IS_EX group=239.20.0.1
    from: 192.0.2.10+200
    rate: $rate
    for: $f
    groups: 1000
  - wait: 0.1
CASE
	rm -rf "$tmp/out"
	"$igmpx" run --iut "$root/conformance/iut/linux-host.ini" --out "$tmp/out" "$tmp/HB-FLOOD.yaml" \
		> "$tmp/log" 2>&1
	l=$(flood_line "$tmp/out/summary.txt")
	[ -n "$l" ] || { echo "bench/flood.sh: the harness said nothing of its flood:" >&2; cat "$tmp/log" >&2; exit 1; }
	got=$(sed -n 's/^[0-9]* frames in [0-9.]* s, \([0-9]*\)\/s .*/\1/p' <<<"$l")
	late=$(sed -n 's/.*sent late by median \([0-9.]*\) us, 99th percentile \([0-9.]*\) us, at worst \([0-9.]*\) us$/\1, \2, \3 us/p' <<<"$l")
	what="igmpx run, asked $rate/s"
	[ "$rate" != 10000000 ] || what="igmpx run, as fast as it can"
	printf '%-34s %12s %8s  %s\n' "$what" "$got" \
		"$(awk -v a="$got" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')" "$late"
	[ "$rate" != 100000 ] || ok100=$(awk -v g="$got" 'BEGIN { print (g >= 99000) }')
done
echo
if [ "$ok100" = 1 ]; then
	echo "target: 100,000 reports/s sustained for $seconds s: met"
else
	echo "target: 100,000 reports/s sustained for $seconds s: NOT met"
fi
[ "$do_routers" = 1 ] || exit 0

echo
echo "2. Each router's capacity: the highest rate at which it holds every group (up to 1000)"
echo
if [ -z "$routers" ]; then
	for p in "$root"/conformance/iut/*.ini; do
		grep -q '^role = router' "$p" && routers="$routers $p"
	done
fi
printf '%-40s %12s  %s\n' "router" "reports/s" "at the next rate"
for p in $routers; do
	[ -f "$p" ] || p=$root/conformance/iut/$p
	[ -f "$p" ] || p=$p.ini
	name=$(basename "$p" .ini)
	req=$(sed -n 's/^requires = //p' "$p")
	if [ -n "$req" ] && ! why=$(IGMPX_PROFILE_DIR=$(dirname "$p") sh -c "$req" 2>&1); then
		printf '%-40s %12s  %s\n' "$name" "-" "not run: $(head -n 1 <<<"$why")"
		continue
	fi
	v=$(sed -n 's/^versions = //p' "$p")
	if [ "$v" = 2 ]; then
		report="  - send: v2report group=239.21.0.1"
	else
		report="  - send: |
      v3report
        record type=IS_EX group=239.21.0.1"
	fi
	best="-" next=""
	for rate in $rates; do
		# 90,000 frames at most: the harness keeps 100,000 of the IUT's in
		# a case, and a bridge forwards each report to its other port.
		f=$(awk -v r="$rate" -v s="$seconds" 'BEGIN { f = r * s; if (f > 90000) f = 90000; printf "%.6f", f / r }')
		g=$(awk -v r="$rate" -v f="$f" 'BEGIN { g = int(r * f + 0.5); print g < 1000 ? g : 1000 }')
		cat > "$tmp/RB-CAPACITY.yaml" <<CASE
id: RB-CAPACITY
title: bench/flood.sh
rfc: RFC 9776 §6.4.1
level: MUST
role: router
versions: [$v]
deadline: 240
steps:
$report
    from: 192.0.2.10+50
    rate: $rate
    for: $f
    groups: $g
  - expect_state: 239.21.0.1 present
    groups: $g
    within: [0, 2]
    rule: rtr_table8
CASE
		rm -rf "$tmp/out"
		"$igmpx" run --iut "$p" --out "$tmp/out" "$tmp/RB-CAPACITY.yaml" > "$tmp/log" 2>&1
		verdict=$(awk '$2 == "RB-CAPACITY" { print $1 }' "$tmp/out/summary.txt" 2>/dev/null)
		if [ "$verdict" = PASS ]; then
			best=$rate
			continue
		fi
		why=$(grep -m 1 -o '[0-9]* of the [0-9]* groups are not so' "$tmp/out/summary.txt" 2>/dev/null)
		got=$(flood_line "$tmp/out/summary.txt" | sed -n 's/^[0-9]* frames in [0-9.]* s, \([0-9]*\)\/s .*/\1/p')
		next="$rate/s: ${verdict:-no verdict}${why:+, $why}${got:+ (sent at $got/s)}"
		[ "$verdict" = FAIL ] || next="$next: $(sed -n '/RB-CAPACITY/{n;p}' "$tmp/log" | head -n 1 | cut -c1-120)"
		break
	done
	printf '%-40s %12s  %s\n' "$name" "$best" "${next:-every rate held}"
done
