#!/usr/bin/env bash
# test-package.sh BUILD_DIR SUITE: the Debian package, installed as a user
# installs it, into a clean system with no source tree.
#
#   1. The package is built by CPack (package.cmake): for bookworm (Debian
#      12) from BUILD_DIR, for trixie (Debian 13) in its Wireshark chroot
#      (tools/ws-chroot.sh) into BUILD_DIR/pkg-trixie.
#   2. A fresh minimal system of that release is made with mmdebstrap, and
#      `apt install ./igmpx_*.deb` installs the package there (apt fetches
#      what it depends on and recommends: tshark among them).
#   3. In that system, from /, with the checkout nowhere in it:
#      - igmpx list lists every case of the source tree's suites;
#      - igmpx run passes a host case that replays a packaged capture, and
#        a router case against the bridge (--iut by its bare name), each in
#        network namespaces of this kernel;
#      - tshark -G plugins lists the plugin as a dissector, from the
#        package's global plugin folder;
#      - tshark decodes a capture with it (igmpx's fields present).
#
# The downloads are kept in $IGMPX_CHROOTS/apt-SUITE between runs (only the
# .debs: the system itself is made anew each time).  Needs root,
# mmdebstrap (./dev setup) and, for trixie, its chroot (skipped, 77,
# without them).
set -u
build=$(cd "$1" && pwd)
suite=$2
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${IGMPX_CHROOTS:-/var/cache/igmpx-chroots}
mirror=${IGMPX_DEBIAN_MIRROR:-http://deb.debian.org/debian}

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot, namespaces)"; exit 77; }
command -v mmdebstrap >/dev/null || { echo "SKIP: mmdebstrap is not installed (./dev setup)"; exit 77; }

scratch=$(mktemp -d /var/tmp/igmpx-package.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

echo "== $suite: the package"
case $suite in
bookworm)
	out=$build/pkg-bookworm
	mkdir -p "$out"
	(cd "$out" && cpack --config "$build/CPackConfig.cmake" -B "$out" >cpack.log 2>&1) ||
		{ tail -20 "$out/cpack.log"; fail "cpack failed"; }
	;;
trixie)
	root=$("$top/tools/ws-chroot.sh" path trixie)
	[ -f "$root/.igmpx-packages" ] ||
		{ echo "SKIP: no trixie chroot (./dev setup --all-versions makes it)"; exit 77; }
	out=$build/pkg-trixie
	mkdir -p "$out"
	"$top/tools/ws-chroot.sh" run trixie bash -c '
		# Only what the package holds is built (not the tests).
		cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
			-DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >"$2/configure.log" 2>&1 ||
			{ tail -20 "$2/configure.log"; exit 1; }
		cmake --build "$2" -j 2 --target igmpx_cmd igmpx-member igmpx >"$2/build.log" 2>&1 ||
			{ grep -E "error" "$2/build.log" | head -20; exit 1; }
		cd "$2" && cpack -B "$2" >cpack.log 2>&1 || { tail -20 cpack.log; exit 1; }
	' ws "$top" "$out" || fail "the package does not build in the trixie chroot"
	;;
*) echo "test-package.sh: SUITE is bookworm or trixie" >&2; exit 2 ;;
esac
debs=("$out"/igmpx_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "not one igmpx_*.deb in $out: ${debs[*]}"
deb=${debs[0]}
echo "ok: $(basename "$deb")"
dpkg-deb -c "$deb" >"$scratch/contents"
grep -q '/share/igmpx/conformance/host/' "$scratch/contents" || fail "no host suite in the package"

echo "== $suite: a clean system, then apt install ./$(basename "$deb")"
mkdir -p "$cache/apt-$suite"
sys=$scratch/root
# The .debs fetched are kept for next time.  Recommends are installed, as
# on any Debian system (mmdebstrap's own apt settings, there while it
# works, turn them off): tshark comes as a user's apt would bring it.
if ! mmdebstrap --variant=apt --include=ca-certificates \
	--setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
	--setup-hook="sync-in $cache/apt-$suite /var/cache/apt/archives/" \
	--customize-hook="copy-in $deb /tmp" \
	--customize-hook='chroot "$1" sh -c "cd /tmp && DEBIAN_FRONTEND=noninteractive apt install -y -o APT::Install-Recommends=true ./igmpx_*.deb"' \
	--customize-hook="sync-out /var/cache/apt/archives $cache/apt-$suite" \
	"$suite" "$sys" "$mirror" >"$scratch/mmdebstrap.log" 2>&1; then
	tail -30 "$scratch/mmdebstrap.log"
	fail "mmdebstrap or apt install failed"
fi
grep -E '^(Setting up|Unpacking) (igmpx|tshark)' "$scratch/mmdebstrap.log" | head -4
[ -x "$sys/usr/bin/igmpx" ] || fail "apt install left no /usr/bin/igmpx"
[ ! -e "$sys$top" ] || fail "the checkout's path exists in the clean system"

# The checks, in the system, in a mount namespace of their own (its /proc,
# /sys, /dev, /run and /tmp go with it): no source tree is in it.
cases=$(cat "$top"/conformance/host/*.yaml "$top"/conformance/router/*.yaml | grep -c '^id:')
unshare --mount --propagation private -- bash -s "$sys" "$cases" <<'EOF'
set -u
sys=$1 cases=$2
# / a mount point, as on a booted system: the harness makes it a slave in
# each case's namespace.
mount --bind "$sys" "$sys"
mount -t proc proc "$sys/proc"
mount -t sysfs sysfs "$sys/sys"
mount --rbind /dev "$sys/dev"
mount -t tmpfs tmpfs "$sys/tmp"
mount -t tmpfs tmpfs "$sys/run"
in_sys() { chroot "$sys" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 sh -c "cd / && $1"; }
rc=0
check() { # check STATUS WHAT OUTPUT
	if [ "$1" = 0 ]; then echo "ok: $2"; else echo "FAIL: $2"; cat "$3"; rc=1; fi
}
out=$sys/tmp/out

in_sys 'igmpx list' >"$out" 2>&1
n=$(wc -l <"$out")
[ "$n" = "$cases" ]; check $? "igmpx list: $n cases (the source tree has $cases)" "$out"

in_sys 'igmpx run --filter H3-REPLAY-GQ --out /tmp/ev' >"$out" 2>&1
grep -q '^\[1/1\] PASS *H3-REPLAY-GQ ' "$out"; check $? "igmpx run: H3-REPLAY-GQ passes (a packaged capture replayed, the Linux host)" "$out"
[ -s "$sys/tmp/ev/H3-REPLAY-GQ.pcapng" ]; check $? "its evidence: /tmp/ev/H3-REPLAY-GQ.pcapng" "$out"

in_sys 'igmpx run --iut linux-bridge --filter R-GQ-FIELDS' >"$out" 2>&1
grep -q '^\[1/1\] PASS *R-GQ-FIELDS ' "$out"; check $? "igmpx run --iut linux-bridge: R-GQ-FIELDS passes (the bridge querier)" "$out"

in_sys 'tshark -G plugins' >"$out" 2>&1
grep -qE '^igmpx\.so[[:space:]].*dissector.*/usr/lib/.*/wireshark/plugins/[0-9.]+/epan/igmpx\.so$' "$out"
check $? "tshark -G plugins: $(grep '^igmpx.so' "$out" | tr -s '[:space:]' ' ')" "$out"

in_sys 'tshark -r /tmp/ev/H3-REPLAY-GQ.pcapng -T fields -e igmpx.type -Y igmpx 2>&1' >"$out"
grep -qE '^0x(11|22)' "$out"
check $? "tshark decodes the evidence with the plugin (igmpx.type $(grep '^0x' "$out" | sort -u | tr '\n' ' '))" "$out"
exit $rc
EOF
rc=$?
[ $rc = 0 ] && echo "PASS: $suite: the package installs with apt into a clean system and works there"
exit $rc
