// SPDX-License-Identifier: BSD-2-Clause
/* Steering rule text <-> steer.h rule map entries (see rules_text.h for the syntax). */
#include "rules_text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#define MAX_WORDS 24

struct tok {
	size_t off; /* byte offset in the text */
	size_t len; /* bytes */
};

struct pctx {
	const char *text;
	struct tok t[MAX_WORDS + 1]; /* one more, to point at the word past the limit */
	int n;
	struct xl_rule_err *err;
};

static int fail(struct pctx *c, int word_idx, size_t sub, size_t sublen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Record an error on word @word_idx (0-based; -1: at the end), bytes [sub, sub+sublen) of it. */
static int fail(struct pctx *c, int word_idx, size_t sub, size_t sublen, const char *fmt, ...)
{
	struct xl_rule_err *e = c->err;
	va_list ap;

	errno = EINVAL;
	if (!e)
		return -EINVAL;
	if (word_idx < 0) {
		e->word = 0;
		e->col = strlen(c->text);
		e->len = 1;
	} else {
		e->word = word_idx + 1;
		e->col = c->t[word_idx].off + sub;
		e->len = sublen ? sublen : c->t[word_idx].len - sub;
		if (!e->len)
			e->len = 1;
	}
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

static int tokenize(struct pctx *c)
{
	const char *s = c->text;
	size_t i = 0, start;

	c->n = 0;
	for (;;) {
		while (s[i] && is_blank(s[i]))
			i++;
		if (!s[i] || s[i] == '#') /* a comment runs to the end */
			return 0;
		start = i;
		if (s[i] == '-' && s[i + 1] == '>') {
			i += 2;
		} else {
			while (s[i] && !is_blank(s[i]) && !(s[i] == '-' && s[i + 1] == '>'))
				i++;
		}
		c->t[c->n].off = start;
		c->t[c->n].len = i - start;
		if (c->n == MAX_WORDS)
			return fail(c, MAX_WORDS, 0, 0, "too many words (at most %d)", MAX_WORDS);
		c->n++;
	}
}

static const char *wp(const struct pctx *c, int i)
{
	return c->text + c->t[i].off;
}

static int wl(const struct pctx *c, int i)
{
	return (int)c->t[i].len;
}

static bool word_is(const struct pctx *c, int i, const char *kw)
{
	return i < c->n && c->t[i].len == strlen(kw) && !memcmp(wp(c, i), kw, c->t[i].len);
}

/* Decimal digits only, value <= max. */
static bool span_uint(const char *s, size_t len, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!len || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long long)(s[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* Parse an address span (optionally [bracketed] when @brackets_ok) into family + 4 words. */
static bool span_addr(const char *s, size_t len, bool brackets_ok, uint8_t *family,
		      uint8_t addr[16])
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (brackets_ok && len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
		if (!memchr(s, ':', len))
			return false; /* brackets are for IPv6 only */
	}
	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

static int parse_proto(struct pctx *c, int i, uint8_t *proto)
{
	if (i >= c->n)
		return fail(c, -1, 0, 0, "missing protocol (udp or tcp) at the end");
	if (word_is(c, i, "udp"))
		*proto = IPPROTO_UDP;
	else if (word_is(c, i, "tcp"))
		*proto = IPPROTO_TCP;
	else
		return fail(c, i, 0, 0, "expected a protocol (udp or tcp), got '%.*s'", wl(c, i),
			    wp(c, i));
	return 0;
}

static int parse_port_span(struct pctx *c, int i, size_t sub, size_t len, uint16_t *port)
{
	unsigned long long v;

	if (!span_uint(wp(c, i) + sub, len, 65535, &v) || v == 0)
		return fail(c, i, sub, len ? len : 1,
			    "expected a port number (1-65535), got '%.*s'", (int)len,
			    wp(c, i) + sub);
	*port = (uint16_t)v;
	return 0;
}

/* "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6). */
static int parse_endpoint(struct pctx *c, int i, const char *what, uint8_t *family,
			  uint8_t addr[16], uint16_t *port)
{
	const char *s, *colon, *close;
	size_t len, alen;

	if (i >= c->n)
		return fail(c, -1, 0, 0, "missing %s address:port at the end", what);
	s = wp(c, i);
	len = c->t[i].len;
	if (s[0] == '[') {
		close = memchr(s, ']', len);
		if (!close)
			return fail(c, i, 0, 0, "missing ']' after the IPv6 %s address", what);
		alen = (size_t)(close - s) + 1;
		if (alen == len || close[1] != ':')
			return fail(c, i, alen - 1, 1, "expected ':PORT' after the %s address",
				    what);
		if (!span_addr(s, alen, true, family, addr) || *family != AF_INET6)
			return fail(c, i, 0, alen, "bad IPv6 %s address '%.*s'", what, (int)alen,
				    s);
		return parse_port_span(c, i, alen + 1, len - alen - 1, port);
	}
	colon = memchr(s, ':', len);
	if (!colon)
		return fail(c, i, 0, 0, "expected %s ADDR:PORT, got '%.*s'", what, (int)len, s);
	if (memchr(colon + 1, ':', len - (size_t)(colon + 1 - s)))
		return fail(c, i, 0, 0, "IPv6 endpoints go in brackets: [ADDR]:PORT, got '%.*s'",
			    (int)len, s);
	alen = (size_t)(colon - s);
	if (!span_addr(s, alen, false, family, addr) || *family != AF_INET)
		return fail(c, i, 0, alen ? alen : 1, "bad IPv4 %s address '%.*s'", what, (int)alen,
			    s);
	return parse_port_span(c, i, alen + 1, len - alen - 1, port);
}

static int parse_flow(struct pctx *c, struct xl_rule_spec *r, int *next)
{
	uint8_t dfam = 0;
	int ret;

	r->kind = XL_RULE_EXACT;
	ret = parse_proto(c, 1, &r->proto);
	if (!ret)
		ret = parse_endpoint(c, 2, "source", &r->family, r->saddr, &r->sport);
	if (ret)
		return ret;
	if (3 >= c->n)
		return fail(c, -1, 0, 0, "missing '->' and the destination at the end");
	if (!word_is(c, 3, "->"))
		return fail(c, 3, 0, 0, "expected '->', got '%.*s'", wl(c, 3), wp(c, 3));
	ret = parse_endpoint(c, 4, "destination", &dfam, r->daddr, &r->dport);
	if (ret)
		return ret;
	if (dfam != r->family)
		return fail(c, 4, 0, 0, "destination is IPv%d but the source is IPv%d",
			    dfam == AF_INET ? 4 : 6, r->family == AF_INET ? 4 : 6);
	*next = 5;
	return 0;
}

static int parse_port_rule(struct pctx *c, struct xl_rule_spec *r, int *next)
{
	int ret;

	r->kind = XL_RULE_PORT;
	ret = parse_proto(c, 0, &r->proto);
	if (ret)
		return ret;
	if (1 >= c->n)
		return fail(c, -1, 0, 0, "missing 'dport PORT' at the end");
	if (!word_is(c, 1, "dport"))
		return fail(c, 1, 0, 0, "expected 'dport', got '%.*s'", wl(c, 1), wp(c, 1));
	if (2 >= c->n)
		return fail(c, -1, 0, 0, "missing the port number at the end");
	ret = parse_port_span(c, 2, 0, c->t[2].len, &r->dport);
	if (ret)
		return ret;
	r->family = AF_UNSPEC;
	*next = 3;
	return 0;
}

static int parse_prefix(struct pctx *c, struct xl_rule_spec *r, int *next)
{
	const char *s, *slash;
	unsigned long long plen;
	uint8_t addr[16];
	uint8_t fam = 0;
	size_t len, alen, b;
	unsigned int bits, maxlen;

	if (1 >= c->n)
		return fail(c, -1, 0, 0, "missing ADDR/LEN at the end");
	s = wp(c, 1);
	len = c->t[1].len;
	slash = memchr(s, '/', len);
	if (!slash)
		return fail(c, 1, 0, 0, "expected ADDR/LEN, got '%.*s'", (int)len, s);
	alen = (size_t)(slash - s);
	if (!span_addr(s, alen, true, &fam, addr))
		return fail(c, 1, 0, alen ? alen : 1, "bad address '%.*s'", (int)alen, s);
	maxlen = fam == AF_INET ? 32 : 128;
	if (!span_uint(slash + 1, len - alen - 1, maxlen, &plen))
		return fail(c, 1, alen + 1, len - alen - 1 ? len - alen - 1 : 1,
			    "expected a prefix length (0-%u), got '%.*s'", maxlen,
			    (int)(len - alen - 1), slash + 1);
	/* host bits must be zero, so that "rule del" finds the same key */
	for (b = 0; b < maxlen / 8; b++) {
		uint8_t mask;

		bits = plen > b * 8 ? (unsigned int)(plen - b * 8) : 0;
		mask = bits >= 8 ? 0xff : (uint8_t)(0xff00u >> bits);
		if (addr[b] & (uint8_t)~mask)
			return fail(c, 1, 0, alen ? alen : 1,
				    "host bits set in '%.*s' (the address must end where the "
				    "prefix length says)",
				    (int)len, s);
	}
	r->kind = XL_RULE_PREFIX;
	r->family = fam;
	r->prefix_len = (uint8_t)plen;
	memcpy(r->daddr, addr, sizeof(addr));
	*next = 2;
	return 0;
}

static int parse_tail(struct pctx *c, struct xl_rule_spec *r, int i)
{
	int action_at = -1, id_at = -1, daddr_at = -1;
	unsigned long long v;

	while (i < c->n) {
		if (word_is(c, i, "fast") || word_is(c, i, "pass")) {
			if (action_at >= 0)
				return fail(c, i, 0, 0, "action given twice (first: word %d)",
					    action_at + 1);
			action_at = i;
			r->action = word_is(c, i, "fast") ? XL_ACT_FAST : XL_ACT_PASS;
			i++;
		} else if (word_is(c, i, "id")) {
			if (id_at >= 0)
				return fail(c, i, 0, 0, "id given twice (first: word %d)",
					    id_at + 1);
			id_at = i;
			if (i + 1 >= c->n)
				return fail(c, -1, 0, 0, "missing the rule id after 'id'");
			if (!span_uint(wp(c, i + 1), c->t[i + 1].len, XL_RULE_ID_MAX - 1, &v))
				return fail(c, i + 1, 0, 0, "expected a rule id (0-%u), got '%.*s'",
					    XL_RULE_ID_MAX - 1, wl(c, i + 1), wp(c, i + 1));
			r->id = (uint32_t)v;
			i += 2;
		} else if (word_is(c, i, "daddr")) {
			if (r->kind != XL_RULE_PORT)
				return fail(c, i, 0, 0,
					    "'daddr' only applies to 'PROTO dport PORT' rules");
			if (daddr_at >= 0)
				return fail(c, i, 0, 0, "daddr given twice (first: word %d)",
					    daddr_at + 1);
			daddr_at = i;
			r->has_daddr = 1;
			if (i + 1 >= c->n)
				return fail(c, -1, 0, 0, "missing the address after 'daddr'");
			if (!span_addr(wp(c, i + 1), c->t[i + 1].len, true, &r->family, r->daddr))
				return fail(c, i + 1, 0, 0, "bad address '%.*s'", wl(c, i + 1),
					    wp(c, i + 1));
			i += 2;
		} else {
			return fail(c, i, 0, 0, "unexpected '%.*s'; expected %s", wl(c, i),
				    wp(c, i),
				    r->kind == XL_RULE_PORT ? "fast, pass, id N or daddr ADDR"
							    : "fast, pass or id N");
		}
	}
	return 0;
}

int xl_rule_parse(const char *text, struct xl_rule_spec *out, struct xl_rule_err *err)
{
	struct pctx c = {.text = text, .err = err};
	int next = 0, ret;

	memset(out, 0, sizeof(*out));
	if (err)
		memset(err, 0, sizeof(*err));
	if (!text) {
		errno = EINVAL;
		return -EINVAL;
	}
	ret = tokenize(&c);
	if (ret)
		return ret;
	if (c.n == 0)
		return fail(&c, -1, 0, 0, "empty rule");
	out->action = XL_ACT_FAST;
	out->id = XL_RULE_ID_NONE;
	if (word_is(&c, 0, "flow"))
		ret = parse_flow(&c, out, &next);
	else if (word_is(&c, 0, "prefix"))
		ret = parse_prefix(&c, out, &next);
	else if (word_is(&c, 0, "udp") || word_is(&c, 0, "tcp"))
		ret = parse_port_rule(&c, out, &next);
	else
		ret = fail(&c, 0, 0, 0,
			   "expected 'flow', 'prefix', 'udp' or 'tcp' to start a rule, got '%.*s'",
			   wl(&c, 0), wp(&c, 0));
	if (!ret)
		ret = parse_tail(&c, out, next);
	if (ret) {
		memset(out, 0, sizeof(*out));
		errno = -ret;
	}
	return ret;
}

int xl_rule_join(int argc, char *const argv[], char *buf, size_t len)
{
	size_t n = 0, l;
	int i;

	if (!len) {
		errno = ENAMETOOLONG;
		return -ENAMETOOLONG;
	}
	buf[0] = '\0';
	for (i = 0; i < argc; i++) {
		l = strlen(argv[i]);
		if (n + l + (i ? 1 : 0) + 1 > len) {
			errno = ENAMETOOLONG;
			return -ENAMETOOLONG;
		}
		if (i)
			buf[n++] = ' ';
		memcpy(buf + n, argv[i], l);
		n += l;
		buf[n] = '\0';
	}
	return (int)n;
}

static int addr_text(uint8_t family, const uint8_t addr[16], bool brackets, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (family == AF_INET) {
		if (!inet_ntop(AF_INET, addr, a, sizeof(a)))
			return -EINVAL;
		return snprintf(buf, len, "%s", a);
	}
	if (family == AF_INET6) {
		if (!inet_ntop(AF_INET6, addr, a, sizeof(a)))
			return -EINVAL;
		return snprintf(buf, len, brackets ? "[%s]" : "%s", a);
	}
	return -EINVAL;
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : proto == IPPROTO_TCP ? "tcp" : NULL;
}

int xl_rule_format(const struct xl_rule_spec *r, char *buf, size_t len)
{
	char a1[INET6_ADDRSTRLEN + 2], a2[INET6_ADDRSTRLEN + 2], tail[32];
	const char *proto;
	int n;

	if (r->action != XL_ACT_FAST && r->action != XL_ACT_PASS)
		goto inval;
	snprintf(tail, sizeof(tail), "%s", r->action == XL_ACT_FAST ? "fast" : "pass");
	if (r->id != XL_RULE_ID_NONE)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail), " id %u", r->id);

	switch (r->kind) {
	case XL_RULE_EXACT:
		proto = proto_name(r->proto);
		if (!proto || addr_text(r->family, r->saddr, true, a1, sizeof(a1)) < 0 ||
		    addr_text(r->family, r->daddr, true, a2, sizeof(a2)) < 0)
			goto inval;
		n = snprintf(buf, len, "flow %s %s:%u -> %s:%u %s", proto, a1, r->sport, a2,
			     r->dport, tail);
		break;
	case XL_RULE_PORT:
		proto = proto_name(r->proto);
		if (!proto)
			goto inval;
		if (!r->has_daddr) {
			n = snprintf(buf, len, "%s dport %u %s", proto, r->dport, tail);
		} else {
			if (addr_text(r->family, r->daddr, false, a1, sizeof(a1)) < 0)
				goto inval;
			n = snprintf(buf, len, "%s dport %u daddr %s %s", proto, r->dport, a1,
				     tail);
		}
		break;
	case XL_RULE_PREFIX:
		if (r->prefix_len > (r->family == AF_INET ? 32 : 128) ||
		    addr_text(r->family, r->daddr, false, a1, sizeof(a1)) < 0)
			goto inval;
		n = snprintf(buf, len, "prefix %s/%u %s", a1, r->prefix_len, tail);
		break;
	default:
		goto inval;
	}
	if (n < 0 || (size_t)n >= len) {
		errno = ENOSPC;
		return -ENOSPC;
	}
	return n;
inval:
	errno = EINVAL;
	return -EINVAL;
}

int xl_rule_err_caret(const struct xl_rule_err *err, const char *text, char *buf, size_t len)
{
	size_t tl = strlen(text), n = 0, i, col = err->col, span = err->len ? err->len : 1;

	if (col > tl)
		col = tl;
	/* "  text\n  " + col + span + '\0' */
	if (len < 2 + tl + 1 + 2 + col + span + 1) {
		errno = ENOSPC;
		return -ENOSPC;
	}
	buf[n++] = ' ';
	buf[n++] = ' ';
	for (i = 0; i < tl; i++)
		buf[n++] = (text[i] == '\t' || (unsigned char)text[i] >= 0x20) ? text[i] : ' ';
	buf[n++] = '\n';
	buf[n++] = ' ';
	buf[n++] = ' ';
	for (i = 0; i < col; i++)
		buf[n++] = text[i] == '\t' ? '\t' : ' ';
	buf[n++] = '^';
	for (i = 1; i < span; i++)
		buf[n++] = '~';
	buf[n] = '\0';
	return (int)n;
}

const char *xl_rule_kind_name(unsigned int kind)
{
	switch (kind) {
	case XL_RULE_EXACT:
		return "exact";
	case XL_RULE_PORT:
		return "port";
	case XL_RULE_PREFIX:
		return "prefix";
	default:
		return "?";
	}
}
