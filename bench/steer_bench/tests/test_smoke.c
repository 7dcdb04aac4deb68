// SPDX-License-Identifier: BSD-2-Clause
/*
 * steer_bench smoke test: a tiny run (--repeat 200 --rounds 1) must exit 0, print every scenario
 * row with positive figures, and write JSON that parses and holds a positive ns and ratio for
 * every scenario and frame; bad options must fail naming the option and the token. Nothing here
 * judges performance. Needs root (PROG_TEST_RUN); skips with the reason otherwise.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jsoncheck.h"

extern char **environ;

static const char *const frames[] = {"ipv4_udp", "ipv6_udp", "non_ip"};
static const char *const scen[] = {"no_rules",	"exact_10k",	  "port_10k",	 "prefix_10k",
				   "rules_10k", "cms_below",	  "cms_hot",	 "lru_below",
				   "lru_hot",	"full_cms_below", "full_cms_hot"};
static const char *const titles[] = {"xl_pass (trivial XDP_PASS)",
				     "no rules, detection off",
				     "10k rules/kind, no match",
				     "detection cms, hot flow",
				     "detection lru, flow below threshold",
				     "10k rules/kind + cms, hot flow"};

struct outcome {
	int status;
	char *out, *err;
};

static char *slurp(int fd)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);
	ssize_t n;

	cr_assert_not_null(buf);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 1024) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

static struct outcome run(const char *const *args)
{
	const char *bin = getenv("STEER_BENCH");
	char op[] = "/tmp/sb_smoke_out_XXXXXX", ep[] = "/tmp/sb_smoke_err_XXXXXX";
	posix_spawn_file_actions_t fa;
	struct outcome o = {.status = -1};
	char *argv[16];
	int ofd, efd, ws, n;
	pid_t pid;

	cr_assert_not_null(bin, "STEER_BENCH is not set (run through meson test)");
	argv[0] = (char *)bin;
	for (n = 1; args[n - 1]; n++) {
		cr_assert_lt(n, 15);
		argv[n] = (char *)args[n - 1];
	}
	argv[n] = NULL;
	ofd = mkstemp(op);
	efd = mkstemp(ep);
	cr_assert(ofd >= 0 && efd >= 0);
	unlink(op);
	unlink(ep);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, ofd, 1);
	posix_spawn_file_actions_adddup2(&fa, efd, 2);
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &ws, 0), pid);
	if (WIFEXITED(ws))
		o.status = WEXITSTATUS(ws);
	o.out = slurp(ofd);
	o.err = slurp(efd);
	close(ofd);
	close(efd);
	return o;
}

static void done(struct outcome *o)
{
	free(o->out);
	free(o->err);
}

/*
 * Under Valgrind (XL_UNDER_VALGRIND=1, --trace-children=yes) steer_bench itself runs under
 * memcheck, which flags libbpf 1.1's bpf() calls made with a deliberately short union bpf_attr
 * (feature probes during skeleton load; BPF_MAP_GET_NEXT_KEY). The kernel reads only attr_size
 * bytes, so these are false positives. Until scripts/valgrind.supp carries suppressions for them,
 * exit status 99 is accepted only if every error Valgrind reported is one of exactly those:
 * "Syscall param bpf(attr->expected_attach_type|prog_ifindex)" or, from bpf_map_get_next_key,
 * "bpf(attr->flags)". Anything else (a leak, an invalid read, another syscall) still fails.
 */
static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool only_libbpf_attr_noise(const char *err)
{
	const char *line = err;
	int known = 0;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		const char *p = line;

		if (p[0] == '=' && p[1] == '=') {
			p = strstr(p + 2, "== ");
			p = p && (!nl || p < nl) ? p + 3 : ""; /* only within this line */
			if (*p == '\n')
				p = "";
			if (starts_with(p, "Syscall param bpf(attr->expected_attach_type)") ||
			    starts_with(p, "Syscall param bpf(attr->prog_ifindex)")) {
				known++;
			} else if (starts_with(p, "Syscall param bpf(attr->flags)")) {
				/* the next two lines: "at ... syscall", "by ... bpf_map_get_next_key" */
				const char *end = nl ? strchr(nl + 1, '\n') : NULL;

				end = end ? strchr(end + 1, '\n') : NULL;
				if (!end ||
				    !memmem(nl, (size_t)(end - nl), "bpf_map_get_next_key", 20))
					return false;
				known++;
			} else if (*p && *p != ' ') {
				return false; /* any other Valgrind report */
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return known > 0;
}

static bool under_valgrind(void)
{
	const char *v = getenv("XL_UNDER_VALGRIND");

	return v && *v && strcmp(v, "0") != 0;
}

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("steer_bench needs root for BPF_PROG_TEST_RUN (euid %u)",
			     (unsigned)geteuid());
}

Test(steer_bench_smoke, tiny_run_prints_table_and_json, .timeout = 100)
{
	char path[] = "/tmp/sb_smoke_json_XXXXXX", err[256];
	const char *args[] = {"--repeat", "200", "--rounds", "1", "--json", path, NULL};
	struct jc_value *root;
	struct outcome o;
	char *text;
	size_t i, f;
	int fd;

	need_root();
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	o = run(args);
	if (o.status == 99 && under_valgrind() && only_libbpf_attr_noise(o.err))
		cr_log_info(
			"steer_bench: only libbpf short-bpf_attr reports from Valgrind, accepted");
	else
		cr_assert_eq(o.status, 0, "steer_bench failed: %s", o.err);
	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		cr_assert_not_null(strstr(o.out, titles[i]), "row '%s' missing:\n%s", titles[i],
				   o.out);
	cr_assert_not_null(strstr(o.out, "detector memory: cms"));
	text = jc_read_file(path);
	unlink(path);
	cr_assert_not_null(text);
	root = jc_parse(text, err, sizeof(err));
	cr_assert_not_null(root, "JSON does not parse: %s", err);
	cr_assert_eq(jc_get(root, "repeat")->num, 200);
	for (f = 0; f < 3; f++) {
		const struct jc_value *fr = jc_get(jc_get(root, "frames"), frames[f]);
		const struct jc_value *sc;

		cr_assert_not_null(fr, "frame %s missing", frames[f]);
		cr_assert_gt(jc_get(fr, "pass_ns")->num, 0);
		sc = jc_get(fr, "scenarios");
		cr_assert_not_null(sc);
		for (i = 0; i < sizeof(scen) / sizeof(scen[0]); i++) {
			const struct jc_value *s = jc_get(sc, scen[i]);

			cr_assert_not_null(s, "%s/%s missing", frames[f], scen[i]);
			cr_assert_gt(jc_get(s, "ns")->num, 0, "%s/%s ns", frames[f], scen[i]);
			cr_assert_gt(jc_get(s, "ratio")->num, 0, "%s/%s ratio", frames[f], scen[i]);
		}
	}
	jc_free(root);
	free(text);
	done(&o);
}

Test(steer_bench_smoke, bad_options_name_the_token)
{
	const char *a1[] = {"--repeat", "12x", NULL};
	const char *a2[] = {"--bogus", NULL};
	const char *a3[] = {"--rounds", "0", NULL};
	struct outcome o;

	o = run(a1);
	cr_assert_neq(o.status, 0);
	cr_assert_not_null(strstr(o.err, "--repeat"), "%s", o.err);
	cr_assert_not_null(strstr(o.err, "'12x'"), "%s", o.err);
	done(&o);
	o = run(a2);
	cr_assert_neq(o.status, 0);
	cr_assert_not_null(strstr(o.err, "'--bogus'"), "%s", o.err);
	done(&o);
	o = run(a3);
	cr_assert_neq(o.status, 0);
	cr_assert_not_null(strstr(o.err, "'0'"), "%s", o.err);
	done(&o);
}
