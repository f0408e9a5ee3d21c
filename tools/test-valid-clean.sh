#!/bin/sh
# test-valid-clean.sh PCAPGEN RULES_DEF DESC...
#
# The project's valid captures (pcaps/regress) raise nothing at Note or
# above: every rule their frames expect (expect=) is a Chat fact.  Captures
# that break a rule on purpose live in pcaps/rules or pcaps/malformed.
pcapgen=$1 rules=$2
shift 2
# Rule IDs of severity ERROR, WARN or NOTE, from the catalogue.
loud=$(sed -n 's/^RULE(\([a-z0-9_]*\), *"[^"]*", *"[^"]*", *[A-Z_]*, *\(ERROR\|WARN\|NOTE\),.*/\1/p' "$rules")
[ -n "$loud" ] || { echo "FAIL: no rule read from $rules"; exit 1; }
bad=$("$pcapgen" --expectations "$@" | while read -r cap frame list; do
	for r in $(echo "$list" | tr , ' '); do
		echo "$loud" | grep -qx "$r" && echo "$cap frame $frame: $r"
	done
done)
if [ -n "$bad" ]; then
	echo "FAIL: valid captures raise findings at Note or above:"
	echo "$bad"
	exit 1
fi
echo "ok: $("$pcapgen" --expectations "$@" | wc -l) frames of valid captures, nothing at Note or above"
