/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct xl_steer: the steering program's life on one interface: open/load the skeleton, attach,
 * pin the maps, detach, destroy. Internal.
 *
 * Attach: a bpf_link (BPF_LINK_CREATE, BPF_XDP), never pinned, so the kernel detaches the program
 * the moment the owning process dies: a killed daemon never leaves a program steering traffic
 * into a socket nobody reads. Native mode first; generic on request, or as a fallback that is
 * recorded (attach_fallback + note) for the caller to report loudly.
 * libxdp's multi-program dispatcher is not used: its attachment goes through netlink and outlives
 * a killed process (exactly what the bpf_link avoids), and on the reference machine its
 * compatibility check fails anyway (EPERM, libxdp 1.3.1). Coexistence is handled by refusing,
 * never replacing, a program that is not xlane's.
 * Before attaching, any program already on the interface is identified: xlane never replaces a
 * program that is not its own (-EEXIST naming it).
 */
#ifndef XLANE_LIB_LOADER_H
#define XLANE_LIB_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "control.h"
#include "daemon.h"

struct xl_steer;

/*
 * Opens and loads the skeleton: the xl_steer program, or with @stamp_ifindex > 0 xl_steer_ts
 * bound to that device (steer.h "RX stamps"; native attach only). NULL + errno (EPERM: not
 * permitted) with a message in err.
 */
struct xl_steer *xl_steer_open(int stamp_ifindex, char *err, size_t errlen);

/* True for the bpf_prog names of xlane's steering programs (xl_steer, xl_steer_ts). */
bool xl_steer_prog_is_ours(const char *name);

/*
 * Checks that nothing foreign is attached to @ifindex. Returns 0 (nothing attached), -EEXIST
 * (another program, named in err), -EBUSY (xlane's own program is attached: another instance).
 */
int xl_steer_check_iface(int ifindex, const char *ifname, char *err, size_t errlen);

/* Attaches through a bpf_link in @mode. Returns 0 or -errno with a message in err. */
int xl_steer_attach(struct xl_steer *s, int ifindex, enum xl_xdp_mode mode, char *err,
		    size_t errlen);

/* Detaches (closes the link). Idempotent. */
void xl_steer_detach(struct xl_steer *s);

/* Pins every map under XL_PIN_ROOT/<ifname>/ (dir 0700, pins 0600). */
int xl_steer_pin(struct xl_steer *s, const char *ifname, char *err, size_t errlen);

/* Removes the pins made by xl_steer_pin(). */
void xl_steer_unpin(struct xl_steer *s);

/* Obtained attach state. */
enum xl_attach_mode xl_steer_attach_mode(const struct xl_steer *s);
bool xl_steer_attach_fallback(const struct xl_steer *s);
const char *xl_steer_attach_note(const struct xl_steer *s);

/* Map fds by steer.h name (XL_MAP_*), -ENOENT if unknown. */
int xl_steer_map_fd(const struct xl_steer *s, const char *name);

/* Unloads. Detaches and unpins first if needed. Accepts NULL. */
void xl_steer_destroy(struct xl_steer *s);

/* Pin directory of @ifname into @buf. Returns 0 or -ENAMETOOLONG. */
int xl_pin_dir(const char *ifname, char *buf, size_t len);

/* Removes every pin in XL_PIN_ROOT/<ifname>/ and the directory. Returns the count removed. */
int xl_unpin_dir(const char *ifname);

#endif /* XLANE_LIB_LOADER_H */
