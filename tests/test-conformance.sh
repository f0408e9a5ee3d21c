#!/bin/bash
# test-conformance.sh BUILD_DIR: the host suite against the Linux kernel, as
# conformance/reports/report.sh runs it (-j2, in namespaces of the harness).
#
#   - at least 60 host cases, each listed with its RFC section and level;
#   - the run ends within 5 minutes, with no ERROR;
#   - every verdict other than PASS is explained in
#     conformance/reports/linux-host.notes (report.sh fails otherwise);
#   - the report lists every case with its evidence capture, and the JUnit
#     file and the captures hold what they promise;
#   - nothing is left behind.
# The verdicts themselves are the kernel's: a FAIL is not this test's failure,
# an unexplained one is.  Needs root (exit 77, skipped, otherwise).
set -u
build=$1
. "$(dirname "$0")/harness-lib.sh"
need_root

# The suite as listed.
"$igmpx" list conformance/host >"$tmp/list" 2>&1 || fail "igmpx list: exit $?"
n=$(grep -c . "$tmp/list")
[ "$n" -ge 60 ] && ok "$n host cases listed" || fail "only $n host cases (at least 60)"
bad=$(awk '$2 != "host" || $3 != "RFC" || $5 !~ /^§/ || $6 !~ /^(MUST|SHOULD|MAY|NEG)$/' "$tmp/list")
[ -z "$bad" ] && ok "each with role host, an RFC section and a level" ||
	{ fail "list lines without role, RFC section or level:"; echo "$bad"; }

# The run, as the committed report was made.
start=$(date +%s)
IGMPX=$igmpx conformance/reports/report.sh --to "$tmp/rep" >"$tmp/log" 2>&1
rc=$?
secs=$(($(date +%s) - start))
cat "$tmp/log"
[ $rc = 0 ] && ok "report.sh: every verdict other than PASS explained" ||
	fail "report.sh: exit $rc"
[ "$secs" -le 300 ] && ok "the suite ran in $secs s (<= 300 with -j2)" ||
	fail "the suite took $secs s (over 5 minutes)"
grep -qE '^[0-9]+ cases in [0-9.]+ s:' "$tmp/log" && ok "summary line" || fail "no summary line"
grep -qE '^\[ *[0-9]+/[0-9]+\] ERROR' "$tmp/log" && fail "a case ended in ERROR" || ok "no ERROR"
grep -qE '^\[ *1/[0-9]+\] [A-Z]+ +[A-Z0-9-]+ +RFC [0-9]+ §' "$tmp/log" && ok "progress line format" ||
	fail "progress line format"

md=$tmp/rep/linux-host.md
rows=$(awk '/^\| Case \| Verdict \|/ { t = 1; next } t && /^$/ { exit } t && /^\| [A-Z0-9-]+ \| [A-Z]+ \| / { n++ }
	END { print n + 0 }' "$md")
[ "$rows" = "$n" ] && ok "report: one row per case ($rows)" || fail "report: $rows rows for $n cases"
grep -q "on Linux $(uname -r)" "$md" && ok "report states the kernel" || fail "report: no kernel version"
missing=0
for id in $(awk '{ print $1 }' "$tmp/list"); do
	# A case SKIPped before it ran (the IUT's profile rules it out) has none.
	grep -qE "^\| $id \| SKIP \|" "$md" && continue
	[ -s "$tmp/rep/linux-host/$id.pcapng" ] || { missing=1; fail "no evidence capture for $id"; }
done
[ $missing = 0 ] && ok "an evidence capture per case that ran"
junit=$tmp/rep/linux-host.junit.xml
grep -q "tests=\"$n\"" "$junit" && ok "JUnit: $n testcases" || fail "JUnit count"
[ "$(grep -c '<property name="verdict" value=' "$junit")" = "$n" ] &&
	ok "JUnit: a verdict property on each" || fail "JUnit verdict properties"
grep -q '<property name="rfc" value="RFC 9776 §5.2"' "$junit" && ok "JUnit: rfc property" ||
	fail "JUnit rfc"
# A capture tells its story: the report a General Query drew, matched, with
# the expectation's file and line.
tshark -r "$tmp/rep/linux-host/H3-GQ-RESPONSE.pcapng" -T fields -e frame.comment >"$tmp/c" 2>/dev/null
grep -qE 'expect conformance/host/h3-gq-response.yaml:[0-9]+ \(report_late\): matched at \+[0-9.]+ s' "$tmp/c" &&
	ok "pcapng comment on the matched report" || fail "no matched comment in H3-GQ-RESPONSE.pcapng"
# Every non-PASS verdict of the report carries its explanation.
# How many verdicts only the kernel's late timers decided, this run: chance,
# said, not asserted (conformance/reports/linux-host.notes, the note late).
echo "note: $(grep -c '(note `late`' "$md") verdicts explained by the note late in this run"
# tests/test-external.sh compares the external IUTs' verdicts with these.
mkdir -p "$build/Testing" && cp "$md" "$build/Testing/linux-host.md"
unexplained=$(grep -c '^\*\*Unexplained' "$md")
[ "$unexplained" = 0 ] && ok "no unexplained verdict in the report" || fail "$unexplained unexplained"
[ -z "$(leftovers)" ] && ok "nothing left behind" || { fail "left behind:"; leftovers; }

finish
