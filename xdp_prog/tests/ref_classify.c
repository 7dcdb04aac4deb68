// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reference classifier: steer.h's documented semantics, transcribed step by step in plain C.
 * It deliberately shares no code with the BPF program: the frame is read byte by byte with an
 * explicit "bytes remaining before end" check for every "needs N bytes" of the spec, in the order
 * the spec lists the checks.
 */
#include "ref_classify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ETH_HLEN      14
#define P_8021Q	      0x8100
#define P_8021AD      0x88a8
#define P_IPV4	      0x0800
#define P_IPV6	      0x86dd
#define PROTO_TCP     6
#define PROTO_UDP     17
#define PROTO_HOP     0
#define PROTO_ROUTING 43
#define PROTO_FRAG    44
#define PROTO_DSTOPTS 60

static unsigned rd16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The parsing state of steer.h: a cursor and the current `end`. */
struct cur {
	const uint8_t *frame;
	size_t off;
	size_t end;
};

static int needs(const struct cur *c, size_t n)
{
	return c->off <= c->end && c->end - c->off >= n;
}

static int parse_l4(struct cur *c, unsigned proto, struct xl_flow_key *key)
{
	const uint8_t *p;

	if (proto != PROTO_UDP && proto != PROTO_TCP)
		return XL_PASS_NOT_L4;
	if (proto == PROTO_UDP) {
		unsigned ulen;

		if (!needs(c, 8))
			return XL_PASS_TRUNCATED;
		p = c->frame + c->off;
		ulen = rd16(p + 4);
		if (ulen < 8 || ulen > c->end - c->off)
			return XL_PASS_BAD_L4;
	} else {
		unsigned doff;

		if (!needs(c, 20))
			return XL_PASS_TRUNCATED;
		p = c->frame + c->off;
		doff = p[12] >> 4;
		if (doff < 5)
			return XL_PASS_BAD_L4;
		if (!needs(c, (size_t)doff * 4))
			return XL_PASS_TRUNCATED;
	}
	key->proto = (uint8_t)proto;
	memcpy(&key->sport, p, 2);
	memcpy(&key->dport, p + 2, 2);
	return -1;
}

static int parse_ipv4(struct cur *c, size_t frame_len, struct xl_flow_key *key)
{
	const uint8_t *ip;
	unsigned ihl, tot, frag;

	if (!needs(c, 20))
		return XL_PASS_TRUNCATED;
	ip = c->frame + c->off;
	ihl = ip[0] & 0x0f;
	if ((ip[0] >> 4) != 4 || ihl < 5)
		return XL_PASS_BAD_IPV4;
	if (!needs(c, (size_t)ihl * 4))
		return XL_PASS_TRUNCATED;
	tot = rd16(ip + 2);
	if (tot < ihl * 4 || tot > frame_len - c->off)
		return XL_PASS_BAD_IPV4;
	c->end = c->off + tot;
	frag = rd16(ip + 6);
	if ((frag & 0x2000) || (frag & 0x1fff))
		return XL_PASS_FRAGMENT;
	key->family = XL_FAMILY_V4;
	memcpy(&key->saddr[0], ip + 12, 4);
	memcpy(&key->daddr[0], ip + 16, 4);
	c->off += (size_t)ihl * 4;
	return parse_l4(c, ip[9], key);
}

static int is_walked_ext(unsigned nh)
{
	return nh == PROTO_HOP || nh == PROTO_ROUTING || nh == PROTO_DSTOPTS || nh == PROTO_FRAG;
}

static int parse_ipv6(struct cur *c, size_t frame_len, struct xl_flow_key *key)
{
	const uint8_t *ip;
	unsigned nh, plen;

	if (!needs(c, 40))
		return XL_PASS_TRUNCATED;
	ip = c->frame + c->off;
	if ((ip[0] >> 4) != 6)
		return XL_PASS_BAD_IPV6;
	plen = rd16(ip + 4);
	if (40 + (size_t)plen > frame_len - c->off)
		return XL_PASS_BAD_IPV6;
	c->end = c->off + 40 + plen;
	nh = ip[6];
	c->off += 40;
	for (int i = 0; i < XL_IPV6_EXT_MAX && is_walked_ext(nh); i++) {
		const uint8_t *e;

		if (!needs(c, 8))
			return XL_PASS_TRUNCATED;
		e = c->frame + c->off;
		if (nh == PROTO_FRAG) {
			unsigned fo = rd16(e + 2);

			if ((fo >> 3) != 0 || (fo & 1))
				return XL_PASS_FRAGMENT;
			c->off += 8;
		} else {
			size_t hl = ((size_t)e[1] + 1) * 8;

			if (!needs(c, hl))
				return XL_PASS_TRUNCATED;
			c->off += hl;
		}
		nh = e[0];
	}
	if (is_walked_ext(nh))
		return XL_PASS_IPV6_EXT_DEPTH;
	key->family = XL_FAMILY_V6;
	memcpy(key->saddr, ip + 8, 16);
	memcpy(key->daddr, ip + 24, 16);
	return parse_l4(c, nh, key);
}

int xl_ref_parse(const uint8_t *frame, size_t len, struct xl_flow_key *key)
{
	struct cur c = {.frame = frame, .off = 0, .end = len};
	unsigned et;
	int tags = 0;

	memset(key, 0, sizeof(*key));
	if (!needs(&c, ETH_HLEN))
		return XL_PASS_TRUNCATED;
	et = rd16(frame + 12);
	c.off = ETH_HLEN;
	while (et == P_8021Q || et == P_8021AD) {
		if (tags == XL_VLAN_MAX)
			return XL_PASS_VLAN_DEPTH;
		if (!needs(&c, 4))
			return XL_PASS_TRUNCATED;
		et = rd16(frame + c.off + 2);
		c.off += 4;
		tags++;
	}
	if (et == P_IPV4)
		return parse_ipv4(&c, len, key);
	if (et == P_IPV6)
		return parse_ipv6(&c, len, key);
	return XL_PASS_NOT_IP;
}

/* ---- rule set ---- */

void xl_ref_rules_init(struct xl_ref_rules *rs, uint32_t flags)
{
	memset(rs, 0, sizeof(*rs));
	rs->flags = flags;
	rs->sorted = 1;
}

void xl_ref_rules_free(struct xl_ref_rules *rs)
{
	free(rs->exact);
	free(rs->port);
	free(rs->pfx4);
	free(rs->pfx6);
	free(rs->hot);
	memset(rs, 0, sizeof(*rs));
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	p = realloc(*arr, nc * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}

int xl_ref_add_exact(struct xl_ref_rules *rs, const struct xl_flow_key *k, const struct xl_rule *r)
{
	for (size_t i = 0; i < rs->n_exact; i++)
		if (!memcmp(&rs->exact[i].key, k, sizeof(*k))) {
			rs->exact[i].rule = *r;
			return 0;
		}
	if (grow((void **)&rs->exact, &rs->cap_exact, rs->n_exact, sizeof(*rs->exact)))
		return -ENOMEM;
	rs->exact[rs->n_exact].key = *k;
	rs->exact[rs->n_exact++].rule = *r;
	rs->sorted = 0;
	return 0;
}

int xl_ref_add_port(struct xl_ref_rules *rs, const struct xl_port_key *k, const struct xl_rule *r)
{
	for (size_t i = 0; i < rs->n_port; i++)
		if (!memcmp(&rs->port[i].key, k, sizeof(*k))) {
			rs->port[i].rule = *r;
			return 0;
		}
	if (grow((void **)&rs->port, &rs->cap_port, rs->n_port, sizeof(*rs->port)))
		return -ENOMEM;
	rs->port[rs->n_port].key = *k;
	rs->port[rs->n_port++].rule = *r;
	rs->sorted = 0;
	return 0;
}

static void mask_prefix(uint8_t *a, size_t bytes, uint32_t plen)
{
	for (size_t i = 0; i < bytes; i++) {
		uint32_t bit = (uint32_t)i * 8;

		if (bit >= plen)
			a[i] = 0;
		else if (plen - bit < 8)
			a[i] &= (uint8_t)(0xff << (8 - (plen - bit)));
	}
}

static int add_pfx(struct xl_ref_pfx **arr, size_t *n, size_t *cap, uint32_t plen, const void *addr,
		   size_t bytes, const struct xl_rule *r)
{
	struct xl_ref_pfx p;

	if (plen > bytes * 8)
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	p.prefixlen = plen;
	memcpy(p.addr, addr, bytes);
	mask_prefix(p.addr, bytes, plen);
	p.rule = *r;
	for (size_t i = 0; i < *n; i++)
		if ((*arr)[i].prefixlen == plen && !memcmp((*arr)[i].addr, p.addr, bytes)) {
			(*arr)[i].rule = *r;
			return 0;
		}
	if (grow((void **)arr, cap, *n, sizeof(**arr)))
		return -ENOMEM;
	(*arr)[(*n)++] = p;
	return 0;
}

int xl_ref_add_pfx4(struct xl_ref_rules *rs, const struct xl_pfx4_key *k, const struct xl_rule *r)
{
	int err = add_pfx(&rs->pfx4, &rs->n_pfx4, &rs->cap_pfx4, k->prefixlen, &k->addr, 4, r);

	rs->sorted = 0;
	return err;
}

int xl_ref_add_pfx6(struct xl_ref_rules *rs, const struct xl_pfx6_key *k, const struct xl_rule *r)
{
	int err = add_pfx(&rs->pfx6, &rs->n_pfx6, &rs->cap_pfx6, k->prefixlen, k->addr, 16, r);

	rs->sorted = 0;
	return err;
}

int xl_ref_add_hot(struct xl_ref_rules *rs, const struct xl_flow_key *k)
{
	for (size_t i = 0; i < rs->n_hot; i++)
		if (!memcmp(&rs->hot[i], k, sizeof(*k)))
			return 0;
	if (grow((void **)&rs->hot, &rs->cap_hot, rs->n_hot, sizeof(*rs->hot)))
		return -ENOMEM;
	rs->hot[rs->n_hot++] = *k;
	rs->sorted = 0;
	return 0;
}

static int cmp_exact(const void *a, const void *b)
{
	return memcmp(&((const struct xl_ref_exact *)a)->key,
		      &((const struct xl_ref_exact *)b)->key, sizeof(struct xl_flow_key));
}

static int cmp_port(const void *a, const void *b)
{
	return memcmp(&((const struct xl_ref_port *)a)->key, &((const struct xl_ref_port *)b)->key,
		      sizeof(struct xl_port_key));
}

static int cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct xl_flow_key));
}

/* Longest prefix first, so the first match in a scan is the longest. */
static int cmp_pfx(const void *a, const void *b)
{
	const struct xl_ref_pfx *x = a, *y = b;

	return x->prefixlen < y->prefixlen ? 1 : x->prefixlen > y->prefixlen ? -1 : 0;
}

/* bsearch() over a table that may be empty (and then NULL, which glibc's bsearch may not get:
 * its base is declared nonnull, and UBSan says so). */
static void *find(const void *key, const void *base, size_t n, size_t size,
		  int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

void xl_ref_rules_seal(struct xl_ref_rules *rs)
{
	if (rs->n_exact)
		qsort(rs->exact, rs->n_exact, sizeof(*rs->exact), cmp_exact);
	if (rs->n_port)
		qsort(rs->port, rs->n_port, sizeof(*rs->port), cmp_port);
	if (rs->n_pfx4)
		qsort(rs->pfx4, rs->n_pfx4, sizeof(*rs->pfx4), cmp_pfx);
	if (rs->n_pfx6)
		qsort(rs->pfx6, rs->n_pfx6, sizeof(*rs->pfx6), cmp_pfx);
	if (rs->n_hot)
		qsort(rs->hot, rs->n_hot, sizeof(*rs->hot), cmp_key);
	rs->sorted = 1;
}

static int prefix_matches(const struct xl_ref_pfx *p, const uint8_t *addr)
{
	uint32_t full = p->prefixlen / 8, rest = p->prefixlen % 8;

	if (memcmp(p->addr, addr, full))
		return 0;
	if (rest && ((p->addr[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest))))
		return 0;
	return 1;
}

static const struct xl_ref_pfx *lpm(const struct xl_ref_pfx *arr, size_t n, const uint8_t *addr)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_matches(&arr[i], addr))
			return &arr[i];
	return NULL;
}

static void decide(struct xl_ref_result *out, const struct xl_rule *r, int via)
{
	out->rule = r->id;
	out->hit = r->id < XL_RULE_ID_MAX;
	if (r->action == XL_ACT_FAST) {
		out->verdict = XL_REF_FAST;
		out->via = via;
	} else {
		out->verdict = XL_REF_PASS;
		out->reason = XL_PASS_RULE;
	}
}

int xl_ref_classify(const struct xl_ref_rules *rs, const uint8_t *frame, size_t len,
		    struct xl_ref_result *out)
{
	static const struct xl_ref_rules none = {.sorted = 1};
	const struct xl_flow_key *k = &out->key;
	int reason;

	if (!rs)
		rs = &none;
	if (!rs->sorted)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->verdict = XL_REF_PASS;
	out->via = -1;
	out->rule = -1;
	reason = xl_ref_parse(frame, len, &out->key);
	if (reason >= 0) {
		out->reason = reason;
		return 0;
	}
	out->have_key = 1;
	out->reason = -1;

	/* 1. exact 5-tuple */
	if (rs->flags & XL_CFG_F_RULES_EXACT) {
		const struct xl_ref_exact *e =
			find(k, rs->exact, rs->n_exact, sizeof(*rs->exact), cmp_exact);

		if (e) {
			decide(out, &e->rule, XL_VIA_EXACT);
			return 0;
		}
	}
	/* 2. proto + dport + daddr, 3. proto + dport, any address */
	if (rs->flags & XL_CFG_F_RULES_PORT) {
		struct xl_ref_port q;
		const struct xl_ref_port *p;

		memset(&q, 0, sizeof(q));
		q.key.family = k->family;
		q.key.proto = k->proto;
		q.key.dport = k->dport;
		memcpy(q.key.daddr, k->daddr, sizeof(q.key.daddr));
		p = find(&q, rs->port, rs->n_port, sizeof(*rs->port), cmp_port);
		if (!p) {
			memset(&q.key.daddr, 0, sizeof(q.key.daddr));
			q.key.family = XL_FAMILY_ANY;
			p = find(&q, rs->port, rs->n_port, sizeof(*rs->port), cmp_port);
		}
		if (p) {
			decide(out, &p->rule, XL_VIA_PORT);
			return 0;
		}
	}
	/* 4. longest prefix on the destination */
	{
		const struct xl_ref_pfx *p = NULL;

		if (k->family == XL_FAMILY_V4 && (rs->flags & XL_CFG_F_RULES_PFX4))
			p = lpm(rs->pfx4, rs->n_pfx4, (const uint8_t *)k->daddr);
		else if (k->family == XL_FAMILY_V6 && (rs->flags & XL_CFG_F_RULES_PFX6))
			p = lpm(rs->pfx6, rs->n_pfx6, (const uint8_t *)k->daddr);
		if (p) {
			decide(out, &p->rule, XL_VIA_PREFIX);
			return 0;
		}
	}
	/* 5. hot set */
	if ((rs->flags & XL_CFG_F_HOT) && find(k, rs->hot, rs->n_hot, sizeof(*rs->hot), cmp_key)) {
		out->verdict = XL_REF_FAST;
		out->via = XL_VIA_HOT;
		return 0;
	}
	/* 6. nothing */
	out->reason = XL_PASS_NO_MATCH;
	return 0;
}

static const char *const reason_names[XL_PASS_MAX] = {
	[XL_PASS_NO_MATCH] = "no_match",
	[XL_PASS_RULE] = "rule",
	[XL_PASS_NOT_IP] = "not_ip",
	[XL_PASS_VLAN_DEPTH] = "vlan_depth",
	[XL_PASS_TRUNCATED] = "truncated",
	[XL_PASS_BAD_IPV4] = "bad_ipv4",
	[XL_PASS_BAD_IPV6] = "bad_ipv6",
	[XL_PASS_FRAGMENT] = "fragment",
	[XL_PASS_IPV6_EXT_DEPTH] = "ipv6_ext_depth",
	[XL_PASS_NOT_L4] = "not_l4",
	[XL_PASS_BAD_L4] = "bad_l4",
};

static const char *const via_names[XL_VIA_MAX] = {
	[XL_VIA_EXACT] = "exact",
	[XL_VIA_PORT] = "port",
	[XL_VIA_PREFIX] = "prefix",
	[XL_VIA_HOT] = "hot",
};

const char *xl_ref_reason_name(int reason)
{
	return reason >= 0 && reason < XL_PASS_MAX ? reason_names[reason] : "?";
}

const char *xl_ref_via_name(int via)
{
	return via >= 0 && via < XL_VIA_MAX ? via_names[via] : "?";
}
