#!/usr/bin/env bash
# test-differential.sh PCAP...
#
# For every IGMP frame of real captures, igmpx and Wireshark's built-in IGMP
# dissector (plugin absent) must agree on the message type, the groups, the
# sources, the record types and the Max Resp Time.  The built-in's Max Resp
# Time is read from its display text (PDML showname), so the comparison is
# with its interpretation of the code, not with a formula of ours.
#
# Known differences, compared differently on purpose:
# - QQIC: the built-in shows the raw code only and never decodes it to the
#   Querier's Query Interval (RFC 9776 §4.1.7); only the raw codes are
#   compared, and igmpx's QQI is checked elsewhere (expected files).
# - IGMPv1 queries: the built-in shows no Max Resp Time (the octet is unused
#   in RFC 1112); igmpx shows none either, so both sides print nothing.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# Types both dissectors decode themselves: v1-v3 queries, reports, leave.
IGMP_TYPES='igmp.type == 0x11 || igmp.type == 0x12 || igmp.type == 0x16 || igmp.type == 0x17 || igmp.type == 0x22'
IGMPX_TYPES='igmpx.type == 0x11 || igmpx.type == 0x12 || igmpx.type == 0x16 || igmpx.type == 0x17 || igmpx.type == 0x22'

# builtin_view PCAP: frame type groups sources record-types qqic max-resp-s
builtin_view() {
	IGMPX_NO_PLUGIN=1 tshark_as_user -r "$1" -Y "$IGMP_TYPES" -T pdml |
	awk '
	function attr(n,   s) {
		if (match($0, n "=\"[^\"]*\"")) {
			s = substr($0, RSTART + length(n) + 2, RLENGTH - length(n) - 3)
			return s
		}
		return ""
	}
	function add(v, x) { return v == "" ? x : v "," x }
	function flush() {
		if (frame != "")
			printf "%s type=%s groups=%s sources=%s records=%s qqic=%s mrt=%s\n",
				frame, type, groups, srcs, recs, qqic, mrt
		type = groups = srcs = recs = qqic = mrt = ""
	}
	/<field name="frame.number"/ { flush(); frame = attr("show") }
	/<field name="igmp.type"/ { type = attr("value"); sub(/^0*/, "", type); type = "0x" type }
	/<field name="igmp.maddr"/ { groups = add(groups, attr("show")) }
	/<field name="igmp.saddr"/ { srcs = add(srcs, attr("show")) }
	/<field name="igmp.record_type"/ { recs = add(recs, attr("show")) }
	/<field name="igmp.qqic"/ { qqic = attr("show") }
	/<field name="igmp.max_resp"/ && type == "0x11" {
		# "Max Resp Time: 10.0 sec (0x64)": the seconds the built-in means.
		# (It shows the unused octet of reports and leaves as a time too;
		# igmpx gives Max Resp Time for queries only, so only those count.)
		s = attr("showname")
		if (s ~ /^Max Resp Time: /) { split(s, w, " "); mrt = sprintf("%.1f", w[4]) }
	}
	END { flush() }'
}

# igmpx_view PCAP: the same line from the plugin's fields.
igmpx_view() {
	tshark_as_user -r "$1" -Y "$IGMPX_TYPES" -T fields -E separator=/t -E occurrence=a \
		-E aggregator=, -e frame.number -e igmpx.type -e igmpx.group -e igmpx.record.group \
		-e igmpx.source -e igmpx.record.source -e igmpx.record.type -e igmpx.qqic \
		-e igmpx.max_resp_time |
	awk -F'\t' '
	function join(a, b) { return a == "" ? b : b == "" ? a : a "," b }
	function dec(h,   i, v) {     # igmpx shows codes in hex, the built-in in decimal
		if (h !~ /^0x/) return h
		v = 0
		for (i = 3; i <= length(h); i++)
			v = v * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
		return v
	}
	{
		type = $2; sub(/^0x0*/, "", type); type = "0x" type
		mrt = $9 == "" ? "" : sprintf("%.1f", $9)
		printf "%s type=%s groups=%s sources=%s records=%s qqic=%s mrt=%s\n",
			$1, type, join($3, $4), join($5, $6), $7, dec($8), mrt
	}'
}

fail=0
for f in "$@"; do
	pcap=$(stage_input "$f") || die "cannot read $f"
	builtin_view "$pcap" > "$SCRATCH/builtin" || die "$f: tshark (built-in) failed"
	igmpx_view "$pcap" > "$SCRATCH/igmpx" || die "$f: tshark (igmpx) failed"
	n=$(wc -l < "$SCRATCH/builtin")
	if [ "$n" = 0 ]; then
		echo "FAIL $f: no IGMP frame for the built-in dissector: wrong input?"
		fail=1
	elif ! diff -u --label "built-in $f" --label "igmpx $f" "$SCRATCH/builtin" "$SCRATCH/igmpx"; then
		echo "FAIL $f: igmpx and the built-in disagree (- built-in, + igmpx)"
		fail=1
	else
		echo "ok $f: $n IGMP frames agree"
	fi
done
exit $fail
