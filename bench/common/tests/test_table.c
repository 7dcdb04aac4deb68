// SPDX-License-Identifier: BSD-2-Clause
/* bench_table: columns line up, alignment is honoured, bad use is refused. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static char *print_to_string(const struct bench_table *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	cr_assert_eq(bench_table_print(t, f), 0);
	fclose(f);
	return text;
}

/* Splits text into at most max lines (modifies text). */
static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;

	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	return n;
}

static struct bench_table *sample(void)
{
	struct bench_table *t = bench_table_new("pool objects", 3);

	cr_assert_not_null(t);
	cr_assert_eq(bench_table_col(t, 0, "pattern", BENCH_ALIGN_LEFT), 0);
	cr_assert_eq(bench_table_col(t, 1, "bulk", BENCH_ALIGN_RIGHT), 0);
	cr_assert_eq(bench_table_col(t, 2, "ns/obj", BENCH_ALIGN_RIGHT), 0);
	cr_assert_eq(bench_table_row(t), 0);
	cr_assert_eq(bench_table_cell(t, "%s", "cycle"), 0);
	cr_assert_eq(bench_table_cell(t, "%u", 1U), 0);
	cr_assert_eq(bench_table_cell(t, "%.2f", 12.345), 0);
	cr_assert_eq(bench_table_row(t), 0);
	cr_assert_eq(bench_table_cell(t, "%s", "hold1024"), 0);
	cr_assert_eq(bench_table_cell(t, "%u", 64U), 0);
	cr_assert_eq(bench_table_cell(t, "%.2f", 1234.5), 0);
	cr_assert_eq(bench_table_sep(t), 0);
	cr_assert_eq(bench_table_row(t), 0);
	cr_assert_eq(bench_table_cell(t, "x"), 0); /* the rest stays empty */
	return t;
}

Test(bench_table, columns_line_up)
{
	struct bench_table *t = sample();
	char *text = print_to_string(t), *lines[16];
	size_t n = split_lines(text, lines, 16);

	cr_assert_eq(bench_table_rows(t), 4);
	cr_assert_eq(n, 7, "lines: %zu", n);
	cr_assert_str_eq(lines[0], "pool objects");
	/* widths: pattern 8, bulk 4, ns/obj 7; two blanks between columns */
	cr_assert_str_eq(lines[1], "pattern   bulk   ns/obj");
	cr_assert_str_eq(lines[2], "-----------------------");
	cr_assert_str_eq(lines[3], "cycle        1    12.35");
	cr_assert_str_eq(lines[4], "hold1024    64  1234.50");
	cr_assert_str_eq(lines[5], "-----------------------");
	/* no trailing blanks for the empty cells */
	cr_assert_str_eq(lines[6], "x");
	free(text);
	bench_table_free(t);
}

Test(bench_table, utf8_counts_characters_not_bytes)
{
	struct bench_table *t = bench_table_new(NULL, 2);
	char *text, *lines[8];

	cr_assert_not_null(t);
	cr_assert_eq(bench_table_col(t, 0, "\xc2\xb5s", BENCH_ALIGN_RIGHT), 0);
	cr_assert_eq(bench_table_col(t, 1, "b", BENCH_ALIGN_RIGHT), 0);
	cr_assert_eq(bench_table_row(t), 0);
	cr_assert_eq(bench_table_cell(t, "7"), 0);
	cr_assert_eq(bench_table_cell(t, "8"), 0);
	text = print_to_string(t);
	cr_assert_eq(split_lines(text, lines, 8), 3);
	cr_assert_str_eq(lines[0], "\xc2\xb5s  b");
	cr_assert_str_eq(lines[1], "-----");
	cr_assert_str_eq(lines[2], " 7  8");
	free(text);
	bench_table_free(t);
}

Test(bench_table, bad_use_is_refused)
{
	struct bench_table *t;

	errno = 0;
	cr_assert_null(bench_table_new("t", 0));
	cr_assert_eq(errno, EINVAL);

	t = bench_table_new(NULL, 2);
	cr_assert_not_null(t);
	cr_assert_eq(bench_table_col(t, 2, "out of range", BENCH_ALIGN_LEFT), -EINVAL);
	cr_assert_eq(bench_table_col(t, 0, NULL, BENCH_ALIGN_LEFT), -EINVAL);
	cr_assert_eq(bench_table_col(t, 0, "a", (enum bench_align)7), -EINVAL);
	/* a cell before any row */
	cr_assert_eq(bench_table_cell(t, "1"), -EINVAL);
	cr_assert_eq(bench_table_row(t), 0);
	cr_assert_eq(bench_table_cell(t, "1"), 0);
	cr_assert_eq(bench_table_cell(t, "2"), 0);
	/* the row is full */
	errno = 0;
	cr_assert_eq(bench_table_cell(t, "3"), -EINVAL);
	cr_assert_eq(errno, EINVAL);
	/* text that would break the alignment */
	cr_assert_eq(bench_table_row(t), 0);
	cr_assert_eq(bench_table_cell(t, "two\nlines"), -EINVAL);
	cr_assert_eq(bench_table_cell(t, "a\ttab"), -EINVAL);
	/* a separator row takes no cells */
	cr_assert_eq(bench_table_sep(t), 0);
	cr_assert_eq(bench_table_cell(t, "1"), -EINVAL);
	cr_assert_eq(bench_table_print(t, NULL), -EINVAL);
	bench_table_free(t);
	bench_table_free(NULL);
}

Test(bench_table, many_rows_grow)
{
	struct bench_table *t = bench_table_new(NULL, 1);
	char *text;
	size_t lines = 0;

	cr_assert_not_null(t);
	cr_assert_eq(bench_table_col(t, 0, "n", BENCH_ALIGN_RIGHT), 0);
	for (unsigned int i = 0; i < 1000; i++) {
		cr_assert_eq(bench_table_row(t), 0);
		cr_assert_eq(bench_table_cell(t, "%u", i), 0);
	}
	text = print_to_string(t);
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 1002);
	/* right-aligned to the widest cell */
	cr_assert_not_null(strstr(text, "\n  0\n  1\n"), "%.40s", text);
	cr_assert_not_null(strstr(text, "\n999\n"));
	free(text);
	bench_table_free(t);
}

Test(bench_table, write_error_is_reported)
{
	struct bench_table *t = sample();
	FILE *ro = fopen("/dev/null", "r");

	cr_assert_not_null(ro);
	cr_assert_eq(bench_table_print(t, ro), -EIO);
	fclose(ro);
	bench_table_free(t);
}
