/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file caps.h
 * @brief Drop the capabilities a running instance no longer needs. Internal.
 *
 * **Model.** Capabilities are per thread on Linux: capset(2) changes only the calling thread,
 * and a thread inherits its creator's sets when it is created. xl_daemon_run() needs
 * CAP_NET_ADMIN, CAP_BPF/CAP_SYS_ADMIN and CAP_IPC_LOCK to load, pin, attach and register the
 * UMEM, but its workers are started before the program is attached (so no packet is redirected
 * to a socket nobody serves). So: xl_caps_snapshot() records the threads that exist before the
 * instance starts any; xl_caps_drop() then drops, in the calling thread and in every thread
 * started since the snapshot (the workers), every capability not in keep: effective, permitted,
 * inheritable, ambient, and the bounding set when CAP_SETPCAP allows it (so not even an execve
 * as uid 0 gets them back). Other threads (those of a program embedding the library) keep theirs.
 * Workers are reached with a real-time signal whose handler makes only raw, async-signal-safe
 * system calls; then every thread's /proc status is read back and checked.
 *
 * **Errors.** int functions return 0 or a count, or -errno (errno set). Nothing is printed.
 */
#ifndef XLANE_CAPS_H
#define XLANE_CAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define XL_CAPS_SNAP_MAX 256

/** Threads of the process at one moment (by kernel thread id). */
struct xl_caps_snap {
	unsigned int n;		      /**< entries in tids */
	int overflow;		      /**< more threads than XL_CAPS_SNAP_MAX */
	pid_t tids[XL_CAPS_SNAP_MAX]; /**< kernel thread ids */
};

/** A capability bit for xl_caps_drop()'s keep mask. */
#define XL_CAP(c) (1ULL << (c))

/**
 * @brief **xl_caps_snapshot()** records the threads that exist now.
 * @return 0, or -errno (/proc/self/task unreadable)
 */
int xl_caps_snapshot(struct xl_caps_snap *snap);

/**
 * @brief **xl_caps_drop()** drops every capability not in @p keep from the calling thread and
 * from every thread started since @p snap.
 * @param snap from xl_caps_snapshot(), taken before the threads to include were started
 * @param keep capabilities to keep (XL_CAP(CAP_...) ored), 0 for none; a capability not held is
 * not gained
 * @param desc receives what was kept and dropped, e.g. "kept none; dropped 41 capabilities in
 * 3 threads (bounding set too)"; may be NULL
 * @return the number of threads changed, or -errno: -E2BIG (the snapshot overflowed, so the new
 * threads cannot be told apart), -ETIMEDOUT (a thread did not answer within 2 s), -EPERM (a
 * thread still holds a capability it should not), -EINVAL
 */
int xl_caps_drop(const struct xl_caps_snap *snap, uint64_t keep, char *desc, size_t desclen);

/**
 * @brief **xl_caps_describe()** describes the calling thread's permitted capabilities:
 * "none", or their names ("cap_net_admin,cap_bpf").
 * @return 0, or -errno (-ENOSPC: desc too small, truncated)
 */
int xl_caps_describe(char *desc, size_t desclen);

#endif /* XLANE_CAPS_H */
