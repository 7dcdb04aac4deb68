/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The datagram of lat_blast's frame engines (--xsk: blast_xsk.c, --xdp: blast_xdp.c): Ethernet,
 * IPv4 or IPv6, UDP and a payload whose first 8 bytes are the sequence number (big-endian) and
 * the rest a fixed pattern (byte i is 0xb1 + i). The engines write the source port, the sequence
 * and the UDP checksum per datagram; everything else is built once here.
 */
#ifndef XLANE_BENCH_BLAST_FRAME_H
#define XLANE_BENCH_BLAST_FRAME_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define BLAST_FRAME_MAX 2048U /* a frame's bytes at most */

struct blast_frame_cfg {
	uint8_t dst_mac[6];	  /* next hop */
	int family;		  /* AF_INET or AF_INET6 */
	struct in6_addr src, dst; /* IPv4 in the first 4 bytes */
	uint16_t sport, dport;	  /* host order; flows > 1 uses sport .. sport + flows - 1 */
	unsigned int flows;	  /* distinct source ports, round robin (>= 1) */
	unsigned int payload;	  /* UDP payload bytes (>= 8: the sequence number) */
};

/* The largest payload that fits in BLAST_FRAME_MAX with an IPv6 header. */
#define BLAST_PAYLOAD_MAX (BLAST_FRAME_MAX - 14U - 40U - 8U)

/*
 * Writes the datagram into @f (BLAST_FRAME_MAX bytes) with source port 0, sequence 0 and UDP
 * checksum 0, sets @l4_off to the UDP header's offset and returns the frame's length. The IPv4
 * header checksum is final.
 */
unsigned int blast_frame_build(const struct blast_frame_cfg *c, const uint8_t src_mac[6],
			       uint8_t *f, unsigned int *l4_off);

/*
 * The UDP checksum's 32-bit sum over the pseudo header, the UDP header and the payload of a
 * frame from blast_frame_build() (source port and sequence 0). A datagram's checksum is
 * ~fold(sum + source port + the sequence's four 16-bit words), 0 sent as 0xffff.
 */
uint32_t blast_frame_sum(const struct blast_frame_cfg *c, const uint8_t *f, unsigned int l4_off);

/* Folds a ones'-complement sum to 16 bits. */
static inline uint16_t blast_fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* Writes @v big-endian. */
static inline void blast_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Reads @ifname's MAC address; -errno with a message in @err (prefixed by @what) otherwise. */
int blast_own_mac(const char *what, const char *ifname, uint8_t mac[6], char *err, size_t errlen);

#endif /* XLANE_BENCH_BLAST_FRAME_H */
