/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file caps.h
 * @brief Drop the capabilities a running instance no longer needs. Internal.
 *
 * **Model.** Capabilities are per thread on Linux: capset(2) changes only the calling thread,
 * and a thread inherits its creator's sets when it is created. xl_daemon_run() needs
 * CAP_NET_ADMIN, CAP_BPF/CAP_SYS_ADMIN and CAP_IPC_LOCK to load, pin, attach and register the
 * UMEM, but its workers are started before the program is attached (so no packet is redirected
 * to a socket nobody serves). Workers never need a capability, so each worker drops every one
 * in its own thread before it serves (xl_worker_cfg.drop_caps); once attached, the daemon's
 * thread drops its own with xl_caps_drop_self() and reads every set back with
 * xl_caps_verify(). Dropped means effective, permitted, inheritable, ambient, and the bounding
 * set when CAP_SETPCAP allows it (so not even an execve as uid 0 gets them back). Threads the
 * instance did not start (a program embedding the library; a sanitizer's helper thread) are
 * left alone: no signals are sent to threads that are not ours.
 *
 * **Errors.** int functions return 0 or a count, or -errno (errno set). Nothing is printed.
 */
#ifndef XLANE_CAPS_H
#define XLANE_CAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** A capability bit for xl_caps_drop()'s keep mask. */
#define XL_CAP(c) (1ULL << (c))

/**
 * @brief **xl_caps_drop_self()** drops every capability not in @p keep from the calling thread.
 * @param keep capabilities to keep (XL_CAP(CAP_...) ored), 0 for none; a capability not held is
 * not gained
 * @return 0, or -errno from capset(2)
 */
int xl_caps_drop_self(uint64_t keep);

/**
 * @brief **xl_caps_verify()** reads back, from /proc, the capability sets of the calling thread
 * and of @p n threads (kernel thread ids): none may hold a capability outside @p keep. A thread
 * that has ended meanwhile holds nothing.
 * @return 0, or -errno: -EPERM (a thread still holds a capability it should not), -EINVAL, or
 * the error reading /proc
 */
int xl_caps_verify(const pid_t *tids, unsigned int n, uint64_t keep);

/**
 * @brief **xl_caps_describe()** describes the calling thread's permitted capabilities:
 * "none", or their names ("cap_net_admin,cap_bpf").
 * @return 0, or -errno (-ENOSPC: desc too small, truncated)
 */
int xl_caps_describe(char *desc, size_t desclen);

#endif /* XLANE_CAPS_H */
