# harness-lib.sh: what the tests that drive the igmpx command share.  Source
# it after setting build; it sets root, igmpx, tmp (removed on exit) and
# fails, and moves to the project's folder.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
igmpx=$build/harness/igmpx
export PATH="$build/test-iuts:$PATH"   # tests/harness/badhost.ini starts igmpx-badhost
tmp=$(mktemp -d)
fails=0
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 1

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
need_root() { [ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }; }
# What a run may leave: namespaces, links and processes.  A namespace or
# link is named after the igmpx process that made it: while that process
# runs (a run of another test beside this one: the router VM tests are not
# serial), it is not left over.
leftovers_now() {
	{
		ip netns list 2>/dev/null | grep -oE '^igmpx-[0-9]+-(w[0-9]+|r)( |$)'
		ip -o link show 2>/dev/null | grep -oE 'igmpx[0-9]+t(w[0-9]+|r)\b'
	} | while read -r n; do
		pid=${n#igmpx}
		pid=${pid#-}
		pid=${pid%%[!0-9]*}
		kill -0 "$pid" 2>/dev/null || echo "$n"
	done
	pgrep -a -f 'igmpx-member --serve [^ ]*/igmpx-case-|igmpx-(badhost|garbage).* igmpx[0-9]+t' || true
}
# Those there before the test (left by a run that was killed, on a machine
# that is not new) are not this test's: leftovers names only the others.
leftovers_before=$(leftovers_now | sort)
# A case's namespace is named after the process of that case, which ends
# just before its run removes the namespace: what is found is looked for
# again a second later, and only what stays is left over.
leftovers() {
	local l
	l=$(comm -13 <(printf '%s\n' "$leftovers_before") <(leftovers_now | sort) | grep .) || return 0
	sleep 1
	comm -12 <(printf '%s\n' "$l") <(leftovers_now | sort) | grep . || true
}

# expect_in FILE PATTERN WHAT
expect_in() {
	grep -qE -- "$2" "$1" && ok "$3" || { fail "$3: no /$2/ in $1"; sed 's/^/    /' "$1"; }
}

# finish: the verdict of the test.
finish() {
	[ $fails = 0 ] && { echo "all ok"; exit 0; }
	echo "$fails failed"
	exit 1
}

# verdict_in LOG ID: the verdict of case ID in a run's progress lines.
verdict_in() {
	sed -nE "s/^\[ *[0-9]+\/[0-9]+\] +([A-Z]+) +$2 .*/\1/p" "$1" | head -1
}

# exit_agrees LOG RC: igmpx run's exit status is 1 when some case is FAIL or
# ERROR, 0 when none is, whatever the verdicts were.
exit_agrees() {
	local want=0
	grep -qE '^\[ *[0-9]+/[0-9]+\] +(FAIL|ERROR) ' "$1" && want=1
	[ "$2" = "$want" ] && ok "exit $2, as the verdicts say" ||
		fail "exit $2, but the verdicts say $want"
}

# builtin_tshark ARGS: tshark with Wireshark's own IGMP dissector on
# protocol 2.  An igmpx.so installed in Wireshark's global folder (./dev run)
# is loaded even for root and takes protocol 2 over, so the igmp.* fields
# would be empty: it is told to hand protocol 2 back.
builtin_tshark() {
	local back=()
	tshark -G protocols 2>/dev/null | grep -q '	igmpx$' && back=(-o igmpx.take_over:FALSE)
	tshark "${back[@]}" "$@"
}

# answer_delay PCAPNG QUERY REPORT GROUP: seconds from the first frame of
# IGMP type QUERY the harness sent (192.0.2.1) to the first of type REPORT
# for GROUP the IUT sent after it, from the frames' own times; "none" if no
# such answer.  Read with Wireshark's built-in IGMP dissector, so that the
# judgement is checked by other code than igmpx's.
answer_delay() {
	builtin_tshark -r "$1" -T fields -e frame.time_relative -e ip.src -e igmp.type \
		-e igmp.maddr 2>/dev/null | awk -v q="$2" -v r="$3" -v g="$4" '
		$2 == "192.0.2.1" && $3 == q && t0 == "" { t0 = $1; next }
		t0 != "" && $2 == "192.0.2.2" && $3 == r && $4 == g {
			printf "%.9f\n", $1 - t0; found = 1; exit }
		END { if (!found) print "none" }'
}

# window_verdicts DELAY HIGH TOLERANCE_S: the verdicts an answer DELAY s
# after its stimulus may get from a MUST expectation within [0, HIGH] s:
# PASS inside it, WARN inside the tolerance only, FAIL later or never (an
# answer within 1 us of an edge may get either verdict of that edge).
window_verdicts() {
	awk -v d="$1" -v hi="$2" -v tol="$3" 'BEGIN {
		if (d == "none") { print "FAIL"; exit }
		e = 0.000001; v = ""
		if (d <= hi + e) v = v " PASS"
		if (d >= hi - e && d <= hi + tol + e) v = v " WARN"
		if (d >= hi + tol - e) v = v " FAIL"
		print substr(v, 2) }'
}
