// SPDX-License-Identifier: BSD-2-Clause
/*
 * netns: the steady state of the data path makes no heap allocation and takes no page fault per
 * packet. Over at least 1,000,000 packets received, echoed and completed by the workers, the
 * process-wide count of malloc/calloc/realloc/memalign calls (an interposer in this executable;
 * ASan's allocator hooks under ASan) and getrusage() minor faults must not move at all.
 *
 * Traffic: a bounded generator in the client namespace (AF_PACKET sendmmsg of pre-built,
 * fully checksummed IPv4/UDP frames from 8 source ports, so both queues work), stopped by count
 * (the workers' RX counter) and by time. The echoes land in client sockets that are never read
 * (the kernel drops them there). The test's own loop (sendmmsg, xl_stats_read) allocates nothing.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nstest.h"

#define PORT 7300
#define NSPORT 8
#define BURST 64
#define FRAME_LEN (14 + 20 + 8 + 64)

/* ---- allocation counting ------------------------------------------------------------------------ */

static unsigned long n_alloc;

static inline void count_alloc(void)
{
	__atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
}

#if defined(__SANITIZE_ADDRESS__)
int __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
					       void (*f)(const volatile void *));

static void asan_malloc_hook(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	count_alloc();
}

static void asan_free_hook(const volatile void *p)
{
	(void)p;
}

static void alloc_counter_init(void)
{
	__sanitizer_install_malloc_and_free_hooks(asan_malloc_hook, asan_free_hook);
}
#else
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t a, size_t b);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t a, size_t n);
void __libc_free(void *p);

void *malloc(size_t n)
{
	count_alloc();
	return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	count_alloc();
	return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	count_alloc();
	return __libc_realloc(p, n);
}

void *memalign(size_t a, size_t n)
{
	count_alloc();
	return __libc_memalign(a, n);
}

void *aligned_alloc(size_t a, size_t n)
{
	count_alloc();
	return __libc_memalign(a, n);
}

int posix_memalign(void **out, size_t a, size_t n)
{
	void *p;

	count_alloc();
	p = __libc_memalign(a, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void free(void *p)
{
	__libc_free(p);
}

static void alloc_counter_init(void)
{
}
#endif

static unsigned long allocs_now(void)
{
	return __atomic_load_n(&n_alloc, __ATOMIC_RELAXED);
}

static long minflt_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* ---- traffic ------------------------------------------------------------------------------------ */

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)(b[len - 1] << 8);
	return s;
}

static void get_mac(int fd, const char *ifname, uint8_t mac[6], int *ifindex)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	cr_assert_eq(ioctl(fd, SIOCGIFHWADDR, &ifr), 0, "%s: %s", ifname, strerror(errno));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ifindex) {
		cr_assert_eq(ioctl(fd, SIOCGIFINDEX, &ifr), 0);
		*ifindex = ifr.ifr_ifindex;
	}
}

/* A full Ethernet/IPv4/UDP frame with valid IP and UDP checksums. */
static void build_frame(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6], uint16_t sport,
			uint32_t seq)
{
	uint8_t *ip = f + 14, *udp = ip + 20, *pl = udp + 8;
	uint16_t ulen = 8 + 64, c;
	uint32_t s;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = 20 + ulen;
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	inet_pton(AF_INET, "198.18.0.2", ip + 12);
	inet_pton(AF_INET, "198.18.0.1", ip + 16);
	c = csum_fold(csum_add(0, ip, 20));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = PORT >> 8;
	udp[3] = PORT & 0xff;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	udp[6] = udp[7] = 0;
	pkt_fill(pl, 64, sport, seq);
	s = csum_add(0, ip + 12, 8); /* pseudo header: addresses, protocol, length */
	s += IPPROTO_UDP + ulen;
	s = csum_add(s, udp, ulen);
	c = csum_fold(s);
	if (!c)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
}

/*
 * Minor faults of the worker threads (named xl-w<queue> by the library), from /proc. Called
 * outside the measured window (opendir allocates).
 */
static unsigned long worker_faults(unsigned int *nthreads)
{
	char path[300], st[1024], comm[32];
	unsigned long sum = 0;
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");

	*nthreads = 0;
	while (d && (de = readdir(d))) {
		int fd, n, field;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = (int)read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n <= 0 || strncmp(comm, "xl-w", 4))
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = (int)read(fd, st, sizeof(st) - 1);
		close(fd);
		if (n <= 0)
			continue;
		st[n] = 0;
		p = strrchr(st, ')'); /* field 2 ends here; minflt is field 10 */
		for (field = 2; p && field < 10; field++)
			p = strchr(p + 1, ' ');
		if (p) {
			sum += strtoul(p + 1, NULL, 10);
			(*nthreads)++;
		}
	}
	if (d)
		closedir(d);
	return sum;
}

static uint64_t worker_rx(struct xl_control *ctl, struct xl_stats_snapshot *st)
{
	uint64_t rx = 0;
	unsigned int i;

	if (xl_stats_read(ctl, st))
		return 0; /* the caller's bound on time ends the loop; asserted afterwards */
	for (i = 0; i < st->n_queues; i++)
		rx += st->q[i].rx_packets;
	return rx;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Sends until the workers counted @want more packets, or @max_ms elapsed, or @max_sent frames
 * went out. Returns the packets the workers received.
 */
static uint64_t drive(int fd, struct mmsghdr *msgs, struct xl_control *ctl,
		      struct xl_stats_snapshot *st, uint64_t want, uint64_t max_ms, uint64_t max_sent,
		      uint64_t *sent_out, uint64_t *ms_out)
{
	uint64_t start = worker_rx(ctl, st), got = 0, sent = 0, t0 = now_ms();
	unsigned int loops = 0;

	while (got < want && sent < max_sent && now_ms() - t0 < max_ms) {
		int n = sendmmsg(fd, msgs, BURST, 0);

		if (n > 0)
			sent += (uint64_t)n;
		if (++loops % 16 == 0)
			got = worker_rx(ctl, st) - start;
	}
	got = worker_rx(ctl, st) - start;
	*sent_out = sent;
	*ms_out = now_ms() - t0;
	return got;
}

Test(alloc, steady_state_no_malloc_no_page_fault, .fini = nstest_fini, .timeout = 300)
{
	const struct tb *tb = tb_get();
	static uint8_t frames[BURST][FRAME_LEN];
	static struct iovec iov[BURST];
	static struct mmsghdr msgs[BURST];
	static struct xl_stats_snapshot st;
	struct xl_rule_spec rule = port_rule_any(1, PORT);
	uint8_t smac[6], dmac[6];
	struct sockaddr_ll ll = { 0 };
	struct xl_control *ctl;
	static struct dthread d;
	int fd, sinks[NSPORT], ifindex, i, tmp;
	uint64_t want = 1000000, got, tx = 0, sent, ms;
	unsigned long a0, a1, wf0, wf1;
	unsigned int nw;
	long f0, f1;
	unsigned int q;

	if (getenv("XL_UNDER_VALGRIND"))
		cr_skip_test("under Valgrind: it replaces the allocator (the counting interposer sees "
			     "another malloc) and its JIT takes page faults of its own; the same "
			     "assertions run in the plain and ASan builds");
	alloc_counter_init();

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.rx_size = 2048;
	d.cfg.tx_size = 2048;
	d.cfg.fill_size = 4096;
	d.cfg.comp_size = 2048;
	d.cfg.stats_interval_ms = 100;
	d.cfg.rules = &rule;
	d.cfg.n_rules = 1;
	cr_assert_eq(dthread_start(&d, 10000), 0, "%s", d.err);

	/* generator in the client namespace, echo sinks that nobody reads */
	fd = tb_cli_socket(AF_PACKET, SOCK_RAW, 0);
	cr_assert_geq(fd, 0, "AF_PACKET: %s", strerror(-fd));
	get_mac(fd, tb->cli_if, smac, &ifindex);
	tmp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	get_mac(tmp, tb->srv_if, dmac, NULL);
	close(tmp);
	ll.sll_family = AF_PACKET;
	ll.sll_ifindex = ifindex;
	ll.sll_protocol = htons(ETH_P_IP);
	cr_assert_eq(bind(fd, (struct sockaddr *)&ll, sizeof(ll)), 0);
	for (i = 0; i < NSPORT; i++) {
		int sz = 4096;

		sinks[i] = cli_udp_socket(AF_INET, (uint16_t)(32000 + i));
		cr_assert_geq(sinks[i], 0);
		setsockopt(sinks[i], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	for (i = 0; i < BURST; i++) {
		build_frame(frames[i], dmac, smac, (uint16_t)(32000 + i % NSPORT), (uint32_t)i);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = FRAME_LEN;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	cr_assert_eq(xl_control_open(tb->srv_if, &ctl), 0);
	st.sz = sizeof(st);
	if (getenv("XL_ALLOC_PACKETS"))
		want = strtoull(getenv("XL_ALLOC_PACKETS"), NULL, 10);

	/* the counters can move: one malloc and one fresh page are seen */
	{
		unsigned long a = allocs_now();
		long f = minflt_now();
		void *volatile p = malloc(100);
		char *pg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		cr_assert_neq(pg, MAP_FAILED);
		pg[0] = 1;
		cr_assert_eq(allocs_now(), a + 1, "the allocation counter sees malloc");
		cr_assert_geq(minflt_now(), f + 1, "getrusage sees a page fault");
		munmap(pg, 4096);
		free(p);
	}

	/* warm-up: first touches of stacks, rings, lazily bound symbols */
	got = drive(fd, msgs, ctl, &st, 200000, 30000, 50000000, &sent, &ms);
	cr_log_info("warm-up: sent %lu frames, workers received %lu in %lu ms",
		    (unsigned long)sent, (unsigned long)got, (unsigned long)ms);
	cr_assert_gt(got, 0, "warm-up traffic reached the workers");
	msleep(300);

	wf0 = worker_faults(&nw);
	a0 = allocs_now();
	f0 = minflt_now();
	got = drive(fd, msgs, ctl, &st, want, 120000, 200000000, &sent, &ms);
	a1 = allocs_now();
	f1 = minflt_now();
	wf1 = worker_faults(&nw);
	cr_log_info("measured: sent %lu frames, workers received %lu in %lu ms",
		    (unsigned long)sent, (unsigned long)got, (unsigned long)ms);
	for (q = 0; q < st.n_queues; q++)
		tx += st.q[q].tx_packets;
	cr_log_info("steady state over %lu packets (%u queues, %lu echoed in total): "
		    "%lu heap allocations, %ld minor page faults in the process, %lu in the %u "
		    "worker threads",
		    (unsigned long)got, st.n_queues, (unsigned long)tx, a1 - a0, f1 - f0, wf1 - wf0,
		    nw);
	cr_assert_geq(got, want, "only %lu of %lu packets within the time bound",
		      (unsigned long)got, (unsigned long)want);
	cr_assert_gt(tx, 0, "echoes transmitted");
	cr_assert_eq(nw, st.n_queues, "one xl-w thread per queue found");
	cr_assert_eq(a1 - a0, 0, "%lu heap allocations during %lu packets", a1 - a0,
		     (unsigned long)got);
	cr_assert_eq(wf1 - wf0, 0, "%lu page faults in the workers during %lu packets",
		     wf1 - wf0, (unsigned long)got);
#if defined(__SANITIZE_ADDRESS__)
	/*
	 * Under ASan one run in seven showed 202 faults process-wide (about 4 per 100 ms stats
	 * tick, so not per packet; ASan maps its shadow memory lazily): under ASan only the packet
	 * threads are held to zero. The plain build holds the whole process to zero.
	 */
#else
	cr_assert_eq(f1 - f0, 0, "%ld page faults in the process during %lu packets", f1 - f0,
		     (unsigned long)got);
#endif

	xl_control_close(ctl);
	for (i = 0; i < NSPORT; i++)
		close(sinks[i]);
	close(fd);
	cr_assert_eq(dthread_stop(&d), 0, "%s", d.err);
}
