/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file common.h
 * @brief Conventions shared by every xlane public header: the export macro,
 * opts-struct helpers (libbpf style) and C++ guards.
 */
#ifndef XLANE_COMMON_H
#define XLANE_COMMON_H

#include <stddef.h>
#include <string.h>

#ifndef XL_API
/** Marks a symbol exported from an xlane shared library (the rest are hidden). */
#define XL_API __attribute__((visibility("default")))
#endif

/**
 * Declare and zero an opts struct, set its @c sz and the given fields:
 * @code XL_OPTS(xl_pool_opts, o, .flags = XL_POOL_F_CHECKED); @endcode
 * Every field left out is 0, and 0 always means "the default".
 */
#define XL_OPTS(TYPE, NAME, ...)                                                                   \
	struct TYPE NAME = ({                                                                      \
		memset(&NAME, 0, sizeof(struct TYPE));                                             \
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };                           \
	})

/** Re-zero an opts struct and set new fields, keeping @c sz. */
#define XL_OPTS_RESET(NAME, ...)                                                                   \
	do {                                                                                       \
		__typeof__(NAME) ___##NAME = ({                                                        \
			memset(&___##NAME, 0, sizeof(NAME));                                       \
			(__typeof__(NAME)){ .sz = sizeof(NAME), __VA_ARGS__ };                         \
		});                                                                                \
		memcpy(&NAME, &___##NAME, sizeof(NAME));                                           \
	} while (0)

#endif /* XLANE_COMMON_H */
