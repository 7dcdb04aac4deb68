#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# README command 1: the main job on the built-in default.
#  1. installs the Debian packages (scripts/deps.sh) and builds into build/run;
#  2. builds and runs the embedding example against the INSTALLED libxlane-pool (pkg-config);
#  3. runs the pool benchmark (xl_pool vs rte_mempool vs malloc; hugepages, then --no-huge);
#  4. brings up the veth testbed in two network namespaces, runs `xlane run` with the echo
#     handler and a rule for UDP port 7000 on the server side, sends real traffic from the client
#     namespace, shows replies, stats and the modes obtained, and tears the testbed down.
# Results land in results/.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
mkdir -p results

step() { printf '\n=== %s\n' "$*"; }

scripts/deps.sh
step "build (build/run)"
[ -d build/run ] || meson setup build/run --buildtype=release -Dwerror=true >/dev/null
meson compile -C build/run

step "embedding example, built against the installed library through pkg-config"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR="$stage" meson install -C build/run --quiet --no-rebuild
prefix=$(meson introspect build/run --buildoptions | jq -r '.[] | select(.name=="prefix") | .value')
libdir=$(meson introspect build/run --buildoptions | jq -r '.[] | select(.name=="libdir") | .value')
export PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_PATH="$stage$prefix/$libdir/pkgconfig"
cc -o "$stage/embed" pool/examples/embed.c $(pkg-config --cflags --libs xlane-pool)
LD_LIBRARY_PATH="$stage$prefix/$libdir" "$stage/embed"

step "pool benchmark"
scripts/pool-bench.sh

step "fast lane on the veth testbed"
scripts/demo.sh build/run
