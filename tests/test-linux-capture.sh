#!/usr/bin/env bash
# test-linux-capture.sh BUILD_DIR
#
# Re-runs pcaps/linux/capture.sh into a scratch folder and checks that this
# machine's kernel sends the same IGMP messages as the committed captures:
# per capture, the same multiset of (source, destination, type, group,
# Max Resp, sources, record types, groups and sources).  Times and the order
# of a host's answers to one query are random by the RFCs, so lines are
# compared sorted.  Needs root (namespaces); exits 77 (skipped) otherwise.
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "skipped: needs root for network namespaces"; exit 77; }
. "$here/lib.sh"

build=${1:?usage: test-linux-capture.sh BUILD_DIR}
committed="$here/../pcaps/linux"
fresh="$SCRATCH/fresh"
mkdir -p "$fresh"
IGMPX_BUILD_DIR="$build" "$committed/capture.sh" "$fresh" > "$SCRATCH/capture.log" 2>&1 ||
	{ cat "$SCRATCH/capture.log"; die "FAIL capture.sh failed"; }
chmod -R a+rX "$fresh"

messages() {
	tshark_as_user -r "$1" -T fields -E separator=' ' -E occurrence=a -E aggregator=, \
		-e ip.src -e ip.dst -e igmpx.type -e igmpx.group -e igmpx.max_resp_code \
		-e igmpx.source -e igmpx.record.type -e igmpx.record.group -e igmpx.record.source |
		sort
}

fail=0
for v in v1 v2 v3; do
	old=$(stage_input "$committed/linux-$v.pcap")
	if diff -u --label "committed linux-$v" --label "fresh linux-$v" \
		<(messages "$old") <(messages "$fresh/linux-$v.pcap"); then
		echo "ok linux-$v: $(messages "$old" | wc -l) messages, as committed"
	else
		echo "FAIL linux-$v: the kernel now sends other messages (- committed, + fresh)"
		fail=1
	fi
done
exit $fail
