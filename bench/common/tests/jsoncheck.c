// SPDX-License-Identifier: BSD-2-Clause
/* Strict JSON parser for tests: see jsoncheck.h. Recursive descent over RFC 8259's grammar. */
#include "jsoncheck.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JC_MAX_DEPTH 64

struct parser {
	const char *s;
	size_t pos;
	char *err;
	size_t errlen;
	bool failed;
	unsigned int depth;
};

static void perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void perr(struct parser *p, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "offset %zu: %s", p->pos, msg);
}

static void skip_ws(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	       p->s[p->pos] == '\r')
		p->pos++;
}

void jc_free(struct jc_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jc_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

static struct jc_value *new_value(struct parser *p, enum jc_type type)
{
	struct jc_value *v = calloc(1, sizeof(*v));

	if (!v)
		perr(p, "out of memory");
	else
		v->type = type;
	return v;
}

static int hex4(struct parser *p, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p->s[p->pos++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else {
			p->pos--;
			perr(p, "bad \\u escape");
			return -1;
		}
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Parses a string at p->pos (which is on the opening quote); returns it decoded. */
static char *parse_string(struct parser *p)
{
	size_t start = ++p->pos, len = 0, cap;
	char *out;

	/* decoded output is never longer than the source text */
	while (p->s[start + len] && p->s[start + len] != '"')
		len += p->s[start + len] == '\\' && p->s[start + len + 1] ? 2 : 1;
	cap = len + 1;
	out = malloc(cap);
	if (!out) {
		perr(p, "out of memory");
		return NULL;
	}
	len = 0;
	for (;;) {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c == '"') {
			p->pos++;
			break;
		}
		if (c == '\0') {
			perr(p, "unterminated string");
			goto fail;
		}
		if (c < 0x20) {
			perr(p, "raw control character 0x%02x in string", c);
			goto fail;
		}
		if (c != '\\') {
			out[len++] = (char)c;
			p->pos++;
			continue;
		}
		p->pos++;
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			out[len++] = (char)c;
			break;
		case 'b':
			out[len++] = '\b';
			break;
		case 'f':
			out[len++] = '\f';
			break;
		case 'n':
			out[len++] = '\n';
			break;
		case 'r':
			out[len++] = '\r';
			break;
		case 't':
			out[len++] = '\t';
			break;
		case 'u': {
			unsigned int cp, lo;

			if (hex4(p, &cp))
				goto fail;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
					perr(p, "lone high surrogate");
					goto fail;
				}
				p->pos += 2;
				if (hex4(p, &lo))
					goto fail;
				if (lo < 0xdc00 || lo > 0xdfff) {
					perr(p, "bad low surrogate");
					goto fail;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				perr(p, "lone low surrogate");
				goto fail;
			}
			if (cp == 0) {
				perr(p, "\\u0000 is not supported by this checker");
				goto fail;
			}
			/* \uXXXX (6 source bytes) decodes to at most 3 bytes, a pair (12) to 4 */
			len += put_utf8(out + len, cp);
			break;
		}
		default:
			p->pos--;
			perr(p, "bad escape \\%c", c ? c : '0');
			goto fail;
		}
	}
	out[len] = '\0';
	return out;
fail:
	free(out);
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static struct jc_value *parse_number(struct parser *p)
{
	size_t start = p->pos;
	struct jc_value *v;
	char *end;

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->s[p->pos] == '0') {
		p->pos++;
		if (is_digit(p->s[p->pos])) {
			perr(p, "leading zero");
			return NULL;
		}
	} else if (is_digit(p->s[p->pos])) {
		while (is_digit(p->s[p->pos]))
			p->pos++;
	} else {
		perr(p, "bad number");
		return NULL;
	}
	if (p->s[p->pos] == '.') {
		p->pos++;
		if (!is_digit(p->s[p->pos])) {
			perr(p, "no digit after decimal point");
			return NULL;
		}
		while (is_digit(p->s[p->pos]))
			p->pos++;
	}
	if (p->s[p->pos] == 'e' || p->s[p->pos] == 'E') {
		p->pos++;
		if (p->s[p->pos] == '+' || p->s[p->pos] == '-')
			p->pos++;
		if (!is_digit(p->s[p->pos])) {
			perr(p, "no digit in exponent");
			return NULL;
		}
		while (is_digit(p->s[p->pos]))
			p->pos++;
	}
	v = new_value(p, JC_NUM);
	if (!v)
		return NULL;
	errno = 0;
	v->num = strtod(p->s + start, &end);
	if ((size_t)(end - p->s) != p->pos) {
		perr(p, "number does not convert");
		jc_free(v);
		return NULL;
	}
	return v;
}

static struct jc_value *parse_value(struct parser *p);

static int append(struct parser *p, struct jc_value *c, struct jc_value *item, char *key)
{
	struct jc_value **items = realloc(c->items, (c->n + 1) * sizeof(*items));

	if (!items)
		goto oom;
	c->items = items;
	if (c->type == JC_OBJ) {
		char **keys = realloc(c->keys, (c->n + 1) * sizeof(*keys));

		if (!keys)
			goto oom;
		c->keys = keys;
		c->keys[c->n] = key;
	}
	c->items[c->n++] = item;
	return 0;
oom:
	perr(p, "out of memory");
	jc_free(item);
	free(key);
	return -1;
}

static struct jc_value *parse_container(struct parser *p, enum jc_type type)
{
	char close = type == JC_OBJ ? '}' : ']';
	struct jc_value *c;

	if (++p->depth > JC_MAX_DEPTH) {
		perr(p, "nested too deep");
		return NULL;
	}
	c = new_value(p, type);
	if (!c)
		return NULL;
	p->pos++;
	skip_ws(p);
	if (p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return c;
	}
	for (;;) {
		struct jc_value *item;
		char *key = NULL;

		skip_ws(p);
		if (type == JC_OBJ) {
			if (p->s[p->pos] != '"') {
				perr(p, "expected a key string");
				goto fail;
			}
			key = parse_string(p);
			if (!key)
				goto fail;
			skip_ws(p);
			if (p->s[p->pos] != ':') {
				free(key);
				perr(p, "expected ':'");
				goto fail;
			}
			p->pos++;
		}
		item = parse_value(p);
		if (!item) {
			free(key);
			goto fail;
		}
		if (append(p, c, item, key))
			goto fail;
		skip_ws(p);
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			break;
		}
		perr(p, "expected ',' or '%c'", close);
		goto fail;
	}
	p->depth--;
	return c;
fail:
	jc_free(c);
	return NULL;
}

static struct jc_value *parse_literal(struct parser *p, const char *word, enum jc_type type, bool b)
{
	struct jc_value *v;

	if (strncmp(p->s + p->pos, word, strlen(word))) {
		perr(p, "unexpected character '%c'", p->s[p->pos]);
		return NULL;
	}
	p->pos += strlen(word);
	v = new_value(p, type);
	if (v)
		v->b = b;
	return v;
}

static struct jc_value *parse_value(struct parser *p)
{
	struct jc_value *v;

	skip_ws(p);
	switch (p->s[p->pos]) {
	case '{':
		return parse_container(p, JC_OBJ);
	case '[':
		return parse_container(p, JC_ARR);
	case '"':
		v = new_value(p, JC_STR);
		if (!v)
			return NULL;
		v->str = parse_string(p);
		if (!v->str) {
			jc_free(v);
			return NULL;
		}
		return v;
	case 't':
		return parse_literal(p, "true", JC_BOOL, true);
	case 'f':
		return parse_literal(p, "false", JC_BOOL, false);
	case 'n':
		return parse_literal(p, "null", JC_NULL, false);
	case '\0':
		perr(p, "unexpected end of input");
		return NULL;
	default:
		return parse_number(p);
	}
}

struct jc_value *jc_parse(const char *text, char *err, size_t errlen)
{
	struct parser p = {.s = text, .err = err, .errlen = errlen};
	struct jc_value *v;

	if (err && errlen)
		err[0] = '\0';
	if (!text) {
		perr(&p, "no input");
		return NULL;
	}
	v = parse_value(&p);
	if (!v)
		return NULL;
	skip_ws(&p);
	if (p.s[p.pos] != '\0') {
		perr(&p, "trailing text after the value");
		jc_free(v);
		return NULL;
	}
	return v;
}

const struct jc_value *jc_get(const struct jc_value *obj, const char *key)
{
	if (!obj || obj->type != JC_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++) {
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	}
	return NULL;
}

char *jc_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}
