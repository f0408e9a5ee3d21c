#!/usr/bin/env bash
# test-wireshark-version.sh BUILD_DIR SUITE: the plugin built against the
# Wireshark of a Debian chroot (tools/ws-chroot.sh: trixie has 4.4, sid
# 4.6) and its tshark tests (ctest label tshark: decodes, rules,
# statistics, lazy fields, expert groups, the tcpdump captures) run with
# that version's own tshark, in the chroot, and the GUI test (plugin.gui,
# tests/test-gui.sh) with its Qt GUI under an X server of the chroot's
# own: it must run there, not be skipped.  Left to 4.0, for CI's time:
# the findings of every frame of every capture (plugin.findings, which the
# rules and decode tests cover capture by capture), the differential test
# against the built-in dissector, and the sample report.
#
# The build is BUILD_DIR/ws-SUITE (plugin and captures only), staged at
# BUILD_DIR/ws-SUITE/stage/X.Y/epan/igmpx.so as the version wants.  The
# expected files are the same for every version: what differs in tshark's
# own output between versions is normalised by tests/lib.sh.
# Needs root and the chroot (./dev setup --all-versions); exit 77 (skipped)
# without them.
set -u
build=$(cd "$1" && pwd)
suite=$2
top=$(cd "$(dirname "$0")/.." && pwd)
wsc=$top/tools/ws-chroot.sh

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot)"; exit 77; }
root=$("$wsc" path "$suite") || exit 1
[ -f "$root/.igmpx-packages" ] ||
	{ echo "SKIP: no $suite chroot (./dev setup --all-versions makes it)"; exit 77; }
ver=$("$wsc" version "$suite")
[ -n "$ver" ] || { echo "FAIL: no tshark in the $suite chroot"; exit 1; }
out=$build/ws-$suite
mkdir -p "$out"

echo "== Wireshark $ver ($suite): building the plugin in $out"
"$wsc" run "$suite" bash -c '
	set -e
	cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$2/configure.log" 2>&1 ||
		{ tail -30 "$2/configure.log"; exit 1; }
	cmake --build "$2" -j 2 --target igmpx pcaps >"$2/build.log" 2>&1 ||
		{ grep -E "error|warning" "$2/build.log" | head -30; tail -5 "$2/build.log"; exit 1; }
	# The dissector and its glue build without a warning on every version.
	if grep -E "warning:" "$2/build.log"; then echo "FAIL: warnings in the build"; exit 1; fi
' ws "$top" "$out" || { echo "FAIL: the plugin does not build against Wireshark $ver"; exit 1; }
[ -f "$out/stage/$ver/epan/igmpx.so" ] ||
	{ echo "FAIL: no plugin staged at $out/stage/$ver/epan/igmpx.so"; exit 1; }

echo "== Wireshark $ver ($suite): tshark -G plugins"
"$wsc" run "$suite" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	env HOME=/tmp WIRESHARK_PLUGIN_DIR="$out/stage" tshark -G plugins >"$out/plugins.txt" 2>&1
if grep -qE "^igmpx\.so[[:space:]].*[[:space:]]dissector[[:space:]].*/$ver/epan/igmpx\.so$" "$out/plugins.txt"; then
	echo "ok: tshark $ver loads $(grep '^igmpx.so' "$out/plugins.txt")"
else
	echo "FAIL: tshark $ver does not list the plugin as a dissector:"
	cat "$out/plugins.txt"
	exit 1
fi

labels="tshark|gui"
echo "== Wireshark $ver ($suite): the tests labelled $labels"
"$wsc" run "$suite" bash -c 'cd "$1" && ctest -L "$2" -E "^run\\.|^plugin\\.findings\$|^differential\\." -j 2 --output-on-failure' \
	ws "$out" "$labels" >"$out/ctest.log" 2>&1
rc=$?
grep -E '^ *[0-9]+/[0-9]+ Test|tests passed|^FAIL' "$out/ctest.log"
n=$(grep -cE '^ *[0-9]+/[0-9]+ Test .*Passed' "$out/ctest.log")
if [ $rc != 0 ]; then
	echo "FAIL: Wireshark $ver: tests failed (the whole log: $out/ctest.log)"
	sed -n '/The following tests FAILED/,$p' "$out/ctest.log"
	exit 1
fi
# A run that ran little did not check: 4.0's build has 107 of these.
[ "$n" -ge 100 ] || { echo "FAIL: only $n tests passed"; exit 1; }
grep -qE 'Test +#[0-9]+: plugin\.gui \.+ +Passed' "$out/ctest.log" ||
	{ echo "FAIL: the GUI test did not run with Wireshark $ver:"; sed -n '/plugin\.gui/,/Passed\|Skipped\|Failed/p' "$out/ctest.log"; exit 1; }
echo "PASS: Wireshark $ver: $n tests labelled $labels passed"
