#!/usr/bin/env bash
# test-fuzz.sh SOURCE_DIR ASAN_BUILD_DIR PCAP|DIR...
#
# (A DIR stands for the *.pcap files in it.)
# The plugin built with AddressSanitizer and UBSan (a second build of the
# project in ASAN_BUILD_DIR, -DIGMPX_SANITIZE=ON, incremental), run by
# tshark over the PCAPs mutated by editcap: random octets changed past the
# Ethernet header (-E, several seeds and probabilities) and packets cut short
# (-s).  Every tshark run decodes in full (-V, two passes: the stateful
# analysis too) and runs the statistics; any crash, dissector bug or
# sanitizer report fails the test.  FUZZ_LONG=1 runs many more rounds.
here=$(cd "$(dirname "$0")" && pwd)
src=$1 asan_build=$2
shift 2
[ $# -gt 0 ] || { echo "usage: test-fuzz.sh SOURCE_DIR ASAN_BUILD_DIR PCAP..." >&2; exit 2; }
for tool in editcap mergecap capinfos gcc; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
libasan=$(gcc -print-file-name=libasan.so)
[ -f "$libasan" ] || { echo "SKIP: no libasan.so from gcc"; exit 77; }

# The sanitized plugin: configure once, then rebuild only what changed.
if [ ! -f "$asan_build/CMakeCache.txt" ]; then
	cmake -S "$src" -B "$asan_build" -DIGMPX_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		> "$asan_build.log" 2>&1 || { cat "$asan_build.log"; echo "FAIL: configure"; exit 1; }
fi
cmake --build "$asan_build" --target igmpx > "$asan_build.log" 2>&1 ||
	{ tail -30 "$asan_build.log"; echo "FAIL: sanitized build"; exit 1; }
export IGMPX_STAGE="$asan_build/stage"
. "$here/lib.sh"

# tshark as in lib.sh, with the sanitizer runtime first in the process.
tshark_asan() {
	local san=(LD_PRELOAD="$libasan"
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
		WIRESHARK_ABORT_ON_DISSECTOR_BUG=1)
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env -i PATH=/usr/bin:/bin HOME="$SCRATCH/home" \
			WIRESHARK_PLUGIN_DIR="$SCRATCH/stage" "${san[@]}" tshark "$@"
	else
		env HOME="$SCRATCH/home" WIRESHARK_PLUGIN_DIR="$SCRATCH/stage" "${san[@]}" tshark "$@"
	fi
}

inputs=()
for a in "$@"; do
	if [ -d "$a" ]; then inputs+=("$a"/*.pcap); else inputs+=("$a"); fi
done
base="$SCRATCH/in/base.pcapng"
mergecap -a -F pcapng -w "$base" "${inputs[@]}" || { echo "FAIL: mergecap"; exit 1; }
frames=$(capinfos -c -M "$base" | awk '/Number of packets/ { print $NF }')

rounds=6
[ "${FUZZ_LONG:-0}" = 1 ] && rounds=200
ran=0 fail=0
# run_one FILE WHAT [TSHARK-OPTION...]: one tshark pass over a (mutated) file;
# fails on any report.
run_one() {
	local log="$SCRATCH/log" n
	chmod a+r "$1"
	tshark_asan "${@:3}" -2 -r "$1" -V -z igmpx,groups -z igmpx,rules -z expert,error \
		> /dev/null 2> "$log"
	local rc=$?
	if [ $rc != 0 ] || grep -qE 'AddressSanitizer|runtime error:|[Dd]issector bug|UndefinedBehavior' "$log"; then
		echo "FAIL $2: tshark exit $rc"
		grep -v '^Running as user' "$log" | head -40
		cp "$1" "/tmp/igmpx-fuzz-failure-$(basename "$1")" && \
			echo "input kept as /tmp/igmpx-fuzz-failure-$(basename "$1")"
		fail=1
		return
	fi
	n=$(capinfos -c -M "$1" | awk '/Number of packets/ { print $NF }')
	ran=$((ran + n))
}

# First the captures as they are, with IP reassembly on (the default) and
# off (first fragments reach the plugin), then mutated.
run_one "$base" "the captures unchanged"
run_one "$base" "the captures unchanged, IP reassembly off" -o ip.defragment:FALSE
for ((i = 1; i <= rounds && fail == 0; i++)); do
	for p in 0.02 0.05 0.2; do
		out="$SCRATCH/in/fuzz-$i-$p.pcapng"
		# -o 14: keep the Ethernet header, so mutated frames still reach IP.
		editcap -E $p --seed $((i * 7919)) -o 14 "$base" "$out" 2>/dev/null ||
			{ echo "FAIL: editcap -E $p"; exit 1; }
		run_one "$out" "editcap -E $p --seed $((i * 7919))"
		rm -f "$out"
	done
	out="$SCRATCH/in/snap-$i.pcapng"
	editcap -s $((14 + 20 + (i * 13) % 40)) "$base" "$out" 2>/dev/null &&
		run_one "$out" "editcap -s $((14 + 20 + (i * 13) % 40))"
	rm -f "$out"
done
[ $fail = 0 ] && echo "ok: $ran packets ($rounds rounds over $frames frames) under ASan/UBSan, no report"
exit $fail
