#!/usr/bin/env bash
# test-rules.sh PCAPGEN PCAPDIR DESC...
#
# The expert items the plugin raises are the rules each generated frame was
# made to break, no more and no fewer: for every frame of every capture the
# DESCs describe, the set of igmpx.rule.<id> items tshark shows (two passes,
# so timing findings about earlier frames are in place) must equal what
# `igmpx-pcapgen --expectations DESC...` prints for it
# (`<capture> <frame> <rule,rule|->`), content and timing rules alike.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

pcapgen=$1 pcapdir=$2
shift 2
[ $# -gt 0 ] || die "usage: test-rules.sh PCAPGEN PCAPDIR DESC..."

expect="$SCRATCH/expect"
if ! "$pcapgen" --expectations "$@" > "$expect" 2> "$SCRATCH/err"; then
	cat "$SCRATCH/err" >&2
	die "FAIL: igmpx-pcapgen --expectations failed (does this igmpx-pcapgen have the option?)"
fi
[ -s "$expect" ] || die "FAIL: igmpx-pcapgen --expectations printed nothing"

# sort_rules: the same normal form for the expectations.
sort_rules() {
	awk '{ n = split($3, r, ","); for (i = 2; i <= n; i++)
		for (j = i; j > 1 && r[j - 1] > r[j]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
		s = r[1]; for (i = 2; i <= n; i++) if (r[i] != r[i - 1]) s = s "," r[i]
		print $2, s }'
}

fail=0 captures=0 frames=0
for capture in $(awk '{ print $1 }' "$expect" | uniq); do
	pcap="$pcapdir/$capture.pcap"
	[ -f "$pcap" ] || { echo "FAIL $capture: no $pcap"; fail=1; continue; }
	staged=$(stage_input "$pcap")
	awk -v c="$capture" '$1 == c' "$expect" | sort_rules > "$SCRATCH/want"
	# IP fragments: core/check judges each frame as it is, so the first
	# fragment as Wireshark shows it without reassembly.  With reassembly
	# (the default) the same findings are on the frame that completes each
	# datagram: in the same order, none before the frame expected.
	opts=""
	case $capture in *fragment*) opts="-o ip.defragment:FALSE" ;; esac
	if [ -n "$opts" ]; then
		rules_per_frame "$staged" "" 1 > "$SCRATCH/re" || { echo "FAIL $capture: tshark failed"; fail=1; continue; }
		if ! awk 'NR == FNR { if ($2 != "-") { w[++n] = $2; at[n] = $1 }; next }
			  $2 != "-" { k++; if (k > n || $2 != w[k] || $1 < at[k]) bad = 1 }
			  END { exit bad || k != n }' "$SCRATCH/want" "$SCRATCH/re"; then
			echo "FAIL $capture: with IP reassembly, not the expected rules on the frames that complete the datagrams"
			paste "$SCRATCH/want" "$SCRATCH/re"
			fail=1
		fi
	fi
	RULES_TSHARK_OPTS=$opts rules_per_frame "$staged" "" 1 > "$SCRATCH/got" || { echo "FAIL $capture: tshark failed"; fail=1; continue; }
	if ! diff -u "$SCRATCH/want" "$SCRATCH/got" > "$SCRATCH/diff"; then
		echo "FAIL $capture: igmpx.rule.* items differ from the expectations" \
		     "(- expected: frame rules, + shown)"
		tail -n +3 "$SCRATCH/diff" | grep '^[-+]'
		fail=1
	fi
	captures=$((captures + 1))
	frames=$((frames + $(wc -l < "$SCRATCH/want")))
done
[ $fail = 0 ] && echo "ok: $frames frames of $captures captures raise exactly their expected rules"
exit $fail
