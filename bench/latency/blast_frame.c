// SPDX-License-Identifier: BSD-2-Clause
/* The datagram of lat_blast's frame engines (blast_frame.h). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "blast_frame.h"

#define ETH_LEN	     14U
#define IP4_LEN	     20U
#define IP6_LEN	     40U
#define UDP_LEN	     8U
#define IPPROTO_UDP_ 17U

/* Adds @n bytes as big-endian 16-bit words (a last odd byte padded with zero). */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

int blast_own_mac(const char *what, const char *ifname, uint8_t mac[6], char *err, size_t errlen)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0 || strlen(ifname) >= sizeof(ifr.ifr_name)) {
		ret = fd < 0 ? -errno : -ENAMETOOLONG;
		goto out;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		ret = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
out:
	if (ret)
		snprintf(err, errlen, "%s %s: cannot read its MAC address: %s", what, ifname,
			 strerror(-ret));
	if (fd >= 0)
		close(fd);
	return ret;
}

unsigned int blast_frame_build(const struct blast_frame_cfg *c, const uint8_t src_mac[6],
			       uint8_t *f, unsigned int *l4_off)
{
	unsigned int ip_len = c->family == AF_INET ? IP4_LEN : IP6_LEN;
	unsigned int udp_len = UDP_LEN + c->payload, i;
	uint8_t *ip = f + ETH_LEN, *udp = ip + ip_len, *pl = udp + UDP_LEN;

	memcpy(f, c->dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	blast_put16(f + 12, c->family == AF_INET ? 0x0800 : 0x86dd);
	if (c->family == AF_INET) {
		memset(ip, 0, IP4_LEN);
		ip[0] = 0x45;
		blast_put16(ip + 2, (uint16_t)(IP4_LEN + udp_len));
		blast_put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_UDP_;
		memcpy(ip + 12, &c->src, 4);
		memcpy(ip + 16, &c->dst, 4);
		blast_put16(ip + 10, (uint16_t)~blast_fold(sum16(ip, IP4_LEN, 0)));
	} else {
		memset(ip, 0, IP6_LEN);
		ip[0] = 0x60;
		blast_put16(ip + 4, (uint16_t)udp_len);
		ip[6] = IPPROTO_UDP_;
		ip[7] = 64;
		memcpy(ip + 8, &c->src, 16);
		memcpy(ip + 24, &c->dst, 16);
	}
	blast_put16(udp, 0);
	blast_put16(udp + 2, c->dport);
	blast_put16(udp + 4, (uint16_t)udp_len);
	blast_put16(udp + 6, 0);
	memset(pl, 0, 8); /* the sequence number */
	for (i = 8; i < c->payload; i++)
		pl[i] = (uint8_t)(0xb1 + i);
	*l4_off = ETH_LEN + ip_len;
	return ETH_LEN + ip_len + udp_len;
}

uint32_t blast_frame_sum(const struct blast_frame_cfg *c, const uint8_t *f, unsigned int l4_off)
{
	unsigned int udp_len = UDP_LEN + c->payload, alen = c->family == AF_INET ? 4 : 16;
	uint32_t acc = 0;

	acc = sum16((const uint8_t *)&c->src, alen, acc);
	acc = sum16((const uint8_t *)&c->dst, alen, acc);
	acc += IPPROTO_UDP_ + udp_len;
	return sum16(f + l4_off, udp_len, acc);
}
