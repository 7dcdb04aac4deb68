/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Criterion side of the steering test harness: open it, optionally with an AF_XDP socket in
 * xl_xsks, or skip the test with the reason. Header-only, so that harness.c stays free of
 * Criterion (the libFuzzer target links it without).
 */
#ifndef XL_HARNESS_CR_H
#define XL_HARNESS_CR_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

/*
 * Returns an open harness, or skips the calling test when BPF_PROG_TEST_RUN cannot run here or
 * (@with_xsk) no AF_XDP socket can be bound; fails the test if opening fails otherwise. An open
 * harness whose socket could not be bound is closed before the skip.
 */
static inline struct xl_harness *xl_harness_open_or_skip(bool with_xsk)
{
	const char *why = xl_harness_skip_reason();
	struct xl_harness *h;
	int err;

	if (why)
		cr_skip_test("%s", why);
	h = xl_harness_open();
	cr_assert_not_null(h, "xl_harness_open: %s", strerror(errno));
	if (!with_xsk)
		return h;
	err = xl_harness_xsk_attach(h);
	if (err) {
		xl_harness_close(h);
		cr_skip_test("cannot bind an AF_XDP socket to a private loopback: %s",
			     strerror(-err));
	}
	return h;
}

#endif /* XL_HARNESS_CR_H */
