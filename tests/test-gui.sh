#!/usr/bin/env bash
# test-gui.sh GROUPS_PCAP EXPERT_PCAP [SHOTS_DIR]: the plugin in Wireshark's
# Qt GUI, as a person sees it, under Xvfb.
#
#   1. GROUPS_PCAP opened, then Statistics > IGMPX > Groups chosen from the
#      keyboard (Alt+S, the menu's last entry, its first item): the dialog
#      must open, and its screenshot, read by tesseract, must show every
#      group that tshark -z igmpx_groups,tree lists for the capture.
#   2. EXPERT_PCAP opened, then Analyze > Expert Information (the menu's
#      last entry): its screenshot must show IGMPX, the plugin's protocol,
#      as the protocol of findings.
#
# SHOTS_DIR keeps the screenshots (groups.png, expert.png), as
# tools/screenshots.sh does for the README.  Wireshark runs as nobody (when
# root) with the plugin staged, as tshark does in the other tests (lib.sh).
# Skipped (77) without Xvfb, Wireshark's GUI, xdotool, ImageMagick or
# tesseract (./dev setup installs them).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

groups_pcap=$1 expert_pcap=$2 shots=${3:-}
for tool in Xvfb wireshark xdotool import convert tesseract; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

# The display: Xvfb picks a free number and writes it to fd 3.
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$SCRATCH/display" \
	>"$SCRATCH/xvfb.log" 2>&1 &
xvfb=$!
trap 'pkill -P $$ wireshark 2>/dev/null; kill $xvfb 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"' EXIT
for _ in $(seq 100); do [ -s "$SCRATCH/display" ] && break; sleep 0.1; done
[ -s "$SCRATCH/display" ] || { cat "$SCRATCH/xvfb.log"; die "FAIL: Xvfb did not start"; }
export DISPLAY=:$(head -1 "$SCRATCH/display")

fail=0
ws_pid=

# wireshark_open PCAP: Wireshark on the capture; waits (2 minutes at most:
# a loaded machine) for its main window, whose title names the file.
wireshark_open() {
	local pcap name w
	pcap=$(stage_input "$1") || die "cannot read $1"
	name=$(basename "$1")
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env -i PATH=/usr/bin:/bin HOME="$SCRATCH/home" DISPLAY="$DISPLAY" \
			WIRESHARK_PLUGIN_DIR="$SCRATCH/stage" wireshark -r "$pcap" \
			>"$SCRATCH/wireshark.log" 2>&1 &
	else
		env HOME="$SCRATCH/home" WIRESHARK_PLUGIN_DIR="$SCRATCH/stage" wireshark -r "$pcap" \
			>"$SCRATCH/wireshark.log" 2>&1 &
	fi
	ws_pid=$!
	main=$(wait_window "$name" 120) || {
		tail -20 "$SCRATCH/wireshark.log"
		die "FAIL: no Wireshark window for $name within 120 s"
	}
	# The packet list is filled once the title is set; a moment more for
	# the menus to take keys.
	sleep 2
}

wireshark_close() {
	kill "$ws_pid" 2>/dev/null
	wait "$ws_pid" 2>/dev/null
	ws_pid=
}

# wait_window TEXT SECONDS: the id of a window whose title holds TEXT.
wait_window() {
	local id end=$((SECONDS + $2))
	while [ $SECONDS -lt $end ]; do
		id=$(xdotool search --name "$1" 2>/dev/null | tail -1)
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.5
	done
	return 1
}

# menu KEY DOWN...: opens a menu of the main window with Alt+KEY, then
# the keys given (Up from the first entry goes to the last).
menu() {
	local k=$1
	shift
	xdotool windowfocus --sync "$main" 2>/dev/null || xdotool windowactivate "$main" 2>/dev/null
	xdotool key --window "$main" "alt+$k"
	sleep 1
	for key in "$@"; do
		xdotool key "$key"
		sleep 0.5
	done
}

# open_dialog TITLE KEY...: the menu keys, then the dialog whose title holds
# TITLE (its window id); three tries (Escape closes a menu left open by
# keys a loaded machine was too slow to take), 40 s each.
open_dialog() {
	local title=$1 try id
	shift
	for try in 1 2 3; do
		menu "$@"
		id=$(wait_window "$title" 40) && { echo "$id"; return 0; }
		xdotool key Escape Escape 2>/dev/null
		sleep 1
	done
	return 1
}

# shoot WINDOW NAME: the window's screenshot (NAME.png, kept in SHOTS_DIR
# if given) and what tesseract reads in it, three times enlarged (NAME.txt).
shoot() {
	# Wide enough for every column (the Expert dialog opens narrow).
	xdotool windowsize "$1" 1240 560 2>/dev/null
	sleep 1
	import -window "$1" "$SCRATCH/$2.png" || { echo "FAIL: no screenshot of $2"; return 1; }
	[ -z "$shots" ] || cp "$SCRATCH/$2.png" "$shots/$2.png"
	convert "$SCRATCH/$2.png" -resize 300% -colorspace Gray "$SCRATCH/$2-big.png"
	tesseract "$SCRATCH/$2-big.png" - 2>/dev/null >"$SCRATCH/$2.txt"
}

[ -z "$shots" ] || mkdir -p "$shots"

# 1. Statistics > IGMPX > Groups.
want=$(tshark_as_user -r "$(stage_input "$groups_pcap")" -q -z igmpx_groups,tree |
	awk '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ { print $1 }')
[ -n "$want" ] || die "FAIL: tshark lists no group in $groups_pcap"
wireshark_open "$groups_pcap"
if dialog=$(open_dialog " Groups " s Up Right Return); then
	shoot "$dialog" groups
	missing=
	for g in $want; do
		grep -qF "$g" "$SCRATCH/groups.txt" || missing="$missing $g"
	done
	if [ -n "$missing" ]; then
		echo "FAIL: the Groups dialog shows no row for:$missing; tesseract read:"
		cat "$SCRATCH/groups.txt"
		fail=1
	else
		echo "ok: Statistics > IGMPX > Groups shows $(echo $want | wc -w) groups: $(echo $want)"
	fi
else
	echo "FAIL: Statistics > IGMPX > Groups opened no dialog; windows:"
	xdotool search --name . getwindowname %@ 2>/dev/null | sort -u
	[ -z "$shots" ] || import -window root "$shots/groups-failed.png"
	fail=1
fi
wireshark_close

# 2. Analyze > Expert Information.
wireshark_open "$expert_pcap"
if dialog=$(open_dialog "Expert Information" a Up Return); then
	shoot "$dialog" expert
	if grep -q "IGMPX" "$SCRATCH/expert.txt"; then
		echo "ok: Expert Information lists findings of IGMPX"
	else
		echo "FAIL: Expert Information shows no IGMPX finding; tesseract read:"
		cat "$SCRATCH/expert.txt"
		fail=1
	fi
else
	echo "FAIL: Analyze > Expert Information opened no dialog"
	fail=1
fi
wireshark_close
exit $fail
