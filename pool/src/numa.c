/* SPDX-License-Identifier: BSD-2-Clause */
/* NUMA node resolution from sysfs and getcpu(). Called at pool creation only. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "numa.h"

#define XL_SYS_NODE "/sys/devices/system/node"

bool xl_numa_node_exists(int node)
{
	char path[64];
	struct stat st;

	if (node < 0)
		return false;
	if (stat(XL_SYS_NODE, &st) != 0)
		return node == 0; /* kernel without NUMA: one implicit node 0 */
	snprintf(path, sizeof(path), XL_SYS_NODE "/node%d", node);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int xl_numa_local_node(void)
{
	unsigned int cpu, node;

	if (getcpu(&cpu, &node) != 0)
		return -1;
	return xl_numa_node_exists((int)node) ? (int)node : -1;
}

/* Reads a small decimal file; 0 or -errno. */
static int read_int_file(const char *path, long *val)
{
	char buf[32], *end;
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 ? -errno : -EINVAL;
	buf[len] = '\0';
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0'))
		return -EINVAL;
	return 0;
}

int xl_numa_iface_node(const char *ifname)
{
	char path[128];
	struct stat st;
	long node = -1;
	int err;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/') ||
	    !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/class/net/%s", ifname);
	if (stat(path, &st) != 0)
		return -ENODEV;
	/* virtual devices (lo, veth, bridges) have no device/ dir: no node */
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/numa_node", ifname);
	err = read_int_file(path, &node);
	if (err == -ENOENT)
		return -1;
	if (err)
		return err;
	if (node < 0)
		return -1;
	if (node > INT_MAX || !xl_numa_node_exists((int)node))
		return -ENODEV;
	return (int)node;
}

int xl_numa_resolve(enum xl_place place, int node, const char *ifname)
{
	int n;

	switch (place) {
	case XL_PLACE_LOCAL:
		return xl_numa_local_node();
	case XL_PLACE_NODE:
		if (node < 0)
			return -EINVAL;
		return xl_numa_node_exists(node) ? node : -ENODEV;
	case XL_PLACE_IFACE:
		n = xl_numa_iface_node(ifname);
		if (n == -1)
			return xl_numa_local_node();
		return n;
	default:
		return -EINVAL;
	}
}
