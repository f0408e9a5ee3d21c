#!/bin/sh
# linux-bridge-state.sh BRIDGE PORT: the IGMP state a Linux bridge holds
# for PORT, one line per IPv4 group in igmpx's state format
# (harness/state.c):
#   GROUP include|exclude timer=S running=A,B stopped=C
# From the bridge's multicast database (bridge -j -d -s mdb show): a group
# entry has the filter mode, the group timer and its sources with their
# timers; a source whose timer is 0 is one EXCLUDE blocks.  The bridge does
# not show a group's compatibility mode, so no vN is printed.
set -eu
br=$1 port=$2
bridge -j -d -s mdb show dev "$br" | jq -r --arg port "$port" '
  .[].mdb[]?
  | select(.port == $port and (.src | not) and (.grp | test("^[0-9.]+$")))
  | [ .grp, (.filter_mode // "exclude"), "timer=\(.timer | tonumber)",
      "running=\([.source_list[]? | select((.timer | tonumber) > 0) | .address] | join(","))",
      "stopped=\([.source_list[]? | select((.timer | tonumber) == 0) | .address] | join(","))" ]
  | join(" ")'
