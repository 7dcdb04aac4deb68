/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file json.h
 * @brief A small streaming JSON writer for the benchmarks' --json output.
 *
 * Values are written straight to a FILE as they are added; the writer only keeps a stack of open
 * containers, so it validates nesting (a value inside an object needs a key first, every begin
 * has its end) without building a tree. Misuse or an I/O error is sticky: later calls do nothing
 * and bench_json_finish() reports it. Strings are escaped per RFC 8259 (quote, backslash and
 * control characters; other bytes pass through, so UTF-8 stays UTF-8). Doubles that are not
 * finite are written as null, because JSON has no NaN or infinity.
 *
 * Not thread-safe: one writer per thread.
 */
#ifndef XL_BENCH_JSON_H
#define XL_BENCH_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/** Maximum nesting depth of objects and arrays. */
#define BENCH_JSON_MAX_DEPTH 32

/** bench_json_new() flags */
enum bench_json_flags {
	BENCH_JSON_PRETTY = 1U << 0, /**< newlines and two-space indentation */
};

struct bench_json;

/**
 * @brief **bench_json_new()** starts a JSON document written to @p out.
 * @param out where to write; the caller keeps ownership (bench_json_finish() does not close it)
 * @param flags BENCH_JSON_*
 * @return the writer, or NULL with errno set (EINVAL, ENOMEM)
 */
struct bench_json *bench_json_new(FILE *out, unsigned int flags);

/**
 * @brief **bench_json_finish()** checks that the document is complete (exactly one top-level
 * value, every container closed), writes a final newline, flushes and frees the writer.
 * Accepts NULL.
 * @return 0, or -EINVAL (misuse: value without key, unbalanced end, too deep, unfinished
 * document) or -EIO (a write failed); the writer is freed in every case
 */
int bench_json_finish(struct bench_json *j);

/** @brief **bench_json_error()** @return the sticky error so far: 0, -EINVAL or -EIO */
int bench_json_error(const struct bench_json *j);

void bench_json_obj_begin(struct bench_json *j);
void bench_json_obj_end(struct bench_json *j);
void bench_json_arr_begin(struct bench_json *j);
void bench_json_arr_end(struct bench_json *j);

/** @brief **bench_json_key()** names the next value; only valid directly inside an object. */
void bench_json_key(struct bench_json *j, const char *key);

/** @brief **bench_json_str()** writes a string value; NULL writes null. */
void bench_json_str(struct bench_json *j, const char *s);
void bench_json_int(struct bench_json *j, int64_t v);
void bench_json_uint(struct bench_json *j, uint64_t v);
/** @brief **bench_json_double()** writes a number with 17 significant digits (round-trips). */
void bench_json_double(struct bench_json *j, double v);
void bench_json_bool(struct bench_json *j, bool v);
void bench_json_null(struct bench_json *j);

/* key + value shorthands */
void bench_json_kv_str(struct bench_json *j, const char *key, const char *s);
void bench_json_kv_int(struct bench_json *j, const char *key, int64_t v);
void bench_json_kv_uint(struct bench_json *j, const char *key, uint64_t v);
void bench_json_kv_double(struct bench_json *j, const char *key, double v);
void bench_json_kv_bool(struct bench_json *j, const char *key, bool v);

#endif /* XL_BENCH_JSON_H */
