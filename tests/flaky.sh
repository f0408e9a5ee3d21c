#!/bin/bash
# flaky.sh BUILD_DIR N [--load] [-j J] [-L LABEL] [-R REGEX]: the flake
# detector (`./dev test --repeat N [--load]`).
#
# Runs the tests labelled LABEL (default: live, the tests that drive a
# kernel, a namespace or a daemon: tests/CMakeLists.txt and the others'
# CMake files set the label) N times with `ctest -j J` (default 2), and
# prints, per test, in how many runs it passed, failed and was skipped.
# With --load a CPU hog runs on the last CPU (the second of two) for the
# whole time, the load the tests must stand without changing what they
# assert.  The log of every run in which a test failed is kept in
# BUILD_DIR/flaky/ (ctest --output-on-failure), named in the table's notes.
#
# Exit status: 0 when no test failed in any run, 1 otherwise, 2 on bad usage.
set -u
usage() {
	echo "usage: tests/flaky.sh BUILD_DIR N [--load] [-j J] [-L LABEL] [-R REGEX]" >&2
	exit 2
}
[ $# -ge 2 ] || usage
build=$(cd "$1" 2>/dev/null && pwd) || { echo "flaky.sh: no build folder $1" >&2; exit 2; }
n=$2
shift 2
case $n in '' | *[!0-9]* | 0) echo "flaky.sh: N must be a number of runs, 1 or more" >&2; exit 2 ;; esac
load=0 jobs=2 label=live regex=""
while [ $# -gt 0 ]; do
	case $1 in
	--load) load=1; shift ;;
	-j) jobs=${2:?}; shift 2 ;;
	-L) label=${2:?}; shift 2 ;;
	-R) regex=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done
out=$build/flaky
rm -rf "$out"
mkdir -p "$out"

hog=""
stop_hog() {
	[ -n "$hog" ] && kill "$hog" 2>/dev/null && wait "$hog" 2>/dev/null
	hog=""
}
trap 'stop_hog' EXIT
trap 'exit 130' INT TERM
if [ $load = 1 ]; then
	cpu=$(($(nproc) - 1))
	taskset -c "$cpu" sh -c 'while :; do :; done' &
	hog=$!
	echo "flaky: a CPU hog (pid $hog) on CPU $cpu for the whole run"
fi

sel=(-L "$label")
[ -n "$regex" ] && sel+=(-R "$regex")
listed=$(cd "$build" && ctest -N "${sel[@]}" | sed -nE 's/^ *Test +#[0-9]+: +//p')
[ -n "$listed" ] || { echo "flaky.sh: no test labelled $label${regex:+ matching $regex}" >&2; exit 2; }
echo "flaky: $(echo "$listed" | wc -l) tests labelled $label, $n runs, ctest -j $jobs"

t0=$(date +%s)
for k in $(seq "$n"); do
	s=$(date +%s)
	(cd "$build" && ctest "${sel[@]}" -j "$jobs" --output-on-failure \
		--output-junit "$out/run-$k.xml") >"$out/run-$k.log" 2>&1
	rc=$?
	failed=$(grep -c 'status="fail"' "$out/run-$k.xml" 2>/dev/null)
	echo "flaky: run $k of $n: exit $rc, ${failed:-?} failed, $(($(date +%s) - s)) s"
	[ "$rc" = 0 ] && rm -f "$out/run-$k.log"
done

# The table: one line per test, from each run's JUnit file.
echo
printf '%-28s %5s %6s %6s %7s\n' test runs passed failed skipped
for t in $listed; do
	p=0 f=0 sk=0 logs="" re=${t//./\\.}
	for k in $(seq "$n"); do
		st=$(sed -nE "s/.*<testcase name=\"$re\" .*status=\"([a-z]+)\".*/\\1/p" \
			"$out/run-$k.xml" 2>/dev/null | head -1)
		case $st in
		run) p=$((p + 1)) ;;
		fail) f=$((f + 1)); logs="$logs run-$k.log" ;;
		*) sk=$((sk + 1)) ;;
		esac
	done
	printf '%-28s %5s %6s %6s %7s%s\n' "$t" "$n" $p $f $sk "${logs:+   logs:$logs}"
	[ $f = 0 ] || bad=1
done
echo
echo "flaky: $n runs in $(($(date +%s) - t0)) s$([ $load = 1 ] && echo ", beside a CPU hog"); logs of failed runs in $out"
[ -z "${bad:-}" ]
