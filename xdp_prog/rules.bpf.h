/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Rule lookup in precedence order (steer.h "Steering precedence"):
 *   exact 5-tuple > proto+dport+daddr > proto+dport (any address) > destination prefix.
 * The first rule found decides, whatever its action. A rule kind is consulted only when its
 * XL_CFG_F_RULES_* flag is set. xl_rules_decide() puts the per-CPU flow cache (steer.h
 * "Flow cache") in front of the lookups.
 */
#ifndef XL_RULES_BPF_H
#define XL_RULES_BPF_H

#include "maps.bpf.h"
#include "flow.bpf.h"

struct xl_match {
	const struct xl_rule *rule; /* NULL: no rule matched */
	int via;		    /* enum xl_steer_via of the kind that matched */
};

/* What steering steps 1-4 decided, looked up or cached. */
struct xl_decision {
	__u32 matched; /* 0: no rule */
	__u32 id;
	__u32 action;
	int via;
	int same; /* xl_rules_decide(): whether the flow cache slot now holds this flow */
};

static __always_inline void xl_rule_hit(__u32 id)
{
	__u64 *hits = bpf_map_lookup_elem(&xl_hits, &id);

	if (hits)
		*hits += 1;
}

static __always_inline struct xl_match xl_rules_match(__u32 flags, const struct xl_flow_key *key)
{
	struct xl_match m = {NULL, XL_VIA_EXACT};
	const struct xl_rule *r;

	if (flags & XL_CFG_F_RULES_EXACT) {
		r = bpf_map_lookup_elem(&xl_exact, key);
		if (r) {
			m.rule = r;
			return m;
		}
	}
	if (flags & XL_CFG_F_RULES_PORT) {
		struct xl_port_key pk = {
			.family = key->family,
			.proto = key->proto,
			.dport = key->dport,
		};

		__builtin_memcpy(pk.daddr, key->daddr, sizeof(pk.daddr));
		r = bpf_map_lookup_elem(&xl_port, &pk);
		if (!r) {
			struct xl_port_key any = {.proto = key->proto, .dport = key->dport};

			r = bpf_map_lookup_elem(&xl_port, &any);
		}
		if (r) {
			m.rule = r;
			m.via = XL_VIA_PORT;
			return m;
		}
	}
	if (key->family == XL_FAMILY_V4 && (flags & XL_CFG_F_RULES_PFX4)) {
		struct xl_pfx4_key k = {.prefixlen = 32, .addr = key->daddr[0]};

		r = bpf_map_lookup_elem(&xl_pfx4, &k);
	} else if (key->family == XL_FAMILY_V6 && (flags & XL_CFG_F_RULES_PFX6)) {
		struct xl_pfx6_key k = {.prefixlen = 128};

		__builtin_memcpy(k.addr, key->daddr, sizeof(k.addr));
		r = bpf_map_lookup_elem(&xl_pfx6, &k);
	} else {
		r = NULL;
	}
	if (r) {
		m.rule = r;
		m.via = XL_VIA_PREFIX;
	}
	return m;
}

/* Steps 1-4 looked up. */
static __always_inline struct xl_decision xl_decide(__u32 flags, const struct xl_flow_key *key)
{
	struct xl_decision d = {0, 0, 0, XL_VIA_EXACT, 0};
	struct xl_match m = xl_rules_match(flags, key);

	if (m.rule) {
		d.matched = 1;
		d.id = m.rule->id;
		d.action = m.rule->action;
		d.via = m.via;
	}
	return d;
}

/*
 * Steps 1-4 through the flow cache (steer.h "Flow cache"). fs: the flow's slot (NULL: no cache).
 * d.same says whether fs holds this flow after the call (which may take the slot over). The
 * key is compared last on a hit, and only once.
 */
static __always_inline struct xl_decision
xl_rules_decide(__u32 flags, const struct xl_flow_key *key, struct xl_fslot *fs)
{
	struct xl_decision d;
	__u32 rflags = flags & XL_CFG_F_RULES_ALL;
	__u64 gen;
	int same;

	if ((flags & XL_CFG_F_NO_VCACHE) || !fs) {
		d = xl_decide(flags, key);
		d.same = fs && xl_key_eq(&fs->key, key);
		return d;
	}
	gen = xl_rgen_now(); /* before the lookups: see steer.h */
	if (fs->gen == gen && fs->rflags == rflags && xl_key_eq(&fs->key, key)) {
		d.matched = fs->matched;
		d.id = fs->rule_id;
		d.action = fs->action;
		d.via = fs->via;
		d.same = 1;
		return d;
	}
	same = xl_key_eq(&fs->key, key);
	d = xl_decide(flags, key);
	d.same = 1;
	if (!same) {
		__builtin_memcpy(&fs->key, key, sizeof(fs->key));
		fs->hot_epoch = 0;
	}
	fs->gen = gen;
	fs->rflags = rflags;
	fs->rule_id = d.id;
	fs->matched = d.matched;
	fs->action = d.action;
	fs->via = d.via;
	return d;
}

#endif /* XL_RULES_BPF_H */
