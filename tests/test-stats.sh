#!/usr/bin/env bash
# test-stats.sh EXPECTED_DIR PCAP...
#
# tshark -z igmpx,groups and -z igmpx,rules over each PCAP give the tables
# in EXPECTED_DIR/stats.<pcap name>.txt (written once with IGMPX_UPDATE=1,
# then checked frame by frame against the capture's decode).  Also checks
# that tshark lists both statistics and the two stats trees.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

expected_dir=$1
shift
fail=0

help=$(tshark_as_user -z help 2>&1)
for z in igmpx,groups igmpx,rules igmpx_groups,tree igmpx_rules,tree; do
	if ! grep -qx " *$z" <<< "$help"; then
		echo "FAIL: tshark -z help does not list $z"
		fail=1
	fi
done

for pcap in "$@"; do
	name=$(basename "$pcap" .pcap)
	staged=$(stage_input "$pcap") || die "cannot read $pcap"
	want="$expected_dir/stats.$name.txt"
	tshark_as_user -r "$staged" -q -z igmpx,groups -z igmpx,rules > "$SCRATCH/got" ||
		{ echo "FAIL $name: tshark failed"; fail=1; continue; }
	if ! check_expected "$SCRATCH/got" "$want" "$name (statistics)"; then
		fail=1
	elif [ "${IGMPX_UPDATE:-0}" != 1 ]; then
		echo "ok $name"
	fi
done
exit $fail
