// SPDX-License-Identifier: BSD-2-Clause
/* Error messages and the optional debug print hook (libraries never print by themselves). */
#include <bpf/libbpf.h>
#include <stdio.h>

#include "daemon.h"
#include "internal.h"

static void (*xl_print_fn)(int level, const char *msg);

int xl_errmsg(char *buf, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	if (buf && len) {
		va_start(ap, fmt);
		vsnprintf(buf, len, fmt, ap);
		va_end(ap);
	}
	return xl_err(err ? err : EINVAL);
}

void xl_dbg(int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!xl_print_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xl_print_fn(level, msg);
}

static int xl_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512];

	if (!xl_print_fn)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	xl_print_fn(level == LIBBPF_WARN ? XL_DBG_WARN :
		    level == LIBBPF_INFO ? XL_DBG_INFO : XL_DBG_DEBUG, msg);
	return 0;
}

void xl_print_install(void)
{
	libbpf_set_print(xl_libbpf_print);
}

void xl_set_print(void (*fn)(int level, const char *msg))
{
	xl_print_fn = fn;
	xl_print_install();
}
