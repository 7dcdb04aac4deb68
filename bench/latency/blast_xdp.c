// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_blast's XDP engine (blast_xdp.h). The datagram is built once, handed to the kernel as the
 * test run's input and copied by it into every frame of the run's page pool; xl_blast writes the
 * sequence number, source port and UDP checksum of each one it sends and paces them itself.
 * User space only starts runs and reads the program's counter between them.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "blast_xdp.h"
#include "pace.h"
#include "xl_blast_bpf.skel.h"

/*
 * Test runs. A run costs a page pool's set-up and tear-down (about half a millisecond here,
 * during which nothing is sent), and the duration is checked between runs. So each run is sized
 * from the last one's speed to last about RUN_NS (or what is left of the duration, if less):
 * the pauses then cost about 1 % of the rate. The first run has RUN_FIRST frames.
 */
#define RUN_NS	  50000000ULL
#define RUN_FIRST 16384U
#define RUN_MIN	  1024U
#define RUN_MAX	  (1U << 24)
#define FX_SHIFT  16  /* as in blast.bpf.c */
#define SLACK	  64U /* datagrams of lateness caught up after a pause */

static int fail(char *err, size_t errlen, int ret, const char *fmt, const char *a, const char *b)
{
	snprintf(err, errlen, fmt, a, b);
	return ret;
}

int blast_xdp_run(const struct blast_xdp_cfg *cfg, struct blast_xdp_result *res, char *err,
		  size_t errlen)
{
	static uint8_t frame[BLAST_FRAME_MAX];
	struct xl_blast_bpf *skel;
	unsigned int ifindex, l4_off, len;
	uint64_t t0, end, now, run_t0 = 0;
	uint8_t mac[6];
	int ret, fd;

	memset(res, 0, sizeof(*res));
	if (!cfg->dg.flows || cfg->dg.flows > 65536 || cfg->dg.payload < 8 ||
	    cfg->dg.payload > BLAST_PAYLOAD_MAX) {
		snprintf(err, errlen, "--xdp: payload 8..%u bytes, flows 1..65536",
			 BLAST_PAYLOAD_MAX);
		return -EINVAL;
	}
	ifindex = if_nametoindex(cfg->ifname);
	if (!ifindex)
		return fail(err, errlen, -ENODEV, "--xdp %s: %s", cfg->ifname, "no such interface");
	ret = blast_own_mac("--xdp", cfg->ifname, mac, err, errlen);
	if (ret)
		return ret;
	len = blast_frame_build(&cfg->dg, mac, frame, &l4_off);

	skel = xl_blast_bpf__open();
	if (!skel)
		return fail(err, errlen, -errno, "--xdp %s: cannot open xl_blast: %s", cfg->ifname,
			    strerror(errno));
	skel->rodata->xl_blast_ifindex = ifindex;
	skel->rodata->xl_blast_l4_off = l4_off;
	skel->rodata->xl_blast_flows = cfg->dg.flows;
	skel->rodata->xl_blast_sport = cfg->dg.sport;
	skel->rodata->xl_blast_csum = blast_frame_sum(&cfg->dg, frame, l4_off);
	skel->rodata->xl_blast_limit = cfg->count;
	t0 = blast_now_ns(); /* bpf_ktime_get_ns() is CLOCK_MONOTONIC: the program's times start here */
	skel->rodata->xl_blast_t0 = t0;
	if (cfg->rate) {
		skel->rodata->xl_blast_gap_fx =
			(uint64_t)((1e9 * (double)(1 << FX_SHIFT)) / (double)cfg->rate);
		skel->rodata->xl_blast_slack_fx = SLACK * skel->rodata->xl_blast_gap_fx;
	}
	ret = xl_blast_bpf__load(skel);
	if (ret) {
		ret = fail(err, errlen, ret, "--xdp %s: cannot load xl_blast: %s", cfg->ifname,
			   strerror(-ret));
		goto out;
	}
	fd = bpf_program__fd(skel->progs.xl_blast);

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .repeat = RUN_FIRST, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	t0 = blast_now_ns();
	end = t0 + cfg->duration_ns;
	while (skel->bss->xl_blast_sent < cfg->count && (now = blast_now_ns()) < end) {
		if (res->runs) {
			/* the last run's speed, for a run of RUN_NS or what is left */
			double per_ns = (double)opts.repeat / (double)(now - run_t0);
			uint64_t want = (uint64_t)(per_ns * (double)(end - now < RUN_NS ? end - now
											: RUN_NS));

			opts.repeat = (uint32_t)(want < RUN_MIN	  ? RUN_MIN
						 : want > RUN_MAX ? RUN_MAX
								  : want);
		}
		run_t0 = now;
		if (bpf_prog_test_run_opts(fd, &opts)) {
			ret = -errno;
			snprintf(err, errlen,
				 "--xdp %s: BPF_PROG_TEST_RUN in live-frames mode failed: %s%s",
				 cfg->ifname, strerror(-ret),
				 ret == -EINVAL ? " (kernel older than 5.18?)" : "");
			goto out;
		}
		res->runs++;
		res->frames += opts.repeat;
	}
	res->seconds = (double)(blast_now_ns() - t0) / 1e9;
	res->sent = skel->bss->xl_blast_sent;
	ret = 0;
out:
	xl_blast_bpf__destroy(skel);
	return ret;
}
