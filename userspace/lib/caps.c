// SPDX-License-Identifier: BSD-2-Clause
/* Capability drop for a running instance: each thread drops its own, then the sets are read back. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"

struct capsets {
	uint64_t eff, prm, inh;
};

static int caps_get(struct capsets *s)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	s->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	s->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	s->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/* Calling thread only (capset(2) is per thread); the bounding set when CAP_SETPCAP allows. */
static int drop_self(uint64_t keep, int last_cap)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	struct capsets s = {0};
	int c, ret;

	ret = caps_get(&s);
	if (ret)
		return ret;
	/* the bounding set first: dropping from it needs CAP_SETPCAP, which goes next */
	if (s.eff & XL_CAP(CAP_SETPCAP))
		for (c = 0; c <= last_cap && c < 64; c++)
			if (!(keep & XL_CAP(c)))
				prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	s.eff &= keep;
	s.prm &= keep;
	s.inh &= keep;
	d[0].effective = (uint32_t)s.eff;
	d[1].effective = (uint32_t)(s.eff >> 32);
	d[0].permitted = (uint32_t)s.prm;
	d[1].permitted = (uint32_t)(s.prm >> 32);
	d[0].inheritable = (uint32_t)s.inh;
	d[1].inheritable = (uint32_t)(s.inh >> 32);
	if (syscall(SYS_capset, &h, d))
		return -errno;
	return 0;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int c = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &c) != 1 || c < 0 || c > 63)
			c = CAP_LAST_CAP;
		fclose(f);
	}
	return c;
}

/* Reads CapInh/CapPrm/CapEff/CapAmb of a thread: the union of them. 0 or -errno. */
static int thread_caps(pid_t tid, uint64_t *any)
{
	char path[64], line[128];
	unsigned long long v;
	FILE *f;
	int seen = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	*any = 0;
	while (fgets(line, sizeof(line), f)) {
		if ((sscanf(line, "CapInh: %llx", &v) == 1) ||
		    (sscanf(line, "CapPrm: %llx", &v) == 1) ||
		    (sscanf(line, "CapEff: %llx", &v) == 1) ||
		    (sscanf(line, "CapAmb: %llx", &v) == 1)) {
			*any |= v;
			seen++;
		}
	}
	fclose(f);
	return seen >= 3 ? 0 : -EIO;
}

int xl_caps_drop_self(uint64_t keep)
{
	int ret = drop_self(keep, last_cap());

	if (ret)
		errno = -ret;
	return ret;
}

int xl_caps_verify(const pid_t *tids, unsigned int n, uint64_t keep)
{
	uint64_t any;
	int ret;

	if (n && !tids) {
		errno = EINVAL;
		return -EINVAL;
	}
	ret = thread_caps((pid_t)syscall(SYS_gettid), &any);
	if (!ret && (any & ~keep))
		ret = -EPERM;
	for (unsigned int i = 0; !ret && i < n; i++) {
		ret = thread_caps(tids[i], &any);
		if (ret == -ENOENT) { /* ended meanwhile: holds nothing */
			ret = 0;
			continue;
		}
		if (!ret && (any & ~keep))
			ret = -EPERM;
	}
	if (ret)
		errno = -ret;
	return ret;
}

int xl_caps_describe(char *desc, size_t desclen)
{
	struct capsets s = {0};
	size_t off = 0;
	int c, ret, n = 0;

	if (!desc || !desclen) {
		errno = EINVAL;
		return -EINVAL;
	}
	desc[0] = 0;
	ret = caps_get(&s);
	if (ret) {
		errno = -ret;
		return ret;
	}
	for (c = 0; c < 64; c++) {
		char *name;
		int w;

		if (!(s.prm & XL_CAP(c)))
			continue;
		name = cap_to_name((cap_value_t)c);
		w = snprintf(desc + off, desclen - off, "%s%s", n ? "," : "", name ? name : "?");
		cap_free(name);
		n++;
		if (w < 0 || (size_t)w >= desclen - off) {
			errno = ENOSPC;
			return -ENOSPC;
		}
		off += (size_t)w;
	}
	if (!n)
		snprintf(desc, desclen, "none");
	return 0;
}
