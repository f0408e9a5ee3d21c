#!/usr/bin/env bash
# bench/run.sh [--frames N] [--runs R] [--mix valid|all|dense|real] [--keep FILE]
#              [--instructions] [--only expert|V]
#
# What igmpx costs next to Wireshark's built-in IGMP dissector.  Builds a
# capture of N frames (default 1,000,000) from the project's captures, made
# strictly chronological, then doubled with time shifts until N:
#   --mix valid (default): traffic as a network carries it: pcaps/linux,
#       pcaps/tcpdump and the generated captures of pcaps/regress;
#   --mix all: every generated capture too (pcaps/rules, timing, malformed),
#       the worst case, where nearly every frame breaks a rule;
#   --mix dense: finding-dense, as a capture of a misbehaving device: of
#       every generated capture only the frames that carry a finding
#       (igmpx.rule.*, two passes), every frame breaking at least one rule;
#   --mix real: only the real captures, third-party (pcaps/tcpdump, copies
#       of ../shared/captures/tcpdump) and the kernel's (pcaps/linux), each
#       in its own timing (not compressed);
# and measures the
# CPU time (user + sys, R runs of each, default 5, in pairs of plugin and
# built-in, the order swapped each pair, after a warm-up run; the median of
# the per-pair ratios) of
#
#   tshark -r BIG -q -z expert          and        tshark -r BIG -V > /dev/null
#
# (--instructions: the instructions executed instead, and the cycles they
# cost with cache misses as callgrind's cache simulation estimates them: the
# same for every run on a busy machine; per frame, tshark's start-up on a
# one-frame file taken off; use --frames 50000, it is slow)
# with the plugin (every check and the stateful analysis on) and with the
# built-in (-o igmpx.take_over:FALSE, same tshark, same file), and prints
# the ratios plugin / built-in.  Targets (issue 14), -z expert / -V: valid,
# all and real <= 1.10 / <= 1.30; dense <= 1.40 / <= 1.30 (a finding costs
# its expert item, in Wireshark as much as in igmpx).  tshark runs as in the tests (as nobody when root, the plugin
# staged from $IGMPX_BUILD/stage, default ./build).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
frames=1000000 runs=5 keep="" mix=valid instructions=0 only=""
while [ $# -gt 0 ]; do
	case $1 in
	--frames) frames=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--mix) mix=$2; shift 2 ;;
	--instructions) instructions=1; shift ;;
	--only) only=$2; shift 2 ;;
	*) echo "usage: bench/run.sh [--frames N] [--runs R] [--mix valid|all|dense|real] [--keep FILE] [--instructions] [--only expert|V]" >&2
	   exit 2 ;;
	esac
done
build=${IGMPX_BUILD:-$root/build}
export IGMPX_STAGE=${IGMPX_STAGE:-$build/stage}
. "$root/tests/lib.sh"
for tool in editcap mergecap capinfos; do
	command -v $tool >/dev/null || die "$tool is not installed (wireshark-common)"
done

count() { capinfos -c -M "$1" | awk '/Number of packets/ { print $NF }'; }

# findings_only PCAP OUT: the frames of PCAP that carry a finding (an
# igmpx.rule.* item, two passes), in their own timing; prints OUT when any.
findings_only() {
	local staged frames
	staged=$(stage_input "$1")
	frames=$(tshark_as_user -2 -r "$staged" -T pdml 2>/dev/null | awk '
		/<field name="frame.number"/ { match($0, /show="[0-9]+"/); f = substr($0, RSTART + 6, RLENGTH - 7) }
		/<field name="igmpx\.rule\./ { if (!(f in seen)) { seen[f] = 1; printf "%s ", f } }')
	rm -f "$staged"
	[ -n "$frames" ] || return 0
	# shellcheck disable=SC2086 # one argument per frame
	editcap -r "$1" "$2" $frames || die "editcap -r failed on $1"
	echo "$2"
}

# inputs: the captures of the chosen mix.
inputs() {
	local name f i=0
	case $mix in
	dense)
		for f in "$build"/pcaps/*.pcap; do
			findings_only "$f" "$SCRATCH/in/dense$i.pcap"
			i=$((i + 1))
		done
		return ;;
	esac
	ls "$root"/pcaps/linux/*.pcap "$root"/pcaps/tcpdump/*.pcap
	case $mix in
	all) ls "$build"/pcaps/*.pcap ;;
	valid)
		sed -n 's/^capture \([^ ]*\).*/\1/p' "$root"/pcaps/regress/*.gen |
		while read -r name; do echo "$build/pcaps/$name.pcap"; done ;;
	real) ;;
	*) die "--mix takes valid, all, dense or real" ;;
	esac
}

# times FILE: first and last packet times, seconds since the epoch.
times() {
	capinfos -a -e -S -M "$1" | awk -F': *' '/First packet time/ { f = $2 }
		/Last packet time/ { l = $2 } END { print f, l }'
}

# big_capture OUT: N frames.  The source captures follow one another, each
# keeping its own timing (shifted to start 1 s after the previous ends), and
# each on an interface of its own: a network of its own (pcapng keeps one
# interface per input, -I none, and igmpx keeps one link model per
# interface, as for a capture taken on several interfaces at once).  Then
# the whole is appended to itself, shifted past its end, until N frames.
big_capture() {
	local cur="$SCRATCH/in/cur.pcapng" tmp="$SCRATCH/in/tmp.pcapng" f i=0 t=1700000000
	local first last parts=()
	for f in $(inputs); do
		read -r first last < <(times "$f")
		editcap -t "$(awk -v t="$t" -v f="$first" 'BEGIN { printf "%.6f", t - f }')" \
			-F pcapng "$f" "$SCRATCH/in/part$i.pcapng" || die "editcap -t failed on $f"
		parts+=("$SCRATCH/in/part$i.pcapng")
		t=$(awk -v t="$t" -v f="$first" -v l="$last" 'BEGIN { printf "%.6f", t + l - f + 1 }')
		i=$((i + 1))
	done
	mergecap -a -I none -F pcapng -w "$cur" "${parts[@]}" || die "mergecap failed"
	rm -f "${parts[@]}"
	while [ "$(count "$cur")" -lt "$frames" ]; do
		read -r first last < <(times "$cur")
		editcap -t "$(awk -v f="$first" -v l="$last" 'BEGIN { printf "%.6f", l - f + 1 }')" \
			"$cur" "$tmp" || die "editcap -t failed"
		mergecap -a -F pcapng -w "$1" "$cur" "$tmp" || die "mergecap failed"
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

# pair NAME TARGET ARGS...: the plugin's and the built-in's CPU times,
# measured in pairs after one warm-up run of each, the order swapped from
# one pair to the next (plugin first, then built-in first: the second run
# of a pair was seen to run faster), so that drift and order fall on both
# alike; prints
# the medians, their ratio and the median of the per-pair ratios.
pair() {
	local n=$1 t=$2 i p b
	shift 2
	cpu_s -r "$big" "$@" > /dev/null; cpu_s -r "$big" "${off[@]}" "$@" > /dev/null
	for ((i = 0; i < runs; i++)); do
		if ((i % 2 == 0)); then
			p=$(cpu_s -r "$big" "$@"); b=$(cpu_s -r "$big" "${off[@]}" "$@")
		else
			b=$(cpu_s -r "$big" "${off[@]}" "$@"); p=$(cpu_s -r "$big" "$@")
		fi
		echo "$p $b"
	done | sort -n | awk -v n="$n" -v t="$t" '
		{ p[NR] = $1; b[NR] = $2; r[NR] = $2 > 0 ? $1 / $2 : 0 }
		function median(a, k, i, j, x) {
			for (i = 2; i <= k; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) { x = a[j]; a[j] = a[j - 1]; a[j - 1] = x }
			return a[int((k + 1) / 2)]
		}
		END {
			mp = median(p, NR); mb = median(b, NR); mr = median(r, NR)
			printf "%-10s plugin %8.2f s  built-in %8.2f s  ratio %s: %.3f (target <= %s)%s\n",
			       n, mp, mb, n, mr, t, (mr > t) ? "  ABOVE TARGET" : ""
			# r is sorted now: the spread of the pairs, for how far to trust it
			printf "%-10s ratio of the medians %.3f over %d pairs; pairs from %.3f to %.3f, " \
			       "half of them within %.3f - %.3f\n", "", (mb > 0 ? mp / mb : 0), NR,
			       r[1], r[NR], r[int((NR + 3) / 4)], r[int((3 * NR + 3) / 4)]
		}'
}

# instr ARGS...: "instructions cycles" of one tshark run, as callgrind counts
# them with its cache simulation: the instructions executed, and the
# estimate of cycles its manual gives, Ir + 10 x (L1 misses) + 100 x (LL
# misses): a tshark run misses the instruction cache often, and those
# misses, not the instructions, are most of what the plugin adds.
instr() {
	tshark_as_user --version > /dev/null 2>&1 || die "tshark does not run"
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env -i PATH=/usr/bin:/bin HOME="$SCRATCH/home" \
			WIRESHARK_PLUGIN_DIR="$SCRATCH/stage" \
			valgrind --tool=callgrind --cache-sim=yes --callgrind-out-file=/dev/null tshark "$@"
	else
		env HOME="$SCRATCH/home" WIRESHARK_PLUGIN_DIR="$SCRATCH/stage" \
			valgrind --tool=callgrind --cache-sim=yes --callgrind-out-file=/dev/null tshark "$@"
	fi 2>&1 >/dev/null | awk '
		{ v = $4; gsub(",", "", v) }
		/ I +refs:/ { ir = v }
		/ I1 +misses:/ { i1 = v }
		/ D1 +misses:/ { d1 = v }
		/ LL misses:/ { ll = v }
		END { printf "%.0f %.0f\n", ir, ir + 10 * (i1 + d1) + 100 * ll }'
}

# instr_report NAME TARGET ARGS...: per-frame instruction and estimated
# cycle ratios.
instr_report() {
	local n=$1 t=$2 p b p1 b1
	shift 2
	p=$(instr -r "$big" "$@"); b=$(instr -r "$big" "${off[@]}" "$@")
	p1=$(instr -r "$one" "$@"); b1=$(instr -r "$one" "${off[@]}" "$@")
	awk -v n="$n" -v t="$t" -v p="$p" -v b="$b" -v p1="$p1" -v b1="$b1" -v N="$frames" 'BEGIN {
		split(p, P, " "); split(b, B, " "); split(p1, P1, " "); split(b1, B1, " ")
		for (k = 1; k <= 2; k++) {
			r = (B[k] - B1[k]) > 0 ? (P[k] - P1[k]) / (B[k] - B1[k]) : 0
			printf "%-10s plugin %.0f  built-in %.0f %s per frame  ratio %s: %.3f (target <= %s)%s\n",
			       n, (P[k] - P1[k]) / N, (B[k] - B1[k]) / N,
			       k == 1 ? "instructions" : "estimated cycles", n, r, t,
			       (r > t) ? "  ABOVE TARGET" : ""
		}
	}'
}

case $mix in
dense) tx=1.40 tv=1.30 ;;
valid|all|real) tx=1.10 tv=1.30 ;;
*) die "--mix takes valid, all, dense or real" ;;
esac
big="$SCRATCH/in/big.pcap"
big_capture "$big"
[ -n "$keep" ] && cp "$big" "$keep"
off=(-o igmpx.take_over:FALSE)
if [ "$instructions" = 1 ]; then
	command -v valgrind > /dev/null || die "valgrind is not installed"
	one="$SCRATCH/in/one.pcapng"
	editcap -r "$big" "$one" 1 && chmod a+r "$one"
	echo "capture ($mix): $(count "$big") frames; instructions (callgrind), start-up taken off"
	[ "$only" = V ] || instr_report "-z expert" $tx -q -z expert
	[ "$only" = expert ] || instr_report "-V" $tv -V
	exit 0
fi
echo "capture ($mix): $(count "$big") frames, $(du -h "$big" | cut -f1), $runs run(s) each, CPU s (user+sys)"
[ "$only" = V ] || pair "-z expert" $tx -q -z expert
[ "$only" = expert ] || pair "-V" $tv -V
exit 0
