/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file table.h
 * @brief Aligned text tables for the benchmarks' human output.
 *
 * A table has a fixed set of columns (header + alignment). Rows are added one at a time and
 * filled cell by cell with printf-style text; bench_table_print() sizes every column to its widest
 * cell and prints a title, the header, a dashed rule, and the rows (separator rows print as a
 * rule too). Cells of a row that were not filled print empty. Columns are separated by two spaces;
 * trailing blanks are never printed.
 *
 * Not thread-safe. Errors: int functions return 0 or -errno (and set errno).
 */
#ifndef XL_BENCH_TABLE_H
#define XL_BENCH_TABLE_H

#include <stdio.h>

enum bench_align {
	BENCH_ALIGN_RIGHT = 0, /**< numbers (the default) */
	BENCH_ALIGN_LEFT,      /**< text */
};

struct bench_table;

/**
 * @brief **bench_table_new()** creates a table with @p ncols columns.
 * @param title printed above the table, or NULL
 * @return the table, or NULL with errno set (EINVAL when ncols is 0, ENOMEM)
 */
struct bench_table *bench_table_new(const char *title, unsigned int ncols);

/** @brief **bench_table_free()** frees the table. Accepts NULL. */
void bench_table_free(struct bench_table *t);

/**
 * @brief **bench_table_col()** sets column @p col's header and alignment.
 * @return 0, -EINVAL (column out of range, NULL header) or -ENOMEM
 */
int bench_table_col(struct bench_table *t, unsigned int col, const char *header,
		    enum bench_align align);

/** @brief **bench_table_row()** starts a new row; the next bench_table_cell() fills column 0. */
int bench_table_row(struct bench_table *t);

/** @brief **bench_table_sep()** adds a separator row (printed as a dashed rule). */
int bench_table_sep(struct bench_table *t);

/**
 * @brief **bench_table_cell()** fills the next cell of the current row with printf-style text.
 * @return 0, -EINVAL (no row started, the row is full, a separator row, or a newline or tab in
 * the text, which would break the alignment) or -ENOMEM
 */
int bench_table_cell(struct bench_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** @brief **bench_table_rows()** @return the number of rows added (separators included) */
unsigned int bench_table_rows(const struct bench_table *t);

/**
 * @brief **bench_table_print()** prints the table to @p out.
 * @return 0, or -EIO when a write failed
 */
int bench_table_print(const struct bench_table *t, FILE *out);

#endif /* XL_BENCH_TABLE_H */
