#!/usr/bin/env bash
# test-tcpdump.sh PCAP OUT
#
# tcpdump's own one-line decodes (OUT, from the tcpdump test suite) are an
# independent second opinion: every IGMP and mtrace line of OUT must agree
# with igmpx's fields for the same frame (type, version, group, Max Resp,
# mtrace addresses and query ID).
#
# How tcpdump writes them (print-igmp.c): "query v1"; "query v2" with
# "[max resp time N]" only when the code is not 100, N being the raw code in
# tenths of a second; "query v3" with "[max resp time T]" only when T is not
# 10 s, T as "1.0s" below a minute, else "51m12s"; "[gaddr G]" for a non-zero
# group; "v1 report G", "v2 report G", "leave G"; "mtrace QID: SRC to DST
# reply-to RESP".
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

pcap=$(stage_input "$1") || die "cannot read $1"
out=$2

# What tcpdump says, normalised: frame key=value...
awk '
function secs(t,   m, s) {           # "51m12s" or "1.0s" -> seconds
	m = 0
	if (t ~ /m/) { split(t, p, "m"); m = p[1]; t = p[2] }
	sub(/s$/, "", t)
	return sprintf("%.1f", m * 60 + t)
}
{
	f = $1; line = $0
	group = "0.0.0.0"
	if (match(line, /\[gaddr [0-9.]+\]/)) group = substr(line, RSTART + 7, RLENGTH - 8)
	if (line ~ /igmp query v1/) {
		print f, "type=0x11 version=1 group=" group
	} else if (line ~ /igmp query v2/) {
		code = 100
		if (match(line, /\[max resp time [0-9]+\]/)) code = substr(line, RSTART + 15, RLENGTH - 16)
		print f, "type=0x11 version=2 group=" group " mrt=" sprintf("%.1f", code / 10)
	} else if (line ~ /igmp query v3/) {
		t = "10.0"
		if (match(line, /\[max resp time [^]]+\]/)) t = secs(substr(line, RSTART + 15, RLENGTH - 16))
		print f, "type=0x11 version=3 group=" group " mrt=" t
	} else if (match(line, /igmp v[12] report [0-9.]+/)) {
		split(substr(line, RSTART, RLENGTH), w, " ")
		print f, "type=" (w[2] == "v1" ? "0x12" : "0x16") " version=" substr(w[2], 2) " group=" w[4]
	} else if (match(line, /igmp leave [0-9.]+/)) {
		split(substr(line, RSTART, RLENGTH), w, " ")
		print f, "type=0x17 version=2 group=" w[3]
	} else if (match(line, /mtrace [0-9]+: [0-9.]+ to [0-9.]+ reply-to [0-9.]+/)) {
		split(substr(line, RSTART, RLENGTH), w, " ")
		sub(/:$/, "", w[2])
		print f, "qid=" w[2] " source=" w[3] " destination=" w[5] " response=" w[7]
	}
}' "$out" > "$SCRATCH/tcpdump"

# The same from igmpx.
tshark_as_user -r "$pcap" -T fields -E separator=/t -e frame.number -e igmpx.type \
	-e igmpx.version -e igmpx.group -e igmpx.max_resp_time -e igmpx.mtrace.query_id \
	-e igmpx.mtrace.source -e igmpx.mtrace.destination -e igmpx.mtrace.response_addr |
awk -F'\t' '
$2 == "0x11" && $3 == 1 { print $1, "type=0x11 version=1 group=" $4; next }
$2 == "0x11" { printf "%s type=0x11 version=%s group=%s mrt=%.1f\n", $1, $3, $4, $5; next }
$2 == "0x12" || $2 == "0x16" || $2 == "0x17" { print $1, "type=" $2 " version=" $3 " group=" $4; next }
$6 != "" { print $1, "qid=" $6 " source=" $7 " destination=" $8 " response=" $9 }
' > "$SCRATCH/igmpx"

n=$(wc -l < "$SCRATCH/tcpdump")
if [ "$n" = 0 ]; then
	echo "FAIL $out: no line understood: wrong file?"
	exit 1
fi
if ! diff -u --label "tcpdump $out" --label "igmpx $1" "$SCRATCH/tcpdump" "$SCRATCH/igmpx"; then
	echo "FAIL $1: igmpx disagrees with tcpdump (- tcpdump, + igmpx)"
	exit 1
fi
echo "ok $1: $n frames agree with tcpdump"
