/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Rule lookup in precedence order (steer.h "Steering precedence"):
 *   exact 5-tuple > proto+dport+daddr > proto+dport (any address) > destination prefix.
 * The first rule found decides, whatever its action. A rule kind is consulted only when its
 * XL_CFG_F_RULES_* flag is set. xl_rules_decide() puts the per-CPU verdict cache (steer.h
 * "Rule verdict cache") in front of the lookups.
 */
#ifndef XL_RULES_BPF_H
#define XL_RULES_BPF_H

#include "maps.bpf.h"
#include "flow.bpf.h"

struct xl_match {
	const struct xl_rule *rule; /* NULL: no rule matched */
	int via;		    /* enum xl_steer_via of the kind that matched */
};

_Static_assert((XL_VCACHE_SLOTS & (XL_VCACHE_SLOTS - 1)) == 0 && XL_VCACHE_SLOTS <= (1U << 16),
	       "XL_VCACHE_SLOTS: a power of two indexed by hash bits 48..63");

/* What steering steps 1-4 decided, looked up or cached. */
struct xl_decision {
	__u32 matched; /* 0: no rule */
	__u32 id;
	__u32 action;
	int via;
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
	struct xl_decision d = {0, 0, 0, XL_VIA_EXACT};
	struct xl_match m = xl_rules_match(flags, key);

	if (m.rule) {
		d.matched = 1;
		d.id = m.rule->id;
		d.action = m.rule->action;
		d.via = m.via;
	}
	return d;
}

/* Steps 1-4 through the verdict cache; h: the flow hash (slot index from its top bits). */
static __always_inline struct xl_decision xl_rules_decide(__u32 flags,
							  const struct xl_flow_key *key, __u64 h)
{
	struct xl_decision d = {0, 0, 0, XL_VIA_EXACT};
	__u32 rflags = flags & XL_CFG_F_RULES_ALL, zero = 0, si;
	struct xl_vslot *slot;
	__u64 *genp, gen;

	if (flags & XL_CFG_F_NO_VCACHE)
		return xl_decide(flags, key);
	genp = bpf_map_lookup_elem(&xl_rgen, &zero);
	si = (h >> 48) & (XL_VCACHE_SLOTS - 1);
	slot = bpf_map_lookup_elem(&xl_vcache, &si);
	if (!genp || !slot)
		return xl_decide(flags, key);
	gen = *(volatile __u64 *)genp; /* before the lookups: see steer.h */
	if (slot->gen == gen && slot->rflags == rflags && xl_key_eq(&slot->key, key)) {
		d.matched = slot->matched;
		d.id = slot->rule_id;
		d.action = slot->action;
		d.via = slot->via;
		return d;
	}
	d = xl_decide(flags, key);
	__builtin_memcpy(&slot->key, key, sizeof(slot->key));
	slot->gen = gen;
	slot->rflags = rflags;
	slot->rule_id = d.id;
	slot->matched = d.matched;
	slot->action = d.action;
	slot->via = d.via;
	return d;
}

#endif /* XL_RULES_BPF_H */
