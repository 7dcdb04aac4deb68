// SPDX-License-Identifier: BSD-2-Clause
/* Steering program: load, attach through a bpf_link, pin, detach; see loader.h. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "map_find.h"
#include "xl_steer_bpf.skel.h"
#include "xl_steer_ts_bpf.skel.h"

#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6) /* linux/bpf.h >= 6.3 */
#endif

struct xl_steer {
	struct xl_steer_bpf *skel;	 /* xl_steer, or: */
	struct xl_steer_ts_bpf *ts_skel; /* xl_steer_ts bound to stamp_ifindex */
	struct bpf_object *obj;		 /* the loaded one's */
	struct bpf_program *prog;
	int stamp_ifindex;
	int link_fd;
	int ifindex;
	enum xl_attach_mode mode;
	bool fallback;
	char note[160];
	char pin_dir[128];
	bool pinned;
};

int xl_pin_dir(const char *ifname, char *buf, size_t len)
{
	int n = snprintf(buf, len, XL_PIN_DIR_FMT, ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool xl_steer_prog_is_ours(const char *name)
{
	return !strcmp(name, XL_PROG_NAME) || !strcmp(name, XL_PROG_TS_NAME);
}

/* Opens and loads xl_steer, or xl_steer_ts bound to @stamp_ifindex. 0 or -errno. */
static int open_skel(struct xl_steer *s, int stamp_ifindex)
{
	struct bpf_program *p;
	int ret;

	if (stamp_ifindex <= 0) {
		s->skel = xl_steer_bpf__open_and_load();
		if (!s->skel)
			return -errno;
		s->obj = s->skel->obj;
		s->prog = s->skel->progs.xl_steer;
		return 0;
	}
	s->ts_skel = xl_steer_ts_bpf__open();
	if (!s->ts_skel)
		return -errno;
	/* the RX metadata kfunc needs a program bound to the device */
	p = s->ts_skel->progs.xl_steer_ts;
	bpf_program__set_ifindex(p, (__u32)stamp_ifindex);
	ret = bpf_program__set_flags(p, bpf_program__flags(p) | BPF_F_XDP_DEV_BOUND_ONLY);
	if (!ret)
		ret = xl_steer_ts_bpf__load(s->ts_skel);
	if (ret)
		return ret < 0 ? ret : -ret;
	s->obj = s->ts_skel->obj;
	s->prog = p;
	s->stamp_ifindex = stamp_ifindex;
	return 0;
}

struct xl_steer *xl_steer_open(int stamp_ifindex, char *err, size_t errlen)
{
	struct xl_steer *s = calloc(1, sizeof(*s));
	int ret;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->link_fd = -1;
	ret = -open_skel(s, stamp_ifindex);
	if (ret) {
		snprintf(err, errlen, "cannot load the steering program%s: %s%s",
			 stamp_ifindex > 0 ? " with RX stamps (xl_steer_ts, bound to the device)"
					   : "",
			 strerror(ret),
			 ret == EPERM ? " (not permitted: needs root / CAP_BPF + CAP_NET_ADMIN)"
				      : "");
		xl_steer_bpf__destroy(s->skel);
		xl_steer_ts_bpf__destroy(s->ts_skel);
		free(s);
		errno = ret;
		return NULL;
	}
	return s;
}

static int prog_name_by_id(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info = {0};
	__u32 ilen = sizeof(info);
	int fd, ret;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	ret = bpf_obj_get_info_by_fd(fd, &info, &ilen);
	close(fd);
	if (ret)
		return -errno;
	snprintf(name, len, "%s", info.name);
	return 0;
}

int xl_steer_check_iface(int ifindex, const char *ifname, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char name[BPF_OBJ_NAME_LEN] = "?";
	__u32 id;

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0; /* cannot tell: the attach will say */
	id = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
	if (!id)
		return 0;
	prog_name_by_id(id, name, sizeof(name));
	if (xl_steer_prog_is_ours(name)) {
		snprintf(err, errlen,
			 "xlane is already attached to %s (program id %u): another instance runs "
			 "(or run: xlane detach %s)",
			 ifname, id, ifname);
		return -EBUSY;
	}
	snprintf(err, errlen,
		 "another XDP program is in the way on %s: '%s' (id %u); xlane does not replace "
		 "programs it did not attach",
		 ifname, name, id);
	return -EEXIST;
}

static int link_xdp(struct xl_steer *s, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .flags = flags);
	int fd = bpf_link_create(bpf_program__fd(s->prog), ifindex, BPF_XDP, &o);

	return fd < 0 ? -errno : fd;
}

int xl_steer_attach(struct xl_steer *s, int ifindex, enum xl_xdp_mode mode, char *err,
		    size_t errlen)
{
	int fd;

	s->fallback = false;
	s->note[0] = 0;
	if (s->stamp_ifindex && (mode == XL_XDP_GENERIC || ifindex != s->stamp_ifindex)) {
		snprintf(err, errlen,
			 "RX stamps need the device-bound program in native XDP mode on the "
			 "interface it was loaded for");
		return -EINVAL;
	}
	if (mode == XL_XDP_GENERIC) {
		fd = link_xdp(s, ifindex, XDP_FLAGS_SKB_MODE);
		if (fd < 0)
			goto fail;
		s->mode = XL_ATTACH_GENERIC;
	} else {
		fd = link_xdp(s, ifindex, XDP_FLAGS_DRV_MODE);
		if (fd < 0 && mode == XL_XDP_AUTO && !s->stamp_ifindex && fd != -EPERM &&
		    fd != -EBUSY && fd != -EEXIST) {
			snprintf(
				s->note, sizeof(s->note),
				"native XDP refused by the driver (%s): fell back to generic (skb) "
				"mode, which is slower",
				strerror(-fd));
			fd = link_xdp(s, ifindex, XDP_FLAGS_SKB_MODE);
			if (fd >= 0)
				s->fallback = true;
			s->mode = XL_ATTACH_GENERIC;
		} else {
			s->mode = XL_ATTACH_NATIVE;
		}
		if (fd < 0)
			goto fail;
	}
	s->link_fd = fd;
	s->ifindex = ifindex;
	return 0;
fail:
	s->mode = XL_ATTACH_NONE;
	if (fd == -EPERM || fd == -EACCES)
		snprintf(err, errlen, "cannot attach XDP: not permitted (%s)", strerror(-fd));
	else if (fd == -EBUSY || fd == -EEXIST)
		snprintf(err, errlen, "cannot attach XDP: another XDP program is in the way (%s)",
			 strerror(-fd));
	else
		snprintf(err, errlen, "cannot attach XDP in %s mode: %s",
			 mode == XL_XDP_GENERIC ? "generic" : "native", strerror(-fd));
	return fd;
}

void xl_steer_detach(struct xl_steer *s)
{
	if (!s || s->link_fd < 0)
		return;
	bpf_link_detach(s->link_fd);
	close(s->link_fd);
	s->link_fd = -1;
	s->mode = XL_ATTACH_NONE;
}

static int mkdir_0700(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return chmod(path, 0700) ? -errno : 0;
}

/*
 * The name a map is pinned under (steer.h's table): its own, or for a "global data" map the
 * name after XL_DATA_SEC_PFX. NULL for libbpf's other internal maps (.rodata, .bss, ...).
 */
static const char *pin_name(const struct bpf_map *m)
{
	const char *name = bpf_map__name(m);
	size_t n = strlen(XL_DATA_SEC_PFX);

	if (!strncmp(name, XL_DATA_SEC_PFX, n) && !strncmp(name + n, "xl_", 3))
		return name + n;
	return strchr(name, '.') ? NULL : name;
}

int xl_steer_pin(struct xl_steer *s, const char *ifname, char *err, size_t errlen)
{
	char path[256];
	struct bpf_map *m;
	int ret;

	ret = xl_pin_dir(ifname, s->pin_dir, sizeof(s->pin_dir));
	if (!ret)
		ret = mkdir_0700(XL_PIN_ROOT);
	if (!ret)
		ret = mkdir_0700(s->pin_dir);
	if (ret) {
		snprintf(err, errlen, "cannot create %s: %s (is bpffs mounted on /sys/fs/bpf?)",
			 s->pin_dir, strerror(-ret));
		return ret;
	}
	s->pinned = true;
	bpf_object__for_each_map(m, s->obj)
	{
		const char *name = pin_name(m);

		if (!name)
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->pin_dir, name);
		ret = bpf_map__pin(m, path);
		if (!ret && chmod(path, 0600))
			ret = -errno;
		if (ret) {
			snprintf(err, errlen, "cannot pin %s: %s", path, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int xl_unpin_dir(const char *ifname)
{
	char dir[128], path[400];
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (xl_pin_dir(ifname, dir, sizeof(dir)))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!unlink(path))
			n++;
	}
	closedir(d);
	rmdir(dir);
	return n;
}

void xl_steer_unpin(struct xl_steer *s)
{
	struct bpf_map *m;
	char path[256];

	if (!s || !s->pinned)
		return;
	bpf_object__for_each_map(m, s->obj)
	{
		if (!pin_name(m))
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->pin_dir, pin_name(m));
		bpf_map__unpin(m, path);
	}
	s->pinned = false;
}

enum xl_attach_mode xl_steer_attach_mode(const struct xl_steer *s)
{
	return s->mode;
}

bool xl_steer_attach_fallback(const struct xl_steer *s)
{
	return s->fallback;
}

const char *xl_steer_attach_note(const struct xl_steer *s)
{
	return s->note;
}

int xl_steer_map_fd(const struct xl_steer *s, const char *name)
{
	struct bpf_map *m = xl_find_map(s->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

void xl_steer_destroy(struct xl_steer *s)
{
	if (!s)
		return;
	xl_steer_detach(s);
	xl_steer_unpin(s);
	xl_steer_bpf__destroy(s->skel);
	xl_steer_ts_bpf__destroy(s->ts_skel);
	free(s);
}
