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

/*
 * ethtool ntuple (RX flow classification) rules. @flow_type is UDP_V4_FLOW, TCP_V4_FLOW,
 * UDP_V6_FLOW or TCP_V6_FLOW; @saddr/@daddr are 4 or 16 bytes in network order, NULL for "any";
 * ports are host order, 0 for "any". The rule steers matching packets to RX queue @queue, at a
 * location the driver chooses (RX_CLS_LOC_ANY), written to *@loc. Returns 0 or -errno
 * (-EOPNOTSUPP: the driver has no ntuple filters). Channel counts are never touched.
 */
int xl_iface_ntuple_add(const char *ifname, unsigned int flow_type, const void *saddr,
			const void *daddr, unsigned int sport, unsigned int dport,
			unsigned int queue, unsigned int *loc);

/* Remove the ntuple rule at @loc (ETHTOOL_SRXCLSRLDEL). Returns 0 or -errno. */
int xl_iface_ntuple_del(const char *ifname, unsigned int loc);

#endif /* XLANE_LIB_IFACE_H */
