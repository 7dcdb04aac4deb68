/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Rule lookup in precedence order (steer.h "Steering precedence"):
 *   exact 5-tuple > proto+dport+daddr > proto+dport (any address) > destination prefix.
 * The first rule found decides, whatever its action. A rule kind is consulted only when its
 * XL_CFG_F_RULES_* flag is set.
 */
#ifndef XL_RULES_BPF_H
#define XL_RULES_BPF_H

#include "maps.bpf.h"

struct xl_match {
	const struct xl_rule *rule; /* NULL: no rule matched */
	int via;		    /* enum xl_steer_via of the kind that matched */
};

static __always_inline void xl_rule_hit(const struct xl_rule *r)
{
	__u32 id = r->id;
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

#endif /* XL_RULES_BPF_H */
