# harness-lib.sh: what the tests that drive the igmpx command share.  Source
# it after setting build; it sets root, igmpx, tmp (removed on exit) and
# fails, and moves to the project's folder.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
igmpx=$build/harness/igmpx
tmp=$(mktemp -d)
fails=0
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 1

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
need_root() { [ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }; }
leftovers() {   # namespaces, links and processes a run may leave
	ip netns list 2>/dev/null | grep -E '^igmpx-[0-9]+-(w[0-9]+|r)( |$)' || true
	ip -o link show 2>/dev/null | grep -oE 'igmpx[0-9]+t(w[0-9]+|r)\b' || true
	pgrep -a -f 'igmpx-member --serve [^ ]*/igmpx-case-|igmpx-badhost.* igmpx[0-9]+t' || true
}

# expect_in FILE PATTERN WHAT
expect_in() {
	grep -qE -- "$2" "$1" && ok "$3" || { fail "$3: no /$2/ in $1"; sed 's/^/    /' "$1"; }
}

# finish: the verdict of the test.
finish() {
	[ $fails = 0 ] && { echo "all ok"; exit 0; }
	echo "$fails failed"
	exit 1
}
