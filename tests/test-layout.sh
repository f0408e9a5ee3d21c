#!/bin/bash
# test-layout.sh SRC_DIR: each folder of C code includes only from itself
# and from the folders it may use (README.md, "Where things are"):
#   core: nothing of the project; desc, plugin, test-iuts: core;
#   harness, tools: core and desc.
# A header is looked up in the source folders by name; a quoted include
# found in no folder of the project is not the project's (skipped).
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
declare -A may=(
	[core]="core"
	[desc]="desc core"
	[plugin]="plugin core"
	[test-iuts]="test-iuts core"
	[harness]="harness core desc"
	[tools]="tools core desc"
)
folders="${!may[*]}"
fails=0 checked=0
for dir in $folders; do
	while IFS=: read -r file line inc; do
		checked=$((checked + 1))
		owner=""
		for d in $folders; do
			[ -e "$d/$inc" ] && owner="$owner $d"
		done
		[ -z "$owner" ] && continue
		if [ "$(echo $owner | wc -w)" -gt 1 ]; then
			echo "FAIL: $file:$line: \"$inc\" is in more than one folder:$owner"
			fails=$((fails + 1))
			continue
		fi
		owner=${owner# }
		case " ${may[$dir]} " in
		*" $owner "*) ;;
		*)
			echo "FAIL: $file:$line: includes $owner/$inc; $dir/ may use only: ${may[$dir]}"
			fails=$((fails + 1)) ;;
		esac
	done < <(grep -rnoE '^#include "[^"]+"' --include='*.c' --include='*.h' "$dir" |
		sed -E 's/^([^:]+):([0-9]+):#include "([^"]+)"$/\1:\2:\3/')
done
[ "$checked" -gt 50 ] || { echo "FAIL: only $checked includes found: wrong folder?"; exit 1; }
[ $fails = 0 ] && { echo "ok: $checked includes, each from a folder its folder may use"; exit 0; }
echo "$fails failed"
exit 1
