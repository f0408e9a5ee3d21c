#!/usr/bin/env bash
# test-fields.sh PCAP EXPECTED [wellformed]
#
# Decodes PCAP with the plugin and compares the Protocol and Info columns and
# every contract field with EXPECTED (written once with IGMPX_UPDATE=1, then
# checked by hand against the RFCs and tcpdump).  With "wellformed" it also
# fails if any frame is malformed, raises an expert Error, or carries IGMP
# (IP protocol 2) that the plugin did not decode.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

pcap=$(stage_input "$1") || die "cannot read $1"
expected=$2
mode=${3:-}
fail=0

got="$SCRATCH/got"
decode_fields "$pcap" > "$got" || die "$1: tshark failed"
check_expected "$got" "$expected" "$1 (decode)" || fail=1

# One tshark run looks for both faults below; only when it finds one do the
# two runs that tell which (a tshark start is most of a test's time).
if [ "$mode" = wellformed ] && [ -z "$(tshark_as_user -r "$pcap" -T fields -e frame.number \
	-Y '_ws.malformed || _ws.expert.severity == "Error" || (ip.proto == 2 && !igmpx && !icmp && ip.flags.mf == 0 && ip.frag_offset == 0)')" ]; then
	mode=checked
fi
if [ "$mode" = wellformed ]; then
	bad=$(tshark_as_user -r "$pcap" -Y '_ws.malformed || _ws.expert.severity == "Error"' \
		-T fields -e frame.number -e _ws.col.Info)
	if [ -n "$bad" ]; then
		echo "FAIL $1: well-formed capture has malformed or Error frames:"
		printf '%s\n' "$bad"
		fail=1
	fi
	missed=$(tshark_as_user -r "$pcap" -Y 'ip.proto == 2 && !igmpx && !icmp && ip.flags.mf == 0 && ip.frag_offset == 0' \
		-T fields -e frame.number)
	if [ -n "$missed" ]; then
		echo "FAIL $1: frames with IP protocol 2 not decoded by igmpx: $missed"
		fail=1
	fi
fi
[ $fail = 0 ] && echo "ok $1 ($(grep -c '^frame' "$got") frames)"
exit $fail
