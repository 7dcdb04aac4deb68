// SPDX-License-Identifier: BSD-2-Clause
/*
 * stats_fmt: the JSON output parses (checked with jq) and carries the snapshot's numbers; the
 * Prometheus output follows the text exposition grammar (HELP/TYPE once per family, before its
 * samples, families contiguous, valid names and labels, no duplicate series); the textfile is
 * written atomically; the table shows the conservation check and the right-sizing hint.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "stats_fmt.h"

/* A snapshot where every number is distinct, so a value in the wrong place shows. */
static struct xl_stats_snapshot *make_snap(const char *ifname)
{
	struct xl_stats_snapshot *s = calloc(1, sizeof(*s));
	unsigned int i;

	cr_assert_not_null(s);
	s->sz = sizeof(*s);
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = 7;
	s->pid = 4242;
	s->started_ns = 1700000000123456789ULL;
	s->updated_ns = 1700000001000000000ULL;
	s->attach_mode = XL_ATTACH_NATIVE;
	s->attach_method = XL_METHOD_LINK;
	s->n_queues = 2;
	for (i = 0; i < 2; i++) {
		struct xl_queue_stats *q = &s->q[i];
		uint64_t b = 1000 * (i + 1);

		q->queue = i * 3; /* queues 0 and 3 */
		q->bind_mode = i ? XL_BIND_ZEROCOPY : XL_BIND_COPY;
		q->need_wakeup = 1;
		q->cpu = (int32_t)i;
		q->rx_packets = b + 1;
		q->rx_bytes = b + 2;
		q->tx_packets = b + 3;
		q->tx_bytes = b + 4;
		q->tx_completed = b + 5;
		q->fwd_packets = b + 6;
		q->dropped = b + 7;
		q->pass_unsupported = b + 8;
		q->tx_full_drops = b + 9;
		q->fill_empty = b + 10;
		q->pool_get_fails = b + 11;
		q->wakeups = b + 12;
		q->batches = b + 13;
		q->xdp_rx_dropped = b + 20;
		q->xdp_rx_invalid_descs = b + 21;
		q->xdp_tx_invalid_descs = b + 22;
		q->xdp_rx_ring_full = b + 23;
		q->xdp_rx_fill_ring_empty_descs = b + 24;
		q->xdp_tx_ring_empty_descs = b + 25;
		q->frames_fill = b + 30;
		q->frames_rx = b + 31;
	}
	s->frames_total = 8192;
	s->frames_pool = 5000;
	s->frames_fill = 2000;
	s->frames_rx = 1000;
	s->frames_worker = 100;
	s->frames_tx = 50;
	s->frames_comp = 40;
	s->frames_kernel = 2;
	s->frames_sum = 8192;
	s->frames_settled = 1;
	s->frame_size = 4096;
	s->umem_bytes = 8192ULL * 4096;
	s->pool_high_water = 3000;
	s->hint_frames = 3776;
	s->hint_bytes = 3776ULL * 4096;
	s->umem_node = 0;
	s->nic_node = -1;
	for (i = 0; i < XL_STEER_MAX_COUNTERS && xl_steer_counter_name(i); i++)
		s->steer[i] = 500000 + i;
	s->n_steer = i;
	s->hot_flows = 3;
	s->hot_demotions = 11;
	s->ntuple_filters = 4;
	s->ntuple_queue = 3;
	return s;
}

static char *render(int (*fn)(FILE *, const struct xl_stats_snapshot *),
		    const struct xl_stats_snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(fn(f, s), 0);
	fclose(f);
	return buf;
}

/* ---- JSON through jq ------------------------------------------------------------------------ */

static bool have_jq(void)
{
	return system("command -v jq >/dev/null 2>&1") == 0;
}

/* Run `jq -e FILTER` on @json; true when jq exits 0 (filter true). */
static bool jq_true(const char *json, const char *filter)
{
	char path[] = "/tmp/xl_stats_json_XXXXXX", cmd[1024];
	int fd = mkstemp(path), st;
	FILE *f;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(json, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "jq -e '%s' %s >/dev/null 2>&1", filter, path);
	st = system(cmd);
	unlink(path);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

Test(stats_format, json_parses_and_carries_the_numbers)
{
	static const char *const checks[] = {
		".iface == \"veth0\" and .ifindex == 7 and .pid == 4242",
		".attach.mode == \"native\" and .attach.method == \"link\" and .attach.fallback == "
		"false",
		".queues | length == 2",
		".queues[0].queue == 0 and .queues[1].queue == 3",
		".queues[0].bind_mode == \"copy\" and .queues[1].bind_mode == \"zerocopy\"",
		".queues[1].rx_packets == 2001 and .queues[1].tx_packets == 2003",
		".queues[0].fill_empty == 1010 and .queues[1].batches == 2013",
		".queues[1].xdp_statistics.rx_ring_full == 2023",
		".queues[0].xdp_statistics | keys == [\"rx_dropped\",\"rx_fill_ring_empty_descs\","
		"\"rx_invalid_descs\",\"rx_ring_full\",\"tx_invalid_descs\",\"tx_ring_empty_"
		"descs\"]",
		".queues[0].frames.fill == 1030",
		".frames.total == 8192 and .frames.kernel == 2 and .frames.settled == true and "
		".frames.conserved == true",
		"([.frames.pool,.frames.fill,.frames.rx,.frames.worker,.frames.tx,.frames.comp,"
		".frames.kernel] | add) == .frames.total",
		".pool.high_water == 3000 and .pool.hint_frames == 3776 and .pool.nic_node == -1",
		".steer.seen == 500000",
		".steer.passed | length > 3",
		".steer.steered | length > 2",
		".hot.flows == 3 and .hot.demotions == 11",
		".ntuple.filters == 4 and .ntuple.queue == 3",
		".started_ns == 1700000000123456789",
	};
	struct xl_stats_snapshot *s;
	char *json;
	size_t i;

	if (!have_jq())
		cr_skip_test("jq is not installed (scripts/deps.sh installs it)");
	s = make_snap("veth0");
	json = render(xl_stats_fmt_json, s);
	cr_assert(jq_true(json, "."), "jq cannot parse: %s", json);
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		cr_expect(jq_true(json, checks[i]), "jq -e '%s' is false on %s", checks[i], json);
	cr_assert_eq(json[strlen(json) - 1], '\n');
	free(json);
	free(s);
}

/* a read under load cannot vouch for the sum either way: conserved is null, not true or false */
Test(stats_format, json_leaves_conservation_open_for_a_read_under_load)
{
	struct xl_stats_snapshot *s;
	char *json;

	if (!have_jq())
		cr_skip_test("jq is not installed (scripts/deps.sh installs it)");
	s = make_snap("veth0");
	s->frames_settled = 0;
	s->frames_sum = 8193;
	json = render(xl_stats_fmt_json, s);
	cr_expect(jq_true(json, ".frames.settled == false and .frames.conserved == null and "
				".frames.sum == 8193"),
		  "%s", json);
	free(json);
	free(s);
}

Test(stats_format, json_escapes_strings)
{
	struct xl_stats_snapshot *s;
	char *json;

	if (!have_jq())
		cr_skip_test("jq is not installed (scripts/deps.sh installs it)");
	s = make_snap("a\"b\\c\x01");
	json = render(xl_stats_fmt_json, s);
	cr_assert(jq_true(json, ".iface == \"a\\\"b\\\\c\\u0001\""), "%s", json);
	free(json);
	free(s);
}

/* ---- Prometheus text exposition grammar ----------------------------------------------------- */

#define NAME_RE	 "[a-zA-Z_:][a-zA-Z0-9_:]*"
#define LABEL_RE "[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\[\\\\\"n])*\""
#define VALUE_RE "(-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|[-+]Inf)"

struct family {
	char name[128];
	char type[16];
	int help, types, samples;
	bool closed; /* another family started after this one */
};

static struct family *find_family(struct family *fams, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(fams[i].name, name))
			return &fams[i];
	return NULL;
}

Test(stats_format, prometheus_follows_the_exposition_grammar)
{
	struct family fams[128], *cur = NULL, *f;
	regex_t help_re, type_re, sample_re;
	char *text, *line, *save = NULL, name[128], series[512], **seen = NULL;
	struct xl_stats_snapshot *s;
	int nf = 0, nseen = 0, i, lines = 0;

	cr_assert_eq(regcomp(&help_re, "^# HELP (" NAME_RE ") [^\n]+$", REG_EXTENDED), 0);
	cr_assert_eq(regcomp(&type_re,
			     "^# TYPE (" NAME_RE ") (counter|gauge|histogram|summary|untyped)$",
			     REG_EXTENDED),
		     0);
	cr_assert_eq(regcomp(&sample_re,
			     "^(" NAME_RE ")(\\{(" LABEL_RE ")(," LABEL_RE ")*\\})? " VALUE_RE "$",
			     REG_EXTENDED),
		     0);
	s = make_snap("veth0");
	text = render(xl_stats_fmt_prometheus, s);
	cr_assert_eq(text[strlen(text) - 1], '\n', "the last line ends with a newline");

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[2];

		lines++;
		if (!regexec(&help_re, line, 2, m, 0) || !regexec(&type_re, line, 2, m, 0)) {
			bool is_help = line[2] == 'H';

			snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
				 line + m[1].rm_so);
			f = find_family(fams, nf, name);
			if (!f) {
				cr_assert_lt(nf, 128);
				if (cur)
					cur->closed = true;
				f = &fams[nf++];
				memset(f, 0, sizeof(*f));
				snprintf(f->name, sizeof(f->name), "%s", name);
			}
			cr_assert_not(f->closed, "family %s is split: %s", name, line);
			cr_assert_eq(f->samples, 0, "%s: metadata after samples", name);
			if (is_help) {
				f->help++;
			} else {
				f->types++;
				sscanf(line + 7 + strlen(name) + 1, "%15s", f->type);
			}
			cur = f;
			continue;
		}
		cr_assert_eq(regexec(&sample_re, line, 2, m, 0), 0, "not a valid sample line: '%s'",
			     line);
		snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
			 line + m[1].rm_so);
		cr_assert_not_null(cur, "sample before any HELP/TYPE: %s", line);
		cr_assert_str_eq(name, cur->name, "sample '%s' outside its family block", line);
		cur->samples++;
		cr_assert(strstr(line, "{iface=\"veth0\""), "every sample has the iface label: %s",
			  line);
		/* no duplicate series */
		snprintf(series, sizeof(series), "%.*s", (int)(strrchr(line, ' ') - line), line);
		for (i = 0; i < nseen; i++)
			cr_assert_str_neq(seen[i], series, "duplicate series %s", series);
		seen = realloc(seen, (size_t)(nseen + 1) * sizeof(*seen));
		cr_assert_not_null(seen);
		seen[nseen++] = strdup(series);
	}
	cr_assert_gt(lines, 50);
	for (i = 0; i < nf; i++) {
		f = &fams[i];
		cr_expect_eq(f->help, 1, "%s: %d HELP lines", f->name, f->help);
		cr_expect_eq(f->types, 1, "%s: %d TYPE lines", f->name, f->types);
		cr_expect_eq(strncmp(f->name, "xlane_", 6), 0, "%s: not xlane_*", f->name);
		if (!strcmp(f->type, "counter"))
			cr_expect(strlen(f->name) > 6 &&
					  !strcmp(f->name + strlen(f->name) - 6, "_total"),
				  "counter %s does not end in _total", f->name);
		else
			cr_expect(strlen(f->name) < 6 ||
					  strcmp(f->name + strlen(f->name) - 6, "_total"),
				  "gauge %s ends in _total", f->name);
	}
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	free(text);
	free(s);
	regfree(&help_re);
	regfree(&type_re);
	regfree(&sample_re);
}

Test(stats_format, prometheus_values_and_labels)
{
	static const char *const want[] = {
		"xlane_xdp_rx_ring_full_total{iface=\"veth0\",queue=\"3\"} 2023\n",
		"xlane_xdp_rx_fill_ring_empty_descs_total{iface=\"veth0\",queue=\"0\"} 1024\n",
		"xlane_queue_rx_packets_total{iface=\"veth0\",queue=\"0\"} 1001\n",
		"xlane_queue_fill_empty_total{iface=\"veth0\",queue=\"3\"} 2010\n",
		"xlane_queue_info{iface=\"veth0\",queue=\"3\",bind_mode=\"zerocopy\",cpu=\"1\","
		"need_wakeup=\"1\"} 1\n",
		"xlane_info{iface=\"veth0\",attach_mode=\"native\",attach_method=\"link\","
		"attach_fallback=\"0\"} 1\n",
		"xlane_frames{iface=\"veth0\",location=\"kernel\"} 2\n",
		"xlane_frames_settled{iface=\"veth0\"} 1\n",
		"xlane_pool_high_water_frames{iface=\"veth0\"} 3000\n",
		"xlane_pool_hint_frames{iface=\"veth0\"} 3776\n",
		"xlane_steer_seen_total{iface=\"veth0\"} 500000\n",
		"xlane_steer_passed_total{iface=\"veth0\",reason=\"",
		"xlane_steer_steered_total{iface=\"veth0\",via=\"",
		"xlane_start_time_seconds{iface=\"veth0\"} 1700000000.123456789\n",
		"xlane_hot_demotions_total{iface=\"veth0\"} 11\n",
		"xlane_ntuple_filters{iface=\"veth0\",queue=\"3\"} 4\n",
	};
	struct xl_stats_snapshot *s = make_snap("veth0");
	char *text = render(xl_stats_fmt_prometheus, s);
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect(strstr(text, want[i]), "missing: %s", want[i]);
	free(text);
	free(s);
}

Test(stats_format, prometheus_escapes_label_values)
{
	struct xl_stats_snapshot *s = make_snap("a\"b\\c");
	char buf[8], *text;

	text = render(xl_stats_fmt_prometheus, s);
	cr_assert(strstr(text, "{iface=\"a\\\"b\\\\c\"}"), "%s", text);
	cr_assert_eq(xl_prom_escape_label("x\ny", buf, sizeof(buf)), 4);
	cr_assert_str_eq(buf, "x\\ny");
	cr_assert_eq(xl_prom_escape_label("\"\"\"\"", buf, sizeof(buf)), -ENOSPC);
	free(text);
	free(s);
}

/* ---- atomic textfile ------------------------------------------------------------------------ */

Test(stats_format, prometheus_file_is_replaced_atomically)
{
	char dir[] = "/tmp/xl_prom_XXXXXX", path[128], *want, *got = NULL;
	struct xl_stats_snapshot *s = make_snap("veth0");
	struct dirent *de;
	struct stat st;
	size_t len = 0;
	FILE *f;
	DIR *d;
	int entries = 0;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/xlane.prom", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("old\n", f);
	fclose(f);

	cr_assert_eq(xl_stats_write_prometheus(path, s), 0);
	want = render(xl_stats_fmt_prometheus, s);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_gt(getdelim(&got, &len, '\0', f), 0);
	fclose(f);
	cr_assert_str_eq(got, want);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);

	d = opendir(dir);
	cr_assert_not_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			entries++;
	closedir(d);
	cr_assert_eq(entries, 1, "a temporary file was left behind");

	unlink(path);
	rmdir(dir);
	free(got);
	free(want);
	free(s);
}

Test(stats_format, prometheus_file_in_missing_dir_fails_cleanly)
{
	struct xl_stats_snapshot *s = make_snap("veth0");

	errno = 0;
	cr_assert_eq(xl_stats_write_prometheus("/tmp/xl_no_such_dir_8d1f/xlane.prom", s), -ENOENT);
	cr_assert_eq(errno, ENOENT);
	free(s);
}

/* ---- table ------------------------------------------------------------------------------------ */

Test(stats_format, table_shows_modes_conservation_and_hint)
{
	struct xl_stats_snapshot *s = make_snap("veth0");
	char *text = render(xl_stats_fmt_table, s);

	cr_expect(strstr(text, "xlane on veth0"), "%s", text);
	cr_expect(strstr(text, "XDP native via bpf_link"), "%s", text);
	cr_expect(strstr(text, "zerocopy"), "%s", text);
	cr_expect(strstr(text, "rx_ring_full"), "%s", text);
	cr_expect(strstr(text, "(sum 8192, conserved)"), "%s", text);
	cr_expect(strstr(text, "high water 3000 frames; hint: 3776 frames"), "%s", text);
	cr_expect(strstr(text, "at least twice"), "8192 allocated vs 3776 needed: %s", text);
	cr_expect(strstr(text, "ntuple: 4 filters pin the exact and port rules to queue 3"), "%s",
		  text);
	free(text);

	s->frames_sum = 8191;
	s->hint_frames = 9000;
	s->attach_fallback = 1;
	s->ntuple_filters = 0;
	s->ntuple_queue = -1;
	text = render(xl_stats_fmt_table, s);
	cr_expect(strstr(text, "ntuple: none"), "%s", text);
	cr_expect(strstr(text, "MISMATCH"), "%s", text);
	cr_expect(strstr(text, "too small"), "%s", text);
	cr_expect(strstr(text, "FALLBACK"), "%s", text);
	free(text);

	s->frames_settled = 0;
	text = render(xl_stats_fmt_table, s);
	cr_expect(strstr(text, "(sum 8191, read under load: frames in motion, not checked)"), "%s",
		  text);
	cr_expect(!strstr(text, "MISMATCH"), "%s", text);
	free(text);
	free(s);
}

Test(stats_format, write_errors_are_reported)
{
	struct xl_stats_snapshot *s = make_snap("veth0");
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		cr_skip_test("/dev/full is not available");
	setvbuf(f, NULL, _IONBF, 0);
	cr_expect_eq(xl_stats_fmt_json(f, s), -EIO);
	fclose(f);
	free(s);
}
