#!/usr/bin/env bash
# bench/run.sh [--frames N] [--runs R] [--keep FILE]
#
# What igmpx costs next to Wireshark's built-in IGMP dissector.  Builds a
# capture of N frames (default 1,000,000) from the project's captures
# (pcaps/linux, pcaps/tcpdump and the generated build/pcaps, made strictly
# chronological, then doubled with time shifts until N), and measures the
# CPU time (user + sys, the median of R runs, default 5) of
#
#   tshark -r BIG -q -z expert          and        tshark -r BIG -V > /dev/null
#
# with the plugin (every check and the stateful analysis on) and with the
# built-in (-o igmpx.take_over:FALSE, same tshark, same file), and prints
# the ratios plugin / built-in.  Targets: <= 1.10 for -z expert, <= 1.30
# for -V.  tshark runs as in the tests (as nobody when root, the plugin
# staged from $IGMPX_BUILD/stage, default ./build).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
frames=1000000 runs=5 keep=""
while [ $# -gt 0 ]; do
	case $1 in
	--frames) frames=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	*) echo "usage: bench/run.sh [--frames N] [--runs R] [--keep FILE]" >&2; exit 2 ;;
	esac
done
build=${IGMPX_BUILD:-$root/build}
export IGMPX_STAGE=${IGMPX_STAGE:-$build/stage}
. "$root/tests/lib.sh"
for tool in editcap mergecap capinfos; do
	command -v $tool >/dev/null || die "$tool is not installed (wireshark-common)"
done

count() { capinfos -c -M "$1" | awk '/Number of packets/ { print $NF }'; }
duration_s() { capinfos -u -M "$1" | awk '/Capture duration/ { printf "%d\n", $(NF - 1) + 1 }'; }

# big_capture OUT: N frames, time never going back.
big_capture() {
	local cur="$SCRATCH/in/cur.pcap" tmp="$SCRATCH/in/tmp.pcap" shift_s n
	mergecap -a -F pcap -w "$tmp" "$root"/pcaps/linux/*.pcap "$build"/pcaps/*.pcap \
		"$root"/pcaps/tcpdump/*.pcap || die "mergecap failed"
	editcap -S 0.000001 "$tmp" "$cur" > /dev/null || die "editcap -S failed"
	while [ "$(count "$cur")" -lt "$frames" ]; do
		shift_s=$(duration_s "$cur")
		editcap -t "$shift_s" "$cur" "$tmp" || die "editcap -t failed"
		mergecap -a -F pcap -w "$1" "$cur" "$tmp" || die "mergecap failed"
		mv "$1" "$cur"
	done
	editcap -r "$cur" "$1" "1-$frames" || die "editcap -r failed"
	rm -f "$cur" "$tmp"
	chmod a+r "$1"
}

# cpu_s ARGS...: user + sys seconds of one tshark run (output discarded),
# children included (bash's time keyword).
cpu_s() {
	local TIMEFORMAT='%U %S'
	{ time tshark_as_user "$@" > /dev/null 2>&1; } 2> "$SCRATCH/time"
	awk '{ printf "%.2f\n", $1 + $2 }' "$SCRATCH/time"
}

# median_s ARGS...: the median CPU time of $runs runs.
median_s() {
	local i
	for ((i = 0; i < runs; i++)); do cpu_s "$@"; done | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

big="$SCRATCH/in/big.pcap"
big_capture "$big"
echo "capture: $(count "$big") frames, $(du -h "$big" | cut -f1), $runs run(s) each, CPU s (user+sys)"
off=(-o igmpx.take_over:FALSE)
report() {   # report NAME TARGET PLUGIN_S BUILTIN_S
	awk -v n="$1" -v t="$2" -v p="$3" -v b="$4" 'BEGIN {
		r = b > 0 ? p / b : 0
		printf "%-10s plugin %8.2f s  built-in %8.2f s  ratio %s: %.3f (target <= %s)%s\n",
		       n, p, b, n, r, t, (r > t) ? "  ABOVE TARGET" : "" }'
}
p=$(median_s -r "$big" -q -z expert)
b=$(median_s -r "$big" "${off[@]}" -q -z expert)
report "-z expert" 1.10 "$p" "$b"
p=$(median_s -r "$big" -V)
b=$(median_s -r "$big" "${off[@]}" -V)
report "-V" 1.30 "$p" "$b"
[ -n "$keep" ] && cp "$big" "$keep"
exit 0
