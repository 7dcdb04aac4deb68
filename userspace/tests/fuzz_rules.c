// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target for the rule parser (rules_text.c) and the option parser (options.c).
 *
 * Built two ways:
 *  - with clang -fsanitize=fuzzer,address,undefined as a libFuzzer target (suite 'fuzz',
 *    a bounded run through run_fuzz.sh);
 *  - with the project compiler and -DXL_FUZZ_STANDALONE as a replay driver (suite 'unit'): it
 *    feeds the seed corpus below plus a fixed number of seeded mutations of it through the same
 *    entry point, so the gcc, ASan and Valgrind runs exercise the same invariants.
 *
 * Invariants checked (abort() on violation, which both drivers report):
 *  - a rule that parses formats, and its canonical text parses back to the identical struct;
 *  - a rule that does not parse returns -EINVAL with a message and an error span inside the text;
 *  - the option parser returns 0, XL_OPTS_HELP, -EINVAL (with an argv index in range) or -ENOMEM,
 *    and frees everything it allocated.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "rules_text.h"

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_rules: %s:%d: %s failed\n", __FILE__, __LINE__, \
				#cond);                                                       \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* an option table with every kind, as the commands use them */
struct f_cfg {
	const char *iface;
	struct xl_cli_strv rest;
	struct xl_cli_list list;
	struct xl_cli_strv rules;
	unsigned long long num, ring, pps, opt;
	int mode;
	bool flag;
	const char *str;
};

static const struct xl_opt_enum f_modes[] = {
	{"auto", 0, "a"},
	{"native", 1, "n"},
	{NULL},
};

#define O(f) offsetof(struct f_cfg, f)
static const struct xl_option f_opts[] = {
	{.name = "queues",
	 .short_name = 'q',
	 .kind = XL_OPT_LIST,
	 .offset = O(list),
	 .metavar = "LIST",
	 .def = "all",
	 .help = "l",
	 .max = 63},
	{.name = "rule",
	 .short_name = 'r',
	 .kind = XL_OPT_STRV,
	 .offset = O(rules),
	 .metavar = "RULE",
	 .help = "r"},
	{.name = "num",
	 .short_name = 'n',
	 .kind = XL_OPT_UINT,
	 .offset = O(num),
	 .metavar = "N",
	 .def = "5",
	 .help = "n",
	 .min = 1,
	 .max = 100},
	{.name = "rx-ring",
	 .kind = XL_OPT_UINT,
	 .offset = O(ring),
	 .metavar = "N",
	 .def = "auto",
	 .help = "p",
	 .min = 64,
	 .max = 4096,
	 .flags = XL_OPT_F_POW2 | XL_OPT_F_AUTO},
	{.name = "hot-threshold",
	 .kind = XL_OPT_UINT,
	 .offset = O(pps),
	 .metavar = "PPS",
	 .def = "0",
	 .help = "s",
	 .flags = XL_OPT_F_SI},
	{.name = "idle",
	 .kind = XL_OPT_UINT,
	 .offset = O(opt),
	 .metavar = "MS",
	 .help = "u",
	 .min = 1,
	 .max = 9},
	{.name = "xdp-mode",
	 .short_name = 'm',
	 .kind = XL_OPT_ENUM,
	 .offset = O(mode),
	 .metavar = "MODE",
	 .def = "auto",
	 .help = "e",
	 .enums = f_modes},
	{.name = "busy-poll",
	 .short_name = 'b',
	 .kind = XL_OPT_FLAG,
	 .offset = O(flag),
	 .help = "f"},
	{.name = "fwd", .kind = XL_OPT_STR, .offset = O(str), .metavar = "IFACE", .help = "s"},
	{NULL},
};
#undef O

static const struct xl_positional f_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct f_cfg, iface), "i"},
	{"RULE", XL_POS_REST, offsetof(struct f_cfg, rest), "r"},
	{NULL},
};

static int f_run(const void *cfg)
{
	(void)cfg;
	return 0;
}

static const struct xl_command f_cmd = {
	.name = "fuzz",
	.summary = "f",
	.args = f_args,
	.opts = f_opts,
	.cfg_size = sizeof(struct f_cfg),
	.run = f_run,
};

static void fuzz_rule(const char *text)
{
	struct xl_rule_spec r, r2;
	struct xl_rule_err err;
	char buf[512], caret[2048];
	int n;

	if (xl_rule_parse(text, &r, &err) == 0) {
		n = xl_rule_format(&r, buf, sizeof(buf));
		CHECK(n > 0 && (size_t)n == strlen(buf));
		CHECK(xl_rule_parse(buf, &r2, &err) == 0);
		CHECK(memcmp(&r, &r2, sizeof(r)) == 0);
		return;
	}
	CHECK(err.msg[0] != '\0');
	CHECK(err.len >= 1);
	CHECK(err.col <= strlen(text));
	if (strlen(text) < 512)
		CHECK(xl_rule_err_caret(&err, text, caret, sizeof(caret)) > 0);
}

static void fuzz_options(char *line)
{
	struct xl_opts_err err;
	struct f_cfg cfg;
	char *argv[32], *save = NULL, *w;
	int argc = 0, ret;

	for (w = strtok_r(line, " \t\n", &save); w && argc < 32; w = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = w;
	ret = xl_cmd_parse(&f_cmd, argc, argv, &cfg, &err);
	CHECK(ret == 0 || ret == XL_OPTS_HELP || ret == -EINVAL || ret == -ENOMEM);
	if (ret == -EINVAL) {
		CHECK(err.msg[0] != '\0');
		CHECK(err.index >= -1 && err.index < argc);
	}
	if (ret == 0) {
		CHECK(cfg.iface != NULL && cfg.rest.n >= 1);
		CHECK(cfg.list.all || cfg.list.n <= XL_CLI_LIST_MAX);
	}
	xl_cmd_cfg_free(&f_cmd, &cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_rule(text);
	fuzz_options(text); /* splits (modifies) text */
	free(text);
	return 0;
}

#ifdef XL_FUZZ_STANDALONE
#include "cli.h"

/* The replay driver links the whole CLI: also throw each input at every real command table. */
static void fuzz_real_tables(const uint8_t *data, size_t size)
{
	const struct xl_command *const *c;
	struct xl_opts_err err;
	char *text, *argv[32], *save = NULL, *w;
	int argc = 0, ret;
	void *cfg;

	text = malloc(size + 1);
	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	for (w = strtok_r(text, " \t\n", &save); w && argc < 32; w = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = w;
	for (c = xl_cli_commands; *c; c++) {
		cfg = calloc(1, (*c)->cfg_size);
		CHECK(cfg != NULL);
		ret = xl_cmd_parse(*c, argc, argv, cfg, &err);
		CHECK(ret == 0 || ret == XL_OPTS_HELP || ret == -EINVAL || ret == -ENOMEM);
		CHECK(ret != -EINVAL || (err.msg[0] && err.index >= -1 && err.index < argc));
		xl_cmd_cfg_free(*c, cfg);
		free(cfg);
	}
	free(text);
}

static const char *const seeds[] = {
	"udp dport 7000",
	"udp dport 7000 daddr 198.18.0.1 fast id 7",
	"tcp dport 443 pass daddr [2001:2::1]",
	"prefix 198.18.0.0/24",
	"prefix 2001:2::/64 pass id 3",
	"flow udp 198.18.0.2:5000 -> 198.18.0.1:7000",
	"flow tcp [2001:2::2]:5000->[2001:2::1]:7000 pass id 65535",
	"udp dport 70000",
	"prefix 198.18.0.1/24",
	"eth0 udp --queues 0-3,7 -r x --rule y --num 9 --rx-ring 128 --hot-threshold 2m -m native",
	"eth0 w --busy-poll --fwd veth1 --idle 3 -- --help",
	"eth0 w --queues 0-x --num=0 --rx-ring=100",
	"eth0 w -q1,2,3 -n5 -b",
	"lo --queues 0-1 --cpus 0 --hot-threshold 10k --handler fwd --fwd lo --xdp-mode skb",
	"lo --json --prometheus /x.prom --watch 1 --count 3 --threshold 5k --idle 9 --window 100",
	"lo --rx-ring 4096 --tx-ring 64 --fill-ring auto --comp-ring 128 --frame-size 2048",
};

/* xorshift64*: fixed seed, so a failure reproduces */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static const char alphabet[] = "0123456789abcdefpxudtcflow:[]/.-> ,=#\t";

int main(void)
{
	const char *env = getenv("XL_UNDER_VALGRIND");
	unsigned int rounds = env && *env == '1' ? 2000 : 200000, i, j, n;
	uint8_t buf[256];
	size_t len;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		LLVMFuzzerTestOneInput((const uint8_t *)seeds[i], strlen(seeds[i]));
		fuzz_real_tables((const uint8_t *)seeds[i], strlen(seeds[i]));
	}
	for (i = 0; i < rounds; i++) {
		const char *seed = seeds[rng() % (sizeof(seeds) / sizeof(seeds[0]))];

		len = strlen(seed);
		memcpy(buf, seed, len);
		n = 1 + (unsigned int)(rng() % 4);
		for (j = 0; j < n; j++) {
			size_t pos = len ? rng() % len : 0;

			switch (rng() % 4) {
			case 0: /* replace a byte from the alphabet */
				if (len)
					buf[pos] =
						(uint8_t)alphabet[rng() % (sizeof(alphabet) - 1)];
				break;
			case 1: /* random byte */
				if (len)
					buf[pos] = (uint8_t)rng();
				break;
			case 2: /* truncate */
				len = pos;
				break;
			default: /* insert */
				if (len < sizeof(buf) - 1) {
					memmove(buf + pos + 1, buf + pos, len - pos);
					buf[pos] =
						(uint8_t)alphabet[rng() % (sizeof(alphabet) - 1)];
					len++;
				}
				break;
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
		if (i % 8 == 0)
			fuzz_real_tables(buf, len);
	}
	printf("fuzz_rules: %zu seeds + %u mutations: invariants hold\n",
	       sizeof(seeds) / sizeof(seeds[0]), rounds);
	return 0;
}
#endif
