# lib.sh: shared helpers for the tests that run tshark.  Source it; it needs
# IGMPX_STAGE (the folder holding VERSION/epan/igmpx.so, VERSION the
# Wireshark the plugin was built against: 4.0, 4.4, 4.6) in the environment.
#
# tshark run by root ignores WIRESHARK_PLUGIN_DIR and the personal plugin
# folder, so as root every tshark runs as nobody, on copies of the plugin
# and of the inputs in a scratch folder nobody can read.

set -u

die() { printf '%s\n' "$*" >&2; exit 1; }

: "${IGMPX_STAGE:?IGMPX_STAGE must name the plugin staging folder}"
command -v tshark >/dev/null || die "tshark is not installed"
# The plugin of the Wireshark whose tshark runs (X.Y of its version).
WS_VERSION=$(tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
[ -n "$WS_VERSION" ] || die "cannot read tshark's version"
[ -f "$IGMPX_STAGE/$WS_VERSION/epan/igmpx.so" ] ||
	die "no plugin at $IGMPX_STAGE/$WS_VERSION/epan/igmpx.so (tshark is Wireshark $WS_VERSION): build it first"

SCRATCH=$(mktemp -d /tmp/igmpx-test.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
chmod 755 "$SCRATCH"
mkdir -p "$SCRATCH/stage/$WS_VERSION/epan" "$SCRATCH/home" "$SCRATCH/in"
cp "$IGMPX_STAGE/$WS_VERSION/epan/igmpx.so" "$SCRATCH/stage/$WS_VERSION/epan/"
chmod -R a+rX "$SCRATCH"
chmod 777 "$SCRATCH/home"

# stage_input FILE: a copy the tshark user can read; prints its path.
stage_input() {
	local dst="$SCRATCH/in/$(basename "$1")"
	cp "$1" "$dst" && chmod a+r "$dst" && printf '%s\n' "$dst"
}

# tshark_as_user ARGS...: tshark with the plugin staged, as nobody when root.
# IGMPX_NO_PLUGIN=1 runs it with an empty plugin folder (the built-in only).
tshark_as_user() {
	local dir="$SCRATCH/stage"
	[ "${IGMPX_NO_PLUGIN:-0}" = 1 ] && dir="$SCRATCH/home"
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env -i PATH=/usr/bin:/bin HOME="$SCRATCH/home" \
			WIRESHARK_PLUGIN_DIR="$dir" WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
			tshark "$@"
	else
		env HOME="$SCRATCH/home" WIRESHARK_PLUGIN_DIR="$dir" \
			WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 tshark "$@"
	fi
}

# The contract fields (issue 2), in the order the expected files list them.
CONTRACT_FIELDS="igmpx.type igmpx.version igmpx.checksum igmpx.checksum.status
igmpx.max_resp_code igmpx.max_resp_time igmpx.group igmpx.s igmpx.qrv igmpx.qqic
igmpx.qqi igmpx.num_sources igmpx.source igmpx.num_records igmpx.record.type
igmpx.record.aux_len igmpx.record.num_sources igmpx.record.group igmpx.record.source"

# all_fields: every igmpx field the plugin registers, in registration order
# (the contract fields among them).  Subtree items (FT_NONE) carry no value.
# The list is kept beside the staged plugin (fields.txt, made again when
# the plugin is newer): a tshark start fewer for each of the hundred tests.
all_fields() {
	local cache="$IGMPX_STAGE/$WS_VERSION/fields.txt" tmp
	if [ -s "$cache" ] && [ "$cache" -nt "$IGMPX_STAGE/$WS_VERSION/epan/igmpx.so" ]; then
		cat "$cache"
		return
	fi
	tmp=$(mktemp "$SCRATCH/fields.XXXXXX")
	tshark_as_user -G fields 2>/dev/null |
		awk -F'\t' '$1 == "F" && $3 ~ /^igmpx\./ && $4 != "FT_NONE" { print $3 }' > "$tmp"
	cat "$tmp"
	# Tests run side by side: the list appears whole or not at all.
	[ ! -s "$tmp" ] || mv -f "$tmp" "$cache" 2>/dev/null || true
}

# decode_fields PCAP: one block per frame, the Protocol and Info columns
# then every igmpx field that is present and the expert texts, as name=value
# (values of a field that occurs more than once are joined with commas).
decode_fields() {
	local f names args=()
	names=$(all_fields)
	[ -n "$names" ] || die "tshark lists no igmpx field: is the plugin loaded?"
	names="$names _ws.expert.message"      # expert texts: checksum, truncation
	for f in _ws.col.Protocol _ws.col.Info $names; do
		args+=(-e "$f")
	done
	tshark_as_user -r "$1" ${IGMPX_TWO_PASS:+-2} -T fields -E separator=/t -E occurrence=a -E aggregator=, \
		-e frame.number "${args[@]}" |
	awk -F'\t' -v names="_ws.col.Protocol _ws.col.Info $(echo $names)" '
		BEGIN { n = split(names, name, / /) }
		# A boolean field: tshark 4.0 prints 1 or 0, 4.2 and later True
		# or False; written as 4.0 does, so that one expected file holds.
		function bools(v,   k, i, t, out) {
			k = split(v, t, /,/)
			for (i = 1; i <= k; i++)
				out = out (i > 1 ? "," : "") (t[i] == "True" ? "1" : t[i] == "False" ? "0" : t[i])
			return out
		}
		# Expert items of Wireshark itself that only some versions add: the
		# ICMP dissector of 4.6 marks every ICMP error "Type indicates an
		# error" (the frames that quote IGMP).
		function theirs(v) {
			v = "," v ","
			gsub(/,Type indicates an error,/, ",", v)
			return substr(v, 2, length(v) - 2)
		}
		{
			printf "frame %s: %s | %s\n", $1, $2, $3
			line = ""
			for (i = 3; i <= n; i++) {
				v = $(i + 1)
				if (name[i] == "_ws.expert.message")
					v = theirs(v)
				if (v != "")
					line = line " " name[i] "=" bools(v)
			}
			if (line != "")
				print " " line
		}'
}

# check_expected GOT WANT LABEL: with IGMPX_UPDATE=1 write WANT from GOT (to
# be read by hand before committing); else fail (return 1) on any
# difference, shown as a diff.
check_expected() {
	if [ "${IGMPX_UPDATE:-0}" = 1 ]; then
		cp "$1" "$2"
		echo "wrote $2: read it before committing"
	elif ! diff -u "$2" "$1"; then
		echo "FAIL $3: differs from $2 (- expected, + got)"
		return 1
	fi
}

# rules_per_frame PCAP [LABEL [ONCE]]: "[LABEL ]<frame> <rule,rule|->" for
# every frame of PCAP decoded in two passes (tshark -2, so that timing
# findings about earlier frames are in place), the igmpx.rule IDs sorted;
# an ID as many times as the frame reports it, or once with ONCE=1.
# $RULES_TSHARK_OPTS: more tshark options (words), e.g. -o ip.defragment:FALSE.
rules_per_frame() {
	# shellcheck disable=SC2086
	tshark_as_user -2 ${RULES_TSHARK_OPTS:-} -r "$1" -T pdml |
	awk -v c="${2:-}" -v once="${3:-0}" '
		/<field name="frame.number"/ {
			if (frame != "") flush()
			match($0, /show="[0-9]+"/)
			frame = substr($0, RSTART + 6, RLENGTH - 7)
			n = 0; delete seen
		}
		/<field name="igmpx\.rule\./ {
			match($0, /name="igmpx\.rule\.[a-z0-9_]+"/)
			r = substr($0, RSTART + 17, RLENGTH - 18)
			if (!once || !(r in seen)) { seen[r] = 1; list[++n] = r }
		}
		function flush(   i, j, t, s) {
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && list[j - 1] > list[j]; j--) {
					t = list[j]; list[j] = list[j - 1]; list[j - 1] = t
				}
			s = ""
			for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") list[i]
			print (c == "" ? "" : c " ") frame, (s == "" ? "-" : s)
		}
		END { if (frame != "") flush() }'
}
