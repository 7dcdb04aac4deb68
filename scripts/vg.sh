#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# exe_wrapper of the meson 'valgrind' test setup. ELF test programs run under Valgrind memcheck
# (children followed: Criterion runs each test in a child); shell-script tests run as they are,
# with XL_UNDER_VALGRIND=1 so they can put the programs they drive under Valgrind themselves.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export XL_UNDER_VALGRIND=1
if [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	exec "$@"
fi
exec valgrind --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
	--trace-children=yes --trace-children-skip='/usr/bin/*,/bin/*,/usr/sbin/*,/sbin/*' \
	--child-silent-after-fork=no --quiet --suppressions="$here/valgrind.supp" "$@"
