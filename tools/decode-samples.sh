#!/usr/bin/env bash
# decode-samples.sh BUILD_DIR: decode every sample capture with tshark and
# the installed igmpx plugin; write one full decode per capture and print a
# summary (frames, messages by protocol, igmpx findings by severity).
#
# Until the harness exists this is what `./dev run` does after installing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: decode-samples.sh BUILD_DIR}
report="$build/report"
mkdir -p "$report"

# IGMPX_STAGE set (the tests): the plugin staged there, tshark as nobody on
# copies of the inputs (tests/lib.sh).  Else the installed plugin.
if [ -n "${IGMPX_STAGE:-}" ]; then
	. "$top/tests/lib.sh"
	run_tshark() { tshark_as_user "$@" 2>/dev/null; }
	input() { stage_input "$1"; }
else
	run_tshark() {
		if [ "$(id -u)" = 0 ]; then
			tshark "$@" 2>/dev/null          # root: the global plugin folder
		else
			WIRESHARK_PLUGIN_DIR="$build/stage" tshark "$@" 2>/dev/null
		fi
	}
	input() { printf '%s\n' "$1"; }
fi

run_tshark -G plugins 2>/dev/null | grep -q 'igmpx\.so' ||
	{ echo "decode-samples: tshark does not load igmpx.so (run ./dev install)" >&2; exit 1; }

summary="$report/summary.txt"
printf '%-34s %6s  %-44s %5s %5s %5s %5s\n' capture frames "messages by protocol" \
	error warn note chat > "$summary"
for pcap in "$top"/pcaps/tcpdump/*.pcap "$top"/pcaps/linux/*.pcap "$build"/pcaps/*.pcap; do
	[ -f "$pcap" ] || continue
	name=$(basename "$pcap" .pcap)
	pcap=$(input "$pcap")
	# One tshark run a capture (its start is most of the cost): two passes
	# (the stateful analysis says some things only afterwards), each
	# frame's summary line (its Protocol column only) then its full
	# decode, and last the expert summary.
	run_tshark -r "$pcap" -2 -P -V -z expert -o 'gui.column.format:"Protocol","%p"' \
		> "$report/$name.txt"
	# The Protocol column: the line before each "Frame N: " line.
	awk '/^Frame [0-9]+: / { print prev } { prev = $0 }' "$report/$name.txt" \
		> "$report/$name.protocols"
	frames=$(wc -l < "$report/$name.protocols")
	protos=$(sort "$report/$name.protocols" | uniq -c |
		awk '{printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1}')
	rm -f "$report/$name.protocols"
	# igmpx.rule.* findings by severity, from the expert summary.
	findings=$(sed -n '/^=* *$/,$p' "$report/$name.txt" | awk '
		/^(Errors|Warns|Notes|Chats) \(/ { sev = $1 }
		$3 == "IGMPX" { n[sev] += $1 }
		END { printf "%d %d %d %d", n["Errors"], n["Warns"], n["Notes"], n["Chats"] }')
	[ -n "$findings" ] || { echo "decode-samples: tshark failed on $pcap" >&2; exit 1; }
	# shellcheck disable=SC2086
	printf '%-34s %6s  %-44s %5s %5s %5s %5s\n' "$name" "$frames" "$protos" $findings >> "$summary"
done
cat "$summary"
echo
echo "Full decodes: $report/<capture>.txt; this summary: $summary"
