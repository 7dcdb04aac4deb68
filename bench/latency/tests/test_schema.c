// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_client's JSON against the schema (bench/latency/schema.jq, run by jq): real documents made
 * by lat_measure() over a simulated server conform, and damaged ones are rejected.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "echo_sim.h"
#include "report.h"

static const char *schema(void)
{
	const char *p = getenv("XL_LAT_SCHEMA");

	if (!p)
		cr_skip_test("XL_LAT_SCHEMA is not set (run through meson test)");
	if (system("command -v jq >/dev/null 2>&1"))
		cr_skip_test("jq is not installed (scripts/deps.sh installs it)");
	return p;
}

/* jq's exit status for `jq -e --arg kind client -f schema FILE`, after an optional jq edit */
static int check(const char *path, const char *edit)
{
	char cmd[1024];
	int st;

	if (edit)
		snprintf(cmd, sizeof(cmd),
			 "jq '%s' %s | jq -e --arg kind client -f %s >/dev/null 2>&1", edit, path,
			 schema());
	else
		snprintf(cmd, sizeof(cmd), "jq -e --arg kind client -f %s %s", schema(), path);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void make_doc(enum lat_mode mode, char *path, size_t len)
{
	struct lat_cli_cfg c = {
		.server = "198.18.0.1",
		.port = 7000,
		.flows = 1,
		.size = 64,
		.mode = mode,
		.wait = LAT_WAIT_BLOCK,
		.rate = 5000,
		.rate_start = 5000,
		.rate_max = 40000,
		.loss_target = 0.001,
		.step_s = 0.05,
		.duration_s = 0.1,
		.count = 100000,
		.warmup_s = 0.02,
		.repeat = 2,
		.timeout_ms = 100,
		.drain_ms = 50,
		.label = "sim \"quoted\"",
		.cpu = -1,
		.quiet = true,
	};
	struct echo_sim sim = {.how = SIM_ECHO};
	struct lat_report *r;
	struct lat_socks s;
	FILE *f;
	int fd;

	c.dst.ss_family = AF_INET;
	if (mode == LAT_MODE_SWEEP) {
		c.rates[0] = 2000;
		c.rates[1] = 4000;
		c.n_rates = 2;
	}
	snprintf(path, len, "/tmp/xl_lat_schema_XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert(f);
	r = lat_report_create(&c);
	cr_assert(r);
	cr_assert_eq(echo_sim_start(&sim, &s), 0);
	cr_assert_eq(lat_measure(&c, &s, r), 0);
	echo_sim_stop(&sim, &s);
	cr_assert_eq(lat_report_json(r, f), 0);
	cr_assert_eq(fclose(f), 0);
	lat_report_destroy(r);
}

Test(lat_schema, every_mode_conforms)
{
	enum lat_mode m;
	char path[64];

	schema();
	for (m = LAT_MODE_PINGPONG; m < LAT_MODE_MAX; m++) {
		make_doc(m, path, sizeof(path));
		cr_expect_eq(check(path, NULL), 0, "mode %s does not conform (%s)",
			     lat_mode_name(m), path);
		unlink(path);
	}
}

Test(lat_schema, damaged_documents_are_rejected)
{
	static const char *const edits[] = {
		"del(.summary)",
		".schema = \"xlane-latency-client/0\"",
		".repetitions[0].lost += 1",
		".repetitions[0].latency_ns.p50 = .repetitions[0].latency_ns.max + 1",
		".repetitions |= .[1:]",
		".mode = \"burst\"",
		".hdr[0] = [1]",
		".repetitions[0].pass = 1",
		".summary.latency_ns.p99.min = .summary.latency_ns.p99.max + 1",
	};
	char path[64];
	unsigned int i;

	schema();
	make_doc(LAT_MODE_PINGPONG, path, sizeof(path));
	cr_assert_eq(check(path, NULL), 0);
	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++)
		cr_expect_neq(check(path, edits[i]), 0, "schema accepted: %s", edits[i]);
	unlink(path);
}
