// SPDX-License-Identifier: BSD-2-Clause
/* Program-side messages and the single errno -> text mapping (see log.h). */
#include "log.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum xl_log_level cur_level = XL_LOG_INFO;

void xl_log_set_level(enum xl_log_level level)
{
	cur_level = level < XL_LOG_LEVEL_MAX ? level : XL_LOG_DEBUG;
}

enum xl_log_level xl_log_get_level(void)
{
	return cur_level;
}

void xl_log(enum xl_log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xlane: %s%s\n", level == XL_LOG_WARN ? "warning: " : "", buf);
}

const char *xl_errno_text(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENODEV:
	case ENXIO:
		return "no such interface";
	case EPERM:
	case EACCES:
		return "not permitted (run as root, or with CAP_NET_ADMIN, CAP_BPF, CAP_SYS_ADMIN "
		       "and "
		       "CAP_IPC_LOCK)";
	case EEXIST:
	case EBUSY:
		return "another XDP program (or another xlane instance) is in the way; "
		       "see 'ip link show' or run 'xlane detach' if it is xlane's";
	case ENOMEM:
	case ENOBUFS:
		return "not enough locked memory or hugepages (RLIMIT_MEMLOCK, CAP_IPC_LOCK, "
		       "/proc/sys/vm/nr_hugepages)";
	case ERANGE:
		return "queue out of range for this interface";
	case ENOENT:
		return "no running xlane instance on this interface (no pinned maps)";
	case EOPNOTSUPP:
		return "not supported by this interface or driver";
	case E2BIG:
		return "table full";
	case EINVAL:
		return "invalid argument";
	case ENOSPC:
		return "no space left (map full)";
	default:
		return strerror(err);
	}
}

void xl_log_errno(int err, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xlane: %s: %s\n", buf, xl_errno_text(err));
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n;

	if (level == LIBBPF_DEBUG || cur_level < XL_LOG_DEBUG)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	fprintf(stderr, "xlane: libbpf: %s\n", buf);
	return 0;
}

void xl_log_hook_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
