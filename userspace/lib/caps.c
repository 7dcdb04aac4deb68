// SPDX-License-Identifier: BSD-2-Clause
/* Capability drop for a running instance (calling thread + threads started since a snapshot). */
#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"

#define ANSWER_MS 2000

/* what the signal handler applies; written before the signals are sent */
static uint64_t g_keep;
static int g_last_cap;
static int g_acks;
static int g_fails;

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

/* Raw system calls only: this also runs in a signal handler. */
static int drop_self(uint64_t keep, int last_cap)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	struct capsets s = { 0 };
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

static void on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	if (drop_self(__atomic_load_n(&g_keep, __ATOMIC_ACQUIRE), g_last_cap))
		__atomic_add_fetch(&g_fails, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&g_acks, 1, __ATOMIC_RELEASE);
	errno = saved;
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

/* Calls fn(tid, arg) for every thread of the process; returns 0 or -errno. */
static int for_each_tid(int (*fn)(pid_t tid, void *arg), void *arg)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	while (!ret && (e = readdir(d))) {
		char *end;
		long t = strtol(e->d_name, &end, 10);

		if (e->d_name[0] == '.' || *end || t <= 0)
			continue;
		ret = fn((pid_t)t, arg);
	}
	closedir(d);
	return ret;
}

static int snap_add(pid_t tid, void *arg)
{
	struct xl_caps_snap *s = arg;

	if (s->n < XL_CAPS_SNAP_MAX)
		s->tids[s->n++] = tid;
	else
		s->overflow = 1;
	return 0;
}

int xl_caps_snapshot(struct xl_caps_snap *snap)
{
	int ret;

	if (!snap) {
		errno = EINVAL;
		return -EINVAL;
	}
	snap->n = 0;
	snap->overflow = 0;
	ret = for_each_tid(snap_add, snap);
	if (ret)
		errno = -ret;
	return ret;
}

static int in_snap(const struct xl_caps_snap *s, pid_t tid)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->tids[i] == tid)
			return 1;
	return 0;
}

struct targets {
	const struct xl_caps_snap *snap;
	pid_t self;
	unsigned int n;
	pid_t tids[XL_CAPS_SNAP_MAX];
};

static int target_add(pid_t tid, void *arg)
{
	struct targets *t = arg;

	if (tid == t->self || in_snap(t->snap, tid))
		return 0;
	if (t->n == XL_CAPS_SNAP_MAX)
		return -E2BIG;
	t->tids[t->n++] = tid;
	return 0;
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

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int xl_caps_drop(const struct xl_caps_snap *snap, uint64_t keep, char *desc, size_t desclen)
{
	struct targets *t;
	struct sigaction sa, old;
	struct capsets before = { 0 };
	uint64_t any, t0;
	unsigned int i, sent = 0;
	int sig = SIGRTMAX - 3, ret, dropped, bset, kill_err = 0;
	char kept[512];

	if (!snap || (desc && !desclen)) {
		errno = EINVAL;
		return -EINVAL;
	}
	if (desc)
		desc[0] = 0;
	if (snap->overflow) {
		errno = E2BIG;
		return -E2BIG;
	}
	ret = caps_get(&before);
	if (ret) {
		errno = -ret;
		return ret;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->snap = snap;
	t->self = (pid_t)syscall(SYS_gettid);
	ret = for_each_tid(target_add, t);
	if (ret)
		goto out;

	g_keep = keep;
	g_last_cap = last_cap();
	__atomic_store_n(&g_acks, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&g_fails, 0, __ATOMIC_RELEASE);
	if (t->n) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		if (sigaction(sig, &sa, &old)) {
			ret = -errno;
			goto out;
		}
		for (i = 0; i < t->n; i++) {
			if (!syscall(SYS_tgkill, getpid(), t->tids[i], sig)) {
				sent++;
				continue;
			}
			if (errno != ESRCH) /* ESRCH: ended meanwhile, nothing to drop */
				kill_err = -errno;
			t->tids[i] = 0;
		}
		t0 = now_ms();
		while ((unsigned int)__atomic_load_n(&g_acks, __ATOMIC_ACQUIRE) < sent) {
			if (now_ms() - t0 > ANSWER_MS) {
				/* the handler stays installed: a late signal must not kill the process */
				ret = -ETIMEDOUT;
				goto out;
			}
			nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
		}
		sigaction(sig, &old, NULL);
		if (kill_err) {
			ret = kill_err;
			goto out;
		}
		if (__atomic_load_n(&g_fails, __ATOMIC_ACQUIRE)) {
			ret = -EPERM;
			goto out;
		}
	}
	ret = drop_self(keep, g_last_cap);
	if (ret)
		goto out;
	/* read every thread back: nothing outside keep may remain */
	ret = thread_caps(t->self, &any);
	if (!ret && (any & ~keep))
		ret = -EPERM;
	for (i = 0; !ret && i < t->n; i++) {
		if (!t->tids[i])
			continue;
		ret = thread_caps(t->tids[i], &any);
		if (ret == -ENOENT) { /* ended meanwhile */
			ret = 0;
			continue;
		}
		if (!ret && (any & ~keep))
			ret = -EPERM;
	}
	if (ret)
		goto out;
	if (desc) {
		dropped = __builtin_popcountll(before.prm & ~keep);
		bset = !!(before.eff & XL_CAP(CAP_SETPCAP)) && !(keep & XL_CAP(CAP_SETPCAP));
		if (xl_caps_describe(kept, sizeof(kept)))
			snprintf(kept, sizeof(kept), "?");
		snprintf(desc, desclen, "kept %s; dropped %d capabilit%s in %u thread%s%s", kept,
			 dropped, dropped == 1 ? "y" : "ies", sent + 1, sent ? "s" : "",
			 bset ? " (bounding set too)" : "");
	}
	ret = (int)sent + 1;
out:
	free(t);
	if (ret < 0)
		errno = -ret;
	return ret;
}

int xl_caps_describe(char *desc, size_t desclen)
{
	struct capsets s = { 0 };
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
