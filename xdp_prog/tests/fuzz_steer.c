// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: the fuzzer's input runs through xl_steer (BPF_PROG_TEST_RUN) and through the
 * reference classifier; any difference in verdict, pass reason, steering path or rule hit aborts
 * (libFuzzer then saves the input as a crash reproducer).
 *
 * Input: byte 0 selects the xl_cfg flags (low 5 bits: XL_CFG_F_HOT and the four rule kinds); the
 * rest is the frame. The rule set is fixed and aimed at the addresses the seed corpus uses
 * (198.18.0.0/15, 2001:2::/48), with FAST and PASS rules of every kind overlapping, ids both
 * below and above XL_RULE_ID_MAX, and a hot set under XL_DET_LRU (which looks xl_hot up on every
 * packet, so user-written entries are the hot set; steer.h). Nothing is promoted: the threshold
 * is out of reach.
 *
 * Needs root and BPF; exits with status 77 and a reason on stderr when the harness cannot load.
 * Built by clang with -fsanitize=fuzzer (see meson.build). Built with XL_FUZZ_REPLAY (any
 * compiler), main() below replays corpus files instead, so the plain, sanitizer and Valgrind
 * builds run the same comparison on the committed corpus.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "harness.h"
#include "ref_classify.h"

#define N_IDS 16

static struct xl_harness *h;
static struct xl_ref_rules rs;
static int xsk;
static uint32_t ids[N_IDS];
static uint64_t want_hits[N_IDS];
static int n_ids;
static uint32_t cur_flags = UINT32_MAX;

static struct xl_flow_key key4(uint8_t proto, uint32_t s, uint32_t d, uint16_t sp, uint16_t dp)
{
	struct xl_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = XL_FAMILY_V4;
	k.proto = proto;
	k.sport = htobe16(sp);
	k.dport = htobe16(dp);
	k.saddr[0] = htobe32(s);
	k.daddr[0] = htobe32(d);
	return k;
}

static struct xl_flow_key key6(uint8_t proto, uint8_t s, uint8_t d, uint16_t sp, uint16_t dp)
{
	struct xl_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = XL_FAMILY_V6;
	k.proto = proto;
	k.sport = htobe16(sp);
	k.dport = htobe16(dp);
	k.saddr[0] = htobe32(0x20010002);
	k.daddr[0] = htobe32(0x20010002);
	k.saddr[3] = htobe32(s);
	k.daddr[3] = htobe32(d);
	return k;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "fuzz_steer: %s: %s\n", what, strerror(err < 0 ? -err : err));
	abort();
}

static struct xl_rule rule(uint32_t id, uint8_t action)
{
	struct xl_rule r = {.id = id, .action = action};

	if (id < XL_RULE_ID_MAX) {
		if (n_ids == N_IDS)
			die("too many rule ids", EINVAL);
		ids[n_ids++] = id;
	}
	return r;
}

static void add_rules(void)
{
	const uint32_t net = 0xc6120000; /* 198.18.0.0 */
	struct xl_flow_key e1 = key4(17, net + 1, net + 2, 1000, 53);
	struct xl_flow_key e2 = key6(6, 1, 2, 1000, 443);
	struct xl_flow_key hot1 = key4(6, net + 1, net + 0x102, 2000, 2000);
	struct xl_flow_key hot2 = key6(17, 1, 3, 3000, 3000);
	struct xl_flow_key hot3 = key4(17, net + 1, net + 2, 1000, 53); /* shadowed by e1 */
	struct xl_port_key p1 = {.family = XL_FAMILY_V4, .proto = 17, .dport = htobe16(53)};
	struct xl_port_key p2 = {.family = XL_FAMILY_ANY, .proto = 17, .dport = htobe16(53)};
	struct xl_port_key p3 = {.family = XL_FAMILY_ANY, .proto = 6, .dport = htobe16(443)};
	struct xl_port_key p4 = {.family = XL_FAMILY_V6, .proto = 6, .dport = htobe16(80)};
	struct xl_pfx4_key f1 = {.prefixlen = 24, .addr = htobe32(net)};
	struct xl_pfx4_key f2 = {.prefixlen = 25, .addr = htobe32(net + 0x80)};
	struct xl_pfx4_key f3 = {.prefixlen = 0};
	struct xl_pfx6_key g1 = {.prefixlen = 48, .addr = {htobe32(0x20010002)}};
	struct xl_pfx6_key g2 = {.prefixlen = 127, .addr = {htobe32(0x20010002), 0, 0, htobe32(2)}};
	struct xl_rule r;
	int hot_fd, err;

	p1.daddr[0] = htobe32(net + 2);
	memcpy(p4.daddr, e2.daddr, sizeof(p4.daddr));
	xl_ref_rules_init(&rs, 0);
#define ADD(kind, k, r_)                                  \
	do {                                              \
		r = (r_);                                 \
		err = xl_harness_add_##kind(h, &(k), &r); \
		if (err)                                  \
			die("add rule", err);             \
		if (xl_ref_add_##kind(&rs, &(k), &r))     \
			die("ref rule", ENOMEM);          \
	} while (0)
	ADD(exact, e1, rule(1, XL_ACT_FAST));
	ADD(exact, e2, rule(2, XL_ACT_PASS));
	ADD(port, p1, rule(3, XL_ACT_PASS));
	ADD(port, p2, rule(4, XL_ACT_FAST));
	ADD(port, p3, rule(XL_RULE_ID_MAX + 5, XL_ACT_FAST));
	ADD(port, p4, rule(6, 9 /* unknown action acts as PASS */));
	ADD(pfx4, f1, rule(7, XL_ACT_FAST));
	ADD(pfx4, f2, rule(8, XL_ACT_PASS));
	ADD(pfx4, f3, rule(9, XL_ACT_PASS));
	ADD(pfx6, g1, rule(10, XL_ACT_FAST));
	ADD(pfx6, g2, rule(11, XL_ACT_PASS));
#undef ADD
	hot_fd = xl_harness_map_fd(h, XL_MAP_HOT);
	if (hot_fd < 0)
		die("xl_hot", hot_fd);
	{
		const struct xl_flow_key *hk[] = {&hot1, &hot2, &hot3};
		struct xl_hot_val v = {.promoted_ns = 1, .last_seen_ns = 1};

		for (size_t i = 0; i < sizeof(hk) / sizeof(hk[0]); i++) {
			if (bpf_map_update_elem(hot_fd, hk[i], &v, BPF_ANY))
				die("xl_hot update", errno);
			if (xl_ref_add_hot(&rs, hk[i]))
				die("ref hot", ENOMEM);
		}
	}
	xl_ref_rules_seal(&rs);
}

static void set_flags(uint32_t flags)
{
	struct xl_cfg cfg;
	int err;

	if (flags == cur_flags)
		return;
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = flags | XL_CFG_F_TEST_CLOCK;
	cfg.test_clock_ns = 1000000000ull;
	cfg.hot_pkts = UINT32_MAX;
	cfg.detector = XL_DET_LRU;
	err = xl_harness_set_cfg(h, &cfg);
	if (err)
		die("set cfg", err);
	rs.flags = cfg.flags;
	cur_flags = flags;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why;

	(void)argc;
	(void)argv;
	h = xl_harness_open();
	if (!h) {
		why = xl_harness_skip_reason();
		fprintf(stderr, "fuzz_steer: SKIP: %s\n", why ? why : strerror(errno));
		exit(77);
	}
	xsk = xl_harness_xsk_attach(h) == 0;
	fprintf(stderr, "fuzz_steer: queue 0 %s an AF_XDP socket\n", xsk ? "has" : "has no");
	add_rules();
	return 0;
}

static const char *name(const struct xl_ref_result *r)
{
	return r->verdict == XL_REF_FAST ? xl_ref_via_name(r->via) : xl_ref_reason_name(r->reason);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *frame = data + 1;
	size_t len = size ? size - 1 : 0;
	struct xl_ref_result res;
	struct xl_outcome o;
	int err, ok;

	if (!size)
		return 0;
	set_flags(data[0] & (XL_CFG_F_HOT | XL_CFG_F_RULES_ALL));
	if (xl_ref_classify(&rs, frame, len, &res))
		die("reference", EINVAL);
	err = xl_harness_classify(h, frame, len, &o);
	if (len < 14) {
		/* PROG_TEST_RUN refuses frames shorter than ETH_HLEN. */
		if (err != -EINVAL || res.reason != XL_PASS_TRUNCATED) {
			fprintf(stderr, "fuzz_steer: len %zu: run %d, reference %s\n", len, err,
				name(&res));
			abort();
		}
		return 0;
	}
	if (err == -EINVAL && len > 3000)
		return 0; /* longer than PROG_TEST_RUN takes (a page minus head/tailroom) */
	if (err)
		die("run", err);
	if (res.verdict == XL_REF_FAST)
		ok = xsk ? o.kind == XL_OUT_STEERED && o.code == res.via && o.retval == XDP_REDIRECT
			 : o.kind == XL_OUT_FALLBACK && o.retval == XDP_PASS;
	else
		ok = o.kind == XL_OUT_PASSED && o.code == res.reason && o.retval == XDP_PASS;
	ok = ok && o.promotions == 0;
	if (!ok) {
		fprintf(stderr,
			"fuzz_steer: DISAGREEMENT flags 0x%x len %zu: program kind %d code %d "
			"retval %u promotions %u; reference %s (rule %" PRId64 ")\n",
			data[0] & 0x1f, len, o.kind, o.code, o.retval, o.promotions, name(&res),
			res.rule);
		abort();
	}
	if (res.hit) {
		for (int i = 0; i < n_ids; i++)
			if (ids[i] == res.rule)
				want_hits[i]++;
	}
	for (int i = 0; i < n_ids; i++) {
		uint64_t got;

		err = xl_harness_hits(h, ids[i], &got);
		if (err)
			die("hits", err);
		if (got != want_hits[i]) {
			fprintf(stderr,
				"fuzz_steer: DISAGREEMENT rule %u hits %" PRIu64
				", reference %" PRIu64 " (this frame: reference rule %" PRId64
				")\n",
				ids[i], got, want_hits[i], res.rule);
			abort();
		}
	}
	return 0;
}

#ifdef XL_FUZZ_REPLAY
#include <dirent.h>

static int replay_file(const char *path)
{
	static uint8_t buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "fuzz_steer: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

/* Usage: fuzz_steer_replay DIR|FILE...; every file of a directory is one input. */
int main(int argc, char **argv)
{
	int files = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		char path[4096];

		if (!d) {
			if (replay_file(argv[i]))
				return 1;
			files++;
			continue;
		}
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (replay_file(path)) {
				closedir(d);
				return 1;
			}
			files++;
		}
		closedir(d);
	}
	printf("fuzz_steer: %d inputs replayed, no disagreement\n", files);
	xl_ref_rules_free(&rs);
	xl_harness_close(h);
	return files > 0 ? 0 : 1;
}
#endif
