#!/usr/bin/env bash
# test-expert-groups.sh RULES_DEF PCAP: the expert group of each igmpx
# finding in PCAP, as tshark -q -z expert lists it: a rule whose ID ends in
# "checksum" is in Wireshark's Checksum group (where a bad IP or UDP
# checksum is), and every Error of the capture is one of those, so each
# checksum rule of RULES_DEF that PCAP breaks is counted.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
def=$1
pcap=$(stage_input "$2") || die "cannot read $2"
rules=$(sed -n 's/^RULE(\([a-z0-9_]*checksum\),.*, CONTENT,.*$/\1/p' "$def")
[ -n "$rules" ] || die "FAIL: no checksum rule in $def"
fail=0
table=$(tshark_as_user -r "$pcap" -q -z expert | awk '/^Errors/ { e = 1; next } /^[A-Z][a-z]+ \(/ { e = 0 }
	e && / IGMPX / { print $2 }')
n=$(printf '%s\n' "$table" | grep -c .)
bad=$(printf '%s\n' "$table" | grep -vx Checksum)
[ "$n" -gt 0 ] || { echo "FAIL: no IGMPX Error in -z expert of $2"; fail=1; }
if [ -n "$bad" ]; then
	echo "FAIL: IGMPX Errors outside the Checksum group:"; printf '%s\n' "$bad"; fail=1
fi
for r in $rules; do
	tshark_as_user -r "$pcap" -Y "igmpx.rule.$r" -T fields -e frame.number | grep -q . ||
		{ echo "FAIL: $r: no frame of $2 breaks it"; fail=1; }
done
[ $fail = 0 ] && echo "ok: $n IGMPX Errors, all in the Checksum group; each of $(echo $rules | wc -w) checksum rules broken"
exit $fail
