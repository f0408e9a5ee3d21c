#!/bin/bash
# test-mutation.sh BUILD_DIR: the mutation test of the host suite.
#
# The host cases of tests/harness/mutation.list are run against
# test-iuts/igmpx-badhost (profile tests/harness/badhost.ini), a small IGMPv3
# host whose defects are switched on one at a time by IGMPX_FAULT:
#   - with no fault every case must PASS: no FAIL, ERROR, WARN, SKIP or
#     INCONCLUSIVE (the list holds only cases the profile can run);
#   - with each fault at least one case must FAIL; which cases caught which
#     fault is printed as a table (X: FAIL, .: PASS, I: INCONCLUSIVE,
#     W: WARN, E: ERROR, S: SKIP), and no fault run may end in ERROR.
# Each mode is one `igmpx run -j 2 --junit --out`; MUTATION_JOBS of them
# (default: all 11, about a minute in all) run at once: they mostly wait,
# using a few % of the CPU.  Each has its own TMPDIR, so that what it
# leaves can be told from other runs on the machine.  Nothing may be left
# behind: namespaces, links, processes, scratch folders.  Root only (exit
# 77, skipped, otherwise).  MUTATION_OUT=DIR keeps every run's log, JUnit
# file and captures in DIR/MODE (default: removed at the end);
# MUTATION_FAULTS and MUTATION_LIST choose other faults or cases;
# MUTATION_PROFILE, MUTATION_IUT (its program) and MUTATION_NAME another IUT
# with faults: tests/CMakeLists.txt runs the router suite's mutation test
# (conformance.router.mutation) so, against test-iuts/igmpx-badrouter.
#
# Faults (test-iuts/badhost.c): late dst nora checksum ttl noretx rectype
# nogsq silent noleave; crash is left out (its verdict is ERROR, not FAIL:
# tests/test-harness.sh badhost checks it).
set -u
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
igmpx=$build/harness/igmpx
list=${MUTATION_LIST:-tests/harness/mutation.list}
faults=${MUTATION_FAULTS:-late dst nora checksum ttl noretx rectype nogsq silent noleave}
jobs=${MUTATION_JOBS:-$(($(echo $faults | wc -w) + 1))}
profile=${MUTATION_PROFILE:-tests/harness/badhost.ini}
iut=${MUTATION_IUT:-igmpx-badhost}         # the IUT's program, in $build/test-iuts
name=${MUTATION_NAME:-conformance.mutation}
fails=0
cd "$root" || exit 1

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "$igmpx" ] && [ -x "$build/test-iuts/$iut" ] || { echo "FAIL: build $build first"; exit 1; }
export PATH="$build/test-iuts:$PATH"   # the profile starts $iut
tmp=$(mktemp -d /tmp/igmpx-mut.XXXXXX)
cleanup() {   # an interrupted test stops its runs (igmpx cleans up on SIGINT)
	for f in "$tmp"/*/pid; do [ -f "$f" ] && kill -INT "$(cat "$f")" 2>/dev/null; done
	wait
	if [ -n "${MUTATION_OUT:-}" ]; then
		mkdir -p "$MUTATION_OUT" && cp -r "$tmp"/. "$MUTATION_OUT"/ && echo "kept in $MUTATION_OUT"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Namespaces and links whose owner (the case process named in them) is gone.
orphans() {
	{
		ip netns list 2>/dev/null | grep -oE '^igmpx-[0-9]+-(w[0-9]+|r)\b'
		ip -o link show 2>/dev/null | grep -oE 'igmpx[0-9]+t(w[0-9]+|r)\b'
	} | while read -r n; do
		p=$(echo "$n" | grep -oE '[0-9]+' | head -1)
		kill -0 "$p" 2>/dev/null || echo "$n"
	done | sort
}
before=$(orphans)

# The list: a case file a line, the rest of the line says why.
cases=()
while read -r file why; do
	case $file in '' | '#'*) continue ;; esac
	[ -f "$file" ] || { fail "$list: no case file $file"; continue; }
	[ -n "$why" ] || fail "$list: $file: no reason given"
	cases+=("$file")
done <"$list"
[ ${#cases[@]} -gt 0 ] || { echo "FAIL: $list lists no case"; exit 1; }
ids=()
for f in "${cases[@]}"; do
	ids+=("$(sed -n 's/^id: *//p' "$f" | head -1)")
done
echo "mutation test: ${#cases[@]} cases x (no fault + $(echo $faults | wc -w) faults), $jobs runs at a time"

# Runs one mode in the background: its log, JUnit file, captures, the
# igmpx process id and its exit status in $tmp/MODE.
start_mode() {
	local mode=$1 d=$tmp/$1
	mkdir -p "$d/tmp"
	(
		IGMPX_FAULT=${mode#none} TMPDIR=$d/tmp "$igmpx" run -j 2 --iut "$profile" \
			--junit "$d/junit.xml" --out "$d/out" "${cases[@]}" >"$d/log" 2>&1 &
		echo $! >"$d/pid"
		wait $!
		echo $? >"$d/rc"
		rm -f "$d/pid"
	) &
}
t0=$(date +%s%N)
modes=(none $faults)
running=0
for m in "${modes[@]}"; do
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	start_mode "$m"
	running=$((running + 1))
done
wait
took=$((($(date +%s%N) - t0) / 1000000))
took=$((took / 1000)).$(printf '%03d' $((took % 1000)))

# verdict MODE ID: the case's verdict in that mode's progress lines.
verdict() {
	sed -nE "s/^\[ *[0-9]+\/[0-9]+\] +([A-Z]+) +$2 .*/\1/p" "$tmp/$1/log" | head -1
}
short() {
	case $1 in
	PASS) echo . ;; FAIL) echo X ;; INCONCLUSIVE) echo I ;; WARN) echo W ;;
	ERROR) echo E ;; SKIP) echo S ;; *) echo '?' ;;
	esac
}

# No fault: every case PASS.
n=${#cases[@]}
rc=$(cat "$tmp/none/rc" 2>/dev/null)
if grep -qE "^$n cases in [0-9.]+ s: $n PASS$" "$tmp/none/log" && [ "$rc" = 0 ]; then
	ok "no fault: all $n cases PASS"
else
	fail "no fault: not every case PASS (exit $rc):"
	awk '/^[A-Z]+ +[A-Z0-9-]+ +RFC/ { show = $1 != "PASS" } show' "$tmp/none/out/summary.txt" 2>/dev/null | sed 's/^/    /'
	grep -vE '^\[|^igmpx:|^report:' "$tmp/none/log" | sed 's/^/    /' | head -20
fi
grep -q "tests=\"$n\" failures=\"0\" errors=\"0\" skipped=\"0\"" "$tmp/none/junit.xml" 2>/dev/null &&
	ok "no fault: JUnit file says $n tests, 0 failures" || fail "no fault: JUnit counts"
[ "$(ls "$tmp/none/out"/*.pcapng 2>/dev/null | wc -l)" = "$n" ] && ok "no fault: one capture per case" ||
	fail "no fault: captures missing"

# The table: a row per case, a column per fault.
printf '\n%-24s' "case \\ fault"
for f in $faults; do printf ' %-8s' "$f"; done
echo
for i in "${!ids[@]}"; do
	printf '%-24s' "${ids[$i]}"
	for f in $faults; do printf ' %-8s' "$(short "$(verdict "$f" "${ids[$i]}")")"; done
	echo
done
printf '%-24s' "caught by"
for f in $faults; do
	c=0
	for id in "${ids[@]}"; do [ "$(verdict "$f" "$id")" = FAIL ] && c=$((c + 1)); done
	printf ' %-8s' "$c"
done
printf '\n\n'
for f in $faults; do
	caught=()
	for id in "${ids[@]}"; do [ "$(verdict "$f" "$id")" = FAIL ] && caught+=("$id"); done
	ran=$(grep -cE '^\[' "$tmp/$f/log")
	[ "$ran" = "$n" ] || fail "fault $f: $ran of $n cases ran (exit $(cat "$tmp/$f/rc" 2>/dev/null))"
	grep -qE '^\[ *[0-9]+/[0-9]+\] ERROR ' "$tmp/$f/log" &&
		fail "fault $f: ERROR: $(sed -nE 's/^\[ *[0-9]+\/[0-9]+\] +ERROR +([^ ]+).*/\1/p' "$tmp/$f/log" | tr '\n' ' ')"
	if [ ${#caught[@]} -gt 0 ]; then
		ok "fault $f caught by ${#caught[@]}: ${caught[*]}"
	else
		fail "fault $f caught by no case"
	fi
done

# Nothing left behind: each run has ended, and igmpx removes what it made
# before it exits.
left=$(comm -13 <(echo "$before") <(orphans))
[ -z "$left" ] && ok "no namespace or link left" || fail "left behind: $left"
procs=$(pgrep -a -f "$iut .*$tmp/|igmpx-member --send $tmp/" || true)
[ -z "$procs" ] && ok "no IUT process left" || fail "processes left: $procs"
scratch=$(ls -d "$tmp"/*/tmp/igmpx-* 2>/dev/null || true)
[ -z "$scratch" ] && ok "no scratch folder left" || fail "scratch folders left: $scratch"

echo "run time: $took s"
[ $fails = 0 ] && echo "PASS: $name" || { echo "FAIL: $name ($fails)"; exit 1; }
