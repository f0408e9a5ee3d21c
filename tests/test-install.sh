#!/usr/bin/env bash
# test-install.sh BUILD_DIR: the installed igmpx finds its data folder
# (cases, profiles, the captures the cases replay) from its own place, from
# any working directory, and the paths a user names win over it.
#
#   - cmake --install into a folder (DESTDIR), which is then moved: the
#     command lists the same cases as the build tree's, from an empty
#     working directory, with the source tree's path nowhere read;
#   - --cases (paths given) and --iut (a file) win over the installed ones;
#     --iut takes a bare profile name from the data folder;
#   - IGMPX_DATADIR wins over both, and a bad one is an error that says so;
#   - the build tree's command still reads the source tree;
#   - a case whose replayed capture is missing is an error at its line.
set -u
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

DESTDIR=$tmp/a cmake --install "$build" --prefix /opt/igmpx >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }
mv "$tmp/a" "$tmp/moved"
bin=$tmp/moved/opt/igmpx/bin
data=$tmp/moved/opt/igmpx/share/igmpx
[ -x "$bin/igmpx" ] && [ -x "$bin/igmpx-member" ] || { echo "FAIL: no igmpx, igmpx-member in $bin"; exit 1; }
[ -f "$data/conformance/iut/linux-host.ini" ] && [ -x "$data/conformance/iut/linux-bridge.sh" ] &&
	[ -x "$data/conformance/iut/vm/igmpx-vm" ] && ok "profiles and their scripts installed, executable" ||
	fail "profiles or scripts missing (or not executable) in $data/conformance/iut"

mkdir "$tmp/cwd"
cd "$tmp/cwd" || exit 1
"$build/harness/igmpx" list >"$tmp/built" 2>&1
n=$(wc -l <"$tmp/built")
[ "$n" -gt 100 ] && ok "the build tree's igmpx lists $n cases from $(pwd)" ||
	{ fail "the build tree's igmpx lists $n cases"; cat "$tmp/built"; }
"$bin/igmpx" list >"$tmp/installed" 2>&1
cmp -s "$tmp/built" "$tmp/installed" && ok "the moved install lists the same $n cases" ||
	{ fail "the moved install lists other cases"; diff "$tmp/built" "$tmp/installed" | head; }
if command -v strace >/dev/null; then
	strace -f -e trace=openat,stat,newfstatat,access -o "$tmp/trace" "$bin/igmpx" list >/dev/null 2>&1
	if grep -F "\"$top/" "$tmp/trace" | grep -v ENOENT | grep -q .; then
		fail "the install reads the source tree:"; grep -F "\"$top/" "$tmp/trace" | head -3
	else
		ok "the install reads nothing of the source tree ($top)"
	fi
fi

# Paths given win.
mkdir -p "$tmp/mine"
sed 's/^id: .*/id: MY-CASE/' "$top/conformance/host/h3-replay-gq.yaml" |
	sed "s|replay: .*|replay: $top/pcaps/linux/linux-v3.pcap|" >"$tmp/mine/my.yaml"
"$bin/igmpx" list "$tmp/mine" >"$tmp/out" 2>&1
[ "$(cut -d' ' -f1 "$tmp/out")" = MY-CASE ] && ok "cases given win: only MY-CASE listed" ||
	{ fail "cases given"; cat "$tmp/out"; }
printf '[iut]\nname = mine\nrole = host\nversions = 3\nattach = netns\nrequires = echo not here; exit 1\nstart = true\n' \
	>"$tmp/cwd/linux-host.ini"
"$bin/igmpx" run --iut ./linux-host.ini --filter MY-NOTHING "$tmp/mine" >"$tmp/out" 2>&1
grep -q '^igmpx: ./linux-host.ini: every case SKIPs: not here' "$tmp/out" &&
	ok "--iut FILE wins over the installed profile of that name" || { fail "--iut FILE"; cat "$tmp/out"; }
rm "$tmp/cwd/linux-host.ini"
"$bin/igmpx" run --iut linux-bridge --filter MY-NOTHING >"$tmp/out" 2>&1
grep -q 'no case matches MY-NOTHING' "$tmp/out" && ! grep -q 'linux-bridge: No such file' "$tmp/out" &&
	ok "--iut linux-bridge: the installed profile, by its bare name" || { fail "--iut NAME"; cat "$tmp/out"; }
"$bin/igmpx" run --iut no-such-profile >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q "^igmpx: --iut no-such-profile: no such file, nor a profile $data/conformance/iut/no-such-profile.ini" "$tmp/out" &&
	ok "--iut of no file and no profile: exit 2, named" || { fail "--iut unknown"; cat "$tmp/out"; }

# IGMPX_DATADIR.
mkdir -p "$tmp/dd/conformance/host"
cp "$tmp/mine/my.yaml" "$tmp/dd/conformance/host/"
IGMPX_DATADIR=$tmp/dd "$bin/igmpx" list >"$tmp/out" 2>&1
[ "$(cut -d' ' -f1 "$tmp/out")" = MY-CASE ] && ok "IGMPX_DATADIR wins" || { fail "IGMPX_DATADIR"; cat "$tmp/out"; }
IGMPX_DATADIR=$tmp/none "$bin/igmpx" list >"$tmp/out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "IGMPX_DATADIR=$tmp/none has no conformance/ folder" "$tmp/out" &&
	ok "a bad IGMPX_DATADIR: exit 2, said" || { fail "bad IGMPX_DATADIR (exit $rc)"; cat "$tmp/out"; }

# A replayed capture is the case file's neighbour; a missing one is an error.
sed 's|replay: .*|replay: ../gone.pcap|' "$tmp/mine/my.yaml" >"$tmp/mine/gone.yaml"
sed -i 's/^id: .*/id: MY-GONE/' "$tmp/mine/gone.yaml"
line=$(grep -n 'replay:' "$tmp/mine/gone.yaml" | cut -d: -f1)
"$bin/igmpx" list "$tmp/mine/gone.yaml" >"$tmp/out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "^$tmp/mine/gone.yaml:$line: replay: no capture $tmp/mine/../gone.pcap" "$tmp/out" &&
	ok "a missing replayed capture: exit 2 at gone.yaml:$line" || { fail "missing capture (exit $rc)"; cat "$tmp/out"; }

[ $fails = 0 ] && echo "PASS: the install stands alone" || { echo "FAIL: $fails checks"; exit 1; }
