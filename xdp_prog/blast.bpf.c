// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xl_blast: the program behind `lat_blast --xdp IFACE` (bench/latency/blast_xdp.c). lat_blast runs
 * it with BPF_PROG_TEST_RUN in live-frames mode over copies of one UDP datagram, and each run
 * sends its frame out of IFACE with bpf_redirect(). On veth a redirected frame reaches the peer
 * as an xdp_frame, the way a NIC's driver hands its receive path a DMA buffer: no skb is built on
 * either side before the receiver's own XDP program runs.
 *
 * Pacing is per frame, in here: a run waits (spinning on the clock, in bpf_loop) until its
 * datagram is due, so the offered rate is smooth at any rate, where one test run per batch
 * would send bursts at the kernel's full speed. It waits rather than dropping the frames that
 * are not due: a dropped frame goes back to the run's page pool through the pool's ring, under
 * the lock that the receiver also takes to give back each frame it copied, and the two CPUs
 * then contend for it (about half of the receiving CPU's time went there at 3 M/s). A
 * wait longer than XL_BLAST_SPINS clock reads (more than a millisecond or so: rates below about
 * 1000/s) drops the frame after all. After a pause (between two test runs), at most
 * xl_blast_slack_fx of lateness is caught up.
 *
 * Every datagram sent gets its sequence number (the payload's first 8 bytes, big-endian), its
 * flow's source port (xl_blast_sport + seq % xl_blast_flows) and its UDP checksum, computed from
 * the sum of everything else that user space left in xl_blast_csum.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/*
 * Times are ns since xl_blast_t0, << FX_SHIFT: the gap between datagrams is exact to 1/65536 ns,
 * for runs of up to 2^48 ns (3 days).
 */
#define FX_SHIFT 16

const volatile __u32 xl_blast_ifindex;	 /* where datagrams go */
const volatile __u32 xl_blast_l4_off;	 /* the UDP header's offset in the frame */
const volatile __u32 xl_blast_flows = 1; /* source ports in turn */
const volatile __u32 xl_blast_sport;	 /* the first of them */
const volatile __u32 xl_blast_csum;	 /* UDP checksum sum without source port and sequence */
const volatile __u64 xl_blast_t0;	 /* bpf_ktime_get_ns() at the start (CLOCK_MONOTONIC) */
const volatile __u64 xl_blast_limit;	 /* datagrams at most */
const volatile __u64 xl_blast_gap_fx;	 /* between two datagrams; 0: as fast as it can */
const volatile __u64 xl_blast_slack_fx;	 /* lateness caught up at most */

#define XL_BLAST_SPINS (1U << 16)

__u64 xl_blast_sent;   /* datagrams redirected so far (the next sequence number) */
__u64 xl_blast_due_fx; /* when the next one is due */

static __always_inline __u64 now_fx(void)
{
	return (bpf_ktime_get_ns() - xl_blast_t0) << FX_SHIFT;
}

static __always_inline void put16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

/* bpf_loop() callback: stops (returns 1) once the clock has reached *due. */
static long due_yet(__u64 i, void *due)
{
	(void)i;
	return now_fx() >= *(__u64 *)due;
}

SEC("xdp")
int xl_blast(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 *udp = (__u8 *)data + (xl_blast_l4_off & 0xff);
	__u64 seq = xl_blast_sent, acc;
	__u16 sport, cs;
	int i;

	if (seq >= xl_blast_limit)
		return XDP_DROP;
	if (xl_blast_gap_fx) {
		__u64 now = now_fx(), due = xl_blast_due_fx;

		if (now < due) {
			bpf_loop(XL_BLAST_SPINS, due_yet, &due, 0);
			now = now_fx();
			if (now < due)
				return XDP_DROP;
		}
		if (now - xl_blast_due_fx > xl_blast_slack_fx)
			xl_blast_due_fx = now - xl_blast_slack_fx;
		xl_blast_due_fx += xl_blast_gap_fx;
	}
	if ((void *)(udp + 16) > end)
		return XDP_ABORTED;
	sport = (__u16)(xl_blast_sport + seq % xl_blast_flows);
	put16(udp, sport);
	for (i = 0; i < 8; i++)
		udp[8 + i] = (__u8)(seq >> (56 - 8 * i));
	acc = (__u64)xl_blast_csum + sport + (seq >> 48) + ((seq >> 32) & 0xffff) +
	      ((seq >> 16) & 0xffff) + (seq & 0xffff);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	cs = (__u16)~acc;
	put16(udp + 6, cs ? cs : 0xffff);
	xl_blast_sent = seq + 1;
	return bpf_redirect(xl_blast_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
