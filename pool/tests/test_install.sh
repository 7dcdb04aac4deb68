#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds pool/examples/embed.c the way a user would, against the INSTALLED library:
# `meson install --destdir` into a temp dir, then `cc $(pkg-config --cflags --libs xlane-pool)`,
# once shared and once static (`pkg-config --static`, libxlane-pool.a), and runs both.
#   test_install.sh BUILD_ROOT EMBED_C [EXTRA_CFLAGS...]   (extra flags: the sanitizers in use)
set -euo pipefail
build=$1 embed=$2
shift 2
extra=("$@")

# Under the valgrind test setup, the two programs built here run under memcheck.
run=()
if [ "${XL_UNDER_VALGRIND:-0}" = 1 ]; then
	run=(valgrind --quiet --error-exitcode=99 --leak-check=full
		--errors-for-leak-kinds=definite,indirect,possible)
fi

tmp=$(mktemp -d /tmp/xl-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build" --no-rebuild --destdir "$tmp/root" --quiet >"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log"
	exit 1
}
pc=$(find "$tmp/root" -name xlane-pool.pc -print -quit)
[ -n "$pc" ] || { echo "xlane-pool.pc was not installed"; exit 1; }
hdr=$(find "$tmp/root" -path '*/include/xlane/pool.h' -print -quit)
[ -n "$hdr" ] || { echo "xlane/pool.h was not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR=$tmp/root
so=$(find "$tmp/root" -name 'libxlane-pool.so.*' -print -quit)
[ -n "$so" ] || { echo "libxlane-pool.so was not installed"; exit 1; }
libdir=$(dirname "$so")

# shared
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror "${extra[@]}" "$embed" -o "$tmp/embed-shared" \
	$(pkg-config --cflags --libs xlane-pool)
readelf -d "$tmp/embed-shared" | grep -q 'NEEDED.*libxlane-pool\.so' || {
	echo "embed-shared does not link libxlane-pool.so"
	exit 1
}
LD_LIBRARY_PATH=$libdir "${run[@]}" "$tmp/embed-shared"

# static: libxlane-pool.a, with the private deps from `pkg-config --static`
libs=$(pkg-config --static --libs xlane-pool)
libs=${libs/-lxlane-pool/-Wl,-Bstatic -lxlane-pool -Wl,-Bdynamic}
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror "${extra[@]}" "$embed" -o "$tmp/embed-static" \
	$(pkg-config --cflags xlane-pool) $libs
if readelf -d "$tmp/embed-static" | grep -q 'NEEDED.*libxlane-pool'; then
	echo "embed-static still needs libxlane-pool.so"
	exit 1
fi
"${run[@]}" "$tmp/embed-static"
echo "install OK: shared and static builds of $(basename "$embed") ran"
