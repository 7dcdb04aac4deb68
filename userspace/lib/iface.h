/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interface facts the data path needs: index, RX queue count, NUMA node, the CPUs of that node,
 * and whether the interface is still there. Internal.
 */
#ifndef XLANE_LIB_IFACE_H
#define XLANE_LIB_IFACE_H

/* The ifindex of @ifname, or -ENODEV / -EINVAL. */
int xl_iface_index(const char *ifname);

/*
 * Number of RX queues: ETHTOOL_GCHANNELS (rx + combined) when the driver answers, else the
 * rx-N entries of /sys/class/net/IF/queues. Returns the count (>= 1) or -errno.
 */
int xl_iface_rx_queues(const char *ifname);

/* NUMA node of the NIC (sysfs device/numa_node), -1 when it has none, or -ENODEV. */
int xl_iface_numa_node(const char *ifname);

/*
 * CPUs of @node (all online CPUs when node < 0), written to @cpus (at most @cap).
 * Returns the count (>= 1) or -errno.
 */
int xl_iface_node_cpus(int node, int *cpus, int cap);

/* 1 when @ifindex still names @ifname, 0 when the interface is gone or renamed. */
int xl_iface_alive(const char *ifname, int ifindex);

#endif /* XLANE_LIB_IFACE_H */
