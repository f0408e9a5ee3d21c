#!/bin/bash
# test-router.sh BUILD_DIR: the router suite against the Linux kernel's
# bridge querier, as report.sh runs it (-j2, in namespaces of the harness):
# its IGMPv3 cases (R-*) against conformance/iut/linux-bridge.ini, its
# IGMPv2 cases (R2-*) against linux-bridge-v2.ini.
#
#   - at least 30 router cases, each with role router, an RFC section and a
#     level;
#   - the run ends within 5 minutes, with no ERROR, and no SKIP but the
#     SSM cases (the bridge profile has every command the suite needs,
#     state included; it is not SSM-aware);
#   - every verdict other than PASS is explained in
#     conformance/reports/linux-bridge.notes (report.sh fails otherwise);
#   - the report lists every case with its evidence capture, and the
#     captures show the exchange: the bridge's queries from 192.0.2.2 and
#     the harness's reports from the hosts it plays (from:);
#   - nothing is left behind.
# Then the IGMPv2 cases (R2-*) against the bridge set to IGMPv2
# (linux-bridge-v2.ini), every non-PASS explained likewise.
# The verdicts are the kernel's: a FAIL is not this test's failure, an
# unexplained one is.  Needs root (exit 77, skipped, otherwise).
set -u
build=$1
. "$(dirname "$0")/harness-lib.sh"
need_root
command -v jq >/dev/null || { echo "SKIP: no jq (./dev setup installs it)"; exit 77; }

"$igmpx" list conformance/router >"$tmp/list" 2>&1 || fail "igmpx list: exit $?"
n=$(grep -c . "$tmp/list")
[ "$n" -ge 70 ] && ok "$n router cases listed" || fail "only $n router cases (at least 70)"
bad=$(awk '$2 != "router" || $3 != "RFC" || $5 !~ /^§/ || $6 !~ /^(MUST|SHOULD|MAY|NEG)$/' "$tmp/list")
[ -z "$bad" ] && ok "each with role router, an RFC section and a level" ||
	{ fail "list lines without role, RFC section or level:"; echo "$bad"; }

start=$(date +%s)
IGMPX=$igmpx conformance/reports/report.sh --iut conformance/iut/linux-bridge.ini --filter 'R-*' \
	--to "$tmp/rep" >"$tmp/log" 2>&1
rc=$?
secs=$(($(date +%s) - start))
cat "$tmp/log"
[ $rc = 0 ] && ok "report.sh: every verdict other than PASS explained" || fail "report.sh: exit $rc"
[ "$secs" -le 300 ] && ok "the suite ran in $secs s (<= 300 with -j2)" ||
	fail "the suite took $secs s (over 5 minutes)"
grep -qE '^\[ *[0-9]+/[0-9]+\] ERROR' "$tmp/log" && fail "a case ended in ERROR" || ok "no ERROR"
skips=$(grep -E '^\[ *[0-9]+/[0-9]+\] SKIP' "$tmp/log" | grep -vE ' R-SSM-' || true)
[ -z "$skips" ] && ok "no SKIP but the SSM cases" || { fail "SKIPped:"; echo "$skips"; }

md=$tmp/rep/linux-bridge.md
# tests/test-external.sh compares the external IUTs' verdicts with these.
mkdir -p "$build/Testing" && cp "$md" "$build/Testing/linux-bridge.md" 2>/dev/null
rows=$(awk '/^\| Case \| Verdict \|/ { t = 1; next } t && /^$/ { exit } t && /^\| [A-Z0-9_-]+ \| [A-Z]+ \| / { n++ }
	END { print n + 0 }' "$md")
n3=$(grep -cE '^R-' "$tmp/list")
[ "$rows" = "$n3" ] && ok "report: one row per IGMPv3 case ($rows)" || fail "report: $rows rows for $n3 cases"
missing=0
for id in $(awk '$1 ~ /^R-/ { print $1 }' "$tmp/list"); do
	# A case SKIPped before it ran has none.
	grep -qE "^\| $id \| SKIP \|" "$md" && continue
	[ -s "$tmp/rep/linux-bridge/$id.pcapng" ] || { missing=1; fail "no evidence capture for $id"; }
done
[ $missing = 0 ] && ok "an evidence capture per case that ran"
# The three-party exchange of an election case, read back with tshark: the
# bridge's queries from its address, the rival router's from 192.0.2.3 with
# the MAC derived from it.
ev=$tmp/rep/linux-bridge/R-ELECT-HIGHER.pcapng
builtin_tshark -r "$ev" -T fields -e eth.src -e ip.src -e igmp.type -Y igmp >"$tmp/ev" 2>/dev/null
grep -qP '^\S+\t192\.0\.2\.2\t0x11' "$tmp/ev" && ok "evidence: the bridge's queries from 192.0.2.2" ||
	fail "evidence: no query from 192.0.2.2"
grep -qP '^02:00:c0:00:02:03\t192\.0\.2\.3\t0x11' "$tmp/ev" &&
	ok "evidence: the rival router's query from 192.0.2.3, MAC 02:00:c0:00:02:03" ||
	{ fail "evidence: no rival query from 192.0.2.3 with its own MAC"; cat "$tmp/ev"; }
# The IGMPv2 cases against the bridge set to IGMPv2, as its report is made.
IGMPX=$igmpx conformance/reports/report.sh --iut conformance/iut/linux-bridge-v2.ini \
	--filter 'R2-*' --to "$tmp/rep" >"$tmp/log2" 2>&1
rc=$?
tail -3 "$tmp/log2"
[ $rc = 0 ] && ok "IGMPv2 bridge: every verdict other than PASS explained" ||
	{ fail "IGMPv2 bridge: report.sh exit $rc"; cat "$tmp/log2"; }
n2=$(grep -cE '^R2-' "$tmp/list")
grep -qE "^$n2 cases in [0-9.]+ s:" "$tmp/log2" && ok "IGMPv2 bridge: the $n2 IGMPv2 cases ran" ||
	fail "IGMPv2 bridge: not $n2 cases"
leftovers
finish
