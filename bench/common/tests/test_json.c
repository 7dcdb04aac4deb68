// SPDX-License-Identifier: BSD-2-Clause
/* bench_json: what it writes parses back (strictly) to the same values; misuse is reported. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsoncheck.h"

struct membuf {
	char *text;
	size_t len;
	FILE *f;
};

static struct bench_json *open_mem(struct membuf *m, unsigned int flags)
{
	struct bench_json *j;

	memset(m, 0, sizeof(*m));
	m->f = open_memstream(&m->text, &m->len);
	cr_assert_not_null(m->f);
	j = bench_json_new(m->f, flags);
	cr_assert_not_null(j);
	return j;
}

static void close_mem(struct membuf *m)
{
	fclose(m->f);
	m->f = NULL;
}

static struct jc_value *parse_ok(const char *text)
{
	char err[200];
	struct jc_value *v = jc_parse(text, err, sizeof(err));

	cr_assert_not_null(v, "writer output does not parse: %s\n--- text ---\n%s", err, text);
	return v;
}

static const char tricky[] =
	"quote\" back\\slash\nnl\ttab\rcr\bbs\ffeed\x01\x1f ctl / \xc2\xb5s end";

static void write_doc(struct bench_json *j)
{
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "name", "pool_bench");
	bench_json_kv_str(j, "tricky", tricky);
	bench_json_kv_str(j, "key with \"quotes\"", "v");
	bench_json_key(j, "nothing");
	bench_json_str(j, NULL);
	bench_json_kv_int(j, "min", INT64_MIN);
	bench_json_kv_int(j, "neg", -42);
	bench_json_kv_uint(j, "umax", UINT64_MAX);
	bench_json_kv_double(j, "tenth", 0.1);
	bench_json_kv_double(j, "big", 1.5e300);
	bench_json_kv_double(j, "tiny", -2.5e-300);
	bench_json_kv_double(j, "nan", NAN);
	bench_json_kv_double(j, "inf", -INFINITY);
	bench_json_kv_bool(j, "yes", true);
	bench_json_kv_bool(j, "no", false);
	bench_json_key(j, "empty_obj");
	bench_json_obj_begin(j);
	bench_json_obj_end(j);
	bench_json_key(j, "empty_arr");
	bench_json_arr_begin(j);
	bench_json_arr_end(j);
	bench_json_key(j, "rows");
	bench_json_arr_begin(j);
	for (int i = 0; i < 3; i++) {
		bench_json_obj_begin(j);
		bench_json_kv_int(j, "i", i);
		bench_json_key(j, "reps");
		bench_json_arr_begin(j);
		for (int k = 0; k < 4; k++)
			bench_json_double(j, i * 10.0 + k / 4.0);
		bench_json_arr_end(j);
		bench_json_obj_end(j);
	}
	bench_json_null(j);
	bench_json_arr_end(j);
	bench_json_obj_end(j);
}

static void check_doc(const struct jc_value *v)
{
	const struct jc_value *rows, *x;

	cr_assert_eq(v->type, JC_OBJ);
	cr_assert_eq(v->n, 17);
	cr_assert_str_eq(jc_get(v, "name")->str, "pool_bench");
	cr_assert_str_eq(jc_get(v, "tricky")->str, tricky);
	cr_assert_str_eq(jc_get(v, "key with \"quotes\"")->str, "v");
	cr_assert_eq(jc_get(v, "nothing")->type, JC_NULL);
	cr_assert_eq(jc_get(v, "min")->num, (double)INT64_MIN);
	cr_assert_eq(jc_get(v, "neg")->num, -42.0);
	cr_assert_eq(jc_get(v, "umax")->num, (double)UINT64_MAX);
	/* %.17g round-trips exactly */
	cr_assert_eq(jc_get(v, "tenth")->num, 0.1);
	cr_assert_eq(jc_get(v, "big")->num, 1.5e300);
	cr_assert_eq(jc_get(v, "tiny")->num, -2.5e-300);
	cr_assert_eq(jc_get(v, "nan")->type, JC_NULL);
	cr_assert_eq(jc_get(v, "inf")->type, JC_NULL);
	cr_assert_eq(jc_get(v, "yes")->type, JC_BOOL);
	cr_assert(jc_get(v, "yes")->b);
	cr_assert_not(jc_get(v, "no")->b);
	x = jc_get(v, "empty_obj");
	cr_assert(x && x->type == JC_OBJ && x->n == 0);
	x = jc_get(v, "empty_arr");
	cr_assert(x && x->type == JC_ARR && x->n == 0);
	rows = jc_get(v, "rows");
	cr_assert(rows && rows->type == JC_ARR);
	cr_assert_eq(rows->n, 4);
	for (size_t i = 0; i < 3; i++) {
		const struct jc_value *reps = jc_get(rows->items[i], "reps");

		cr_assert_eq(jc_get(rows->items[i], "i")->num, (double)i);
		cr_assert_eq(reps->n, 4);
		for (size_t k = 0; k < 4; k++)
			cr_assert_eq(reps->items[k]->num, i * 10.0 + k / 4.0);
	}
	cr_assert_eq(rows->items[3]->type, JC_NULL);
}

Test(bench_json, compact_document_parses_back)
{
	struct membuf m;
	struct bench_json *j = open_mem(&m, 0);
	struct jc_value *v;

	write_doc(j);
	cr_assert_eq(bench_json_error(j), 0);
	cr_assert_eq(bench_json_finish(j), 0);
	close_mem(&m);
	/* compact: one line, then the final newline */
	cr_assert_eq(strchr(m.text, '\n'), m.text + m.len - 1, "%s", m.text);
	/* exact integers are written as integers, not through a double */
	cr_assert_not_null(strstr(m.text, "\"umax\":18446744073709551615"), "%s", m.text);
	cr_assert_not_null(strstr(m.text, "\"min\":-9223372036854775808"), "%s", m.text);
	/* control characters are escaped, UTF-8 passes through */
	cr_assert_not_null(strstr(m.text, "\\u0001\\u001f"), "%s", m.text);
	cr_assert_not_null(strstr(m.text, "\xc2\xb5s"), "%s", m.text);
	v = parse_ok(m.text);
	check_doc(v);
	jc_free(v);
	free(m.text);
}

Test(bench_json, pretty_document_parses_to_the_same_values)
{
	struct membuf m;
	struct bench_json *j = open_mem(&m, BENCH_JSON_PRETTY);
	struct jc_value *v;

	write_doc(j);
	cr_assert_eq(bench_json_finish(j), 0);
	close_mem(&m);
	cr_assert_not_null(strstr(m.text, "\n  \"name\": \"pool_bench\""), "%s", m.text);
	cr_assert_not_null(strstr(m.text, "\"empty_arr\": []"), "%s", m.text);
	v = parse_ok(m.text);
	check_doc(v);
	jc_free(v);
	free(m.text);
}

Test(bench_json, scalar_top_level_is_a_document)
{
	struct membuf m;
	struct bench_json *j = open_mem(&m, 0);

	bench_json_str(j, "alone");
	cr_assert_eq(bench_json_finish(j), 0);
	close_mem(&m);
	cr_assert_str_eq(m.text, "\"alone\"\n");
	free(m.text);
}

/* Each misuse leaves a sticky -EINVAL that finish() reports. */
static void misuse_value_without_key(struct bench_json *j)
{
	bench_json_obj_begin(j);
	bench_json_int(j, 1);
	bench_json_obj_end(j);
}

static void misuse_key_in_array(struct bench_json *j)
{
	bench_json_arr_begin(j);
	bench_json_key(j, "k");
	bench_json_arr_end(j);
}

static void misuse_wrong_end(struct bench_json *j)
{
	bench_json_obj_begin(j);
	bench_json_arr_end(j);
}

static void misuse_dangling_key(struct bench_json *j)
{
	bench_json_obj_begin(j);
	bench_json_key(j, "k");
	bench_json_obj_end(j);
}

static void misuse_two_keys(struct bench_json *j)
{
	bench_json_obj_begin(j);
	bench_json_key(j, "a");
	bench_json_key(j, "b");
	bench_json_int(j, 1);
	bench_json_obj_end(j);
}

static void misuse_unclosed(struct bench_json *j)
{
	bench_json_arr_begin(j);
	bench_json_int(j, 1);
}

static void misuse_two_top_values(struct bench_json *j)
{
	bench_json_int(j, 1);
	bench_json_int(j, 2);
}

static void misuse_empty(struct bench_json *j)
{
	(void)j;
}

static void misuse_end_at_top(struct bench_json *j)
{
	bench_json_arr_end(j);
}

static void misuse_too_deep(struct bench_json *j)
{
	for (int i = 0; i <= BENCH_JSON_MAX_DEPTH; i++)
		bench_json_arr_begin(j);
	for (int i = 0; i <= BENCH_JSON_MAX_DEPTH; i++)
		bench_json_arr_end(j);
}

static void misuse_null_key(struct bench_json *j)
{
	bench_json_obj_begin(j);
	bench_json_kv_int(j, NULL, 1);
	bench_json_obj_end(j);
}

Test(bench_json, misuse_is_reported_by_finish)
{
	static const struct {
		const char *name;
		void (*fn)(struct bench_json *j);
	} cases[] = {
		{"value without key", misuse_value_without_key},
		{"key in array", misuse_key_in_array},
		{"wrong end", misuse_wrong_end},
		{"dangling key", misuse_dangling_key},
		{"two keys", misuse_two_keys},
		{"unclosed", misuse_unclosed},
		{"two top-level values", misuse_two_top_values},
		{"empty document", misuse_empty},
		{"end at top level", misuse_end_at_top},
		{"too deep", misuse_too_deep},
		{"NULL key", misuse_null_key},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct membuf m;
		struct bench_json *j = open_mem(&m, 0);
		int err;

		cases[i].fn(j);
		errno = 0;
		err = bench_json_finish(j);
		cr_expect_eq(err, -EINVAL, "%s: finish returned %d", cases[i].name, err);
		cr_expect_eq(errno, EINVAL, "%s: errno %d", cases[i].name, errno);
		close_mem(&m);
		free(m.text);
	}
}

Test(bench_json, deepest_allowed_nesting_is_fine)
{
	struct membuf m;
	struct bench_json *j = open_mem(&m, 0);
	struct jc_value *v;

	for (int i = 0; i < BENCH_JSON_MAX_DEPTH; i++)
		bench_json_arr_begin(j);
	for (int i = 0; i < BENCH_JSON_MAX_DEPTH; i++)
		bench_json_arr_end(j);
	cr_assert_eq(bench_json_finish(j), 0);
	close_mem(&m);
	v = parse_ok(m.text);
	jc_free(v);
	free(m.text);
}

Test(bench_json, write_error_is_reported)
{
	FILE *ro = fopen("/dev/null", "r"); /* every write to it fails */
	struct bench_json *j;

	cr_assert_not_null(ro);
	j = bench_json_new(ro, 0);
	cr_assert_not_null(j);
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "k", "v");
	bench_json_obj_end(j);
	cr_assert_eq(bench_json_finish(j), -EIO);
	fclose(ro);
}

Test(bench_json, bad_arguments)
{
	errno = 0;
	cr_assert_null(bench_json_new(NULL, 0));
	cr_assert_eq(errno, EINVAL);
	errno = 0;
	cr_assert_null(bench_json_new(stdout, 1U << 7));
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(bench_json_finish(NULL), 0);
}

/* The checker itself must reject what is not JSON, or the tests above prove nothing. */
Test(bench_json, checker_rejects_invalid_json)
{
	static const char *const bad[] = {
		"",
		"{",
		"[1,]",
		"{\"a\":1,}",
		"{\"a\" 1}",
		"{a:1}",
		"NaN",
		"[inf]",
		"01",
		"1.",
		"1e",
		"-",
		"\"raw\nnewline\"",
		"\"bad \\x escape\"",
		"\"\\ud800\"",
		"[1] [2]",
		"tru",
		"'single'",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[200];
		struct jc_value *v = jc_parse(bad[i], err, sizeof(err));

		cr_expect_null(v, "accepted invalid JSON: %s", bad[i]);
		cr_expect_neq(err[0], '\0', "no message for: %s", bad[i]);
		jc_free(v);
	}
}

Test(bench_json, checker_accepts_valid_json)
{
	struct jc_value *v = parse_ok(" {\"a\" : [ 1, -0.5e+3, \"\\u00b5\\ud83d\\ude00\\/\" , true,"
				      " null, {} ] } \n");
	const struct jc_value *a = jc_get(v, "a");

	cr_assert_eq(a->n, 6);
	cr_assert_eq(a->items[1]->num, -500.0);
	cr_assert_str_eq(a->items[2]->str, "\xc2\xb5\xf0\x9f\x98\x80/");
	jc_free(v);
}
