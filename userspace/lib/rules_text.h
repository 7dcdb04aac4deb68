/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file rules_text.h
 * @brief Steering rules as text <-> struct xl_rule_spec (control.h), which control.c turns into
 * the rule map entries of steer.h.
 *
 * One rule is one of three kinds (precedence is the steering program's, see steer.h):
 *
 *     flow PROTO SADDR:SPORT -> DADDR:DPORT [fast|pass] [id N]   exact 5-tuple   (xl_exact)
 *     PROTO dport PORT [daddr ADDR] [fast|pass] [id N]           proto + dport   (xl_port)
 *     prefix ADDR/LEN [fast|pass] [id N]                          destination LPM (xl_pfx4/6)
 *
 * PROTO is udp or tcp; IPv6 endpoints of a flow go in brackets ([2001:2::1]:7000), daddr and
 * prefix addresses may be bracketed or not. The words after the match (fast, pass, id N and,
 * for the port kind, daddr ADDR) come in any order, each at most once; the action defaults to
 * fast. A prefix must have no host bits set. "->" may touch its neighbours. A word starting
 * with '#' starts a comment that runs to the end (xlane rule list appends "# hits N").
 *
 * In the struct: family is AF_INET/AF_INET6 (AF_UNSPEC for a port rule without daddr), ports
 * are host order, addresses network order, id is XL_RULE_ID_NONE when "id N" was left out.
 *
 * xl_rule_format() prints the canonical form, which xl_rule_parse() reads back to the same
 * struct (round trip). Parse errors return -EINVAL and fill struct xl_rule_err with a message,
 * the 1-based word number and the byte span of the offending word (or part of it) in the text,
 * from which xl_rule_err_caret() draws a caret line.
 *
 * Pure functions: no allocation, no I/O, thread-safe.
 */
#ifndef XLANE_RULES_TEXT_H
#define XLANE_RULES_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "control.h" /* struct xl_rule_spec, enum xl_rule_kind */

#ifdef __cplusplus
extern "C" {
#endif

/** struct xl_rule_spec.id of a parsed rule written without "id N": the caller picks one. */
#define XL_RULE_ID_NONE 0xffffffffu

/** Where and why a rule did not parse. */
struct xl_rule_err {
	int word;   /**< 1-based word number, 0 when the error is "missing something at the end" */
	size_t col; /**< byte offset of the offending span in the text */
	size_t len; /**< its length (>= 1) */
	char msg[160]; /**< e.g. "expected a port number (1-65535), got '70000'" */
};

/**
 * @brief **xl_rule_parse()** parses one rule.
 * @param text the rule, words separated by blanks
 * @param out the rule (fully written on success, zeroed first)
 * @param err filled on failure (may be NULL)
 * @return 0, or -EINVAL (errno set) with @p err naming the offending word
 */
int xl_rule_parse(const char *text, struct xl_rule_spec *out, struct xl_rule_err *err);

/**
 * @brief **xl_rule_join()** joins @p argc words with single blanks into @p buf, so a rule given
 * as several command-line words can be parsed and its errors pointed at.
 * @return the length, or -ENAMETOOLONG (errno set) when @p buf is too small
 */
int xl_rule_join(int argc, char *const argv[], char *buf, size_t len);

/**
 * @brief **xl_rule_format()** writes the canonical text of @p r (the action always, the id
 * unless XL_RULE_ID_NONE) to @p buf. The hit counter is not part of the text.
 * @return the length (like snprintf), or -EINVAL for a bad kind/family, -ENOSPC when @p len
 * is too small (errno set)
 */
int xl_rule_format(const struct xl_rule_spec *r, char *buf, size_t len);

/**
 * @brief **xl_rule_err_caret()** writes two lines for @p err over @p text: the text indented by
 * two blanks, and a caret line ("  ^~~~") under the offending span. Tabs are kept so the caret
 * lines up.
 * @return the length, or -ENOSPC (errno set)
 */
int xl_rule_err_caret(const struct xl_rule_err *err, const char *text, char *buf, size_t len);

/** @brief **xl_rule_kind_name()** "exact", "port", "prefix", or "?" */
const char *xl_rule_kind_name(unsigned int kind);

#ifdef __cplusplus
}
#endif

#endif /* XLANE_RULES_TEXT_H */
