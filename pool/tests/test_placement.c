/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Placement: node 0 verified with move_pages, non-existent node and interface, the 2 MiB
 * hugepage path (reserving pages through /proc/sys/vm/nr_hugepages as root, restored after),
 * the fallback path, THP / 4 KiB, and locking limits for an unprivileged user.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <numaif.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlane/pool.h>

#include "helpers.h"

#define MIB (1024UL * 1024UL)
#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"

static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "we");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%ld\n", v) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	size_t klen = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static int local_node(void)
{
	unsigned int cpu, node;

	return getcpu(&cpu, &node) == 0 ? (int)node : -1;
}

static int max_node(void)
{
	char path[64];
	int n = 0;
	struct stat st;

	for (int i = 0; i < 4096; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", i);
		if (stat(path, &st) == 0)
			n = i;
	}
	return n;
}

/* Where the kernel says @addr lives. */
static int page_node(void *addr)
{
	int status = -1;

	if (move_pages(0, 1, &addr, NULL, &status, 0) != 0)
		return -1;
	return status;
}

Test(pool_placement, node0_is_verified_with_move_pages)
{
	XL_OPTS(xl_pool_opts, o, .placement = XL_PLACE_NODE, .node = 0);
	struct xl_pool *pool = xl_pool_create(2048, 2048, &o);
	struct xl_pool_info i;

	cr_assert_not_null(pool, "create on node 0: %s", strerror(errno));
	i = pool_info(pool);
	cr_expect_eq(i.node, 0);
	cr_expect_eq(i.node_verified, 0);
	cr_expect_eq(i.prefaulted, 1);
	cr_expect_eq(i.locked, 1);
	/* independent check: first and last page */
	cr_expect_eq(page_node(i.region), 0);
	cr_expect_eq(page_node((char *)i.region + i.region_bytes - 1), 0);
	xl_pool_destroy(pool);
}

Test(pool_placement, local_is_the_calling_cpus_node)
{
	struct xl_pool *pool = xl_pool_create(256, 2048, NULL);
	struct xl_pool_info i;

	cr_assert_not_null(pool);
	i = pool_info(pool);
	cr_expect_eq(i.node, local_node());
	cr_expect_eq(i.node_verified, i.node);
	xl_pool_destroy(pool);
}

Test(pool_placement, nonexistent_node_is_enodev)
{
	XL_OPTS(xl_pool_opts, o, .placement = XL_PLACE_NODE, .node = max_node() + 1);

	errno = 0;
	cr_expect_null(xl_pool_create(16, 64, &o));
	cr_expect_eq(errno, ENODEV, "errno %d (%s)", errno, strerror(errno));
	o.node = 100000;
	errno = 0;
	cr_expect_null(xl_pool_create(16, 64, &o));
	cr_expect_eq(errno, ENODEV);
}

Test(pool_placement, nonexistent_interface_is_enodev)
{
	XL_OPTS(xl_pool_opts, o, .placement = XL_PLACE_IFACE, .ifname = "xl-nope-0");

	errno = 0;
	cr_expect_null(xl_pool_create(16, 64, &o));
	cr_expect_eq(errno, ENODEV);
	errno = 0;
	cr_expect_eq(xl_pool_iface_node("xl-nope-0"), -ENODEV);
	cr_expect_eq(errno, ENODEV);
	cr_expect_eq(xl_pool_iface_node("../lo"), -EINVAL);
	cr_expect_eq(xl_pool_iface_node("a-name-longer-than-ifnamsiz"), -EINVAL);
}

Test(pool_placement, loopback_has_no_device_node_so_local)
{
	XL_OPTS(xl_pool_opts, o, .placement = XL_PLACE_IFACE, .ifname = "lo");
	struct xl_pool *pool;

	errno = 0;
	cr_expect_eq(xl_pool_iface_node("lo"), -1);
	cr_expect_eq(errno, 0, "-1 is an answer, not an error");
	pool = xl_pool_create(16, 64, &o);
	cr_assert_not_null(pool, "%s", strerror(errno));
	cr_expect_eq(pool_info(pool).node, local_node());
	xl_pool_destroy(pool);
}

Test(pool_placement, small_pages_on_request)
{
	XL_OPTS(xl_pool_opts, o, .pages = XL_PAGES_SMALL);
	struct xl_pool *pool = xl_pool_create(2048, 2048, &o);
	struct xl_pool_info i;

	cr_assert_not_null(pool);
	i = pool_info(pool);
	cr_expect_eq(i.pages, XL_PAGES_SMALL);
	cr_expect_eq(i.page_size, 4096);
	xl_pool_destroy(pool);
}

Test(pool_placement, thp_reports_what_it_got)
{
	XL_OPTS(xl_pool_opts, o, .pages = XL_PAGES_THP);
	struct xl_pool *pool = xl_pool_create(4096, 2048, &o); /* 8 MiB */
	struct xl_pool_info i;
	char mode[64] = "";
	FILE *f;

	cr_assert_not_null(pool);
	i = pool_info(pool);
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = '\0';
		fclose(f);
	}
	if (strstr(mode, "[never]"))
		cr_expect_eq(i.pages, XL_PAGES_SMALL, "THP off must fall back to 4 KiB");
	cr_expect(i.pages == XL_PAGES_THP || i.pages == XL_PAGES_SMALL);
	cr_expect_eq(i.page_size, i.pages == XL_PAGES_THP ? 2 * MIB : 4096);
	cr_expect_eq((uintptr_t)i.region % (2 * MIB), 0, "THP region starts on 2 MiB");
	mode[strcspn(mode, "\n")] = '\0';
	cr_log_info("THP mode %s -> pages %d, page size %zu", mode, i.pages, i.page_size);
	xl_pool_destroy(pool);
}

Test(pool_placement, no_prefault_is_reported)
{
	XL_OPTS(xl_pool_opts, o, .flags = XL_POOL_F_NO_PREFAULT | XL_POOL_F_NO_LOCK);
	struct xl_pool *pool = xl_pool_create(64, 2048, &o);

	cr_assert_not_null(pool);
	cr_expect_eq(pool_info(pool).prefaulted, 0);
	cr_expect_eq(pool_info(pool).locked, 0);
	xl_pool_destroy(pool);
}

/* ---- hugepages: reserve as root, restore the old value whatever happens ---- */

static long hp_saved = -1;
static long hp_set = -1;

static void hp_reserve(void)
{
	if (geteuid() != 0)
		cr_skip_test("reserving hugepages needs root (writes " NR_HUGEPAGES ")");
	hp_saved = read_long(NR_HUGEPAGES);
	if (hp_saved < 0)
		cr_skip_test("no " NR_HUGEPAGES ": kernel without hugetlbfs");
	hp_set = hp_saved + 4;
	if (write_long(NR_HUGEPAGES, hp_set) != 0)
		cr_skip_test("cannot write " NR_HUGEPAGES ": %s", strerror(errno));
}

static void hp_restore(void)
{
	if (hp_saved >= 0 && write_long(NR_HUGEPAGES, hp_saved) != 0)
		cr_log_error("could not restore %s to %ld", NR_HUGEPAGES, hp_saved);
	hp_saved = -1;
}

Test(pool_placement, hugepage_path, .init = hp_reserve, .fini = hp_restore)
{
	XL_OPTS(xl_pool_opts, o, .pages = XL_PAGES_HUGE, .placement = XL_PLACE_NODE, .node = 0);
	struct xl_pool *pool;
	struct xl_pool_info i;

	if (meminfo("HugePages_Free") < 1)
		cr_skip_test("the kernel granted no 2 MiB hugepage (memory too fragmented)");
	pool = xl_pool_create(1024, 2048, &o); /* exactly one 2 MiB page */
	cr_assert_not_null(pool, "XL_PAGES_HUGE with free hugepages: %s", strerror(errno));
	i = pool_info(pool);
	cr_expect_eq(i.pages, XL_PAGES_HUGE);
	cr_expect_eq(i.page_size, 2 * MIB);
	cr_expect_eq(i.region_bytes, 2 * MIB);
	cr_expect_eq(i.node_verified, 0);
	cr_expect_eq(i.stride, 2048);
	xl_pool_destroy(pool);
}

/* Counts mappings of this process, to show a failed create leaves nothing mapped. */
static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

Test(pool_placement, fallback_when_hugepages_run_short)
{
	long free_hp = meminfo("HugePages_Free");
	/* one page more than there is, whatever others reserved */
	unsigned int n;
	XL_OPTS(xl_pool_opts, o, .pages = XL_PAGES_HUGE);
	struct xl_pool *pool;
	struct xl_pool_info i;
	int maps;

	if (free_hp < 0)
		cr_skip_test("no HugePages_Free in /proc/meminfo");
	if (free_hp > 64)
		cr_skip_test("%ld free hugepages: too many to exceed cheaply", free_hp);
	n = (unsigned int)(free_hp + 1) * 1024; /* 2048-byte objects, 1024 per 2 MiB */
	maps = count_maps();
	errno = 0;
	cr_expect_null(xl_pool_create(n, 2048, &o));
	cr_expect_eq(errno, ENOMEM, "XL_PAGES_HUGE short of pages: errno %d", errno);
	cr_expect_eq(count_maps(), maps, "a failed create left a mapping behind");

	o.pages = XL_PAGES_AUTO;
	pool = xl_pool_create(n, 2048, &o);
	cr_assert_not_null(pool, "AUTO must fall back: %s", strerror(errno));
	i = pool_info(pool);
	cr_expect_neq(i.pages, XL_PAGES_HUGE, "AUTO says it fell back");
	cr_expect_eq(i.page_size, i.pages == XL_PAGES_THP ? 2 * MIB : 4096);
	xl_pool_destroy(pool);
}

/* Criterion runs each test in its own process: this one drops to nobody for good. */
Test(pool_placement, unprivileged_lock_over_rlimit_is_eperm)
{
	XL_OPTS(xl_pool_opts, o, .pages = XL_PAGES_SMALL);
	struct xl_pool *pool;
	struct rlimit rl;
	unsigned int n;

#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("AddressSanitizer intercepts mlock() and ignores it: no limit to hit");
#endif
	if (geteuid() != 0)
		cr_skip_test("needs root to drop to an unprivileged user");
	if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 64 * MIB)
		cr_skip_test("RLIMIT_MEMLOCK is unlimited or above 64 MiB");
	cr_assert_eq(setgid(65534), 0, "setgid: %s", strerror(errno));
	cr_assert_eq(setuid(65534), 0, "setuid: %s", strerror(errno));
	n = (unsigned int)(rl.rlim_cur / 2048) * 2; /* twice the limit */
	errno = 0;
	pool = xl_pool_create(n, 2048, &o);
	cr_expect_null(pool, "locked %u objects over RLIMIT_MEMLOCK unprivileged", n);
	cr_expect_eq(errno, EPERM, "errno %d (%s)", errno, strerror(errno));
	xl_pool_destroy(pool);
	o.flags = XL_POOL_F_NO_LOCK;
	pool = xl_pool_create(n, 2048, &o);
	cr_assert_not_null(pool, "XL_POOL_F_NO_LOCK: %s", strerror(errno));
	cr_expect_eq(pool_info(pool).locked, 0);
	cr_expect_eq(xl_pool_destroy(pool), 0);
}
