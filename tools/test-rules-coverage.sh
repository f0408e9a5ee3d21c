#!/bin/sh
# rules.coverage: every rule of core/rules.def is triggered by some frame's
# expect=; every CONTENT rule is triggered by some
# frame's expect= in the capture descriptions, and has a clean twin: a frame
# of the same capture whose expect= is that frame's without the rule (timing
# rules left out of the comparison: they depend on what came before, e.g.
# older_host is said of a host's first v1/v2 report only).
#   test-rules-coverage.sh GENERATOR RULES_DEF DESC...
set -u
gen=$1 def=$2
shift 2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT INT TERM
"$gen" --expectations "$@" >"$tmp" || { echo "FAIL: $gen --expectations"; exit 1; }
# A RULE( line names the ID and, on the same line, the kind.
rules=$(sed -n 's/^RULE(\([a-z0-9_]*\),.*, CONTENT,.*$/\1/p' "$def")
[ -n "$rules" ] || { echo "FAIL: no CONTENT rule in $def"; exit 1; }
fails=0 n=0
for r in $rules; do
	n=$((n + 1))
	verdict=$(awk -v r="$r" -v content="$(echo $rules)" '
		BEGIN { k = split(content, c, " "); for (j = 1; j <= k; j++) is_content[c[j]] = 1 }
		{
			cap[NR] = $1
			k = split($3, a, ",")
			s = ""
			for (j = 1; j <= k; j++)
				if (a[j] in is_content) s = s (s == "" ? "" : ",") a[j]
			set[NR] = s == "" ? "-" : s
		}
		END {
			hit = 0
			for (i = 1; i <= NR; i++) {
				k = split(set[i], a, ",")
				rest = ""; has = 0
				for (j = 1; j <= k; j++)
					if (a[j] == r) has = 1
					else rest = rest (rest == "" ? "" : ",") a[j]
				if (!has) continue
				hit = 1
				if (rest == "") rest = "-"
				for (t = 1; t <= NR; t++)
					if (cap[t] == cap[i] && set[t] == rest) { print "ok " cap[i]; exit }
			}
			print hit ? "notwin" : "none"
		}' "$tmp")
	case $verdict in
	ok*) ;;
	notwin) echo "FAIL: $r: triggered, but no clean twin (a frame of the same capture expecting the same without $r)"; fails=$((fails + 1)) ;;
	*) echo "FAIL: $r: no frame's expect= triggers it"; fails=$((fails + 1)) ;;
	esac
done
# TIMING rules: each triggered by some frame (their clean twins are whole
# sequences, the *-ok captures of pcaps/timing, checked by expect= there).
timing=$(sed -n 's/^RULE(\([a-z0-9_]*\),.*, TIMING,.*$/\1/p' "$def")
[ -n "$timing" ] || { echo "FAIL: no TIMING rule in $def"; exit 1; }
nt=0
for r in $timing; do
	nt=$((nt + 1))
	awk '{ print $3 }' "$tmp" | tr , '\n' | grep -qx "$r" ||
		{ echo "FAIL: $r: no frame's expect= triggers it"; fails=$((fails + 1)); }
done
[ "$fails" -eq 0 ] && echo "PASS: $n CONTENT rules, each triggered and with a clean twin; $nt TIMING rules, each triggered" || exit 1
