#!/bin/bash
# test-harness.sh MODE BUILD_DIR: the `igmpx` command end to end.
#
#   errors    case and profile files with mistakes: every one named FILE:LINE,
#             exit status 2 (no root needed)
#   analyze   igmpx analyze over generated captures: the rule IDs each
#             capture's description expects, exit 1 on a broken MUST, 0 on
#             clean traffic, 2 on an unreadable file
#   v2        cases against the kernel forced to IGMPv2: a v3 case SKIPs, v2
#             cases PASS (the whole suite against the kernel:
#             test-conformance.sh)
#   badhost   test-iuts/igmpx-badhost with each of its faults: the harness says
#             FAIL with the broken rule, or ERROR when it crashes
#   replay    igmpx replay of a capture into the kernel
#   cleanup   SIGINT in the middle of a -j2 run: no namespace, link, process
#             or file of the run is left
#   report    conformance/reports/report.sh's note "late" against
#             igmpx-badhost: it explains the FAILs of a host that answers
#             late, and not those of a host that answers wrong
#   hostile   IUTs that never start, exit at once, stay on SIGTERM, hang in
#             stop, or flood the link with garbage (test-iuts/igmpx-garbage):
#             each case ends in ERROR (or FAIL) with its reason, within its
#             deadline, the run goes on, the harness's memory stays bounded,
#             nothing is left
# Modes that drive an IUT need root (exit 77, skipped, otherwise).
set -u
mode=$1 build=$2
. "$(dirname "$0")/harness-lib.sh"

case $mode in
errors)
	"$igmpx" list tests/harness/bad/keys.yaml >"$tmp/out" 2>&1
	[ $? = 2 ] && ok "bad case: exit 2" || fail "bad case: exit status"
	for want in ':4: level' ':6: versions' ':7: unknown key "colour"' ':9: join: "10.0.0.1"' \
		':10: mrc=' ':11: unknown message "v9query"' ':12: wait: expression ends early' \
		':14: within: unknown name' ':15: rule: no rule "no_such_rule"' \
		':16: record=IS_XX' ':17: within: \[LOW, HIGH\]' ':20: leave takes no "mode"'; do
		expect_in "$tmp/out" "^tests/harness/bad/keys.yaml$want" "case error$want"
	done
	"$igmpx" list tests/harness/bad/syntax.yaml >"$tmp/out" 2>&1
	[ $? = 2 ] && expect_in "$tmp/out" '^tests/harness/bad/syntax.yaml:4:1: ' "YAML syntax error: file:line:col" ||
		fail "YAML syntax error: exit status"
	"$igmpx" run --iut tests/harness/bad/profile.ini conformance >"$tmp/out" 2>&1
	[ $? = 2 ] && expect_in "$tmp/out" 'tests/harness/bad/profile.ini:5: unknown key "colour"' "profile error: file:line" ||
		fail "bad profile: exit status"
	"$igmpx" run --iut /nonexistent.ini >"$tmp/out" 2>&1
	[ $? = 2 ] && expect_in "$tmp/out" '/nonexistent.ini' "missing profile named" || fail "missing profile: exit status"
	"$igmpx" run --filter 'NO-SUCH-*' >"$tmp/out" 2>&1
	[ $? = 2 ] && expect_in "$tmp/out" 'no case matches NO-SUCH' "--filter matching nothing" || fail "--filter: exit status"
	"$igmpx" run --shuffle x >"$tmp/out" 2>&1
	[ $? = 2 ] && expect_in "$tmp/out" '^igmpx run: --shuffle x: a number' "--shuffle takes a number" ||
		fail "--shuffle x: exit status"
	# A device reached through one link runs one case at a time.
	"$igmpx" run --iut conformance/iut/linux-host-nic.ini -j 3 >"$tmp/out" 2>&1
	[ $? = 2 ] && expect_in "$tmp/out" '^igmpx run: -j 3: .* through 2 links \(attach = iface:igmpxbox0 iface:igmpxbox1\).* run -j 2$' \
		"-j past the profile's links refused, the links named" || fail "-j 3 on two links: exit status"
	# A host case whose query outlasts it says so.
	printf 'id: T-LAST\ntitle: t\nrfc: RFC 9776 §7.2.1\nlevel: MUST\nrole: host\nversions: [3]\nsteps:\n  - send: v1query\n  - wait: 1\n' \
		>"$tmp/last.yaml"
	"$igmpx" list "$tmp/last.yaml" >"$tmp/out" 2>&1
	[ $? = 2 ] && expect_in "$tmp/out" "^$tmp/last.yaml:8: the case sends an IGMPv1 Query .*say what it leaves behind with lasting:" \
		"a v1 Query without lasting: refused at its line" || fail "lasting: exit status"
	"$igmpx" list >"$tmp/out" 2>&1 || fail "the shipped cases do not load"
	n=$(wc -l <"$tmp/out")
	[ "$n" -ge 10 ] && ok "igmpx list: $n shipped cases" || fail "igmpx list: $n cases"
	for c in run list replay analyze; do
		"$igmpx" $c --help >"$tmp/out" 2>&1 && expect_in "$tmp/out" "^igmpx $c" "$c --help" || fail "$c --help"
	done
	# Every IUT rule of the catalogue is judged by some shipped case.
	for r in $(sed -n 's/^RULE(\([a-z0-9_]*\),.*, IUT,.*$/\1/p' core/rules.def); do
		grep -rqE "rule: *$r\b" conformance || fail "IUT rule $r: no case judges it"
	done
	;;
analyze)
	# Each generated capture breaks exactly the rules its description gives;
	# analyze must name each of them.
	"$build/tools/igmpx-pcapgen" --expectations pcaps/rules/*.gen pcaps/timing/*.gen >"$tmp/exp" ||
		fail "igmpx-pcapgen --expectations"
	checked=0
	while read -r cap frame rules; do
		[ "$rules" = - ] && continue
		[ -f "$tmp/$cap.out" ] || "$igmpx" analyze "$build/pcaps/$cap.pcap" >"$tmp/$cap.out" 2>&1
		for r in ${rules//,/ }; do
			grep -qE "^frame $frame +$r " "$tmp/$cap.out" || fail "analyze $cap: frame $frame $r missing"
			checked=$((checked + 1))
		done
	done <"$tmp/exp"
	[ "$checked" -gt 50 ] && ok "analyze named all $checked expected findings" || fail "only $checked findings checked"
	"$igmpx" analyze "$build/pcaps/rule-ttl.pcap" >"$tmp/out" 2>&1
	[ $? = 1 ] && ok "a broken MUST: exit 1" || fail "rule-ttl.pcap: exit status not 1"
	"$igmpx" analyze pcaps/linux/linux-v3.pcap >"$tmp/out" 2>&1
	[ $? = 0 ] && ok "the kernel's own traffic: exit 0" || { fail "linux-v3.pcap: exit status"; cat "$tmp/out"; }
	echo garbage >"$tmp/bad.pcap"
	"$igmpx" analyze "$tmp/bad.pcap" >"$tmp/out" 2>&1
	[ $? = 2 ] && expect_in "$tmp/out" "bad.pcap" "unreadable capture named, exit 2" || fail "unreadable capture: exit status"
	;;
v2)
	# The kernel decides when it answers (it is late now and then: see
	# conformance/reports/linux-host.notes), igmpx what that answer is
	# worth: each verdict is checked against the times in the case's own
	# evidence capture, not expected to be PASS.
	need_root
	"$igmpx" run -j2 --iut conformance/iut/linux-host-v2.ini --out "$tmp/out" \
		conformance/host/h3-gq-response.yaml conformance/host/h2-gq-response.yaml \
		conformance/host/h2-leave.yaml >"$tmp/log" 2>&1
	rc=$?
	cat "$tmp/log"
	exit_agrees "$tmp/log" $rc
	expect_in "$tmp/log" 'SKIP +H3-GQ-RESPONSE' "v3 case skipped"
	expect_in "$tmp/out/summary.txt" 'IGMP versions the IUT does not support' "and why"
	# H2-GQ-RESPONSE: a v2 report for 239.1.10.1 within the query's 2.0 s,
	# the profile's tolerance 50 ms.
	v=$(verdict_in "$tmp/log" H2-GQ-RESPONSE)
	d=$(answer_delay "$tmp/out/H2-GQ-RESPONSE.pcapng" 0x11 0x16 239.1.10.1)
	allowed=$(window_verdicts "$d" 2.0 0.050)
	case " $allowed " in
	*" $v "*) ok "H2-GQ-RESPONSE: $v for an answer at +$d s (allowed: $allowed)" ;;
	*) fail "H2-GQ-RESPONSE: $v for an answer at +$d s, want $allowed" ;;
	esac
	# H2-LEAVE (RFC 2236 §6, stated without a keyword) has a precondition;
	# the kernel sends its leave: never FAIL or ERROR; a PASS has the Leave
	# Group to 224.0.0.2 in its evidence, matched.
	v=$(verdict_in "$tmp/log" H2-LEAVE)
	case $v in
	PASS | WARN | INCONCLUSIVE) ok "H2-LEAVE: $v" ;;
	*) fail "H2-LEAVE: $v, want PASS, WARN or INCONCLUSIVE" ;;
	esac
	if [ "$v" = PASS ]; then
		builtin_tshark -r "$tmp/out/H2-LEAVE.pcapng" -Y 'igmp.type == 0x17 && ip.dst == 224.0.0.2' \
			-T fields -e igmp.maddr -e frame.comment 2>/dev/null >"$tmp/leave"
		expect_in "$tmp/leave" '^239\.1\.9\.1.*h2-leave.yaml:[0-9]+ \(v2_leave_flag\): matched' \
			"H2-LEAVE: the matched leave in its evidence"
	fi
	;;
badhost)
	need_root
	check_fault() {   # FAULT VERDICT PATTERN
		IGMPX_FAULT=$1 "$igmpx" run --iut tests/harness/badhost.ini tests/harness/badhost-gq.yaml \
			>"$tmp/log" 2>&1
		local rc=$?
		if [ "$2" = PASS ]; then
			[ $rc = 0 ] || fail "fault '$1': exit $rc"
		else
			[ $rc = 1 ] || fail "fault '$1': exit $rc, want 1"
		fi
		expect_in "$tmp/log" "^\[1/1\] $2 +BAD-GQ" "fault '${1:-none}': $2"
		[ -n "$3" ] && expect_in "$tmp/log" "$3" "fault '${1:-none}': $3"
	}
	check_fault "" PASS ""
	check_fault late FAIL 'badhost-gq.yaml:14: report_late \(RFC 9776 §5.2, \(MUST\)\).*got 0'
	# The answer, at 1.5 s or later (the host's timer, the machine's
	# load), came during the case's last wait: it is named with its time.
	expect_in "$tmp/log" 'got 0 \(0 with the tolerance\); late: first after the window at \+(1\.[5-9]|[2-9]\.)[0-9]{2,3} s, ([5-9][0-9]{2}|[0-9]{4,}) ms past its end: IGMPv3 Membership Report' \
		"fault 'late': the late answer named, with its time"
	check_fault silent FAIL 'report_late'
	check_fault ttl FAIL 'breaks v3_ttl \(RFC 9776 §4, \(MUST\)\): v3 report sent with TTL 64'
	check_fault dst FAIL 'breaks v3_report_dst .*sent to 224.0.0.1'
	check_fault checksum FAIL 'breaks v3_report_checksum \(RFC 9776 §4.2.2, \(MUST\)\)'
	check_fault crash ERROR 'exited with status 3'
	# A case that hangs (a 30 s wait) is stopped at its deadline (2 s);
	# how soon after it the run ends is the machine's, so the upper bound
	# is loose.
	start=$(date +%s)
	"$igmpx" run --iut tests/harness/badhost.ini tests/harness/deadline.yaml >"$tmp/log" 2>&1
	rc=$? took=$(($(date +%s) - start))
	[ $rc = 1 ] && [ $took -ge 2 ] && [ $took -lt 25 ] && ok "deadline: stopped after $took s" ||
		fail "deadline: exit $rc after $took s"
	expect_in "$tmp/log" 'ERROR +BAD-DEADLINE.*' "deadline: ERROR"
	expect_in "$tmp/log" 'ran past its deadline of 2 s' "deadline: said so"
	[ -z "$(leftovers)" ] && ok "nothing left behind" || { fail "left behind:"; leftovers; }
	;;
replay)
	need_root
	# The kernel's own capture (its reports and the queries it answered)
	# played into a kernel that is in no group: nothing answers, nothing is
	# broken, every IGMP frame of the capture is played once.
	"$igmpx" replay pcaps/linux/linux-v3.pcap --speed 4 --out "$tmp" >"$tmp/log" 2>&1
	rc=$?
	cat "$tmp/log"
	[ $rc = 0 ] && ok "replay: exit 0" || fail "replay: exit $rc"
	[ -s "$tmp/replay-linux-v3.pcapng" ] && ok "exchange recorded" || fail "no replay-linux-v3.pcapng"
	want=$(tshark -r pcaps/linux/linux-v3.pcap -Y 'ip.proto == 2' 2>/dev/null | wc -l)
	n=$(tshark -r "$tmp/replay-linux-v3.pcapng" -Y 'frame.comment contains "replayed"' 2>/dev/null | wc -l)
	[ "$n" = "$want" ] && [ "$n" -gt 0 ] && ok "its $n IGMP frames replayed and commented" ||
		fail "$n frames commented as replayed, want $want"
	expect_in "$tmp/log" '0 breaking a MUST' "analysis of the exchange printed"
	;;
cleanup)
	need_root
	# Its scratch folders go under a TMPDIR of its own, so that only
	# its own are looked for afterwards.
	mkdir "$tmp/scratch"
	TMPDIR=$tmp/scratch "$igmpx" run -j2 >"$tmp/log" 2>&1 &
	pid=$!
	# Interrupted in the middle of a case: once one of its workers (its
	# child processes) has made its namespace, igmpx-<worker pid>-w<slot>,
	# and started the IUT in it (within 30 s).
	in_case() {
		local c
		for c in $(ps -o pid= --ppid $pid 2>/dev/null); do
			ip netns list | grep -qE "^igmpx-$c-w[0-9]+( |$)" &&
				pgrep -P "$c" -f 'igmpx-member --serve' >/dev/null && return 0
		done
		return 1
	}
	for _ in $(seq 600); do
		in_case && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	in_case && ok "a case running: its namespace and IUT process there" ||
		fail "no case of the run seen running within 30 s"
	kill -INT $pid
	wait $pid
	rc=$?
	cat "$tmp/log"
	[ $rc = 130 ] && ok "interrupted: exit 130" || fail "interrupted run: exit $rc, want 130"
	expect_in "$tmp/log" 'interrupted: [0-9]+ not run' "summary says interrupted"
	left=$(leftovers)
	[ -z "$left" ] && ok "no namespace, TAP or IUT process left" || fail "left behind: $left"
	ls -A "$tmp/scratch" | grep . && fail "scratch folders left" ||
		ok "no scratch folder left"
	;;
report)
	# The host answers at 1.5 x Max Resp Time (fault late): three cases
	# with a 1 s window FAIL, each on a report seen 0.5 s after it, and the
	# note "late" alone explains them.  With its records of the wrong type
	# (fault rectype) they FAIL too, and the note explains none of them.
	need_root
	printf '%s\n' '# The note for every case whose verdict only late frames decided.' \
		'late WARN,FAIL deviation The test host answers at 1.5 times the Max Resp Time.' \
		>"$tmp/late.notes"
	IGMPX_FAULT=late IGMPX=$igmpx conformance/reports/report.sh --iut tests/harness/badhost.ini \
		--notes "$tmp/late.notes" --filter 'H3-Q-GQ-*' --to "$tmp/late" >"$tmp/log" 2>&1
	rc=$?
	[ $rc = 0 ] && ok "late answers: report.sh explains every verdict (exit 0)" ||
		{ fail "late answers: report.sh exit $rc"; cat "$tmp/log"; }
	for id in H3-Q-GQ-LONGER H3-Q-GQ-ONCE H3-Q-GQ-SHORTER; do
		expect_in "$tmp/late/badhost.md" "^\| $id \| FAIL \|" "late answers: $id FAIL"
		sed -n "/^### $id: FAIL/,/^### /p" "$tmp/late/badhost.md" >"$tmp/sect"
		expect_in "$tmp/sect" '^\*\*deviation\*\* \(note `late`' "late answers: $id explained by the note"
		expect_in "$tmp/sect" '; late: first after the window at \+(1\.[5-9]|[2-9]\.)[0-9]+ s' \
			"late answers: $id names its late report (at 1.5 s or later)"
	done
	IGMPX_FAULT=rectype IGMPX=$igmpx conformance/reports/report.sh --iut tests/harness/badhost.ini \
		--notes "$tmp/late.notes" --filter 'H3-Q-GQ-*' --to "$tmp/wrong" >"$tmp/log" 2>&1
	rc=$?
	[ $rc = 1 ] && ok "wrong answers: report.sh refuses (exit 1)" || fail "wrong answers: exit $rc, want 1"
	for id in H3-Q-GQ-LONGER H3-Q-GQ-ONCE H3-Q-GQ-SHORTER; do
		expect_in "$tmp/log" "^  $id FAIL\$" "wrong answers: $id named unexplained"
	done
	[ -z "$(leftovers)" ] && ok "nothing left behind" || { fail "left behind:"; leftovers; }
	;;
hostile)
	need_root
	# Each way of failing, in a run of two cases (deadline 20 s each).
	# The reasons: the shell's exit status; the IUT's own; SIGTERM not
	# obeyed (2 s of grace); stop not ending (5 s).
	declare -A why=(
		[never]='exited with status 127 .*the shell could not run it'
		[exit]='exited with status 3 at'
		[term]='was still there 2 s after SIGTERM: killed'
		[stop]='did not end within 5 s: killed'
	)
	for h in never exit term stop; do
		IGMPX_HOSTILE=$h "$igmpx" run --iut tests/harness/hostile.ini tests/harness/hostile-1.yaml \
			tests/harness/hostile-2.yaml >"$tmp/$h.log" 2>&1
		rc=$?
		[ $rc = 1 ] && ok "$h: exit 1" || fail "$h: exit $rc, want 1"
		for n in 1 2; do
			line=$(grep -E "^\[$n/2\] +[A-Z]+ +BAD-HOSTILE-$n " "$tmp/$h.log")
			verdict=$(echo "$line" | awk '{print $2}')
			secs=$(echo "$line" | awk '{print $(NF-1)}')
			[ "$verdict" = ERROR ] && ok "$h: case $n ERROR" ||
				{ fail "$h: case $n is '${verdict:-not run}', want ERROR"; cat "$tmp/$h.log"; }
			awk -v s="${secs:-99}" 'BEGIN { exit !(s < 20) }' && ok "$h: case $n ended in $secs s (deadline 20)" ||
				fail "$h: case $n took ${secs:-?} s"
		done
		expect_in "$tmp/$h.log" "${why[$h]}" "$h: the reason said"
	done
	# A flood of malformed frames, as fast as the link takes them: the
	# harness stops keeping frames past its limit and says so, keeps to
	# the deadline, and its memory stays bounded (GNU time: peak RSS).
	/usr/bin/time -f 'maxrss %M' -o "$tmp/rss" "$igmpx" run --iut tests/harness/garbage.ini \
		tests/harness/garbage.yaml --out "$tmp/flood" >"$tmp/flood.log" 2>&1
	rc=$?
	cat "$tmp/flood.log" | cut -c1-200
	[ $rc = 1 ] && ok "flood: exit 1" || fail "flood: exit $rc, want 1"
	expect_in "$tmp/flood.log" '^\[1/1\] +(ERROR|FAIL) +BAD-FLOOD ' "flood: ERROR or FAIL"
	expect_in "$tmp/flood.log" '^        [^ ]' "flood: a reason given"
	secs=$(sed -nE 's/^\[1\/1\] +[A-Z]+ +BAD-FLOOD +.* ([0-9.]+) s$/\1/p' "$tmp/flood.log")
	awk -v s="${secs:-99}" 'BEGIN { exit !(s < 20) }' && ok "flood: case ended in $secs s (deadline 20)" ||
		fail "flood: case took ${secs:-?} s"
	rss=$(sed -n 's/^maxrss //p' "$tmp/rss")
	echo "note: peak RSS of igmpx during the flood: ${rss:-?} KiB"
	[ -n "$rss" ] && [ "$rss" -lt 262144 ] && ok "flood: peak RSS $rss KiB (< 256 MiB)" ||
		fail "flood: peak RSS ${rss:-?} KiB"
	[ -z "$(leftovers)" ] && ok "nothing left behind" || { fail "left behind:"; leftovers; }
	pgrep -f '^sleep 600$' >/dev/null && fail "an IUT process is left" ||
		ok "no IUT process left"
	;;
*)
	echo "usage: test-harness.sh errors|analyze|v2|badhost|replay|cleanup|report|hostile BUILD_DIR" >&2
	exit 2 ;;
esac
[ $fails = 0 ] && echo "PASS: harness.$mode" || { echo "FAIL: harness.$mode ($fails)"; exit 1; }
