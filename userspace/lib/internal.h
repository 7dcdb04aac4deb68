/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal helpers of the data path library: the error convention at the boundary, the one-line
 * error message of xl_daemon_run(), and the debug print hook. Not installed.
 */
#ifndef XLANE_LIB_INTERNAL_H
#define XLANE_LIB_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Return -err with errno set (err is a positive or negative errno). */
static inline int xl_err(int err)
{
	if (err < 0)
		err = -err;
	errno = err;
	return -err;
}

/* Writes "fmt..." into buf (when buf is not NULL); returns -err with errno set. */
__attribute__((format(printf, 4, 5))) int xl_errmsg(char *buf, size_t len, int err,
						     const char *fmt, ...);

/* Debug detail through the xl_set_print() callback (dropped when none is set). */
__attribute__((format(printf, 2, 3))) void xl_dbg(int level, const char *fmt, ...);

#define XL_DBG_WARN 0
#define XL_DBG_INFO 1
#define XL_DBG_DEBUG 2

#endif /* XLANE_LIB_INTERNAL_H */

/* Routes libbpf's messages to the xl_set_print() callback (silent without one). */
void xl_print_install(void);

struct xl_cfg;
/* Applies hot-flow settings to a steering config (control.c). Returns 0 or -EINVAL. */
int xl_hot_apply(struct xl_cfg *cfg, uint64_t threshold_pps, uint32_t window_ms, int enabled);

/* pid of the live daemon whose pins are under XL_PIN_ROOT/<ifname>, 0 if none (control.c). */
int xl_control_owner_pid(const char *ifname);
