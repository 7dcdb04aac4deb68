#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs the README's custom handler example on a fresh veth testbed: 200 ping-pongs to the steered
# port must all come back, and on SIGTERM it must report them and leave nothing attached.
#   test_custom_handler.sh SRCDIR EXAMPLE LAT_CLIENT
set -euo pipefail
src=$1 example=$2 client=$3
tb=xlex$$
pid=""
out=$(mktemp)
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	"$src/scripts/testbed.sh" down "$tb" >/dev/null 2>&1 || true
	rm -f "$out"
}
trap cleanup EXIT
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root for namespaces and XDP"
	exit 77
fi
"$src/scripts/testbed.sh" up "$tb" --queues 2 >/dev/null
eval "$("$src/scripts/testbed.sh" env "$tb")"
wrap=()
[ "${XL_UNDER_VALGRIND:-0}" = 1 ] && wrap=("$src/scripts/vg.sh")
"$src/scripts/in-netns.sh" "$XL_TB_SRV_NS" "${wrap[@]}" "$example" "$XL_TB_SRV_IF" >"$out" 2>&1 &
pid=$!
# Ready when the steering program is attached.
for _ in $(seq 100); do
	"$src/scripts/in-netns.sh" "$XL_TB_SRV_NS" ip link show "$XL_TB_SRV_IF" | grep -q ' xdp' && break
	kill -0 "$pid" 2>/dev/null || { cat "$out"; echo "FAIL: the example exited early"; exit 1; }
	sleep 0.2
done
sleep 0.5
"$src/scripts/in-netns.sh" "$XL_TB_CLI_NS" "$client" --server "$XL_TB_SRV_IP4" --port 7000 \
	--mode pingpong --count 200 --duration 10 --repeat 1 --warmup 0 --quiet \
	--json /dev/stdout > "$out.json"
sent=$(jq -r '.summary.sent' "$out.json")
lost=$(jq -r '.summary.lost' "$out.json")
rm -f "$out.json"
kill -TERM "$pid"
wait "$pid" && rc=0 || rc=$?
pid=""
cat "$out"
[ "$rc" = 0 ] || { echo "FAIL: the example exited with $rc on SIGTERM"; exit 1; }
[ "$sent" = 200 ] && [ "$lost" = 0 ] || { echo "FAIL: client sent $sent, lost $lost"; exit 1; }
total=$(awk '/reflected$/ {n += $3} END {print n + 0}' "$out")
[ "$total" -ge 200 ] || { echo "FAIL: the handler reflected $total packets, expected >= 200"; exit 1; }
if "$src/scripts/in-netns.sh" "$XL_TB_SRV_NS" ip link show "$XL_TB_SRV_IF" | grep -q ' xdp'; then
	echo "FAIL: an XDP program is still attached after SIGTERM"
	exit 1
fi
echo "ok: custom handler reflected $total packets (client: sent $sent, lost $lost)"
