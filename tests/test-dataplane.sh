#!/bin/bash
# test-dataplane.sh BUILD_DIR: the data-plane checks (expect_forward,
# expect_no_forward) can fail, and fail on the rule they name.  The
# R-FWD-* cases of the router suite run against two Linux bridges with a
# defect each (tests/harness/):
#   - bridge-flood.ini floods every group onto the test link: R-FWD-JOIN's
#     traffic before any report must be caught (rtr_no_forward, WARN: the
#     rule is RFC 9776 §6.3's lower-case "should");
#   - bridge-isolated.ini forwards nothing: R-FWD-JOIN's traffic after the
#     report must be caught (rtr_forward, WARN), and the cases whose first
#     forward is a precondition (need: true) are INCONCLUSIVE, not PASS.
# And a step begun after its window (tests/harness/forward-late.yaml) sends
# one probe and says "late:" in its reason, as report.sh's late note needs.
# Either bridge forwards or not by its configuration, not by the timing of
# the run: what is asserted here does not depend on the scheduler.  The
# evidence capture holds the probes on the source link (interface 1) and
# the copies that reached the test link.  Needs root (77 otherwise).
set -u
build=$1
. "$(dirname "$0")/harness-lib.sh"
need_root

run() { # PROFILE OUT: the R-FWD-* cases, the log in OUT.log
	"$igmpx" run --iut "$1" --filter 'R-FWD-*' -j 2 --out "$2" conformance/router \
		>"$2.log" 2>&1
	cat "$2.log"
}
# want LOG ID VERDICT WHAT: case ID has VERDICT in the run's LOG.
want() {
	local v
	v=$(verdict_in "$1" "$2")
	[ "$v" = "$3" ] && ok "$4: $2 is $3" || fail "$4: $2 is $v, want $3"
}
# reason_of LOG ID: the verdict line and the reason under it.
reason_of() {
	awk -v id="$2" '$0 ~ "^\\[ *[0-9]+/[0-9]+\\] +[A-Z]+ +" id " " { p = 1; print; next }
		p && /^\[/ { exit } p { print }' "$1"
}

run tests/harness/bridge-flood.ini "$tmp/flood"
want "$tmp/flood.log" R-FWD-JOIN WARN "flooding bridge"
reason_of "$tmp/flood.log" R-FWD-JOIN >"$tmp/r1"
expect_in "$tmp/r1" 'r-fwd-join.yaml:[0-9]+: rtr_no_forward \(RFC 9776 §6\.3, .*traffic from 198\.51\.100\.10 to 239\.7\.1\.1 was forwarded' \
	"flooding bridge: the reason names rtr_no_forward, the source and the group"
# The evidence: probes on interface 1, the copy on interface 0, commented.
ev=$tmp/flood/R-FWD-JOIN.pcapng
builtin_tshark -r "$ev" -Y 'udp.dstport == 9' -T fields -e frame.interface_id -e ip.src \
	-e ip.dst -e frame.comment >"$tmp/ev" 2>/dev/null
expect_in "$tmp/ev" '^1	198\.51\.100\.10	239\.7\.1\.1	igmpx: probe [0-9]+ of expect_no_forward' \
	"evidence: a probe sent on the source link (interface 1)"
expect_in "$tmp/ev" '^0	198\.51\.100\.10	239\.7\.1\.1	igmpx: forwarded onto the test link: probe' \
	"evidence: its copy on the test link (interface 0)"

run tests/harness/bridge-isolated.ini "$tmp/iso"
want "$tmp/iso.log" R-FWD-JOIN WARN "isolated bridge"
reason_of "$tmp/iso.log" R-FWD-JOIN >"$tmp/r2"
expect_in "$tmp/r2" 'r-fwd-join.yaml:[0-9]+: rtr_forward \(RFC 9776 §6\.3, .*expected traffic from 198\.51\.100\.10 to 239\.7\.1\.1 forwarded onto the test link.*none of the [0-9]+ probes' \
	"isolated bridge: the reason names rtr_forward and the probes that did not arrive"
# Their first forward is a precondition.
for id in R-FWD-INCLUDE R-FWD-EXCLUDE R-FWD-LEAVE R-FWD-GMI R-FWD-BLOCK R-FWD-SRC-EXPIRE R-FWD-V2; do
	want "$tmp/iso.log" $id INCONCLUSIVE "isolated bridge"
done
# A step begun after its window: one probe, and a miss says "late:".
"$igmpx" run --iut tests/harness/bridge-isolated.ini tests/harness/forward-late.yaml \
	>"$tmp/late.log" 2>&1
want "$tmp/late.log" T-FWD-LATE WARN "isolated bridge"
expect_in "$tmp/late.log" 'none of the 1 probes .*; late: first after the window at \+1\.[0-9]+ s' \
	"a step begun after its window: one probe, said late"
bad=$(grep -E '^\[ *[0-9]+/[0-9]+\] +(ERROR|SKIP) ' "$tmp/flood.log" "$tmp/iso.log" "$tmp/late.log" || true)
[ -z "$bad" ] && ok "no ERROR or SKIP" || { fail "ERROR or SKIP:"; echo "$bad"; }
left=$(leftovers)
[ -z "$left" ] && ok "nothing left behind" || { fail "left behind:"; echo "$left"; }
finish
