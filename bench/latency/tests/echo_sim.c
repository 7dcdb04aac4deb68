// SPDX-License-Identifier: BSD-2-Clause
/* A simulated echo server for the unit tests: see echo_sim.h. */
#include "echo_sim.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "steer.h" /* XL_TS_SRC_KTIME */

static uint64_t sim_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* SIM_STAMP: what echo-ts does to a stamped probe's trailer; @bad: stamps out of order */
static void sim_stamp(struct echo_sim *sim, uint8_t *buf, size_t n, uint64_t rx_ns, bool bad)
{
	struct xl_ts_trailer t;

	if (!xl_probe_trailer(buf, n, &t))
		return;
	t.src = XL_TS_SRC_KTIME;
	t.xdp_ns = bad ? rx_ns + 3600000000000ull : rx_ns; /* an hour ahead: after the echo */
	t.worker_ns = sim_now();
	memcpy(buf + n - sizeof(t), &t, sizeof(t));
	if (bad)
		sim->misstamped++;
	else
		sim->stamped++;
}

static void *sim_main(void *arg)
{
	struct echo_sim *sim = arg;
	uint8_t buf[2048], held[2048];
	ssize_t n, held_len = -1;

	while (!sim->stop) {
		n = recv(sim->fd, buf, sizeof(buf), 0);
		if (n < 0)
			continue; /* SO_RCVTIMEO: look at stop again */
		sim->rx++;
		if (sim->how == SIM_STAMP)
			sim_stamp(sim, buf, (size_t)n, sim_now(),
				  sim->every && sim->rx % sim->every == 0);
		if (sim->how == SIM_STALL && sim->rx == sim->every) {
			struct timespec ts = {.tv_sec = sim->stall_ms / 1000,
					      .tv_nsec = (long)(sim->stall_ms % 1000) * 1000000};

			nanosleep(&ts, NULL);
			sim->stalls++;
		}
		if (sim->every && sim->rx % sim->every == 0) {
			switch (sim->how) {
			case SIM_DROP:
				sim->dropped++;
				continue;
			case SIM_DUP:
				if (send(sim->fd, buf, (size_t)n, 0) == n)
					sim->duplicated++;
				break;
			case SIM_SWAP:
				memcpy(held, buf, (size_t)n);
				held_len = n;
				continue;
			case SIM_CORRUPT:
				buf[n - 1] ^= 0xff;
				sim->corrupted++;
				break;
			default:
				break;
			}
		}
		if (send(sim->fd, buf, (size_t)n, 0) == n)
			sim->tx++;
		if (held_len >= 0) {
			if (send(sim->fd, held, (size_t)held_len, 0) == held_len)
				sim->swapped++;
			held_len = -1;
		}
	}
	return NULL;
}

int echo_sim_start(struct echo_sim *sim, struct lat_socks *s)
{
	struct timeval tv = {.tv_sec = 0, .tv_usec = 20000};
	int sp[2], buf = 4 << 20, err;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp))
		return -errno;
	if (sim->client_sndbuf > 0)
		buf = sim->client_sndbuf;
	setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	buf = 4 << 20;
	setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(sp[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(s, 0, sizeof(*s));
	s->n = 1;
	s->fd[0] = sp[0];
	sim->fd = sp[1];
	sim->stop = 0;
	sim->rx = sim->tx = sim->dropped = sim->duplicated = sim->swapped = 0;
	sim->corrupted = sim->stalls = 0;
	err = pthread_create(&sim->thread, NULL, sim_main, sim);
	if (err) {
		close(sp[0]);
		close(sp[1]);
		return -err;
	}
	return 0;
}

void echo_sim_stop(struct echo_sim *sim, struct lat_socks *s)
{
	sim->stop = 1;
	pthread_join(sim->thread, NULL);
	close(sim->fd);
	lat_socks_close(s);
}
