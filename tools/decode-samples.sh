#!/usr/bin/env bash
# decode-samples.sh BUILD_DIR: decode every sample capture with tshark and
# the installed igmpx plugin; write one full decode per capture and print a
# summary (frames, messages by protocol, bad checksums, truncations).
#
# Until the harness exists this is what `./dev run` does after installing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: decode-samples.sh BUILD_DIR}
report="$build/report"
mkdir -p "$report"

run_tshark() {
	if [ "$(id -u)" = 0 ]; then
		tshark "$@" 2>/dev/null          # root: the global plugin folder
	else
		WIRESHARK_PLUGIN_DIR="$build/stage" tshark "$@" 2>/dev/null
	fi
}

run_tshark -G plugins 2>/dev/null | grep -q 'igmpx\.so' ||
	{ echo "decode-samples: tshark does not load igmpx.so (run ./dev install)" >&2; exit 1; }

summary="$report/summary.txt"
printf '%-34s %6s  %-44s %5s %5s\n' capture frames "messages by protocol" badck trunc > "$summary"
for pcap in "$top"/pcaps/tcpdump/*.pcap "$top"/pcaps/linux/*.pcap "$build"/pcaps/*.pcap; do
	[ -f "$pcap" ] || continue
	name=$(basename "$pcap" .pcap)
	run_tshark -r "$pcap" -V > "$report/$name.txt"
	frames=$(run_tshark -r "$pcap" -T fields -e frame.number | wc -l)
	protos=$(run_tshark -r "$pcap" -T fields -e _ws.col.Protocol | sort | uniq -c |
		awk '{printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1}')
	badck=$(run_tshark -r "$pcap" -Y 'igmpx.checksum.status == 0' | wc -l)
	trunc=$(run_tshark -r "$pcap" -Y 'igmpx.truncated' | wc -l)
	printf '%-34s %6s  %-44s %5s %5s\n' "$name" "$frames" "$protos" "$badck" "$trunc" >> "$summary"
done
cat "$summary"
echo
echo "Full decodes: $report/<capture>.txt; this summary: $summary"
