/* tap-write: how fast this machine takes IGMP reports written into a TAP,
 * the reference for the harness's own injection rate (bench/flood.sh).
 *
 *   tap-write [-n N]        (root)
 *
 * A namespace and a TAP as the harness makes them (harness/link.h), the
 * namespace's kernel the receiver.  N frames (default 400000), IGMPv3
 * reports of one IS_EX {} record from 200 hosts over 1000 groups, made
 * beforehand as a flood makes them (hx_flood_frame), are written back to
 * back twice: with plain write() on the TAP's descriptor, and with
 * hx_link_send_at asked to send at once (the link's own path: a clock
 * read and the write).  Prints one line each:
 *
 *   tap-write: plain write(): N frames in S s: R frames/s
 *   tap-write: hx_link_send_at: N frames in S s: R frames/s
 */
#define _GNU_SOURCE
#include "codec.h"
#include "hx.h"
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NFRAMES 1000
#define LEN (14 + 24 + 16)

static void die(const char *what, const char *why)
{
	fprintf(stderr, "tap-write: %s: %s\n", what, why);
	exit(1);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

/* Ethernet, IPv4 with Router Alert (24 octets) from 192.0.2.10 to
 * 224.0.0.22, an IGMPv3 report of one IS_EX {} record for 239.20.0.1. */
static void base_frame(uint8_t *f, const uint8_t *src_mac)
{
	static const uint8_t ip[24] = { 0x45 + 1, 0, 0, 40, 0, 0, 0, 0, 1, 2, 0, 0, 192, 0, 2, 10,
					224, 0, 0, 22, 0x94, 4, 0, 0 };
	static const uint8_t igmp[16] = { 0x22, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 239, 20, 0, 1 };

	memcpy(f, (uint8_t[]){ 0x01, 0x00, 0x5E, 0, 0, 22 }, 6);
	memcpy(f + 6, src_mac, 6);
	put16(f + 12, 0x0800);
	memcpy(f + 14, ip, 24);
	put16(f + 14 + 10, igmpx_cksum(f + 14, 24));
	memcpy(f + 38, igmp, 16);
	put16(f + 38 + 2, igmpx_cksum(f + 38, 16));
}

int main(int argc, char **argv)
{
	struct hx_link_spec spec = { .attach = HX_ATTACH_NETNS, .tag = "tw", .iut_addr = 0xC0000202u,
				     .tester_addr = 0xC0000201u };
	static uint8_t frames[NFRAMES][LEN];
	unsigned long n = 400000;
	char err[256];
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		char *end;
		n = strtoul(optarg, &end, 10);
		if (opt != 'n' || *end || n < 1000 || n > 100000000)
			die("usage", "tap-write [-n FRAMES, 1000 or more]");
	}
	if (optind != argc || (opt != -1 && opt != 'n'))
		die("usage", "tap-write [-n FRAMES]");
	if (geteuid() != 0)
		die("not root", "a namespace and a TAP need root");
	struct hx_link *l = hx_link_open(&spec, err, sizeof(err));
	if (!l)
		die("open", err);
	uint8_t base[LEN];
	base_frame(base, (const uint8_t[]){ 2, 0, 192, 0, 2, 10 });
	if (!hx_flood_ok(base, LEN, 1000, 0, err, sizeof(err)))
		die("frame", err);
	struct hx_flood fl = { 0xC000020Au, 200, 1000, 1 };
	for (unsigned i = 0; i < NFRAMES; i++)
		hx_flood_frame(base, LEN, &fl, i, frames[i]);
	int fd = hx_link_fd(l);
	for (int pass = 0; pass < 2; pass++) {
		uint64_t t0 = hx_now_ns();
		for (unsigned long i = 0; i < n; i++) {
			const uint8_t *f = frames[i % NFRAMES];
			if (pass == 0) {
				ssize_t w;
				do
					w = write(fd, f, LEN);
				while (w < 0 && errno == EINTR);
				if (w != LEN)
					die("write", w < 0 ? strerror(errno) : "short write");
			} else if (hx_link_send_at(l, 0, f, LEN, NULL, err, sizeof(err)) < 0) {
				die("hx_link_send_at", err);
			}
		}
		double s = (double)(hx_now_ns() - t0) / 1e9;
		printf("tap-write: %s: %lu frames in %.3f s: %.0f frames/s\n",
		       pass == 0 ? "plain write()" : "hx_link_send_at", n, s, (double)n / s);
	}
	hx_link_close(l);
	return 0;
}
