#!/bin/sh
# bench/link.sh [-n FRAMES] [-i MILLISECONDS]
#
# How exactly the harness's link sends on time and stamps arrivals, over a
# namespace link on this machine (bench/link-timing.c says how).  Builds
# nothing: runs $IGMPX_BUILD/bench/link-timing (default ./build, the
# project's), made by `cmake --build build --target link-timing`.  Needs
# root and /dev/net/tun; without them it says why and exits 0.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${IGMPX_BUILD:-$root/build}
bin=$build/bench/link-timing

if [ "$(id -u)" -ne 0 ]; then
	echo "bench/link.sh: skipped: needs root (it makes a network namespace and a TAP)"
	exit 0
fi
if [ ! -c /dev/net/tun ]; then
	echo "bench/link.sh: skipped: no /dev/net/tun on this machine"
	exit 0
fi
if [ ! -x "$bin" ]; then
	echo "bench/link.sh: no $bin (cmake --build $build --target link-timing)" >&2
	exit 1
fi
exec "$bin" "$@"
