/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file jsoncheck.h
 * @brief A strict RFC 8259 JSON parser for tests: it proves that what the benchmarks write is
 * JSON (no trailing commas, no NaN, no leading zeros, no raw control characters, nothing after
 * the value) and gives a small tree to check figures in. Written independently of json.c, so a
 * bug in the writer is not mirrored by the checker.
 */
#ifndef XL_BENCH_JSONCHECK_H
#define XL_BENCH_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>

enum jc_type {
	JC_NULL,
	JC_BOOL,
	JC_NUM,
	JC_STR,
	JC_ARR,
	JC_OBJ,
};

struct jc_value {
	enum jc_type type;
	bool b;			 /**< JC_BOOL */
	double num;		 /**< JC_NUM */
	char *str;		 /**< JC_STR, decoded (UTF-8, NUL-terminated) */
	size_t n;		 /**< JC_ARR/JC_OBJ: number of items */
	struct jc_value **items; /**< JC_ARR/JC_OBJ: the values */
	char **keys;		 /**< JC_OBJ: the keys, decoded */
};

/**
 * Parses @p text (NUL-terminated). @return the tree, or NULL with a message in @p err that gives
 * the byte offset of the problem.
 */
struct jc_value *jc_parse(const char *text, char *err, size_t errlen);

/** Frees a tree. Accepts NULL. */
void jc_free(struct jc_value *v);

/** @return the value of @p key in object @p obj (the first one), or NULL */
const struct jc_value *jc_get(const struct jc_value *obj, const char *key);

/** Reads a whole file into a NUL-terminated buffer (free() it). @return NULL on error */
char *jc_read_file(const char *path);

#endif /* XL_BENCH_JSONCHECK_H */
