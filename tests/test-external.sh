#!/bin/bash
# test-external.sh BUILD_DIR iface|tap|router-iface|router-tap|shuffle: the
# suites against an IUT that outlives its cases, as a vendor's device does
# (conformance/iut/linux-box.sh makes it: the Linux kernel in a namespace
# per link, "a box"; this test makes the boxes and removes them).
#
#   iface    the whole host suite through attach = iface: (linux-host-nic.ini,
#            a box on a NIC), -j 2 on the profile's two links;
#   tap      the same through attach = tap: (linux-host-vm.ini: the
#            harness's TAP bridged to the box, as a VM's virtio link);
#     each: no ERROR, every verdict other than PASS explained by
#     linux-host.notes, and the same verdicts as the default namespace mode
#     (the run of conformance.linux in this build, or one made here), but
#     where the note `late` explains the verdict that differs (the kernel
#     draws its report delays at random, and which cases see one late is
#     chance), or the case's own note lists both verdicts (timer slack on
#     either side of the tolerance).  The table of both is printed.  iface also shows what reset
#     and the harness's ordering are for: after HC-V1-QUERY (which leaves
#     the kernel in IGMPv1 mode for 400 s), H3-GQ-RESPONSE on the same link
#     finds the kernel in IGMPv3 mode (its join reported with TO_EX) with
#     the profile's reset, and with no reset at all, because the harness
#     then runs the lasting case last; with a reset that does nothing it is
#     INCONCLUSIVE (the kernel reports its join in IGMPv1); and -j N past
#     the profile's links is refused.  Only the mode is asserted, never a
#     verdict the kernel's report delay decides.
#   router-iface, router-tap   the router suite's IGMPv3 cases (R-*) against
#            the kernel's bridge querier in the boxes (linux-bridge-nic.ini,
#            linux-bridge-vm.ini; reset restarts the bridge), likewise: no
#            ERROR, every verdict explained by linux-bridge.notes, the same
#            verdicts as conformance.router's namespace run but where the
#            note `late` explains one.
#   shuffle  igmpx-badhost (deterministic: --delay 0.5) as a daemon in each
#            of four boxes (-j 4), living through the run, no reset: the
#            cases of tests/harness/mutation.list, with
#            --shuffle 1 and --shuffle 2 (the list holds two that leave a
#            Robustness Variable behind), must give the same verdicts, all
#            PASS, as the defect-free host gives in the harness's namespaces
#            (test-mutation.sh asserts that): the harness's own undoing
#            (every group left, retransmissions waited out) is enough.
# Nothing may be left behind.  Root only (exit 77, skipped, otherwise).
set -u
build=$1 mode=$2
. "$(dirname "$0")/harness-lib.sh"
need_root
box=conformance/iut/linux-box.sh
export PATH="$build/harness:$PATH"      # igmpx-member, as an installed igmpx has it
trap '$box down; rm -rf "$tmp"' EXIT

# verdicts MD: "ID VERDICT late|-" per case of a report.sh report, late when
# the note `late` explains its verdict.
verdicts() {
	awk '/^\| [A-Za-z0-9_-]+ \| [A-Z]+ \|/ { split($0, f, " \\| "); id = substr(f[1], 3); v[id] = f[2]; o[++n] = id }
	     /^### / { cur = $2; sub(/:$/, "", cur); want = 1; next }
	     want && NF { if ($0 ~ /\(note `late`/) late[cur] = 1; want = 0 }
	     END { for (i = 1; i <= n; i++) print o[i], v[o[i]], (o[i] in late) ? "late" : "-" }' "$1"
}

# same MD_REF MD: the table, and whether every difference is the note late's.
same() {
	LC_ALL=C join <(verdicts "$1" | LC_ALL=C sort) <(verdicts "$2" | LC_ALL=C sort) >"$tmp/joined"
	local n diff=0 chance=0
	n=$(grep -c . "$tmp/joined")
	echo "| Case | namespace | $mode | |"
	echo "|---|---|---|---|"
	while read -r id v1 l1 v2 l2; do
		[ "$v1" = "$v2" ] && continue
		# A difference is chance if each verdict that is not PASS is
		# explained by the note late alone, or if the case's own note
		# lists both verdicts (R-T9-IN-BLOCK: WARN or FAIL, as the
		# bridge's timer slack falls inside the tolerance or not).
		listed=$(awk -v id="$id" '$1 == id { print "," $2 "," }' "conformance/reports/$refname.notes")
		if { [ "$v1" = PASS ] || [ "$l1" = late ]; } && { [ "$v2" = PASS ] || [ "$l2" = late ]; } ||
			{ [[ $listed == *",$v1,"* ]] && [[ $listed == *",$v2,"* ]]; }; then
			chance=$((chance + 1))
			echo "| $id | $v1$([ "$l1" = late ] && echo " (late)") | $v2$([ "$l2" = late ] && echo " (late)") | chance |"
		else
			diff=$((diff + 1))
			echo "| $id | $v1 | $v2 | DIFFERS |"
		fi
	done <"$tmp/joined"
	[ "$n" -ge 60 ] && [ "$n" = "$(verdicts "$2" | grep -c .)" ] && ok "$n cases in both runs" ||
		fail "$n cases in both runs, of $(verdicts "$2" | grep -c .)"
	[ "$diff" = 0 ] && ok "$mode: the same verdicts as in namespaces ($chance differ by chance, as the notes say)" ||
		fail "$mode: $diff verdicts differ from the namespace run's, not by chance"
}

# The default mode's verdicts: the namespace run of conformance.linux
# (conformance.router for the router suite) in this build, which the tests
# keep in Testing/, if made by this igmpx; else a run here.
reference() {
	local ref=$build/Testing/$refname.md
	if [ -s "$ref" ] && [ "$ref" -nt "$igmpx" ]; then
		echo "$ref"
		return
	fi
	IGMPX=$igmpx conformance/reports/report.sh --iut "conformance/iut/$refname.ini" "${filter[@]}" \
		--to "$tmp/ref" >"$tmp/ref.log" 2>&1 ||
		{ fail "the namespace run: exit $?"; cat "$tmp/ref.log" >&2; }
	echo "$tmp/ref/$refname.md"
}

suite() {       # suite PROFILE NAME
	local start secs rc
	start=$(date +%s)
	IGMPX=$igmpx conformance/reports/report.sh --iut "$1" --name "$2" "${filter[@]}" \
		--notes "conformance/reports/$refname.notes" --to "$tmp/rep" >"$tmp/$2.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	grep -E '^[0-9]+ cases in ' "$tmp/$2.log"
	[ $rc = 0 ] && ok "$2: every verdict other than PASS explained" ||
		{ fail "$2: report.sh exit $rc"; tail -40 "$tmp/$2.log"; }
	grep -qE '^\[ *[0-9]+/[0-9]+\] ERROR' "$tmp/$2.log" && fail "$2: a case ended in ERROR" ||
		ok "$2: no ERROR"
	grep -q ', 2 at a time' "$tmp/$2.log" && ok "$2: two cases at once, one per link" ||
		fail "$2: not run on the profile's two links"
	echo "note: $2 ran in $secs s"
}

refname=linux-host filter=() role=host
case $mode in
router-*) refname=linux-bridge filter=(--filter "R-*") role=router ;;
esac
case $mode in
iface | tap | router-iface | router-tap)
	way=${mode#router-}
	profile=conformance/iut/linux-host-nic.ini name=linux-host-nic
	[ "$mode" = tap ] && profile=conformance/iut/linux-host-vm.ini name=linux-host-vm
	[ "$mode" = router-iface ] && profile=conformance/iut/linux-bridge-nic.ini name=linux-bridge-nic
	[ "$mode" = router-tap ] && profile=conformance/iut/linux-bridge-vm.ini name=linux-bridge-vm
	# Without the boxes, the profile's requires says what to do.
	$box down
	"$igmpx" run --iut "$profile" --filter '*-GQ-*' conformance/$role >"$tmp/nobox" 2>&1
	expect_in "$tmp/nobox" "^\[ *1/[0-9]+\] SKIP " "without the boxes, the cases SKIP"
	expect_in "$tmp/nobox" "linux-box.sh up $way $role first" "and requires says how to make them"
	$box up "$way" "$role" || { fail "$box up $way $role"; finish; }
	ref=$(reference)
	suite "$profile" "$name"
	same "$ref" "$tmp/rep/$name.md"
	if [ "$mode" = iface ]; then
		"$igmpx" run --iut "$profile" -j 3 >"$tmp/j3" 2>&1
		[ $? = 2 ] && ok "-j 3 on two links refused (exit 2)" || fail "-j 3 on two links: not refused"
		expect_in "$tmp/j3" "through 2 links \(attach = iface:igmpxbox0 iface:igmpxbox1\).*run -j 2" \
			"the refusal names the links"
		two="conformance/host/hc-v1-query.yaml conformance/host/h3-gq-response.yaml"
		# What the kernel's mode decides, not its timing: H3-GQ-RESPONSE's
		# precondition is the join reported at once with an IGMPv3 TO_EX
		# record, which a kernel still in IGMPv1 mode does not send
		# (INCONCLUSIVE); the answer's time after that is the kernel's draw
		# (a PASS, or a WARN or FAIL the note late explains), not asserted.
		v3mode() {      # LOG: both cases ran, and H3-GQ-RESPONSE's join was a v3 report
			local a b
			a=$(verdict_in "$1" HC-V1-QUERY) b=$(verdict_in "$1" H3-GQ-RESPONSE)
			[ -n "$a" ] && [ "$a" != ERROR ] && [ "$a" != INCONCLUSIVE ] &&
				[ -n "$b" ] && [ "$b" != ERROR ] && [ "$b" != INCONCLUSIVE ]
		}
		"$igmpx" run --iut "$profile" $two >"$tmp/reset" 2>&1
		v3mode "$tmp/reset" &&
			ok "with reset: HC-V1-QUERY, then H3-GQ-RESPONSE on the same link finds the kernel in IGMPv3 mode" ||
			{ fail "with reset"; cat "$tmp/reset"; }
		# No reset: the harness runs the lasting case last (on boxes made
		# clean by hand first, as a user would).
		grep -v '^reset = ' "$profile" | sed "s|\$IGMPX_PROFILE_DIR|$root/conformance/iut|g" >"$tmp/none.ini"
		$box reset 0 && $box reset 1
		"$igmpx" run --iut "$tmp/none.ini" $two >"$tmp/none" 2>&1
		expect_in "$tmp/none" "no reset, so the 1 case that leaves lasting state in the IUT runs last" \
			"with no reset the harness says it orders the lasting case last"
		sed -n 's/^\[1\/2\] *[A-Z]* *\([A-Z0-9-]*\) .*/\1/p' "$tmp/none" | grep -qx H3-GQ-RESPONSE &&
			v3mode "$tmp/none" &&
			ok "and H3-GQ-RESPONSE runs first, the kernel in IGMPv3 mode" ||
			{ fail "no reset: not ordered"; cat "$tmp/none"; }
		# A reset that does nothing: the kernel stays in IGMPv1 mode, and
		# H3-GQ-RESPONSE's join is reported in IGMPv1, not with the TO_EX
		# record its precondition waits for.
		sed '/^\[iut\]/a reset = true' "$tmp/none.ini" >"$tmp/noop.ini"
		"$igmpx" run --iut "$tmp/noop.ini" $two >"$tmp/noop" 2>&1
		[ "$(verdict_in "$tmp/noop" H3-GQ-RESPONSE)" = INCONCLUSIVE ] &&
			expect_in "$tmp/noop" "precondition unmet: expected \"v3report group=239.1.1.1 record=TO_EX\"" \
				"with a reset that does nothing, H3-GQ-RESPONSE after HC-V1-QUERY is INCONCLUSIVE (IGMPv1 mode lasts)" ||
			{ fail "a no-op reset: H3-GQ-RESPONSE not INCONCLUSIVE"; cat "$tmp/noop"; }
	fi
	;;
shuffle)
	$box up iface host 4 || { fail "$box up iface host 4"; finish; }
	# The daemons: one badhost per box, for the whole of a run (and started
	# again for the next: what the lasting cases at the end of one run
	# leave, a Robustness Variable of 3, would be the next run's start).
	daemons() {
		local i
		[ -z "$(jobs -p)" ] || { kill $(jobs -p); wait; } 2>/dev/null
		for i in 0 1 2 3; do
			ip netns exec "igmpx-box$i" "$build/test-iuts/igmpx-badhost" --delay 0.5 \
				--control "$tmp/badhost$i.sock" eth0 2>>"$tmp/badhost$i.log" &
		done
		for _ in $(seq 50); do
			[ "$(ls "$tmp"/badhost?.sock 2>/dev/null | wc -l)" = 4 ] && break
			sleep 0.1
		done
	}
	export IGMPX_BADHOST_DIR=$tmp
	cases=$(sed -n 's/^\(conformance\/host\/[^ ]*\.yaml\).*/\1/p' tests/harness/mutation.list)
	for seed in 1 2; do
		daemons
		"$igmpx" run --iut tests/harness/badhost-box.ini -j 4 --shuffle $seed $cases \
			>"$tmp/seed$seed" 2>&1
		expect_in "$tmp/seed$seed" "shuffled with seed $seed" "seed $seed: the run says its seed"
		sed -nE 's/^\[ *[0-9]+\/[0-9]+\] +([A-Z]+) +([A-Z0-9-]+) .*/\2 \1/p' "$tmp/seed$seed" |
			sort >"$tmp/v$seed"
		sed -nE 's/^\[ *[0-9]+\/[0-9]+\] +[A-Z]+ +([A-Z0-9-]+) .*/\1/p' "$tmp/seed$seed" >"$tmp/order$seed"
	done
	n=$(grep -c . "$tmp/v1") want=$(echo $cases | wc -w)
	[ "$n" = "$want" ] && [ "$n" -ge 30 ] && ok "$n cases each run" || fail "$n cases ran of $want"
	cmp -s "$tmp/order1" "$tmp/order2" && fail "the two seeds gave the same order" ||
		ok "the two seeds ran the cases in different orders"
	diff "$tmp/v1" "$tmp/v2" >"$tmp/vd" && ok "the same verdicts with both seeds" ||
		{ fail "the verdicts differ between the seeds:"; cat "$tmp/vd"; }
	notpass=$(grep -v ' PASS$' "$tmp/v1" "$tmp/v2")
	[ -z "$notpass" ] && ok "every case PASSes, as in the harness's namespaces" ||
		{ fail "not PASS against the long-lived host:"; echo "$notpass";
		  grep -A3 -E '^\[ *[0-9]+/[0-9]+\] +(FAIL|WARN|ERROR|INCONCLUSIVE)' "$tmp/seed1" "$tmp/seed2"; }
	kill $(jobs -p) 2>/dev/null
	wait
	;;
*) echo "usage: test-external.sh BUILD_DIR iface|tap|router-iface|router-tap|shuffle" >&2; exit 2 ;;
esac
$box down
ip netns list | grep -q '^igmpx-box' && fail "a box is left" || ok "no box left"
ip -o link show | grep -q 'igmpxbox' && fail "a box link is left" || ok "no box link left"
[ -z "$(leftovers)" ] && ok "nothing left behind" || { fail "left behind:"; leftovers; }
finish
