#!/usr/bin/env bash
# ws-chroot.sh: the other Wireshark versions igmpx builds against, each in a
# Debian chroot made with mmdebstrap from Debian's archive and kept outside
# the clone ($IGMPX_CHROOTS, default /var/cache/igmpx-chroots):
#
#   suite    Debian      Wireshark
#   trixie   13          4.4
#   sid      unstable    4.6
#
# (Debian 12's 4.0 is this machine's own.)  Needs root.
#
#   ws-chroot.sh make SUITE...     make each chroot, or keep it when it holds
#                                  the packages this script names (a changed
#                                  list makes it again)
#   ws-chroot.sh run SUITE CMD...  CMD in the chroot, as root, with this
#                                  checkout at its own path and /proc, /dev
#                                  and /tmp of the chroot's own; the mounts
#                                  are in a mount namespace of the command's,
#                                  so that none outlives it
#   ws-chroot.sh version SUITE     the Wireshark version in it, X.Y
#   ws-chroot.sh path SUITE        the chroot's folder
#   ws-chroot.sh remove SUITE...   delete the chroots
#
# sid's Release file on a mirror can be past its Valid-Until date (sid is
# signed often, mirrors lag): apt in that chroot does not check the date.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${IGMPX_CHROOTS:-/var/cache/igmpx-chroots}
mirror=${IGMPX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the plugin's build, its tshark tests, the package (file: CPack's
# dpkg-shlibdeps) and the GUI test need (wireshark: the Qt GUI; the last
# four: its X server, keys, screenshots and OCR, tests/test-gui.sh).
PACKAGES="build-essential cmake pkg-config libglib2.0-dev libpcap-dev libyaml-dev
wireshark-dev libwireshark-dev libwiretap-dev tshark jq procps util-linux file
wireshark xvfb xdotool imagemagick tesseract-ocr"

die() { printf 'ws-chroot: %s\n' "$*" >&2; exit 1; }

suite_ok() {
	case $1 in trixie | sid) ;; *) die "no chroot '$1': trixie (Wireshark 4.4) or sid (4.6)" ;; esac
}

stamp() { printf '%s\n' $PACKAGES; }

# make_one SUITE: mmdebstrap into SUITE.new, then in place of SUITE.
make_one() {
	local s=$1 root=$cache/$1 tmp=$cache/$1.new opts=()
	[ "$s" != sid ] || opts=(--aptopt='Acquire::Check-Valid-Until "false"')
	rm -rf "$tmp"
	echo "ws-chroot: $s: making $root with mmdebstrap (a few minutes)"
	if ! mmdebstrap --variant=apt "${opts[@]}" --include="$(echo $PACKAGES | tr ' ' ,)" \
		"$s" "$tmp" "$mirror" >"$cache/$s.log" 2>&1; then
		tail -20 "$cache/$s.log" >&2
		rm -rf "$tmp"
		echo "ws-chroot: make: mmdebstrap $s failed (the whole log: $cache/$s.log)" >&2
		return 1
	fi
	stamp >"$tmp/.igmpx-packages"
	rm -rf "$root"
	mv "$tmp" "$root"
	echo "ws-chroot: $s: made, Wireshark $(cmd_version "$s")"
}

# The chroots to make are made side by side: mostly downloads.
cmd_make() {
	local s pids=() rc=0 p
	[ "$(id -u)" = 0 ] || die "make: needs root"
	command -v mmdebstrap >/dev/null || die "make: mmdebstrap is not installed (./dev setup --all-versions)"
	mkdir -p "$cache"
	for s in "$@"; do
		suite_ok "$s"
		if [ -f "$cache/$s/.igmpx-packages" ] &&
			[ "$(cat "$cache/$s/.igmpx-packages")" = "$(stamp)" ]; then
			echo "ws-chroot: $s: kept ($cache/$s, Wireshark $(cmd_version "$s"))"
			continue
		fi
		make_one "$s" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || rc=1
	done
	[ $rc = 0 ] || die "make: a chroot could not be made"
}

cmd_run() {
	local s=$1 root
	shift
	suite_ok "$s"
	root=$cache/$s
	[ -f "$root/.igmpx-packages" ] || die "run: no chroot $s (ws-chroot.sh make $s; ./dev setup --all-versions)"
	[ $# -gt 0 ] || die "run: no command"
	# A private mount namespace: the bind mounts go when the command ends,
	# however it ends.
	exec unshare --mount --propagation private -- bash -c '
		root=$1 top=$2
		shift 2
		# /tmp first: a checkout under /tmp is mounted over it.
		mount -t tmpfs tmpfs "$root/tmp"
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mkdir -p "$root$top"
		mount --bind "$top" "$root$top"
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			${IGMPX_UPDATE:+IGMPX_UPDATE=$IGMPX_UPDATE} "$@"
	' ws-chroot "$root" "$top" "$@"
}

cmd_version() {
	suite_ok "$1"
	local root=$cache/$1
	[ -d "$root" ] || die "version: no chroot $1"
	sed -n 's/^Version: \([0-9]*\.[0-9]*\).*/\1/p' <(chroot "$root" dpkg-query -s tshark 2>/dev/null) | head -1
}

case ${1:-} in
make) shift; [ $# -gt 0 ] || die "make: which suite? (trixie, sid)"; cmd_make "$@" ;;
run) shift; [ $# -ge 2 ] || die "run: SUITE CMD..."; cmd_run "$@" ;;
version) [ $# = 2 ] || die "version SUITE"; cmd_version "$2" ;;
path) [ $# = 2 ] || die "path SUITE"; suite_ok "$2"; echo "$cache/$2" ;;
remove)
	shift
	for s in "$@"; do suite_ok "$s"; rm -rf "${cache:?}/$s" "$cache/$s.new"; done ;;
*) die "make SUITE..., run SUITE CMD..., version SUITE, path SUITE or remove SUITE..." ;;
esac
