// SPDX-License-Identifier: BSD-2-Clause
/* Rule text <-> struct xl_rule_spec: every kind, round trips, and each bad token named. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "rules_text.h"

/* ---- good rules: text -> canonical text (which must parse back to the same struct) ---------- */

/*
 * The case tables run in a loop inside one test each (cr_expect names the failing case and
 * goes on): one process per table, not per case, keeps the Valgrind run short.
 */
struct good_case {
	const char *text;
	const char *canonical;
};

static struct good_case good_cases[] = {
	{"udp dport 7000", "udp dport 7000 fast"},
	{"tcp dport 443 pass", "tcp dport 443 pass"},
	{"udp dport 7000 daddr 198.18.0.1 fast id 7", "udp dport 7000 daddr 198.18.0.1 fast id 7"},
	{"udp dport 7000 id 7 pass daddr 198.18.0.1", "udp dport 7000 daddr 198.18.0.1 pass id 7"},
	{"udp dport 53 daddr [2001:2::1]", "udp dport 53 daddr 2001:2::1 fast"},
	{"udp dport 53 daddr 2001:2::1", "udp dport 53 daddr 2001:2::1 fast"},
	{"prefix 198.18.0.0/24", "prefix 198.18.0.0/24 fast"},
	{"prefix 198.18.0.0/15 pass id 65535", "prefix 198.18.0.0/15 pass id 65535"},
	{"prefix 0.0.0.0/0", "prefix 0.0.0.0/0 fast"},
	{"prefix 198.18.0.1/32", "prefix 198.18.0.1/32 fast"},
	{"prefix 2001:2::/64", "prefix 2001:2::/64 fast"},
	{"prefix [2001:2::]/48 id 0", "prefix 2001:2::/48 fast id 0"},
	{"prefix 2001:2::1/128", "prefix 2001:2::1/128 fast"},
	{"flow udp 198.18.0.2:5000 -> 198.18.0.1:7000",
	 "flow udp 198.18.0.2:5000 -> 198.18.0.1:7000 fast"},
	{"flow tcp 198.18.0.2:5000->198.18.0.1:80 pass",
	 "flow tcp 198.18.0.2:5000 -> 198.18.0.1:80 pass"},
	{"flow udp [2001:2::2]:5000 -> [2001:2::1]:7000 id 3",
	 "flow udp [2001:2::2]:5000 -> [2001:2::1]:7000 fast id 3"},
	{"  \tudp   dport\t7000  ", "udp dport 7000 fast"},
	{"udp dport 7000 fast id 4  # hits 12", "udp dport 7000 fast id 4"},
	{"udp dport 65535", "udp dport 65535 fast"},
};

Test(rules_text, parses_and_round_trips)
{
	const struct good_case *c;
	struct xl_rule_spec r, r2;
	struct xl_rule_err err;
	char buf[256];
	int n, ret;

	for (c = good_cases; c < good_cases + sizeof(good_cases) / sizeof(good_cases[0]); c++) {
		ret = xl_rule_parse(c->text, &r, &err);
		cr_expect_eq(ret, 0, "'%s': %s", c->text, err.msg);
		if (ret)
			continue;
		n = xl_rule_format(&r, buf, sizeof(buf));
		cr_expect_gt(n, 0, "'%s'", c->text);
		cr_expect_str_eq(buf, c->canonical, "'%s'", c->text);
		cr_expect_eq((size_t)n, strlen(buf));
		cr_expect_eq(xl_rule_parse(buf, &r2, &err), 0, "'%s': %s", buf, err.msg);
		cr_expect_eq(memcmp(&r, &r2, sizeof(r)), 0, "round trip of '%s' changed the struct",
			     buf);
	}
}

/* ---- the struct each kind produces -------------------------------------------------------- */

Test(rules_text, exact_fields)
{
	struct xl_rule_spec r;
	uint8_t s[4], d[4];

	cr_assert_eq(
		xl_rule_parse("flow udp 198.18.0.2:5000 -> 198.18.0.1:7000 pass id 9", &r, NULL),
		0);
	inet_pton(AF_INET, "198.18.0.2", s);
	inet_pton(AF_INET, "198.18.0.1", d);
	cr_assert_eq(r.kind, XL_RULE_EXACT);
	cr_assert_eq(r.family, AF_INET);
	cr_assert_eq(r.proto, IPPROTO_UDP);
	cr_assert_eq(r.sport, 5000, "ports are host order");
	cr_assert_eq(r.dport, 7000);
	cr_assert_eq(memcmp(r.saddr, s, 4), 0);
	cr_assert_eq(memcmp(r.daddr, d, 4), 0);
	cr_assert_eq(r.saddr[4] | r.daddr[15], 0, "IPv4 uses the first 4 bytes only");
	cr_assert_eq(r.action, XL_ACT_PASS);
	cr_assert_eq(r.id, 9);
	cr_assert_eq(r.pad | r.pad2, 0);
}

Test(rules_text, port_without_daddr_is_any_family)
{
	struct xl_rule_spec r;

	cr_assert_eq(xl_rule_parse("tcp dport 80", &r, NULL), 0);
	cr_assert_eq(r.kind, XL_RULE_PORT);
	cr_assert_eq(r.family, AF_UNSPEC);
	cr_assert_eq(r.has_daddr, 0);
	cr_assert_eq(r.proto, IPPROTO_TCP);
	cr_assert_eq(r.dport, 80);
	cr_assert_eq(r.id, XL_RULE_ID_NONE, "no 'id N': the caller picks");
	cr_assert_eq(r.action, XL_ACT_FAST, "fast is the default action");
}

Test(rules_text, prefix6_fields)
{
	struct xl_rule_spec r;
	uint8_t a[16];

	cr_assert_eq(xl_rule_parse("prefix 2001:2:0:1::/64 pass", &r, NULL), 0);
	inet_pton(AF_INET6, "2001:2:0:1::", a);
	cr_assert_eq(r.kind, XL_RULE_PREFIX);
	cr_assert_eq(r.family, AF_INET6);
	cr_assert_eq(r.prefix_len, 64);
	cr_assert_eq(r.proto, 0);
	cr_assert_eq(memcmp(r.daddr, a, 16), 0);
}

/* ---- bad rules: the word, the span and the message ---------------------------------------- */

struct bad_case {
	const char *text;
	int word;	 /* 1-based, 0: at the end */
	size_t col, len; /* span in text */
	const char *msg; /* substring of the message */
};

static struct bad_case bad_cases[] = {
	{"", 0, 0, 1, "empty rule"},
	{"   ", 0, 3, 1, "empty rule"},
	{"icmp dport 7", 1, 0, 4, "expected 'flow', 'prefix', 'udp' or 'tcp'"},
	{"udp dport 70000 fast", 3, 10, 5, "expected a port number (1-65535), got '70000'"},
	{"udp dport 0", 3, 10, 1, "got '0'"},
	{"udp dport x7", 3, 10, 2, "got 'x7'"},
	{"udp sport 7000", 2, 4, 5, "expected 'dport', got 'sport'"},
	{"udp dport", 0, 9, 1, "missing the port number"},
	{"udp", 0, 3, 1, "missing 'dport PORT'"},
	{"udp dport 7000 fastt", 4, 15, 5, "unexpected 'fastt'"},
	{"udp dport 7000 fast pass", 5, 20, 4, "action given twice (first: word 4)"},
	{"udp dport 7000 id", 0, 17, 1, "missing the rule id"},
	{"udp dport 7000 id 65536", 5, 18, 5, "expected a rule id (0-65535)"},
	{"udp dport 7000 id 1 id 2", 6, 20, 2, "id given twice"},
	{"udp dport 7000 daddr 198.18.0.300", 5, 21, 12, "bad address '198.18.0.300'"},
	{"udp dport 7000 daddr 1.2.3.4 daddr 1.2.3.4", 6, 29, 5, "daddr given twice"},
	{"prefix 198.18.0.0/24 daddr 1.2.3.4", 3, 21, 5, "'daddr' only applies"},
	{"prefix 198.18.0.0", 2, 7, 10, "expected ADDR/LEN"},
	{"prefix 198.18.0.0/33", 2, 18, 2, "expected a prefix length (0-32), got '33'"},
	{"prefix 2001:2::/129", 2, 16, 3, "(0-128)"},
	{"prefix 198.18.0.1/24", 2, 7, 10, "host bits set"},
	{"prefix 198.18.0.0/", 2, 18, 1, "expected a prefix length"},
	{"prefix [198.18.0.0]/24", 2, 7, 12, "bad address"},
	{"prefix", 0, 6, 1, "missing ADDR/LEN"},
	{"flow udp 198.18.0.2:5000 198.18.0.1:7000", 4, 25, 15, "expected '->'"},
	{"flow udp 198.18.0.2:5000 ->", 0, 27, 1, "missing destination"},
	{"flow udp 198.18.0.2:5000", 0, 24, 1, "missing '->'"},
	{"flow icmp 1.2.3.4:1 -> 1.2.3.4:2", 2, 5, 4, "expected a protocol (udp or tcp)"},
	{"flow udp 198.18.0.2 -> 198.18.0.1:7000", 3, 9, 10, "expected source ADDR:PORT"},
	{"flow udp 198.18.0.2:99999 -> 198.18.0.1:7000", 3, 20, 5, "got '99999'"},
	{"flow udp 198.18.0.2: -> 198.18.0.1:7000", 3, 20, 1, "expected a port number"},
	{"flow udp 198.18.0.256:5 -> 198.18.0.1:7000", 3, 9, 12, "bad IPv4 source address"},
	{"flow udp 2001:2::2:5000 -> [2001:2::1]:7000", 3, 9, 14, "IPv6 endpoints go in brackets"},
	{"flow udp [2001:2::2:5000 -> [2001:2::1]:7000", 3, 9, 15, "missing ']'"},
	{"flow udp [2001:2::2]5000 -> [2001:2::1]:7000", 3, 19, 1, "expected ':PORT'"},
	{"flow udp [1.2.3.4]:5000 -> [2001:2::1]:7000", 3, 9, 9, "bad IPv6 source address"},
	{"flow udp 198.18.0.2:5000 -> [2001:2::1]:7000", 5, 28, 16,
	 "destination is IPv6 but the source is IPv4"},
	{"flow udp 198.18.0.2:5000 -> 198.18.0.1:7000 extra", 6, 44, 5,
	 "unexpected 'extra'; expected fast, pass or id N"},
	{"w w w w w w w w w w w w w w w w w w w w w w w w w", 25, 48, 1,
	 "too many words (at most 24)"},
};

Test(rules_text, bad_token_is_named)
{
	const struct bad_case *c;
	struct xl_rule_spec r;
	struct xl_rule_err err;
	int ret;

	for (c = bad_cases; c < bad_cases + sizeof(bad_cases) / sizeof(bad_cases[0]); c++) {
		memset(&r, 0xaa, sizeof(r));
		errno = 0;
		ret = xl_rule_parse(c->text, &r, &err);
		cr_expect_eq(ret, -EINVAL, "'%s' parsed", c->text);
		if (ret != -EINVAL)
			continue;
		cr_expect_eq(errno, EINVAL);
		cr_expect(strstr(err.msg, c->msg), "'%s': message '%s' lacks '%s'", c->text,
			  err.msg, c->msg);
		cr_expect_eq(err.word, c->word, "'%s': word %d, expected %d (%s)", c->text,
			     err.word, c->word, err.msg);
		cr_expect_eq(err.col, c->col, "'%s': col %zu, expected %zu (%s)", c->text, err.col,
			     c->col, err.msg);
		cr_expect_eq(err.len, c->len, "'%s': len %zu, expected %zu (%s)", c->text, err.len,
			     c->len, err.msg);
		cr_expect_eq(r.kind | r.family | r.proto | r.action, 0,
			     "'%s': output is zeroed on error", c->text);
	}
}

Test(rules_text, null_err_is_allowed)
{
	struct xl_rule_spec r;

	cr_assert_eq(xl_rule_parse("udp dport 0", &r, NULL), -EINVAL);
	cr_assert_eq(xl_rule_parse(NULL, &r, NULL), -EINVAL);
}

/* ---- caret line, join, format errors ------------------------------------------------------ */

Test(rules_text, caret_points_at_the_word)
{
	const char *text = "udp dport 70000 fast";
	struct xl_rule_spec r;
	struct xl_rule_err err;
	char buf[128];

	cr_assert_eq(xl_rule_parse(text, &r, &err), -EINVAL);
	cr_assert_gt(xl_rule_err_caret(&err, text, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "  udp dport 70000 fast\n"
			      "            ^~~~~");
}

Test(rules_text, caret_at_the_end_and_too_small)
{
	const char *text = "udp dport";
	struct xl_rule_spec r;
	struct xl_rule_err err;
	char buf[64];

	cr_assert_eq(xl_rule_parse(text, &r, &err), -EINVAL);
	cr_assert_gt(xl_rule_err_caret(&err, text, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "  udp dport\n"
			      "           ^");
	cr_assert_eq(xl_rule_err_caret(&err, text, buf, 10), -ENOSPC);
}

Test(rules_text, join_words)
{
	char *argv[] = {"flow", "udp", "198.18.0.2:5000", "->", "198.18.0.1:7000"};
	char buf[64];

	cr_assert_eq(xl_rule_join(5, argv, buf, sizeof(buf)), 43);
	cr_assert_str_eq(buf, "flow udp 198.18.0.2:5000 -> 198.18.0.1:7000");
	cr_assert_eq(xl_rule_join(5, argv, buf, 20), -ENAMETOOLONG);
	cr_assert_eq(xl_rule_join(0, argv, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
}

Test(rules_text, format_rejects_bad_structs)
{
	struct xl_rule_spec r;
	char buf[128];

	cr_assert_eq(xl_rule_parse("prefix 198.18.0.0/24", &r, NULL), 0);
	cr_assert_eq(xl_rule_format(&r, buf, 8), -ENOSPC);
	r.kind = 99;
	cr_assert_eq(xl_rule_format(&r, buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(xl_rule_parse("udp dport 1", &r, NULL), 0);
	r.proto = IPPROTO_ICMP;
	cr_assert_eq(xl_rule_format(&r, buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(xl_rule_parse("udp dport 1", &r, NULL), 0);
	r.action = 7;
	cr_assert_eq(xl_rule_format(&r, buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(xl_rule_parse("prefix 198.18.0.0/24", &r, NULL), 0);
	r.prefix_len = 33;
	cr_assert_eq(xl_rule_format(&r, buf, sizeof(buf)), -EINVAL);
}

Test(rules_text, kind_names)
{
	cr_assert_str_eq(xl_rule_kind_name(XL_RULE_EXACT), "exact");
	cr_assert_str_eq(xl_rule_kind_name(XL_RULE_PORT), "port");
	cr_assert_str_eq(xl_rule_kind_name(XL_RULE_PREFIX), "prefix");
	cr_assert_str_eq(xl_rule_kind_name(0), "?");
}
