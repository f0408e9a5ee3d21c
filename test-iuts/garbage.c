/* igmpx-garbage: an implementation under test that floods its link with
 * malformed frames, for the harness's own tests (a hostile IUT).
 *
 *   igmpx-garbage [--seed N] [--seconds S] IFNAME
 *
 * Sends on IFNAME through an AF_PACKET socket as fast as the link takes
 * frames, until SIGTERM or SIGINT (exit 0) or S seconds, in turn:
 *   - runts: 14 to 59 octets (under Ethernet's 60), random after the
 *     Ethernet header;
 *   - giants: the interface's MTU in full, random;
 *   - IGMP of every type (0x00 to 0xFF) with random contents and length,
 *     in an IPv4 header that is right apart from what the type asks;
 *   - v3 reports and queries whose counts promise more than they hold;
 *   - IPv4 fragments of IGMP at random offsets, first and later ones;
 *   - frames of other EtherTypes and IPv4 headers that lie (IHL, length).
 * Random but reproducible: --seed (default 1) fixes every frame.  A send
 * the link refuses for now (ENOBUFS, EAGAIN) is dropped and the next one
 * tried; a frame the interface can never take (EMSGSIZE) is not sent again
 * in that size.  Exit status 2 on bad usage, 1 if the socket cannot be
 * opened. */
#define _GNU_SOURCE
#include "codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>

static volatile sig_atomic_t stop;
static uint64_t rng = 1;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint32_t next(void)   /* xorshift64* */
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)next();
}

/* Ethernet to 01:00:5e:00:00:16 (or random), from a fixed local MAC. */
static size_t ether(uint8_t *f, uint16_t type)
{
	static const uint8_t dst[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x16 };
	static const uint8_t src[6] = { 0x02, 0x00, 0xc0, 0x00, 0x02, 0x02 };

	if (next() % 8)
		memcpy(f, dst, 6);
	else
		fill(f, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

/* An IPv4 header carrying IGMP, payload len octets, with Router Alert. */
static size_t ipv4(uint8_t *p, size_t len, uint16_t frag)
{
	size_t total = 24 + len;

	p[0] = 0x46;
	p[1] = 0xc0;
	p[2] = (uint8_t)(total >> 8);
	p[3] = (uint8_t)total;
	p[4] = (uint8_t)next();
	p[5] = (uint8_t)next();
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 1;
	p[9] = 2;
	p[10] = p[11] = 0;
	memcpy(p + 12, "\xc0\x00\x02\x02\xe0\x00\x00\x16", 8);
	memcpy(p + 20, "\x94\x04\x00\x00", 4);
	uint16_t ck = igmpx_cksum(p, 24);
	p[10] = (uint8_t)(ck >> 8);
	p[11] = (uint8_t)ck;
	return 24;
}

/* One frame of kind k into f (room: cap); its length. */
static size_t frame(unsigned k, uint8_t *f, size_t cap, size_t mtu)
{
	size_t off, n;

	switch (k % 6) {
	case 0:                                         /* runt */
		n = 14 + next() % 46;
		off = ether(f, 0x0800);
		fill(f + off, n - off);
		return n;
	case 1:                                         /* giant */
		n = 14 + mtu;
		if (n > cap)
			n = cap;
		off = ether(f, next() % 2 ? 0x0800 : (uint16_t)next());
		fill(f + off, n - off);
		return n;
	case 2: {                                       /* IGMP of any type, random */
		size_t len = next() % 64;
		off = ether(f, 0x0800);
		off += ipv4(f + off, len, 0);
		fill(f + off, len);
		if (len)
			f[off] = (uint8_t)next();
		return off + len;
	}
	case 3: {                                       /* counts that promise too much */
		size_t len = 8 + 4 * (next() % 16);
		off = ether(f, 0x0800);
		off += ipv4(f + off, len, 0);
		fill(f + off, len);
		f[off] = next() % 2 ? 0x22 : 0x11;
		f[off + 1] = f[off] == 0x22 ? 0 : (uint8_t)next();
		f[off + 6] = 0xff;                      /* v3 report: records */
		f[off + 7] = 0xff;
		if (f[off] == 0x11 && len >= 12) {
			f[off + 10] = 0xff;             /* v3 query: sources */
			f[off + 11] = 0xff;
		}
		uint16_t ck = igmpx_cksum_expected(f + off, len);
		f[off + 2] = (uint8_t)(ck >> 8);
		f[off + 3] = (uint8_t)ck;
		return off + len;
	}
	case 4: {                                       /* fragments */
		size_t len = 8 * (1 + next() % 8);
		uint16_t frag = (uint16_t)((next() % 2 ? 0x2000 : 0) | (next() % 64));
		off = ether(f, 0x0800);
		off += ipv4(f + off, len, frag);
		fill(f + off, len);
		return off + len;
	}
	default: {                                      /* headers that lie */
		size_t len = 8 + next() % 32;
		off = ether(f, next() % 4 ? 0x0800 : (uint16_t)next());
		ipv4(f + off, len, 0);
		f[off] = (uint8_t)(0x40 | (next() % 16));       /* any IHL */
		f[off + 2] = (uint8_t)next();                   /* any total length */
		f[off + 3] = (uint8_t)next();
		fill(f + off + 24, len);
		return off + 24 + len;
	}
	}
}

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "igmpx-garbage: %s\n", why);
	fprintf(stderr, "usage: igmpx-garbage [--seed N] [--seconds S] IFNAME\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr;
	struct sigaction sa = { .sa_handler = on_signal };
	uint8_t buf[65536];
	double seconds = 0;
	unsigned long sent = 0, refused = 0;
	size_t mtu = 1500;
	const char *ifname = NULL;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			rng = strtoull(argv[++i], NULL, 0) | 1;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (argv[i][0] == '-')
			return usage(NULL);
		else if (!ifname)
			ifname = argv[i];
		else
			return usage("one interface");
	}
	if (!ifname || strlen(ifname) >= IFNAMSIZ)
		return usage("an interface name is needed");
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "igmpx-garbage: cannot open %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (size_t)ifr.ifr_mtu;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned k = 0; !stop; k++) {
		size_t n = frame(k, buf, sizeof(buf), mtu);
		if (send(fd, buf, n, MSG_DONTWAIT) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EMSGSIZE && errno != EINTR) {
				fprintf(stderr, "igmpx-garbage: send: %s\n", strerror(errno));
				return 1;
			}
			refused++;
		} else {
			sent++;
		}
		if (seconds > 0 && !(k & 1023)) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= seconds)
				break;
		}
	}
	fprintf(stderr, "igmpx-garbage: %lu frames sent, %lu refused by the link\n", sent, refused);
	return 0;
}
