#!/usr/bin/env bash
# conformance/reports/report.sh [--iut PROFILE.ini] [--name NAME] [--to DIR]
#                               [--notes FILE] [--filter 'ID-GLOB'] [-j N]
#                               [--from RUN-DIR]
#
# Runs the suite of the profile's role (conformance/host/ or
# conformance/router/) against the IUT of PROFILE (default:
# conformance/iut/linux-host.ini, the kernel of this machine in a network
# namespace; conformance/iut/linux-bridge.ini is its bridge querier) and
# writes its report:
#
#   DIR/NAME.md         per case: verdict, level, RFC section, time and the
#                       evidence capture; then every verdict other than PASS
#                       with the harness's reason and its explanation
#   DIR/NAME/<ID>.pcapng  the evidence: the whole exchange, each frame an
#                       expectation matched or missed commented
#   DIR/NAME.junit.xml
#
# DIR defaults to conformance/reports, NAME to the profile's file name
# (linux-host).  --filter runs only the cases whose ID matches (as igmpx
# run --filter).  --from RUN-DIR makes the report of a run already made
# (igmpx run --out RUN-DIR --junit RUN-DIR/junit.xml, with the same
# profile and filter; its igmpx.log the run's output) instead of running
# the suite: for a suite that takes half an hour, whose notes are written
# after its run.  The IUT's versions come from the profile's "version"
# command when it has one (its output, one line).  conformance/reports/
# NAME.known.md, when there is one, is appended: what was known of the IUT
# before (public bug reports, earlier probes) and the case that reproduces
# or explains each.  Explanations come from conformance/reports/NAME.notes (or
# --notes FILE), one line per case and verdict:
#
#   CASE-ID  WARN[,FAIL...]  deviation|ambiguity|harness  One sentence: why.
#   late     WARN[,FAIL...]  deviation|ambiguity|harness  One sentence: why.
#
# (deviation: the IUT breaks the RFC; ambiguity: the RFC allows readings and
# the case judges one; harness: a limit of the harness).  A note explains
# the verdicts it lists.  The note "late" explains, in any case, a verdict
# whose every reason is a frame that came after its window: the harness
# says "late: first after the window at +T s" in each such reason (WARN
# inside the tolerance, FAIL or WARN beyond it), so an IUT whose timers run
# late now and then is explained once, for every case, in the runs where
# it happens.  A case's own note comes first.  The script fails (exit 1)
# when a case is FAIL, WARN, INCONCLUSIVE, SKIP or ERROR without a note
# listing that verdict, naming each, so that no unexplained verdict gets into
# the report; exit 2 when the run itself could not be made.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
iut=$top/conformance/iut/linux-host.ini name="" to=$top/conformance/reports jobs=2 notes="" filter=""
from=""
while [ $# -gt 0 ]; do
	case $1 in
	--iut) iut=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--to) to=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	--notes) notes=$2; shift 2 ;;
	--filter) filter=$2; shift 2 ;;
	--from) from=$(realpath "$2") || exit 2; shift 2 ;;
	*) echo "usage: conformance/reports/report.sh [--iut PROFILE.ini] [--name NAME] [--to DIR] [--notes FILE] [--filter 'ID-GLOB'] [-j N] [--from RUN-DIR]" >&2
	   exit 2 ;;
	esac
done
[ -n "$name" ] || name=$(basename "$iut" .ini)
suite=conformance/host
role=Host
grep -qE '^[[:space:]]*role[[:space:]]*=[[:space:]]*router' "$iut" 2>/dev/null && suite=conformance/router
[ "$suite" = conformance/router ] && role=Router
igmpx=${IGMPX:-$top/build/harness/igmpx}
[ -x "$igmpx" ] || igmpx=$(command -v igmpx) || { echo "report.sh: no igmpx (build first)" >&2; exit 2; }
igmpx=$(realpath "$igmpx") || exit 2
# Paths in verdicts are relative to the project: run from there.
iut=$(realpath "$iut") && to=$(realpath -m "$to") || exit 2
[ -z "$notes" ] || notes=$(realpath "$notes") || exit 2
cd "$top" || exit 2

[ -n "$notes" ] || notes=$top/conformance/reports/$name.notes
[ -f "$notes" ] || { echo "report.sh: $notes: no such file (an empty one is fine)" >&2; exit 2; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/out"
if [ -n "$from" ]; then
	[ -s "$from/summary.txt" ] && [ -s "$from/junit.xml" ] ||
		{ echo "report.sh: $from: no summary.txt and junit.xml of a run" >&2; exit 2; }
	cp "$from"/*.pcapng "$from/summary.txt" "$tmp/out/" 2>/dev/null
	cp "$from/junit.xml" "$tmp/junit.xml"
	# The run's own line of how many at a time.
	j=$(sed -n 's/^igmpx: .*, \([0-9]*\) at a time$/\1/p' "$from/igmpx.log" 2>/dev/null | head -n 1)
	[ -z "$j" ] || jobs=$j
else
	"$igmpx" run -j "$jobs" --iut "$iut" --out "$tmp/out" --junit "$tmp/junit.xml" \
		${filter:+--filter "$filter"} "$suite" > "$tmp/log" 2>&1
	rc=$?
	cat "$tmp/log"
	if [ ! -s "$tmp/out/summary.txt" ] || [ "$rc" -gt 1 ]; then
		echo "report.sh: the run failed (exit $rc)" >&2
		exit 2
	fi
fi

# The summary's case lines: VERDICT ID RFC... LEVEL TIME s PATH, then the
# reasons of a non-PASS case, indented.
summary=$tmp/out/summary.txt
counts=$(sed -n 2p "$summary")
kernel=$(uname -sr)
# What the profile says it is (the router's version, its VM's kernel).
about=""
vcmd=$(sed -n 's/^[[:space:]]*version[[:space:]]*=[[:space:]]*//p' "$iut" | head -n 1)
[ -z "$vcmd" ] || about=$(IGMPX_PROFILE_DIR=$(dirname "$iut") sh -c "$vcmd" 2>/dev/null | head -n 1)
# The commit the suite came from; "-dirty" when anything but the reports
# themselves differs from it.
version=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$top" status --porcelain -- . ':(exclude)conformance/reports' 2>/dev/null)" ] &&
	version=$version-dirty

# Notes: ID VERDICTS CATEGORY TEXT; bad lines and unknown IDs are errors.
awk -v f="$notes" '
	/^[ \t]*(#|$)/ { next }
	{ n = split($2, v, ",")
	  for (i = 1; i <= n; i++)
		if (v[i] !~ /^(FAIL|WARN|INCONCLUSIVE|SKIP|ERROR)$/) {
			printf "%s:%d: verdict \"%s\": FAIL, WARN, INCONCLUSIVE, SKIP or ERROR\n", f, NR, v[i]; bad = 1 }
	  if ($3 != "deviation" && $3 != "ambiguity" && $3 != "harness") {
		printf "%s:%d: category \"%s\": deviation, ambiguity or harness\n", f, NR, $3; bad = 1 }
	  if (NF < 4) { printf "%s:%d: no explanation after the category\n", f, NR; bad = 1 } }
	END { exit bad }' "$notes" || exit 1
"$igmpx" list "$suite" | awk '{ print $1 }' | sort > "$tmp/ids"
awk '!/^[ \t]*(#|$)/ && $1 != "late" { print $1 }' "$notes" | sort -u | comm -13 "$tmp/ids" - > "$tmp/stray"
if [ -s "$tmp/stray" ]; then
	echo "report.sh: $notes explains cases that do not exist: $(tr '\n' ' ' < "$tmp/stray")" >&2
	exit 1
fi

mkdir -p "$to/$name"
rm -f "$to/$name"/*.pcapng
cp "$tmp/out"/*.pcapng "$to/$name/" 2>/dev/null
cp "$tmp/junit.xml" "$to/$name.junit.xml"

awk -v notes="$notes" -v name="$name" -v iut="${iut#"$top"/}" -v kernel="$kernel" \
    -v version="$version" -v counts="$counts" -v jobs="$jobs" -v role="$role" -v about="$about" \
    -v missing="$tmp/missing" '
BEGIN {
	while ((getline l < notes) > 0) {
		if (l ~ /^[ \t]*(#|$)/) continue
		split(l, w, /[ \t]+/)
		t = l; sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", t)
		n = split(w[2], vs, ",")
		for (k = 1; k <= n; k++) { cat[w[1], vs[k]] = w[3]; why[w[1], vs[k]] = t }
		nl++; note_id[nl] = w[1]; note_v[nl] = w[2]; note_c[nl] = w[3]; note_t[nl] = t
	}
}
NR <= 3 { next }
/^    / {
	if (cur == "") next
	sub(/^    /, "")
	# What a flood did (the harness says it as a PASS reason of its send step).
	if ($0 ~ /^PASS: send \(line [0-9]+\): [0-9]+ frames in /) {
		t = $0; sub(/^PASS: /, "", t); nfl++; flood_id[nfl] = cur; flood_t[nfl] = t
	}
	reason[cur] = reason[cur] (reason[cur] == "" ? "" : "\n") $0
	# The reasons of the verdict itself: late frames, or not.
	if (index($0, verdict[cur] ": ") == 1) {
		if (index($0, "; late: first after the window") == 0) not_late[cur] = 1
		else late_seen[cur] = 1
	}
	next
}
{
	# VERDICT ID RFC... LEVEL TIME s PATH: RFC is the words between ID and LEVEL.
	n = NF; v = $1; id = $2; path = $n; t = $(n - 2); lvl = $(n - 3)
	rfc = $3; for (i = 4; i <= n - 4; i++) rfc = rfc " " $i
	cur = id; ids[++nc] = id; verdict[id] = v; level[id] = lvl; sec[id] = rfc; time[id] = t
	file[id] = path; sub(/.*\/conformance\//, "conformance/", file[id])
}
END {
	printf "# %s conformance: %s\n\n", role, name
	printf "Generated by `conformance/reports/report.sh` (igmpx %s) against `%s`, on %s,\n", version, iut, kernel
	printf "in a network namespace of the harness, %d cases at a time: %s\n\n", jobs, counts
	if (about != "") printf "The IUT: %s.\n\n", about
	printf "Verdicts follow the RFC: FAIL for a broken MUST, WARN for a broken SHOULD or a time only\n"
	printf "inside the tolerance, INCONCLUSIVE when a precondition did not hold. Every verdict other\n"
	printf "than PASS is explained below (from `%s.notes`): a deviation of the IUT, an ambiguity of\n", name
	printf "the RFC, or a limit of the harness. Evidence: `%s/<ID>.pcapng`, every frame an\n", name
	printf "expectation matched or missed commented (`tshark -r FILE -T fields -e frame.comment`).\n\n"
	printf "| Case | Verdict | Level | RFC | Time | Evidence |\n|---|---|---|---|---|---|\n"
	for (i = 1; i <= nc; i++) {
		id = ids[i]
		# A case SKIPped before it ran has no capture.
		ev = verdict[id] == "SKIP" ? "(not run)" : sprintf("[%s.pcapng](%s/%s.pcapng)", id, name, id)
		printf "| %s | %s | %s | %s | %s s | %s |\n", id, verdict[id], level[id], sec[id],
		       time[id], ev
	}
	printf "\n## Verdicts other than PASS\n"
	none = 1
	for (i = 1; i <= nc; i++) {
		id = ids[i]
		if (verdict[id] == "PASS") continue
		none = 0
		printf "\n### %s: %s (%s, %s)\n\n", id, verdict[id], level[id], sec[id]
		if ((id, verdict[id]) in why)
			printf "**%s.** %s\n\n", cat[id, verdict[id]], why[id, verdict[id]]
		else if (("late", verdict[id]) in why && (id in late_seen) && !(id in not_late)) {
			printf "**%s** (note `late`: each reason below is a frame that came late). %s\n\n",
			       cat["late", verdict[id]], why["late", verdict[id]]
			used_late++
		} else { printf "**Unexplained.**\n\n"; print id " " verdict[id] > missing }
		printf "Case: `%s`. The harness said:\n\n```\n%s\n```\n", file[id], reason[id]
	}
	if (none) printf "\nNone.\n"
	# The load the floods really put on the IUT, as the harness measured it.
	if (nfl) {
		printf "\n## Series sent\n\n"
		printf "What each send: step of many frames (repeat:, rate:) asked for and what the harness\n"
		printf "sent: frames, the rate reached, and how late the frames went out after their times.\n\n"
		printf "| Case | The harness said |\n|---|---|\n"
		for (k = 1; k <= nfl; k++) printf "| %s | %s |\n", flood_id[k], flood_t[k]
	}
	# Explanations of verdicts the IUT gives only now and then (a timer that
	# sometimes fires late): those this run did not show.
	first = 1
	for (k = 1; k <= nl; k++) {
		id = note_id[k]
		if (id == "late" && used_late) continue
		if (id != "late" && ("," note_v[k] ",") ~ ("," verdict[id] ",")) continue
		if (first) {
			printf "\n## Explained verdicts this run did not show\n\n"
			printf "Notes for verdicts the IUT gives in some runs only; this run gave another.\n\n"
			printf "| Case | This run | Noted for | Why |\n|---|---|---|---|\n"
			first = 0
		}
		printf "| %s | %s | %s | %s: %s |\n", id == "late" ? "late (any case)" : id,
		       id == "late" ? "no late frame" : verdict[id], note_v[k], note_c[k], note_t[k]
	}
}' "$summary" > "$to/$name.md"
known=$top/conformance/reports/$name.known.md
[ ! -f "$known" ] || { printf '\n'; cat "$known"; } >> "$to/$name.md"

if [ -s "$tmp/missing" ]; then
	echo "report.sh: verdicts without an explanation in $notes:" >&2
	sed 's/^/  /' "$tmp/missing" >&2
	exit 1
fi
echo "report: $to/$name.md (evidence: $to/$name/)"
exit 0
