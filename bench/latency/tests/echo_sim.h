/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A simulated echo server for the unit tests: a thread on one end of an AF_UNIX datagram
 * socketpair, so lat_run's real engine is exercised without any network. It can drop,
 * duplicate, swap, corrupt or stall, and counts exactly what it did.
 */
#ifndef XL_BENCH_ECHO_SIM_H
#define XL_BENCH_ECHO_SIM_H

#include <pthread.h>
#include <stdint.h>

#include "client.h"

enum sim_behaviour {
	SIM_ECHO = 0, /* echo everything */
	SIM_DROP,     /* drop every `every`-th datagram */
	SIM_DUP,      /* echo every `every`-th datagram twice */
	SIM_SWAP,     /* hold every `every`-th datagram back until after the next one */
	SIM_CORRUPT,  /* damage the pattern of every `every`-th datagram */
	SIM_STALL,    /* stop for stall_ms once, after `every` datagrams */
	SIM_STAMP,    /* fill the timestamp trailer of stamped probes like xlane's echo-ts (receive
		       * time as xdp_ns, send time as worker_ns); every `every`-th out of order */
};

struct echo_sim {
	enum sim_behaviour how;
	unsigned int every;
	unsigned int stall_ms;
	int client_sndbuf; /* if > 0: SO_SNDBUF of the client end (small: sends block) */
	/* filled by the thread */
	uint64_t rx, tx, dropped, duplicated, swapped, corrupted, stalls, stamped, misstamped;
	/* private */
	int fd;
	volatile int stop;
	pthread_t thread;
};

/* starts the server; s->n is 1 and s->fd[0] is the client end. Returns 0 or -errno. */
int echo_sim_start(struct echo_sim *sim, struct lat_socks *s);
/* stops the server and closes both ends */
void echo_sim_stop(struct echo_sim *sim, struct lat_socks *s);

#endif
