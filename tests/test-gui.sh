#!/usr/bin/env bash
# test-gui.sh GROUPS_PCAP EXPERT_PCAP EVIDENCE_PCAP [SHOTS_DIR]: the plugin in
# Wireshark's Qt GUI, as a person sees it, under Xvfb.
#
#   1. GROUPS_PCAP opened, then Statistics > IGMPX > Groups chosen (the
#      title and each entry clicked where tesseract reads it): the dialog
#      must open, and its screenshot, read by tesseract, must show every
#      group that tshark -z igmpx_groups,tree lists for the capture.
#   2. EXPERT_PCAP opened, then Analyze > Expert Information chosen the
#      same way: its screenshot must show IGMPX, the plugin's protocol,
#      as the protocol of findings.
#   3. EVIDENCE_PCAP, a harness evidence capture, opened; in it a report
#      the harness commented on and the query it answers (tshark finds
#      them: igmpx.response_to).  The report selected (Go to packet): its
#      details must show "Packet comments", the comment and "Response to";
#      the query selected: "Response in" each report.  Both times the
#      packet list must draw the related-packet arrow in the No. column of
#      the related rows and of no other row (read off the pixels: OCR
#      cannot see arrows).  Then Expert Information must show IGMPX
#      findings and, under severity Comment, the comment.
#
# SHOTS_DIR keeps the screenshots (groups.png, expert.png, evidence.png), as
# tools/screenshots.sh does for the README.  Wireshark runs as nobody (when
# root) with the plugin staged, as tshark does in the other tests (lib.sh).
# Skipped (77) without Xvfb, Wireshark's GUI, xdotool, ImageMagick or
# tesseract (./dev setup installs them).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

groups_pcap=$1 expert_pcap=$2 evidence_pcap=$3 shots=${4:-}
for tool in Xvfb wireshark xdotool import convert tesseract; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

# The display: a number no X server of this network namespace listens on
# (/proc/net/unix lists them all, a chroot's too), served by Xvfb on its
# socket file alone.  A chroot has a /tmp of its own but shares the
# abstract sockets X servers also listen on, so that a GUI test in the
# host and one in a chroot, each taking the first number free in its own
# /tmp, once both took :0, and Wireshark in the host then could not
# connect to its display; -nolisten local leaves the abstract socket out.  A number taken meanwhile
# by a test of this /tmp: that Xvfb holds the lock file, this one exits,
# and the next number is tried.
xvfb=
trap 'pkill -P $$ wireshark 2>/dev/null; [ -z "$xvfb" ] || kill $xvfb 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"' EXIT
display=
for n in $(seq 20 99); do
	[ -e "/tmp/.X$n-lock" ] && continue
	grep -qE "[ @]/tmp/\.X11-unix/X$n\$" /proc/net/unix && continue
	Xvfb ":$n" -screen 0 1280x900x24 -nolisten tcp -nolisten local >"$SCRATCH/xvfb.log" 2>&1 &
	xvfb=$!
	for _ in $(seq 300); do
		kill -0 "$xvfb" 2>/dev/null || break
		if [ -S "/tmp/.X11-unix/X$n" ] && [ "$(tr -d ' \n' <"/tmp/.X$n-lock" 2>/dev/null)" = "$xvfb" ]; then
			display=$n
			break
		fi
		sleep 0.1
	done
	[ -n "$display" ] && break
	kill "$xvfb" 2>/dev/null
	wait "$xvfb" 2>/dev/null
	xvfb=
done
[ -n "$display" ] || { cat "$SCRATCH/xvfb.log"; die "FAIL: Xvfb did not start on any display from :20 to :99"; }
export DISPLAY=:$display

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

# click_item TEXT MINX [hover]: clicks (with hover: rests on) the menu
# entry TEXT (its words, as tesseract reads them in one line of the
# screen) found right of x = MINX, as a
# person finds it by eye: menus differ between versions (4.6 adds entries
# after IGMPX), so no count of keys reaches it on all.  Sparse text
# (--psm 11): in its default layout tesseract drops menu entries it takes
# for part of the packet list behind them.  Prints the entry's
# left edge; false if it is not on the screen (three looks, a second apart).
click_item() {
	local pos try hover=${3:-}
	for try in 1 2 3; do
		import -window root "$SCRATCH/screen.png" 2>/dev/null &&
			convert "$SCRATCH/screen.png" -resize 200% -colorspace Gray "$SCRATCH/screen-big.png" &&
			pos=$(tesseract "$SCRATCH/screen-big.png" - --psm 11 tsv 2>/dev/null | awk -F'\t' -v want="$1" -v minx="$2" '
				BEGIN { n = split(want, w, " ") }
				NR > 1 && $1 == 5 && !found {
					if ($3 "." $4 "." $5 != line) { line = $3 "." $4 "." $5; k = 0 }
					k++; word[k] = $12; L[k] = $7; T[k] = $8; W[k] = $9; H[k] = $10
					if (k < n) next
					s = k - n + 1
					for (i = 1; i <= n; i++) if (word[s + i - 1] != w[i]) next
					if (L[s] / 2 <= minx) next
					found = 1
					printf "%d %d %d %d\n", L[s] / 2 + 2, (T[s] + H[s] / 2) / 2, W[s] / 8, L[s] / 2
				}')
		if [ -n "$pos" ]; then
			set -- $pos "$hover"
			# Onto the entry's first word, then along it to its middle:
			# Qt 6.8's menus (Wireshark 4.4) took no click from a pointer
			# that jumped onto the entry, and closed on a click on an
			# entry with a submenu, which the pointer resting on it opens.
			xdotool mousemove "$1" "$2"
			sleep 0.2
			xdotool mousemove $(($1 + $3)) "$2"
			sleep 0.2
			xdotool mousemove $(($1 + 2 * $3)) "$2"
			if [ "$5" = hover ]; then sleep 1; else xdotool click 1; sleep 0.5; fi
			echo "$4"
			return 0
		fi
		sleep 1
	done
	return 1
}

# menu TITLE ITEM...: clicks the menu TITLE in the main window's menu bar,
# then rests on each ITEM but the last, opening its submenu (whose entries
# are right of it), and clicks the last.  The title is clicked, not opened
# with Alt+key: a menu Qt 6.8 (Wireshark 4.4) opened from the keyboard
# ignores the pointer, and Return then takes its first entry.
menu() {
	local x=0
	xdotool windowfocus --sync "$main" 2>/dev/null || xdotool windowactivate "$main" 2>/dev/null
	while [ $# -gt 0 ]; do
		# The title and the last entry are clicked; an entry between
		# them opens its submenu.
		x=$(click_item "$1" "$x" $([ "$x" != 0 ] && [ $# -gt 1 ] && echo hover)) ||
			{ echo "no menu entry '$1' on the screen" >&2; return 1; }
		shift
	done
}

# open_dialog TITLE MENU ITEM...: the menu (menu MENU ITEM...), then the
# dialog whose title holds TITLE (its window id); three tries (Escape
# closes a menu left open by a machine too loaded to take a click), 40 s
# each.
open_dialog() {
	local title=$1 try id
	shift
	for try in 1 2 3; do
		menu "$@" && id=$(wait_window "$title" 40) && { echo "$id"; return 0; }
		xdotool key Escape Escape 2>/dev/null
		sleep 1
	done
	return 1
}

# shoot WINDOW NAME [KEEP [OPTION...]]: the window's screenshot (NAME.png,
# kept in SHOTS_DIR if given, unless KEEP is 0) and what tesseract reads in
# it, three times enlarged, grey, then convert's OPTIONs (NAME.txt).
shoot() {
	local window=$1 name=$2 keep=${3:-1}
	shift $(($# < 3 ? $# : 3))
	# Wide enough for every column (the Expert dialog opens narrow).
	xdotool windowsize "$window" 1240 560 2>/dev/null
	sleep 1
	import -window "$window" "$SCRATCH/$name.png" || { echo "FAIL: no screenshot of $name"; return 1; }
	[ -z "$shots" ] || [ "$keep" = 0 ] || cp "$SCRATCH/$name.png" "$shots/$name.png"
	convert "$SCRATCH/$name.png" -resize 300% -colorspace Gray "$@" "$SCRATCH/$name-big.png"
	tesseract "$SCRATCH/$name-big.png" - 2>/dev/null >"$SCRATCH/$name.txt"
}

# seen TXT TEXT: whether a line of what tesseract read (TXT) holds TEXT,
# both taken without blanks or case and with the characters it mistakes
# for each other (1 l i |, 0 o) made one; a TEXT ending in a number must
# not go on with a digit ("Response in: 3" is not "Response in: 31").
seen() {
	awk -v want="$2" '
		function norm(s) {
			s = tolower(s); gsub(/[ \t]/, "", s); gsub(/[1i|]/, "l", s); gsub(/0/, "o", s)
			return s
		}
		BEGIN { w = norm(want); number = want ~ /[0-9]$/ }
		{
			l = norm($0); p = index(l, w)
			if (p && !(number && substr(l, p + length(w), 1) ~ /[0-9lo]/)) found = 1
		}
		END { exit !found }' "$1"
}

# show_frame N COMMENTS: frame N selected (Go to packet), then in its
# details the last tree (the protocol's) opened and, if COMMENTS is 1, the
# first (Packet comments).  The keys reach the details from the display
# filter (Ctrl+/) with two Tabs (the packet list, the details), and
# Collapse All (Ctrl+Left) first puts Home and End on the top-level trees,
# whatever an earlier frame opened.
show_frame() {
	xdotool windowfocus --sync "$main" 2>/dev/null || xdotool windowactivate "$main" 2>/dev/null
	xdotool key ctrl+g
	sleep 0.5
	xdotool type "$1"
	xdotool key Return
	sleep 0.5
	xdotool key ctrl+slash Tab Tab ctrl+Left
	sleep 0.5
	[ "$2" != 1 ] || xdotool key Home Right
	xdotool key End Right
	sleep 1
}

# view NAME N COMMENTS TEXT...: frame N shown (show_frame), the main
# window's screenshot (NAME.png) and what tesseract reads in the details
# (NAME.txt), the window's lower left quarter in Wireshark's default
# layout; until every TEXT is read there (seen), three tries: a loaded
# machine can be slow to take the keys or to draw.
view() {
	local name=$1 frame=$2 comments=$3 try text missing=", screenshot"
	shift 3
	for try in 1 2 3; do
		show_frame "$frame" "$comments"
		import -window "$main" "$SCRATCH/$name.png" || continue
		convert "$SCRATCH/$name.png" -gravity SouthWest -crop 50%x50%+0+0 +repage \
			-resize 300% -colorspace Gray "$SCRATCH/$name-big.png"
		OMP_THREAD_LIMIT=1 tesseract "$SCRATCH/$name-big.png" - 2>/dev/null >"$SCRATCH/$name.txt"
		missing=
		for text in "$@"; do
			seen "$SCRATCH/$name.txt" "$text" || missing="$missing, \"$text\""
		done
		[ -n "$missing" ] || return 0
	done
	echo "FAIL: frame $frame selected, the details show no ${missing#, }; tesseract read:"
	cat "$SCRATCH/$name.txt"
	return 1
}

# marks PNG SEL FRAME...: "FRAME MARK" for each FRAME, MARK the sign
# Wireshark draws left of the number, in the No. column, on the rows of
# the frames related to the selected one (SEL) by a frame number field:
# "arrow" (a request or response: half a row wide or more), "dot" (other
# relations: a few pixels), "none", or "unseen" (the row is off the list).
# The selected row is the list's highlighted band, the first from the top
# (a selected item in the details is highlighted half as wide): its height
# and left edge place the other rows, in frame order (no filter is set).
# A mark is what differs from the commonest colour (the row's background)
# in the row's first (height + 3) pixels.
marks() {
	local png=$1 sel=$2 w h top bottom rh x0 f y
	shift 2
	read -r w h < <(identify -format '%w %h\n' "$png")
	# Each pixel line averaged into one pixel: the band's lines are blue.
	read -r top bottom < <(convert "$png" -scale "1x$h!" -depth 8 txt:- | awk '
		NR > 1 {
			split($1, p, /[,:]/); split($2, c, /[(),]/)
			if (c[4] - c[2] > 100) { if (t == "") t = p[2]; b = p[2] }
			else if (t != "") exit
		}
		END { print t, b }')
	[ -n "$top" ] || { echo "no selected row in the packet list" >&2; return 1; }
	rh=$((bottom - top + 1))
	x0=$(convert "$png" -crop "${w}x1+0+$(((top + bottom) / 2))" -depth 8 txt:- | awk '
		NR > 1 {
			split($1, p, /[,:]/); split($2, c, /[(),]/)
			if (c[4] - c[2] > 100) { print p[1]; exit }
		}')
	for f in "$@"; do
		y=$((top + (f - sel) * rh))
		if [ $y -lt 0 ] || [ $((y + rh)) -gt $h ]; then
			echo "$f unseen"
			continue
		fi
		printf '%s ' "$f"
		convert "$png" -crop "$((rh + 3))x$((rh - 2))+$x0+$((y + 1))" -depth 8 txt:- | awk -v rh=$rh '
			NR > 1 {
				split($1, p, /[,:]/); split($2, c, /[(),]/)
				n++; x[n] = p[1]; v[n, 1] = c[2]; v[n, 2] = c[3]; v[n, 3] = c[4]
				k = c[2] "," c[3] "," c[4]
				if (++count[k] > most) { most = count[k]; bg = k }
			}
			END {
				split(bg, q, /,/); lo = -1; m = 0
				for (i = 1; i <= n; i++) {
					d = 0
					for (j = 1; j <= 3; j++) {
						e = v[i, j] - q[j]; if (e < 0) e = -e; if (e > d) d = e
					}
					if (d <= 12) continue
					m++; if (lo < 0 || x[i] < lo) lo = x[i]; if (x[i] > hi) hi = x[i]
				}
				print (m == 0 ? "none" : hi - lo + 1 >= rh / 2 ? "arrow" : "dot")
			}'
	done
}

# related NAME SEL LAST FRAME...: FAILs unless the screenshot NAME.png,
# frame SEL selected, shows an arrow on the rows of the FRAMEs and on no
# other row of the frames near SEL (LAST the capture's last frame).  Two
# more screenshots if not: the list may be drawn after the details.
related() {
	local name=$1 sel=$2 last=$3 f rows= try got mark bad arrows others
	shift 3
	for f in $(seq $((sel > 8 ? sel - 8 : 1)) $((sel + 8 < last ? sel + 8 : last))); do
		case " $* " in *" $f "*) ;; *) [ "$f" = "$sel" ] || rows="$rows $f" ;; esac
	done
	for try in 1 2 3; do
		[ $try = 1 ] || { sleep 1; import -window "$main" "$SCRATCH/$name.png"; }
		bad= arrows= others=
		got=$(marks "$SCRATCH/$name.png" "$sel" "$@" $rows) || bad=" no packet list found;"
		for f in "$@"; do
			mark=$(awk -v f="$f" '$1 == f { print $2 }' <<<"$got")
			[ "$mark" = arrow ] && arrows="$arrows $f" || bad="$bad row $f: ${mark:-?}, not an arrow;"
		done
		for f in $rows; do
			mark=$(awk -v f="$f" '$1 == f { print $2 }' <<<"$got")
			[ "$mark" != arrow ] && others="$others $f" || bad="$bad row $f: an arrow, unrelated;"
		done
		[ -n "$bad" ] || break
	done
	if [ -n "$bad" ]; then
		echo "FAIL: frame $sel selected, the packet list's related-packet marks are wrong:$bad" \
			"(arrows wanted on rows $*)"
		return 1
	fi
	echo "ok: frame $sel selected, the packet list draws arrows on rows$arrows and none on rows$others"
}

[ -z "$shots" ] || mkdir -p "$shots"

# 1. Statistics > IGMPX > Groups.
want=$(tshark_as_user -r "$(stage_input "$groups_pcap")" -q -z igmpx_groups,tree |
	awk '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ { print $1 }')
[ -n "$want" ] || die "FAIL: tshark lists no group in $groups_pcap"
wireshark_open "$groups_pcap"
if dialog=$(open_dialog " Groups " Statistics IGMPX Groups); then
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
if dialog=$(open_dialog "Expert Information" Analyze "Expert Information"); then
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

# 3. A harness evidence capture: comments, related packets, findings.
evidence=$(stage_input "$evidence_pcap") || die "cannot read $evidence_pcap"
# Every frame with the query it answers and its first comment, as tshark
# sees them (two passes: a query's answers come after it).
tshark_as_user -2 -r "$evidence" -T fields -E occurrence=f \
	-e frame.number -e igmpx.response_to -e frame.comment >"$SCRATCH/evidence.tsv"
IFS=$'\t' read -r report query comment < <(awk -F'\t' '$2 != "" && $3 != ""' "$SCRATCH/evidence.tsv")
[ -n "${comment:-}" ] || die "FAIL: no commented report answers a query in $evidence_pcap (tshark)"
answers=$(awk -F'\t' -v q="$query" '$2 == q { print $1 }' "$SCRATCH/evidence.tsv")
last=$(awk 'END { print NR }' "$SCRATCH/evidence.tsv")
# As much of the comment as the details and the Expert dialog show.
gist=${comment:0:40}
wireshark_open "$evidence_pcap"
# Room for the details' trees.
xdotool windowsize "$main" 1240 860 2>/dev/null
sleep 1
if view evidence "$report" 1 "Frame $report:" "Packet comments" "$gist" "[Response to: $query]"; then
	echo "ok: report $report selected, its details show the comment \"$gist...\" and Response to: $query"
else
	fail=1
fi
[ -z "$shots" ] || cp "$SCRATCH/evidence.png" "$shots/evidence.png"
related evidence "$report" "$last" "$query" || fail=1
want=("Frame $query:")
for a in $answers; do want+=("Response in: $a"); done
if view evidence-query "$query" 0 "${want[@]}"; then
	echo "ok: query $query selected, its details show Response in:" $answers
else
	fail=1
fi
related evidence-query "$query" "$last" $answers || fail=1
if dialog=$(open_dialog "Expert Information" Analyze "Expert Information"); then
	# The last group, Comment, opened: its comments.  Again if they do not
	# show: End then reaches a comment, and Right does nothing more.
	for try in 1 2 3; do
		xdotool windowfocus --sync "$dialog" 2>/dev/null
		xdotool key End Right
		# Black and white: tesseract skips rows on a coloured background
		# (Chat's blue) in grey.
		shoot "$dialog" evidence-expert 0 -threshold 50%
		seen "$SCRATCH/evidence-expert.txt" "$gist" && break
	done
	missing=
	grep -q "IGMPX" "$SCRATCH/evidence-expert.txt" || missing="$missing IGMPX findings,"
	grep -q "^[^A-Za-z]*Comment " "$SCRATCH/evidence-expert.txt" || missing="$missing severity Comment,"
	seen "$SCRATCH/evidence-expert.txt" "$gist" || missing="$missing \"$gist\","
	if [ -n "$missing" ]; then
		echo "FAIL: Expert Information for $(basename "$evidence_pcap") lacks${missing%,}; tesseract read:"
		cat "$SCRATCH/evidence-expert.txt"
		fail=1
	else
		echo "ok: Expert Information lists IGMPX findings and, under Comment, \"$gist...\""
	fi
else
	echo "FAIL: Analyze > Expert Information opened no dialog for $(basename "$evidence_pcap")"
	fail=1
fi
wireshark_close
exit $fail
