// SPDX-License-Identifier: BSD-2-Clause
/* Interface facts: index, RX queue count, NUMA node, node CPUs, liveness. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iface.h"

static int check_name(const char *ifname)
{
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ || strchr(ifname, '/'))
		return -EINVAL;
	return 0;
}

int xl_iface_index(const char *ifname)
{
	unsigned int idx;

	if (check_name(ifname))
		return -EINVAL;
	idx = if_nametoindex(ifname);
	if (!idx)
		return -ENODEV;
	return (int)idx;
}

static int queues_from_sysfs(const char *ifname)
{
	char path[128];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "rx-", 3))
			n++;
	closedir(d);
	return n > 0 ? n : -ENOENT;
}

int xl_iface_rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { 0 };
	int fd, ret, n;

	if (check_name(ifname))
		return -EINVAL;
	if (xl_iface_index(ifname) < 0)
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)&ch;
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	if (ret == 0) {
		n = (int)(ch.rx_count + ch.combined_count);
		if (n > 0)
			return n;
	}
	return queues_from_sysfs(ifname);
}

int xl_iface_numa_node(const char *ifname)
{
	char path[128];
	FILE *f;
	int node = -1;

	if (check_name(ifname))
		return -EINVAL;
	if (xl_iface_index(ifname) < 0)
		return -ENODEV;
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/numa_node", ifname);
	f = fopen(path, "re");
	if (!f)
		return -1; /* virtual devices have no device/ */
	if (fscanf(f, "%d", &node) != 1)
		node = -1;
	fclose(f);
	return node < 0 ? -1 : node;
}

int xl_iface_node_cpus(int node, int *cpus, int cap)
{
	char path[128], buf[1024], *p, *end;
	cpu_set_t set;
	int n = 0, a, b, c;
	FILE *f;

	if (!cpus || cap <= 0)
		return -EINVAL;
	if (node >= 0) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
		f = fopen(path, "re");
		if (f) {
			if (fgets(buf, sizeof(buf), f)) {
				for (p = buf; *p && n < cap;) {
					a = (int)strtol(p, &end, 10);
					if (end == p)
						break;
					b = a;
					if (*end == '-')
						b = (int)strtol(end + 1, &end, 10);
					for (c = a; c <= b && n < cap; c++)
						cpus[n++] = c;
					p = *end == ',' ? end + 1 : end;
				}
			}
			fclose(f);
		}
		if (n > 0)
			return n;
	}
	/* No node (or no NUMA): the CPUs this process may run on. */
	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (c = 0; c < CPU_SETSIZE && n < cap; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n > 0 ? n : -ENOENT;
}

int xl_iface_alive(const char *ifname, int ifindex)
{
	char name[IF_NAMESIZE];

	if (!if_indextoname((unsigned int)ifindex, name))
		return 0;
	return strcmp(name, ifname) == 0;
}

static int ethtool_rxnfc(const char *ifname, struct ethtool_rxnfc *nfc)
{
	struct ifreq ifr = { 0 };
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)nfc;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		ret = -errno;
	close(fd);
	return ret;
}

int xl_iface_ntuple_add(const char *ifname, unsigned int flow_type, const void *saddr,
			const void *daddr, unsigned int sport, unsigned int dport,
			unsigned int queue, unsigned int *loc)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_SRXCLSRLINS };
	struct ethtool_rx_flow_spec *fs = &nfc.fs;
	int ret;

	if (check_name(ifname) || !loc || sport > 0xffff || dport > 0xffff)
		return -EINVAL;
	fs->flow_type = flow_type;
	fs->ring_cookie = queue;
	fs->location = RX_CLS_LOC_ANY;
	switch (flow_type) {
	case UDP_V4_FLOW:
	case TCP_V4_FLOW:
		if (saddr) {
			memcpy(&fs->h_u.tcp_ip4_spec.ip4src, saddr, 4);
			fs->m_u.tcp_ip4_spec.ip4src = 0xffffffffU;
		}
		if (daddr) {
			memcpy(&fs->h_u.tcp_ip4_spec.ip4dst, daddr, 4);
			fs->m_u.tcp_ip4_spec.ip4dst = 0xffffffffU;
		}
		if (sport) {
			fs->h_u.tcp_ip4_spec.psrc = htons((uint16_t)sport);
			fs->m_u.tcp_ip4_spec.psrc = 0xffff;
		}
		if (dport) {
			fs->h_u.tcp_ip4_spec.pdst = htons((uint16_t)dport);
			fs->m_u.tcp_ip4_spec.pdst = 0xffff;
		}
		break;
	case UDP_V6_FLOW:
	case TCP_V6_FLOW:
		if (saddr) {
			memcpy(fs->h_u.tcp_ip6_spec.ip6src, saddr, 16);
			memset(fs->m_u.tcp_ip6_spec.ip6src, 0xff, 16);
		}
		if (daddr) {
			memcpy(fs->h_u.tcp_ip6_spec.ip6dst, daddr, 16);
			memset(fs->m_u.tcp_ip6_spec.ip6dst, 0xff, 16);
		}
		if (sport) {
			fs->h_u.tcp_ip6_spec.psrc = htons((uint16_t)sport);
			fs->m_u.tcp_ip6_spec.psrc = 0xffff;
		}
		if (dport) {
			fs->h_u.tcp_ip6_spec.pdst = htons((uint16_t)dport);
			fs->m_u.tcp_ip6_spec.pdst = 0xffff;
		}
		break;
	default:
		return -EINVAL;
	}
	ret = ethtool_rxnfc(ifname, &nfc);
	if (ret)
		return ret;
	*loc = fs->location; /* the kernel writes back the location the driver chose */
	return 0;
}

int xl_iface_ntuple_del(const char *ifname, unsigned int loc)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_SRXCLSRLDEL };

	if (check_name(ifname))
		return -EINVAL;
	nfc.fs.location = loc;
	return ethtool_rxnfc(ifname, &nfc);
}
