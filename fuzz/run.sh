#!/usr/bin/env bash
# fuzz/run.sh: builds the fuzz targets with clang (libFuzzer, ASan, UBSan)
# and runs them.
#
#   fuzz/run.sh TARGET|--all [SECONDS] [SEED-DIR...]
#
# TARGET: parse check timing desc case profile frames dissector.  --all runs
# each, SECONDS each (default 3600), as many at once as there are CPUs.  A
# target starts from its regression inputs (fuzz/regress/TARGET/: every
# crash found, kept), the project's own inputs (captures, descriptions, cases, profiles) and any
# SEED-DIR given: files of raw IPv4 packets carrying IP protocol 2 for the
# packet targets (parse, check, and as one-packet sequences for timing and
# dissector), or inputs in the target's own format.  What libFuzzer learns
# is kept in build-fuzz/corpus/TARGET/ between runs (never in the source
# tree); a crash, leak, timeout or sanitizer report is written to
# build-fuzz/artifacts/TARGET/ and makes the exit status 1.
#
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_JOBS (parallel
# workers per target, default 1), WIRESHARK_DEBUG_WMEM_OVERRIDE=simple for
# the dissector to have ASan see every wmem allocation (slower).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
fb=${FUZZ_BUILD:-$top/build-fuzz}
targets="parse check timing desc case profile frames dissector"

die() { printf 'fuzz: %s\n' "$*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: fuzz/run.sh TARGET|--all [SECONDS] [SEED-DIR...]"
what=$1; shift
secs=3600
if [ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]]; then secs=$1; shift; fi
[ "$secs" -ge 1 ] || die "SECONDS must be at least 1"
extra=("$@")
for d in "${extra[@]}"; do [ -d "$d" ] || die "seed folder $d: not a folder"; done
if [ "$what" = --all ]; then
	run=$targets
else
	case " $targets " in *" $what "*) run=$what ;;
	*) die "unknown target '$what' (targets: $targets, or --all)" ;; esac
fi
command -v clang >/dev/null || die "clang is not installed (./dev setup installs it)"

printf '== building the fuzz targets in %s\n' "$fb"
CC=clang cmake -S "$top" -B "$fb" -DIGMPX_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ||
	die "configuring $fb failed"
cmake --build "$fb" --target fuzz-all fuzz-seeds pcaps -j "$(nproc)" >"$fb/fuzz-build.log" 2>&1 ||
	{ tail -30 "$fb/fuzz-build.log"; die "building the fuzz targets failed ($fb/fuzz-build.log)"; }

# The project's own inputs, made once per run.
seeds=$fb/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{desc,case,profile}
"$fb/fuzz/fuzz-seeds" "$seeds" "$fb"/pcaps/*.pcap "$top"/pcaps/linux/*.pcap "$top"/pcaps/tcpdump/*.pcap |
	tail -1
for f in "$top"/pcaps/*/*.gen; do cp "$f" "$seeds/desc/$(basename "$(dirname "$f")")-$(basename "$f")"; done
cp "$top"/conformance/host/*.yaml "$top"/conformance/router/*.yaml "$top"/tests/harness/*.yaml "$seeds/case/"
cp "$top"/conformance/iut/*.ini "$top"/tests/harness/*.ini "$seeds/profile/"
# Seed folders of raw packets serve the sequence targets as one-packet
# captures (the record header put in front).
for d in "${extra[@]}"; do
	mkdir -p "$seeds/given-seq"
	for f in "$d"/*; do
		[ -f "$f" ] || continue
		n=$(stat -c %s "$f")
		[ "$n" -le 65535 ] || continue
		{ printf "\\x$(printf %02x $((n >> 8)))\\x$(printf %02x $((n & 255)))\\x00\\x00"; cat "$f"; } \
			>"$seeds/given-seq/$(basename "$d")-$(basename "$f")"
	done
done

corpus_of() {   # the folders a target starts from, after its own corpus
	case $1 in
	parse|check) echo "$seeds/packet" ;;
	timing|dissector) echo "$seeds/sequence ${extra:+$seeds/given-seq}" ;;
	frames) echo "$seeds/frames" ;;
	desc|case|profile) echo "$seeds/$1" ;;
	esac
}
dict_of() {
	case $1 in
	parse|check|timing|dissector|frames) echo "$top/fuzz/dict/packet.dict" ;;
	*) echo "$top/fuzz/dict/$1.dict" ;;
	esac
}

# fuzz_one TARGET: one target for SECONDS; its table line in
# $fb/logs/TARGET.result, FAIL in it when it found something.
fuzz_one() {
	local t=$1 corpus=$fb/corpus/$1 art=$fb/artifacts/$1 log=$fb/logs/$1.log
	local before after rc execs rate edges result
	mkdir -p "$corpus" "$art" "$fb/logs"
	# shellcheck disable=SC2046
	set -- -max_total_time="$secs" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
		-close_fd_mask=3 -artifact_prefix="$art/" -dict="$(dict_of "$t")"
	# The dissector keeps libwireshark's session across inputs (a new one
	# per input costs a third of a second, and leaks): its leak check runs
	# once, at exit, not after every input, and the session's tables of
	# addresses and conversations grow with every new pair, some 160
	# octets an input, so it gets room for a long run.
	[ "$t" = dissector ] && set -- "$@" -detect_leaks=0 -rss_limit_mb=6144
	[ "${FUZZ_JOBS:-1}" -gt 1 ] && set -- "$@" -fork="$FUZZ_JOBS" -ignore_crashes=0
	before=$(ls "$art" | wc -l)
	# shellcheck disable=SC2046
	"$fb/fuzz/fuzz-$t" "$@" "$corpus" "$top/fuzz/regress/$t" $(corpus_of "$t") "${extra[@]}" \
		>"$log" 2>&1
	rc=$?
	after=$(ls "$art" | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: //p' "$log" | tail -1)
	edges=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	result=ok
	if [ $rc != 0 ] || [ "$after" != "$before" ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
		result="FAIL (exit $rc; $log; inputs in $art)"
	fi
	printf '%-10s %10s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${edges:-?}" \
		"$(ls "$corpus" | wc -l)" "$result" >"$fb/logs/$t.result"
}

# As many targets at once as there are CPUs: each is one process.
cpus=$(nproc 2>/dev/null || echo 1)
running=0
for t in $run; do
	rm -f "$fb/logs/$t.result"
	fuzz_one "$t" &
	running=$((running + 1))
	if [ $running -ge "$cpus" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
fails=0
printf '%-10s %10s %8s %8s %8s  %s\n' target execs exec/s edges corpus result
for t in $run; do
	if [ -s "$fb/logs/$t.result" ]; then
		cat "$fb/logs/$t.result"
		grep -q FAIL "$fb/logs/$t.result" && fails=$((fails + 1))
	else
		echo "$t: no result (the run died; $fb/logs/$t.log)"
		fails=$((fails + 1))
	fi
done
[ $fails = 0 ] || { echo "fuzz: $fails target(s) found something"; exit 1; }
