#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Suite 'netns': scripts/rx-ceiling.sh --quick on its own veth testbed. XDP_DROP must see at
# least 95 % of the frames sent at the low step (a smoke test: the figures are the benchmark's),
# no more frames than were sent (but for a few of the client kernel's own), and the JSON must
# hold every step; its namespaces must be gone afterwards; bad options fail by name.
# Exit 77 (meson: skipped) when not root.
#   test_rx_ceiling.sh SOURCE_ROOT BUILD_ROOT
set -uo pipefail
src=$1 build=$2
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (network namespaces, XDP, AF_XDP)" >&2
	exit 77
fi
work=$(mktemp -d /tmp/xl-rx-ceiling-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
ok() { echo "ok   $*"; }
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }

before=$(ip netns list | grep -c '^xlceil' || true)
if "$src/scripts/rx-ceiling.sh" --quick --build "$build" --json "$work/c.json" >"$work/out" 2>"$work/err"; then
	ok "rx-ceiling --quick ran"
else
	fail "rx-ceiling --quick failed: $(tail -n 3 "$work/err")"
fi
cat "$work/out"
if jq -e '.rows | length == 2' "$work/c.json" >/dev/null 2>&1; then ok "two steps in the JSON"; else fail "JSON rows: $(head -c 300 "$work/c.json" 2>/dev/null)"; fi
if jq -e '.rows[0] | .offered_pps == 300000 and .xdp_pps > 0 and .loss_ratio < 0.05' "$work/c.json" >/dev/null 2>&1; then
	ok "the 300k step: XDP_DROP saw at least 95 % of the frames"
else
	fail "the 300k step: $(jq -c '.rows[0]' "$work/c.json" 2>/dev/null)"
fi
# XDP_DROP takes every frame, the client kernel's own too (IPv6 neighbour discovery, MLD): a few
# more than lat_blast sent, never many
if jq -e '[.steps[] | .xdp_frames <= .sent + 32] | all' "$work/c.json" >/dev/null 2>&1; then
	ok "XDP counted no more frames than were sent (give or take the client kernel's own)"
else
	fail "XDP frames well above sent: $(jq -c '[.steps[] | {sent, xdp_frames}]' "$work/c.json" 2>/dev/null)"
fi
if grep -q '^peak [0-9]* frames/s through XDP_DROP' "$work/out"; then ok "summary line"; else fail "no summary line"; fi
after=$(ip netns list | grep -c '^xlceil' || true)
if [ "$after" -le "$before" ]; then ok "namespaces removed"; else fail "$((after - before)) namespace(s) left behind"; fi

for bad in "--rates 0" "--duration 0" "--repeat 0" "--cpus 1,1" "--generator udp" "--bogus"; do
	# shellcheck disable=SC2086
	if "$src/scripts/rx-ceiling.sh" $bad >/dev/null 2>"$work/bad"; then
		fail "$bad accepted"
	elif grep -q -- "${bad%% *}" "$work/bad" || grep -q "server and client" "$work/bad"; then
		ok "$bad refused: $(head -n 1 "$work/bad")"
	else
		fail "$bad refused without naming it: $(head -n 1 "$work/bad")"
	fi
done
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
