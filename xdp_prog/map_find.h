/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * User space only: finding one of xl_steer's maps in its libbpf object by the name of steer.h's
 * map table, "global data" maps included (their libbpf name is XL_DATA_SEC_PFX + that name).
 */
#ifndef XL_MAP_FIND_H
#define XL_MAP_FIND_H

#include <stdio.h>
#include <bpf/libbpf.h>

#include "steer.h"

/* The map of @obj that steer.h calls @name, or NULL. */
static inline struct bpf_map *xl_find_map(const struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);
	char data_name[64];

	if (!m) {
		snprintf(data_name, sizeof(data_name), XL_DATA_SEC_PFX "%s", name);
		m = bpf_object__find_map_by_name(obj, data_name);
	}
	return m;
}

#endif /* XL_MAP_FIND_H */
