/* SPDX-License-Identifier: BSD-2-Clause */
/* NUMA node resolution: explicit node, the calling CPU's node, or a network interface's node. */
#ifndef XL_POOL_NUMA_H
#define XL_POOL_NUMA_H

#include <stdbool.h>
#include <xlane/pool.h>

/* True when @node is an online NUMA node (node 0 always exists, even without NUMA support). */
bool xl_numa_node_exists(int node);

/* The NUMA node of the CPU running the caller, or -1 when unknown. */
int xl_numa_local_node(void);

/* The node of @ifname from sysfs: >= 0, -1 (no device or no node), -ENODEV, -EINVAL. */
int xl_numa_iface_node(const char *ifname);

/*
 * Turns a placement request into a node: the node (>= 0), or -1 when the machine has no NUMA
 * information (the region then goes wherever the kernel puts it); -ENODEV, -EINVAL on errors.
 */
int xl_numa_resolve(enum xl_place place, int node, const char *ifname);

#endif /* XL_POOL_NUMA_H */
