#!/bin/sh
# linux-bridge.sh: the Linux kernel's bridge as a router IUT, for the
# bridge profiles (linux-bridge.ini, linux-bridge-v2.ini); run by the
# harness in the IUT's namespace with its $IGMPX_* environment.
#
#   linux-bridge.sh start VERSION [flood|isolated]
#       bridge br0, multicast snooping and its IGMPvVERSION querier on,
#       the profile's timers (the bridge takes centiseconds, and is given
#       the Group Membership and Other Querier Present Intervals, which it
#       does not derive), queries from the IUT address on br0
#       (mcast_query_use_ifaddr; without it the bridge queries from
#       0.0.0.0).  Ports: the test link, and the source link when the
#       profile has one.  A group's traffic goes to the test port only
#       when its state asks for it, as on a router's leaf link (RFC 9776
#       §6.3): the bridge forwards unregistered multicast only to router
#       ports while a querier is there, and flooding (RFC 4541 §2.1.2 lets
#       a switch flood) is off on the test port for the time before.
#       flood: the test port a permanent router port, which gets every
#       group; isolated: the source link is no port.  Both are defects,
#       for the tests of the data-plane checks.  The table's size
#       (mcast_hash_max) is the profile's [limits]: max_memberships +
#       max_sources entries, as a group takes one and each of its sources
#       one more (the kernel's default without them).
#   linux-bridge.sh ready
#       true when every port of br0 forwards (a report before that is lost).
set -eu
case $1 in
start)
	v=$2 mode=${3:-}
	ip addr flush dev "$IGMPX_IFNAME"
	ip link add br0 type bridge mcast_snooping 1 mcast_querier 0 \
		mcast_igmp_version "$v" mcast_query_use_ifaddr 1 \
		mcast_query_interval $((IGMPX_QI_MS / 10)) \
		mcast_query_response_interval $((IGMPX_QRI_MS / 10)) \
		mcast_startup_query_interval $((IGMPX_SQI_MS / 10)) \
		mcast_startup_query_count "$IGMPX_SQC" \
		mcast_last_member_interval $((IGMPX_LMQI_MS / 10)) \
		mcast_last_member_count "$IGMPX_LMQC" \
		mcast_membership_interval $((IGMPX_GMI_MS / 10)) \
		mcast_querier_interval $((IGMPX_OQPI_MS / 10))
	[ "${IGMPX_MAX_MEMBERSHIPS:-0}" = 0 ] ||
		ip link set br0 type bridge \
			mcast_hash_max $((IGMPX_MAX_MEMBERSHIPS + ${IGMPX_MAX_SOURCES:-0}))
	ip link set "$IGMPX_IFNAME" master br0
	if [ -n "${IGMPX_SRC_IFNAME:-}" ] && [ "$mode" != isolated ]; then
		ip addr flush dev "$IGMPX_SRC_IFNAME"
		ip link set "$IGMPX_SRC_IFNAME" master br0
	fi
	bridge link set dev "$IGMPX_IFNAME" mcast_flood off
	[ "$mode" != flood ] || bridge link set dev "$IGMPX_IFNAME" mcast_router 2
	ip addr add "$IGMPX_IUT_ADDR/24" dev br0
	ip link set br0 up
	# The querier last: the bridge forwards by its database only once a
	# querier is there, and enabling its own arms a delay of one Query
	# Response Interval, the one it has then (set in one command with the
	# timers it would be the default, 10 s).
	ip link set br0 type bridge mcast_querier 1
	;;
ready)
	ports=$(bridge link show master br0)
	[ -n "$ports" ] && ! printf '%s\n' "$ports" | grep -qv "state forwarding"
	;;
*)
	echo "linux-bridge.sh: start VERSION [flood|isolated] or ready, not '$1'" >&2
	exit 2
	;;
esac
