/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file ref_classify.h
 * @brief Plain-C reference classifier for xl_steer, written from the semantics documented in
 * steer.h ("Parsing", "Steering precedence", "Counters") and independently of the BPF code.
 *
 * Model: a struct xl_ref_rules holds a rule set (exact, port, prefix rules), the xl_cfg flags and
 * a static hot set. xl_ref_classify() returns what xl_steer must do with one frame: PASS with a
 * reason, or FAST with the way it was chosen (enum xl_steer_via) and the matched rule id.
 * The hot set is static here: the flows that step 5 steers. Detection is not modelled (the tests
 * run the program with a promotion threshold no flow can reach), so the caller builds the set as
 * steer.h defines it: under XL_DET_LRU every xl_hot entry; under the count-min detector only the
 * flows confirmed on this CPU (promoted by the program, within `hold` windows), since entries
 * inserted by user space are measured like new flows there.
 *
 * No allocation on the classify path; the rule set allocates when rules are added. Functions
 * return 0 or -errno. Not thread-safe for writers; classify is read-only.
 */
#ifndef XL_TESTS_REF_CLASSIFY_H
#define XL_TESTS_REF_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "steer.h"

/** Verdict of one frame. */
enum xl_ref_verdict {
	XL_REF_PASS = 0, /**< XDP_PASS with a pass reason */
	XL_REF_FAST = 1, /**< chosen for the fast lane (redirect; fallback when no socket) */
};

/** Result of xl_ref_classify(). */
struct xl_ref_result {
	enum xl_ref_verdict verdict;
	int reason;   /**< enum xl_pass_reason when PASS, else -1 */
	int via;      /**< enum xl_steer_via when FAST, else -1 */
	int64_t rule; /**< id of the matched rule (any action), -1 if none */
	int hit; /**< 1 if xl_hits[rule] is incremented (rule matched and id < XL_RULE_ID_MAX) */
	int have_key;		/**< 1 if parsing reached a complete flow key */
	struct xl_flow_key key; /**< the parsed flow (valid when have_key) */
};

struct xl_ref_exact {
	struct xl_flow_key key;
	struct xl_rule rule;
};

struct xl_ref_port {
	struct xl_port_key key;
	struct xl_rule rule;
};

struct xl_ref_pfx {
	uint32_t prefixlen;
	uint8_t addr[16]; /**< network order; IPv4 in the first 4 bytes */
	struct xl_rule rule;
};

/** A rule set, hot set and config flags, as the BPF maps would hold them. */
struct xl_ref_rules {
	uint32_t flags; /**< xl_cfg.flags */
	struct xl_ref_exact *exact;
	size_t n_exact, cap_exact;
	struct xl_ref_port *port;
	size_t n_port, cap_port;
	struct xl_ref_pfx *pfx4;
	size_t n_pfx4, cap_pfx4;
	struct xl_ref_pfx *pfx6;
	size_t n_pfx6, cap_pfx6;
	struct xl_flow_key *hot;
	size_t n_hot, cap_hot;
	int sorted; /**< lookups need xl_ref_rules_seal() after the last add */
};

/** @brief **xl_ref_rules_init()** an empty rule set with @flags (xl_cfg.flags). */
void xl_ref_rules_init(struct xl_ref_rules *rs, uint32_t flags);
/** @brief **xl_ref_rules_free()** frees the arrays; accepts a zeroed set. */
void xl_ref_rules_free(struct xl_ref_rules *rs);

/**
 * @brief Add or replace rules, as a BPF_ANY map update would. The same key replaces the previous
 * rule. Prefix keys compare only their first prefixlen bits (LPM trie semantics); bits past the
 * prefix length are cleared in the stored copy.
 * @return 0, -EINVAL for prefixlen out of range, -ENOMEM.
 */
int xl_ref_add_exact(struct xl_ref_rules *rs, const struct xl_flow_key *k, const struct xl_rule *r);
int xl_ref_add_port(struct xl_ref_rules *rs, const struct xl_port_key *k, const struct xl_rule *r);
int xl_ref_add_pfx4(struct xl_ref_rules *rs, const struct xl_pfx4_key *k, const struct xl_rule *r);
int xl_ref_add_pfx6(struct xl_ref_rules *rs, const struct xl_pfx6_key *k, const struct xl_rule *r);
/** @brief Add a flow to the static hot set. @return 0 or -ENOMEM. */
int xl_ref_add_hot(struct xl_ref_rules *rs, const struct xl_flow_key *k);

/** @brief **xl_ref_rules_seal()** sorts the tables for lookup; call after the last add. */
void xl_ref_rules_seal(struct xl_ref_rules *rs);

/**
 * @brief **xl_ref_parse()** runs only the parsing part of steer.h on a frame.
 * @return -1 if the frame parses to a flow key (written to @key), else the enum xl_pass_reason.
 */
int xl_ref_parse(const uint8_t *frame, size_t len, struct xl_flow_key *key);

/**
 * @brief **xl_ref_classify()** classifies one frame.
 * @param rs sealed rule set (NULL: no rules, no hot set, no flags)
 * @return 0 (result in @out); -EINVAL if @rs was not sealed.
 */
int xl_ref_classify(const struct xl_ref_rules *rs, const uint8_t *frame, size_t len,
		    struct xl_ref_result *out);

/** @brief Name of a pass reason ("no_match", ...), or "?" */
const char *xl_ref_reason_name(int reason);
/** @brief Name of a steering path ("exact", ...), or "?" */
const char *xl_ref_via_name(int via);

#endif /* XL_TESTS_REF_CLASSIFY_H */
