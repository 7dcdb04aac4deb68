#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# README command 2 (and .ci/run): install deps, build, run every test suite,
# then again under ASan+UBSan, then the multi-threaded parts under ThreadSanitizer (suite 'tsan'),
# then under Valgrind memcheck. The 'fuzz' suite (libFuzzer targets,
# built by clang with ASan+UBSan of their own) runs once, in the plain pass.
#   scripts/test.sh            everything
#   XL_TEST_QUICK=1 scripts/test.sh   only the plain build (for a quick local loop)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

scripts/deps.sh

step() { printf '\n=== %s (%ss since start)\n' "$*" "$SECONDS"; }

step "plain build (-Wall -Wextra -Werror)"
[ -d build/test ] || meson setup build/test --buildtype=debugoptimized >/dev/null
meson compile -C build/test
step "meson test: every suite"
meson test -C build/test --print-errorlogs --num-processes 2

[ "${XL_TEST_QUICK:-0}" = 1 ] && exit 0

step "ASan+UBSan build"
[ -d build/asan ] || meson setup build/asan -Db_sanitize=address,undefined -Db_lundef=false \
	--buildtype=debug >/dev/null
meson compile -C build/asan
step "meson test under ASan+UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build/asan --print-errorlogs --num-processes 2 --no-suite fuzz

step "ThreadSanitizer build: the multi-threaded pool stress and the xlane daemon with 2 workers"
[ -d build/tsan ] || meson setup build/tsan -Db_sanitize=thread --buildtype=debugoptimized \
	>/dev/null
meson compile -C build/tsan tsan_stress userspace/cli/xlane:executable xdp_prog/pass.bpf.o
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	meson test -C build/tsan --no-rebuild --print-errorlogs --num-processes 2 --suite tsan

step "meson test under Valgrind memcheck"
meson test -C build/test --setup valgrind --print-errorlogs --num-processes 2 --no-suite fuzz

step "all green"
