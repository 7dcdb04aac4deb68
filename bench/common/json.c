// SPDX-License-Identifier: BSD-2-Clause
/* Streaming JSON writer: see json.h. */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

enum frame_kind {
	FRAME_TOP = 0,
	FRAME_OBJ,
	FRAME_ARR,
};

struct frame {
	enum frame_kind kind;
	unsigned int count; /* values (or key/value pairs) written at this level */
	bool have_key;	    /* FRAME_OBJ: a key was written, its value is due */
};

struct bench_json {
	FILE *out;
	unsigned int flags;
	int err;
	unsigned int depth; /* index of the innermost frame; stack[0] is the top level */
	struct frame stack[BENCH_JSON_MAX_DEPTH + 1];
};

struct bench_json *bench_json_new(FILE *out, unsigned int flags)
{
	struct bench_json *j;

	if (!out || (flags & ~BENCH_JSON_PRETTY)) {
		errno = EINVAL;
		return NULL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->out = out;
	j->flags = flags;
	return j;
}

int bench_json_error(const struct bench_json *j)
{
	return j ? j->err : -EINVAL;
}

static void set_err(struct bench_json *j, int err)
{
	if (!j->err)
		j->err = err;
}

static void emit(struct bench_json *j, const char *s)
{
	if (!j->err && fputs(s, j->out) == EOF)
		set_err(j, -EIO);
}

static void emit_char(struct bench_json *j, char c)
{
	if (!j->err && fputc(c, j->out) == EOF)
		set_err(j, -EIO);
}

static void newline_indent(struct bench_json *j, unsigned int depth)
{
	if (!(j->flags & BENCH_JSON_PRETTY))
		return;
	emit_char(j, '\n');
	for (unsigned int i = 0; i < depth; i++)
		emit(j, "  ");
}

/* Called before every value: checks the value is allowed here and writes its separator. */
static bool value_prologue(struct bench_json *j)
{
	struct frame *f;

	if (!j || j->err)
		return false;
	f = &j->stack[j->depth];
	switch (f->kind) {
	case FRAME_TOP:
		if (f->count) { /* a document holds exactly one value */
			set_err(j, -EINVAL);
			return false;
		}
		break;
	case FRAME_OBJ:
		if (!f->have_key) {
			set_err(j, -EINVAL);
			return false;
		}
		f->have_key = false;
		break;
	case FRAME_ARR:
		if (f->count)
			emit_char(j, ',');
		newline_indent(j, j->depth);
		break;
	}
	f->count++;
	return !j->err;
}

static void write_escaped(struct bench_json *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char buf[7];

	emit_char(j, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			emit(j, "\\\"");
			break;
		case '\\':
			emit(j, "\\\\");
			break;
		case '\b':
			emit(j, "\\b");
			break;
		case '\f':
			emit(j, "\\f");
			break;
		case '\n':
			emit(j, "\\n");
			break;
		case '\r':
			emit(j, "\\r");
			break;
		case '\t':
			emit(j, "\\t");
			break;
		default:
			if (*p < 0x20) {
				buf[0] = '\\';
				buf[1] = 'u';
				buf[2] = '0';
				buf[3] = '0';
				buf[4] = hex[*p >> 4];
				buf[5] = hex[*p & 0xf];
				buf[6] = '\0';
				emit(j, buf);
			} else {
				emit_char(j, (char)*p);
			}
		}
	}
	emit_char(j, '"');
}

static void begin(struct bench_json *j, enum frame_kind kind, char open)
{
	if (!value_prologue(j))
		return;
	if (j->depth >= BENCH_JSON_MAX_DEPTH) {
		set_err(j, -EINVAL);
		return;
	}
	emit_char(j, open);
	j->depth++;
	j->stack[j->depth] = (struct frame){.kind = kind};
}

static void end(struct bench_json *j, enum frame_kind kind, char close)
{
	struct frame *f;

	if (!j || j->err)
		return;
	f = &j->stack[j->depth];
	if (f->kind != kind || (kind == FRAME_OBJ && f->have_key)) {
		set_err(j, -EINVAL);
		return;
	}
	j->depth--;
	if (f->count)
		newline_indent(j, j->depth);
	emit_char(j, close);
}

void bench_json_obj_begin(struct bench_json *j)
{
	begin(j, FRAME_OBJ, '{');
}

void bench_json_obj_end(struct bench_json *j)
{
	end(j, FRAME_OBJ, '}');
}

void bench_json_arr_begin(struct bench_json *j)
{
	begin(j, FRAME_ARR, '[');
}

void bench_json_arr_end(struct bench_json *j)
{
	end(j, FRAME_ARR, ']');
}

void bench_json_key(struct bench_json *j, const char *key)
{
	struct frame *f;

	if (!j || j->err)
		return;
	f = &j->stack[j->depth];
	if (f->kind != FRAME_OBJ || f->have_key || !key) {
		set_err(j, -EINVAL);
		return;
	}
	if (f->count)
		emit_char(j, ',');
	newline_indent(j, j->depth);
	write_escaped(j, key);
	emit(j, (j->flags & BENCH_JSON_PRETTY) ? ": " : ":");
	f->have_key = true;
}

void bench_json_str(struct bench_json *j, const char *s)
{
	if (!value_prologue(j))
		return;
	if (s)
		write_escaped(j, s);
	else
		emit(j, "null");
}

void bench_json_int(struct bench_json *j, int64_t v)
{
	char buf[24];

	if (!value_prologue(j))
		return;
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	emit(j, buf);
}

void bench_json_uint(struct bench_json *j, uint64_t v)
{
	char buf[24];

	if (!value_prologue(j))
		return;
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	emit(j, buf);
}

void bench_json_double(struct bench_json *j, double v)
{
	char buf[40];

	if (!value_prologue(j))
		return;
	if (!isfinite(v)) {
		emit(j, "null");
		return;
	}
	/* %.17g round-trips a double; it never yields a bare "inf"/"nan" for finite values, and
	 * the benchmarks run in the C locale, so the decimal point is '.'. */
	snprintf(buf, sizeof(buf), "%.17g", v);
	emit(j, buf);
}

void bench_json_bool(struct bench_json *j, bool v)
{
	if (value_prologue(j))
		emit(j, v ? "true" : "false");
}

void bench_json_null(struct bench_json *j)
{
	if (value_prologue(j))
		emit(j, "null");
}

void bench_json_kv_str(struct bench_json *j, const char *key, const char *s)
{
	bench_json_key(j, key);
	bench_json_str(j, s);
}

void bench_json_kv_int(struct bench_json *j, const char *key, int64_t v)
{
	bench_json_key(j, key);
	bench_json_int(j, v);
}

void bench_json_kv_uint(struct bench_json *j, const char *key, uint64_t v)
{
	bench_json_key(j, key);
	bench_json_uint(j, v);
}

void bench_json_kv_double(struct bench_json *j, const char *key, double v)
{
	bench_json_key(j, key);
	bench_json_double(j, v);
}

void bench_json_kv_bool(struct bench_json *j, const char *key, bool v)
{
	bench_json_key(j, key);
	bench_json_bool(j, v);
}

int bench_json_finish(struct bench_json *j)
{
	int err;

	if (!j)
		return 0;
	if (!j->err && (j->depth != 0 || j->stack[0].count != 1))
		set_err(j, -EINVAL);
	emit_char(j, '\n');
	if (fflush(j->out) == EOF)
		set_err(j, -EIO);
	err = j->err;
	free(j);
	if (err)
		errno = -err;
	return err;
}
