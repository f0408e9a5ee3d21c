#!/bin/bash
# test-vm-routers.sh BUILD_DIR PROFILE FILTER [PROFILE FILTER ...]: the
# router suite against real routers that run in a VM (conformance/iut/
# frr.ini, frr-v2.ini, igmpproxy.ini), as CI runs it: each PROFILE's cases
# whose ID matches FILTER, $VM_JOBS at a time (default 1: a VM boots on a
# core of its own, under emulation).
#
# What igmpx must do, whatever the router's verdicts (which are the
# router's, and may move with the load of the machine: the committed
# reports, conformance/reports/, explain them):
#   - the profile's requires holds (./dev setup installed the router, qemu
#     and the VM image): no case SKIPs for "cannot run here";
#   - every case ends in a verdict, none in ERROR (the VM boots, the router
#     starts, its state is read, the run keeps to its deadlines);
#   - a case SKIPs only for what the profile lacks on purpose (FRR 8.4 and
#     igmpproxy set no limit on groups or sources: the cases at a profile's
#     [limits] SKIP);
#   - each case that ran has its evidence capture, holding the router's
#     queries from 192.0.2.2: the router ran in the VM and was heard;
#   - nothing is left behind: no namespace, link or qemu process.
# Needs root (exit 77, skipped, otherwise).
set -u
build=$1
shift
. "$(dirname "$0")/harness-lib.sh"
need_root

# A VM left running: its case is over (the harness removes a case's work
# folder after stopping its VM), the VM is not.  A VM of a run beside this
# one (the FRR and igmpproxy tests run side by side) still has its folder.
# Looked for again a second later, as leftovers does.
stray_vms_now() {
	local p w
	for p in $(pgrep -f 'qemu-system-x86_64 .*igmpx\.work=' || true); do
		w=$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | sed -n 's/.*igmpx\.work=\([^ ]*\).*/\1/p')
		[ -z "$w" ] || [ -d "$w" ] || echo "$p ($w)"
	done | sort
}
stray_vms() {
	local s
	s=$(stray_vms_now)
	[ -n "$s" ] || return 0
	sleep 1
	comm -12 <(printf '%s\n' "$s") <(stray_vms_now) | grep . || true
}
vms_before=$(stray_vms_now)

while [ $# -ge 2 ]; do
	profile=$1 filter=$2
	shift 2
	# The profile's name and the filter's: a profile may come more than once.
	name=$(basename "$profile" .ini)-$(printf '%s' "$filter" | tr -c 'A-Za-z0-9' _)
	out=$tmp/$name
	start=$(date +%s)
	"$igmpx" run -j "${VM_JOBS:-1}" --iut "$profile" --filter "$filter" --out "$out" >"$tmp/$name.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	cat "$tmp/$name.log"
	[ $rc -le 1 ] && ok "$name: the run ended (exit $rc) in $secs s" || fail "$name: igmpx run: exit $rc"
	grep -q 'cannot run here' "$tmp/$name.log" &&
		fail "$name: the profile's requires failed (./dev setup installs what it needs)" ||
		ok "$name: its requires holds"
	grep -qE '^\[ *[0-9]+/[0-9]+\] ERROR' "$tmp/$name.log" && fail "$name: a case ended in ERROR" ||
		ok "$name: no ERROR"
	skips=$(grep -A1 -E '^\[ *[0-9]+/[0-9]+\] SKIP' "$tmp/$name.log" | grep -vE '^\[|^--$' |
		grep -vE 'the profile states no \[limits\] [a-z_]+ \(line' || true)
	[ -z "$skips" ] && ok "$name: SKIPs only for the limits it does not have" ||
		{ fail "$name: SKIPped:"; echo "$skips"; }
	ran=$(sed -nE '/\] +SKIP /d; s/^\[ *[0-9]+\/[0-9]+\] +[A-Z]+ +([^ ]+) .*/\1/p' "$tmp/$name.log")
	n=$(printf '%s\n' "$ran" | grep -c .)
	[ "$n" -ge 1 ] && ok "$name: $n cases ran" || fail "$name: no case ran"
	heard=0
	for id in $ran; do
		p=$out/$id.pcapng
		[ -s "$p" ] || { fail "$name: no evidence capture for $id"; continue; }
		q=$(builtin_tshark -r "$p" -Y 'igmp.type == 0x11 && ip.src == 192.0.2.2' 2>/dev/null | grep -c .)
		[ "$q" -ge 1 ] && heard=$((heard + 1)) || fail "$name: $id: no query of the router in its capture"
	done
	[ "$heard" = "$n" ] && ok "$name: the router's queries in each of the $n captures"
done

left=$(leftovers)
[ -z "$left" ] && ok "no namespace or link left behind" || { fail "left behind:"; echo "$left"; }
stray=$(comm -13 <(printf '%s\n' "$vms_before") <(stray_vms) | grep . || true)
[ -z "$stray" ] && ok "no VM left running" || { fail "VMs left running after their case: $stray"; }
finish
