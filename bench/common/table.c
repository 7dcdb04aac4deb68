// SPDX-License-Identifier: BSD-2-Clause
/* Aligned text tables: see table.h. */
#include "table.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct row {
	bool sep;
	unsigned int filled; /* cells filled so far */
	char **cells;	     /* ncols entries, NULL = empty */
};

struct bench_table {
	char *title;
	unsigned int ncols;
	char **headers;
	enum bench_align *align;
	struct row *rows;
	unsigned int nrows, cap;
};

static int fail(int err)
{
	errno = err;
	return -err;
}

struct bench_table *bench_table_new(const char *title, unsigned int ncols)
{
	struct bench_table *t;

	if (!ncols) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ncols = ncols;
	t->headers = calloc(ncols, sizeof(*t->headers));
	t->align = calloc(ncols, sizeof(*t->align));
	if (title)
		t->title = strdup(title);
	if (!t->headers || !t->align || (title && !t->title)) {
		bench_table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

void bench_table_free(struct bench_table *t)
{
	if (!t)
		return;
	for (unsigned int r = 0; r < t->nrows; r++) {
		for (unsigned int c = 0; t->rows[r].cells && c < t->ncols; c++)
			free(t->rows[r].cells[c]);
		free(t->rows[r].cells);
	}
	for (unsigned int c = 0; t->headers && c < t->ncols; c++)
		free(t->headers[c]);
	free(t->rows);
	free(t->headers);
	free(t->align);
	free(t->title);
	free(t);
}

int bench_table_col(struct bench_table *t, unsigned int col, const char *header,
		    enum bench_align align)
{
	char *h;

	if (!t || col >= t->ncols || !header ||
	    (align != BENCH_ALIGN_LEFT && align != BENCH_ALIGN_RIGHT))
		return fail(EINVAL);
	h = strdup(header);
	if (!h)
		return fail(ENOMEM);
	free(t->headers[col]);
	t->headers[col] = h;
	t->align[col] = align;
	return 0;
}

static int add_row(struct bench_table *t, bool sep)
{
	struct row *r;

	if (!t)
		return fail(EINVAL);
	if (t->nrows == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 16;
		struct row *rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return fail(ENOMEM);
		t->rows = rows;
		t->cap = cap;
	}
	r = &t->rows[t->nrows];
	*r = (struct row){.sep = sep};
	if (!sep) {
		r->cells = calloc(t->ncols, sizeof(*r->cells));
		if (!r->cells)
			return fail(ENOMEM);
	}
	t->nrows++;
	return 0;
}

int bench_table_row(struct bench_table *t)
{
	return add_row(t, false);
}

int bench_table_sep(struct bench_table *t)
{
	return add_row(t, true);
}

unsigned int bench_table_rows(const struct bench_table *t)
{
	return t ? t->nrows : 0;
}

int bench_table_cell(struct bench_table *t, const char *fmt, ...)
{
	struct row *r;
	va_list ap;
	char *s;
	int n;

	if (!t || !fmt || !t->nrows)
		return fail(EINVAL);
	r = &t->rows[t->nrows - 1];
	if (r->sep || r->filled >= t->ncols)
		return fail(EINVAL);
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return fail(ENOMEM);
	if (strpbrk(s, "\n\t\r")) {
		free(s);
		return fail(EINVAL);
	}
	r->cells[r->filled++] = s;
	return 0;
}

/* Display width of UTF-8 text: count every byte that does not continue a sequence. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; s && *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

static void print_line(const struct bench_table *t, FILE *out, char *const *cells,
		       const size_t *width)
{
	size_t pending = 0; /* blanks owed before the next visible text */

	for (unsigned int c = 0; c < t->ncols; c++) {
		const char *s = cells[c] ? cells[c] : "";
		size_t w = text_width(s);

		if (c)
			pending += 2;
		if (t->align[c] == BENCH_ALIGN_RIGHT)
			pending += width[c] - w;
		if (w) {
			pad(out, pending);
			fputs(s, out);
			pending = 0;
		}
		if (t->align[c] == BENCH_ALIGN_LEFT)
			pending += width[c] - w;
	}
	fputc('\n', out);
}

int bench_table_print(const struct bench_table *t, FILE *out)
{
	size_t *width, total = 0;

	if (!t || !out)
		return fail(EINVAL);
	width = calloc(t->ncols, sizeof(*width));
	if (!width)
		return fail(ENOMEM);
	for (unsigned int c = 0; c < t->ncols; c++) {
		width[c] = text_width(t->headers[c]);
		for (unsigned int r = 0; r < t->nrows; r++) {
			if (!t->rows[r].sep && text_width(t->rows[r].cells[c]) > width[c])
				width[c] = text_width(t->rows[r].cells[c]);
		}
		total += width[c] + (c ? 2 : 0);
	}
	if (t->title)
		fprintf(out, "%s\n", t->title);
	print_line(t, out, t->headers, width);
	for (size_t i = 0; i < total; i++)
		fputc('-', out);
	fputc('\n', out);
	for (unsigned int r = 0; r < t->nrows; r++) {
		if (t->rows[r].sep) {
			for (size_t i = 0; i < total; i++)
				fputc('-', out);
			fputc('\n', out);
		} else {
			print_line(t, out, t->rows[r].cells, width);
		}
	}
	free(width);
	if (ferror(out) || fflush(out) == EOF)
		return fail(EIO);
	return 0;
}
