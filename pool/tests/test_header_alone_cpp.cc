// SPDX-License-Identifier: BSD-2-Clause
// The same header-alone program, compiled as C++.
#include "test_header_alone.c"
