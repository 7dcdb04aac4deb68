// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_client: the load generator of the latency harness.
 *
 *   lat_client --server 198.18.0.1 --mode pingpong --wait spin --duration 5 --json out.json
 *
 * Modes: pingpong (closed loop, one probe in flight, spinning or blocking wait), open (constant
 * rate, latency from the intended send time), sweep (open loop at each rate of --rates: latency
 * against offered load) and tput (open loop, stepping the offered rate to find the highest rate
 * with loss below --loss-target). Every measurement is repeated --repeat times after a warm-up.
 * The human summary goes to stdout, progress to stderr, every raw figure to --json.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "json.h"
#include "report.h"

struct opt_desc {
	const char *name;
	int has_arg;
	int val;
	const char *arg;
	const char *help;
};

enum {
	O_SERVER = 'S',
	O_PORT = 'p',
	O_FLOWS = 'f',
	O_SIZE = 's',
	O_MODE = 'm',
	O_WAIT = 'w',
	O_RATE = 'r',
	O_DURATION = 'd',
	O_COUNT = 'n',
	O_REPEAT = 'R',
	O_JSON = 'j',
	O_HELP = 'h',
	O_RATES = 256,
	O_WARMUP,
	O_TIMEOUT,
	O_DRAIN,
	O_STEP,
	O_RATE_MAX,
	O_RATE_START,
	O_LOSS,
	O_LABEL,
	O_CPU,
	O_QUIET,
	O_STAMP,
};

/* one table drives getopt_long and --help */
static const struct opt_desc opts_desc[] = {
	{"server", 1, O_SERVER, "ADDR", "server IPv4 or IPv6 address (required)"},
	{"port", 1, O_PORT, "N", "server UDP port (7000)"},
	{"flows", 1, O_FLOWS, "N", "flows, one source port each, 1..64 (1)"},
	{"size", 1, O_SIZE, "BYTES", "UDP payload size, 40..1452 (64)"},
	{"mode", 1, O_MODE, "MODE", "pingpong | open | sweep | tput (pingpong)"},
	{"wait", 1, O_WAIT, "HOW", "pingpong wait: spin | block (spin)"},
	{"rate", 1, O_RATE, "PPS", "open: offered probes/s (10000)"},
	{"rates", 1, O_RATES, "LIST", "sweep: comma-separated offered rates"},
	{"rate-start", 1, O_RATE_START, "PPS", "tput: first offered rate (20000)"},
	{"rate-max", 1, O_RATE_MAX, "PPS", "tput: highest rate tried (4000000)"},
	{"loss-target", 1, O_LOSS, "RATIO", "tput: loss below this passes (0.001)"},
	{"step", 1, O_STEP, "SEC", "sweep/tput: seconds per offered rate (1)"},
	{"duration", 1, O_DURATION, "SEC", "pingpong/open: seconds per repetition (5)"},
	{"count", 1, O_COUNT, "N", "probe bound per repetition (10000000)"},
	{"warmup", 1, O_WARMUP, "SEC", "warm-up before measuring, not recorded (1)"},
	{"repeat", 1, O_REPEAT, "N", "repetitions, 1..20 (3)"},
	{"timeout-ms", 1, O_TIMEOUT, "MS", "pingpong: a probe is lost after this (100)"},
	{"drain-ms", 1, O_DRAIN, "MS", "wait at most this for late echoes (200)"},
	{"label", 1, O_LABEL, "NAME", "name of the server under test, for output"},
	{"cpu", 1, O_CPU, "N", "pin the client to this CPU"},
	{"json", 1, O_JSON, "FILE", "write every raw figure as JSON"},
	{"quiet", 0, O_QUIET, NULL, "no progress on stderr"},
	{"stamp", 0, O_STAMP, NULL,
	 "ask the server for its timestamps (xlane run --rx-stamp --handler echo-ts) and split "
	 "the round trip: client->XDP, XDP->worker, worker->client; --size >= 72"},
	{"help", 0, O_HELP, NULL, "this text"},
};
#define N_OPTS (sizeof(opts_desc) / sizeof(opts_desc[0]))

static void usage(FILE *out)
{
	unsigned int i;

	fprintf(out, "usage: lat_client --server ADDR [options]\n"
		     "UDP latency/throughput load generator for the xlane harness.\n\n");
	for (i = 0; i < N_OPTS; i++) {
		char lhs[40];

		snprintf(lhs, sizeof(lhs), "--%s%s%s", opts_desc[i].name,
			 opts_desc[i].arg ? " " : "", opts_desc[i].arg ? opts_desc[i].arg : "");
		if (opts_desc[i].val < 256)
			fprintf(out, "  -%c, %-24s %s\n", opts_desc[i].val, lhs, opts_desc[i].help);
		else
			fprintf(out, "      %-24s %s\n", lhs, opts_desc[i].help);
	}
}

static int bad(const char *opt, const char *tok, const char *why)
{
	fprintf(stderr, "lat_client: --%s: bad value '%s' (%s)\n", opt, tok, why);
	return -EINVAL;
}

static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return bad(opt, s, "not a number");
	if (v < lo || v > hi)
		return bad(opt, s, "out of range");
	*out = v;
	return 0;
}

static int parse_dbl(const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v))
		return bad(opt, s, "not a number");
	if (v < lo || v > hi)
		return bad(opt, s, "out of range");
	*out = v;
	return 0;
}

static int parse_rates(const char *s, struct lat_cli_cfg *c)
{
	char buf[1024], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return bad("rates", s, "too long");
	strcpy(buf, s);
	c->n_rates = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (c->n_rates == LAT_MAX_STEPS)
			return bad("rates", s, "too many rates");
		if (parse_u64("rates", tok, 1, 100000000, &v))
			return -EINVAL;
		c->rates[c->n_rates++] = v;
	}
	return c->n_rates ? 0 : bad("rates", s, "empty list");
}

static int parse_args(int argc, char **argv, struct lat_cli_cfg *c)
{
	struct option lo[N_OPTS + 1];
	char shortopts[2 * N_OPTS + 1];
	unsigned int i, k = 0;
	uint64_t v;
	int o;

	memset(lo, 0, sizeof(lo));
	for (i = 0; i < N_OPTS; i++) {
		lo[i] = (struct option){opts_desc[i].name, opts_desc[i].has_arg, NULL,
					opts_desc[i].val};
		if (opts_desc[i].val < 256) {
			shortopts[k++] = (char)opts_desc[i].val;
			if (opts_desc[i].has_arg)
				shortopts[k++] = ':';
		}
	}
	shortopts[k] = '\0';

	while ((o = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		int err = 0;

		switch (o) {
		case O_SERVER:
			c->server = optarg;
			break;
		case O_PORT:
			err = parse_u64("port", optarg, 1, 65535, &v);
			c->port = (uint16_t)v;
			break;
		case O_FLOWS:
			err = parse_u64("flows", optarg, 1, LAT_MAX_FLOWS, &v);
			c->flows = (unsigned int)v;
			break;
		case O_SIZE:
			err = parse_u64("size", optarg, XL_PROBE_MIN_SIZE, XL_PROBE_MAX_SIZE, &v);
			c->size = (unsigned int)v;
			break;
		case O_MODE:
			if (!strcmp(optarg, "pingpong"))
				c->mode = LAT_MODE_PINGPONG;
			else if (!strcmp(optarg, "open"))
				c->mode = LAT_MODE_OPEN;
			else if (!strcmp(optarg, "sweep"))
				c->mode = LAT_MODE_SWEEP;
			else if (!strcmp(optarg, "tput"))
				c->mode = LAT_MODE_TPUT;
			else
				err = bad("mode", optarg, "pingpong, open, sweep or tput");
			break;
		case O_WAIT:
			if (!strcmp(optarg, "spin"))
				c->wait = LAT_WAIT_SPIN;
			else if (!strcmp(optarg, "block"))
				c->wait = LAT_WAIT_BLOCK;
			else
				err = bad("wait", optarg, "spin or block");
			break;
		case O_RATE:
			err = parse_u64("rate", optarg, 1, 100000000, &c->rate);
			break;
		case O_RATES:
			err = parse_rates(optarg, c);
			break;
		case O_RATE_START:
			err = parse_u64("rate-start", optarg, 1, 100000000, &c->rate_start);
			break;
		case O_RATE_MAX:
			err = parse_u64("rate-max", optarg, 1, 100000000, &c->rate_max);
			break;
		case O_LOSS:
			err = parse_dbl("loss-target", optarg, 0, 0.5, &c->loss_target);
			break;
		case O_STEP:
			err = parse_dbl("step", optarg, 0.01, 600, &c->step_s);
			break;
		case O_DURATION:
			err = parse_dbl("duration", optarg, 0.01, 3600, &c->duration_s);
			break;
		case O_COUNT:
			err = parse_u64("count", optarg, 1, 1000000000, &c->count);
			break;
		case O_WARMUP:
			err = parse_dbl("warmup", optarg, 0, 600, &c->warmup_s);
			break;
		case O_REPEAT:
			err = parse_u64("repeat", optarg, 1, LAT_MAX_REPEAT, &v);
			c->repeat = (unsigned int)v;
			break;
		case O_TIMEOUT:
			err = parse_dbl("timeout-ms", optarg, 0.001, 10000, &c->timeout_ms);
			break;
		case O_DRAIN:
			err = parse_dbl("drain-ms", optarg, 0, 10000, &c->drain_ms);
			break;
		case O_LABEL:
			c->label = optarg;
			break;
		case O_CPU:
			err = parse_u64("cpu", optarg, 0, CPU_SETSIZE - 1, &v);
			c->cpu = (int)v;
			break;
		case O_JSON:
			c->json_path = optarg;
			break;
		case O_QUIET:
			c->quiet = true;
			break;
		case O_STAMP:
			c->stamp = true;
			break;
		case O_HELP:
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (err)
			return err;
	}
	if (optind < argc) {
		fprintf(stderr, "lat_client: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!c->server) {
		fprintf(stderr, "lat_client: --server is required\n");
		return -EINVAL;
	}
	if (c->stamp && c->size < XL_PROBE_STAMP_MIN_SIZE) {
		fprintf(stderr,
			"lat_client: --stamp needs --size >= %u (header + trailer), got %u\n",
			XL_PROBE_STAMP_MIN_SIZE, c->size);
		return -EINVAL;
	}
	if (c->mode == LAT_MODE_SWEEP && !c->n_rates) {
		fprintf(stderr, "lat_client: --mode sweep needs --rates\n");
		return -EINVAL;
	}
	if (c->mode == LAT_MODE_TPUT && c->rate_start > c->rate_max)
		return bad("rate-start", "", "above --rate-max");
	return 0;
}

static int resolve(struct lat_cli_cfg *c)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)&c->dst;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&c->dst;

	memset(&c->dst, 0, sizeof(c->dst));
	if (inet_pton(AF_INET, c->server, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(c->port);
		c->dst_len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, c->server, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(c->port);
		c->dst_len = sizeof(*a6);
		return 0;
	}
	return bad("server", c->server, "not an IPv4 or IPv6 address");
}

int main(int argc, char **argv)
{
	struct lat_cli_cfg cfg = {
		.port = 7000,
		.flows = 1,
		.size = 64,
		.mode = LAT_MODE_PINGPONG,
		.wait = LAT_WAIT_SPIN,
		.rate = 10000,
		.rate_start = 20000,
		.rate_max = 4000000,
		.loss_target = 0.001,
		.step_s = 1,
		.duration_s = 5,
		.count = 10000000,
		.warmup_s = 1,
		.repeat = 3,
		.timeout_ms = 100,
		.drain_ms = 200,
		.label = "server",
		.cpu = -1,
	};
	struct lat_socks socks;
	struct lat_report *rep = NULL;
	int err;

	err = parse_args(argc, argv, &cfg);
	if (!err)
		err = resolve(&cfg);
	if (err)
		return EXIT_FAILURE;
	if (cfg.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cfg.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "lat_client: --cpu %d: %s\n", cfg.cpu, strerror(errno));
			return EXIT_FAILURE;
		}
	}
	err = lat_socks_open(&socks, cfg.flows, (struct sockaddr *)&cfg.dst, cfg.dst_len);
	if (err) {
		fprintf(stderr, "lat_client: sockets towards %s port %u: %s\n", cfg.server,
			cfg.port, strerror(-err));
		return EXIT_FAILURE;
	}
	rep = lat_report_create(&cfg);
	if (!rep) {
		err = -errno;
		fprintf(stderr, "lat_client: %s\n", strerror(errno));
		goto out;
	}
	err = lat_measure(&cfg, &socks, rep);
	if (err) {
		fprintf(stderr, "lat_client: %s: measurement failed: %s\n", cfg.label,
			strerror(-err));
		goto out;
	}
	lat_report_print(rep, stdout);
	if (cfg.json_path) {
		FILE *f = fopen(cfg.json_path, "w");

		if (!f) {
			err = -errno;
			fprintf(stderr, "lat_client: --json %s: %s\n", cfg.json_path,
				strerror(errno));
			goto out;
		}
		err = lat_report_json(rep, f);
		if (fclose(f) && !err)
			err = -EIO;
		if (err)
			fprintf(stderr, "lat_client: --json %s: %s\n", cfg.json_path,
				strerror(-err));
	}
out:
	lat_report_destroy(rep);
	lat_socks_close(&socks);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
