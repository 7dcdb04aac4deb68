#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Symbol hygiene: the shared library exports exactly the xl_pool_* symbols, all in a version node
# of libxlane-pool.map; every global symbol defined in the static library starts with xl_.
#   test_exports.sh LIB.so LIB.a MAP
set -euo pipefail
so=$1 a=$2 map=$3

if [ "${XL_UNDER_VALGRIND:-0}" = 1 ]; then
	echo "SKIP: checks build artefacts with nm; nothing for Valgrind to check"
	exit 77
fi

fail=0
nodes=$(grep -oE '^XLANE_POOL_[0-9.]+' "$map")
[ -n "$nodes" ] || { echo "no XLANE_POOL_x.y node in $map"; exit 1; }

# nm -D --defined-only: "ADDR TYPE NAME@@NODE"; the node names themselves are ABS symbols.
exports=$(nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }')
[ -n "$exports" ] || { echo "no exports in $so"; exit 1; }
while read -r sym; do
	name=${sym%%@*} node=${sym#*@@}
	case $name in
	xl_pool_*) ;;
	*) echo "exported but not xl_pool_*: $sym"; fail=1; continue ;;
	esac
	if [ "$node" = "$sym" ] || ! grep -qx "$node" <<<"$nodes"; then
		echo "exported without a version node from $map: $sym"
		fail=1
	fi
done <<<"$exports"

# Every public function in the header must be exported.
hdr_dir=$(dirname "$map")/include/xlane
for fn in $(grep -ohE '\bxl_pool_[a-z_]+\(' "$hdr_dir"/*.h | tr -d '(' | sort -u); do
	grep -q "static inline.*\b$fn(" "$hdr_dir"/*.h && continue
	grep -qx "$fn@@.*" <<<"$exports" || { echo "declared in a header, not exported: $fn"; fail=1; }
done

# Static linking has no visibility protection: every global name must be ours.
while read -r sym; do
	case $sym in
	xl_*) ;;
	*) echo "global symbol without the xl_ prefix in $a: $sym"; fail=1 ;;
	esac
done < <(nm -g --defined-only "$a" | awk 'NF == 3 { print $3 }')

[ $fail = 0 ] && echo "exports OK: $(wc -l <<<"$exports") symbols"
exit $fail
