#!/usr/bin/env bash
# test-findings.sh EXPECTED PCAP...
#
# Nothing dropped: the findings (expert items igmpx.rule.<id>) of every
# frame of every capture given, two passes (tshark -2, so that timing
# findings about earlier frames are in place), must be the ones EXPECTED
# lists: "<capture> <frame> <rule,rule,...|->", the IDs sorted, an ID as
# many times as the frame reports it.  The expected file was made from the
# code before it was made faster (issue 14): a speed-up must not lose a
# finding.  A change of a rule's meaning changes it on purpose; then
# IGMPX_FINDINGS_WRITE=1 rewrites EXPECTED, to be read before it is
# committed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

expected=$1
shift
[ $# -gt 0 ] || die "usage: test-findings.sh EXPECTED PCAP..."

got="$SCRATCH/got"
: > "$got"
for pcap in "$@"; do
	[ -f "$pcap" ] || die "FAIL: no $pcap"
	origin=$(basename "$(dirname "$pcap")")
	name=$origin/$(basename "$pcap" .pcap)
	staged=$(stage_input "$pcap")
	rules_per_frame "$staged" "$name" > "$SCRATCH/one" || die "FAIL $name: tshark failed"
	[ -s "$SCRATCH/one" ] || die "FAIL $name: no frame decoded"
	cat "$SCRATCH/one" >> "$got"
done
LC_ALL=C sort -k1,1 -k2,2n "$got" -o "$got"
if [ "${IGMPX_FINDINGS_WRITE:-0}" = 1 ]; then
	cp "$got" "$expected"
	echo "wrote $expected: $(wc -l < "$expected") frames"
	exit 0
fi
if ! diff -u "$expected" "$got" > "$SCRATCH/diff"; then
	echo "FAIL: the findings differ (- expected: capture frame rules, + shown)"
	tail -n +3 "$SCRATCH/diff" | grep '^[-+]'
	exit 1
fi
echo "ok: $(wc -l < "$got") frames of $# captures report exactly their expected findings" \
     "($(awk '$3 != "-"' "$got" | wc -l) with findings)"
