#!/usr/bin/env bash
# screenshots.sh [BUILD_DIR]: the README's screenshots of the plugin in
# Wireshark's Qt GUI (doc/screenshots/groups.png, expert.png, evidence.png),
# taken under Xvfb by the GUI test (tests/test-gui.sh) on captures of the
# committed conformance evidence: Statistics > IGMPX > Groups on the Linux
# bridge's R-LEAVE-V3, Analyze > Expert Information on FRR's R-ADOPT-QQI (a
# querier that goes on querying beside a lower-addressed one), and the
# Linux host's H2-GQ-RESPONSE with its answer to the General Query
# selected: the harness's comments, Response to, the arrow to the query.  Needs a build (./dev build) and
# ./dev setup's packages; root runs Wireshark as nobody.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
export IGMPX_STAGE=$build/stage
bash "$top/tests/test-gui.sh" "$top/conformance/reports/linux-bridge/R-LEAVE-V3.pcapng" \
	"$top/conformance/reports/frr/R-ADOPT-QQI.pcapng" \
	"$top/conformance/reports/linux-host/H2-GQ-RESPONSE.pcapng" "$top/doc/screenshots"
echo "screenshots: $top/doc/screenshots/groups.png, expert.png, evidence.png"
