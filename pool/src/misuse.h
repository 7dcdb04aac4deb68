/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Checked mode (XL_POOL_F_CHECKED): one state byte per object, allocated at pool creation.
 * A get marks each object XL_OBJ_OUT; a put exchanges the byte back to XL_OBJ_FREE, so a second
 * put of the same object sees XL_OBJ_FREE and is rejected (even when two threads race on it).
 * Pointers are classified before that: outside the region (foreign) or inside it but not at an
 * object's first byte (misaligned). Rejected objects are counted and skipped, never enqueued.
 */
#ifndef XL_POOL_MISUSE_H
#define XL_POOL_MISUSE_H

#include "internal.h"

enum xl_obj_state {
	XL_OBJ_FREE = 0, /* in the ring or in a cache */
	XL_OBJ_OUT = 1,  /* held by a caller */
};

/* Byte used by XL_POOL_F_POISON to fill freed objects. */
#define XL_POISON_BYTE 0x6b

/* Allocates the state array (all XL_OBJ_FREE); 0 or -ENOMEM. */
int xl_misuse_init(struct xl_pool *pool);
void xl_misuse_fini(struct xl_pool *pool);

/* Marks @n objects just handed out as XL_OBJ_OUT. */
void xl_misuse_mark_out(struct xl_pool *pool, void *const *objs, unsigned int n);

/*
 * Checks one object being put and marks it XL_OBJ_FREE: 0, or -EALREADY (double put) /
 * -EINVAL (foreign or misaligned), with the matching counter incremented.
 */
int xl_misuse_check_put(struct xl_pool *pool, const void *obj);

/* Where @obj points: 0 and its index, or the misuse kind it would be (as -1 - kind). */
int xl_addr_classify(const struct xl_pool *pool, const void *obj, unsigned int *idx);

#endif /* XL_POOL_MISUSE_H */
