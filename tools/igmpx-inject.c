/* igmpx-inject: play a pcap onto an interface, or write a one-query pcap.
 *
 *   igmpx-inject IFNAME PCAP
 *       Sends every frame of PCAP (Ethernet) on IFNAME, keeping the
 *       captured gaps between frames.
 *
 *   igmpx-inject --make-query VERSION MRC GROUP OUT.pcap [SRC,SRC...]
 *       Writes a one-frame pcap holding a Membership Query from 192.0.2.1,
 *       TTL 1, ToS 0xC0, Router Alert (built with core/codec + core/ip).
 *       VERSION 1, 2 or 3; MRC is the Max Resp Code as sent (v1: ignored,
 *       0 is sent; v2: tenths of a second; v3: the RFC 9776 code).  GROUP
 *       0.0.0.0 makes a General Query to 224.0.0.1, any other group a
 *       group-specific query to that group; v3 queries carry QRV 2,
 *       QQIC 125 and the given sources.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "codec.h"
#include "ip.h"

#define TESTER_ADDR 0xC0000201u    /* 192.0.2.1 */
#define ALL_HOSTS   0xE0000001u    /* 224.0.0.1 */
#define MAX_SOURCES 64

/* The tester's MAC (locally administered); capture.sh gives its veth this one. */
static const uint8_t tester_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0x01 };

static int usage(void)
{
	fprintf(stderr,
		"usage: igmpx-inject IFNAME PCAP\n"
		"       igmpx-inject --make-query 1|2|3 MRC GROUP OUT.pcap [SRC,SRC...]\n");
	return 2;
}

static int parse_addr(const char *s, uint32_t *out)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "igmpx-inject: '%s' is not an IPv4 address\n", s);
		return -1;
	}
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_sources(const char *list, uint32_t *src, int max)
{
	char buf[1024];
	int n = 0;
	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == max || parse_addr(t, &src[n]) < 0)
			return -1;
		n++;
	}
	return n;
}

/* The IGMP message of the query; returns its length, 0 on a bad argument. */
static size_t build_query(int version, unsigned mrc, uint32_t group,
			  const uint32_t *src, int nsrc, uint8_t *buf, size_t cap)
{
	struct igmpx_wbuf w;
	igmpx_wbuf_init(&w, buf, cap);
	if (version == 1)
		igmpx_build_v12(&w, IGMPX_T_QUERY, 0, group);
	else if (version == 2)
		igmpx_build_v12(&w, IGMPX_T_QUERY, (uint8_t)mrc, group);
	else
		igmpx_build_v3_query(&w, (uint8_t)mrc, group, 0, 0, 2, 125,
				     (uint16_t)nsrc, src, (unsigned)nsrc);
	igmpx_finish(&w);
	return w.overflow ? 0 : w.len;
}

/* Ethernet + IPv4 + query into frame; returns the frame length or 0. */
static size_t build_frame(int version, unsigned mrc, uint32_t group,
			  const uint32_t *src, int nsrc, uint8_t *frame, size_t cap)
{
	uint8_t igmp[12 + 4 * MAX_SOURCES];
	struct igmpx_ipv4_spec ip;
	uint32_t dst = group ? group : ALL_HOSTS;
	size_t n = build_query(version, mrc, group, src, nsrc, igmp, sizeof(igmp));
	if (!n || cap < 14)
		return 0;
	igmpx_ether_mcast(dst, frame);
	memcpy(frame + 6, tester_mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	igmpx_ipv4_defaults(&ip, TESTER_ADDR, dst);
	size_t iplen = igmpx_ipv4_build(&ip, igmp, n, frame + 14, cap - 14);
	return iplen ? 14 + iplen : 0;
}

static int make_query(int argc, char **argv)
{
	uint32_t group, src[MAX_SOURCES];
	uint8_t frame[1514];
	int nsrc = 0;
	char *end;
	if (argc != 6 && argc != 7)
		return usage();
	int version = atoi(argv[2]);
	unsigned long mrc = strtoul(argv[3], &end, 0);
	if (version < 1 || version > 3 || *end || mrc > 255) {
		fprintf(stderr, "igmpx-inject: version must be 1-3 and MRC 0-255\n");
		return 2;
	}
	if (parse_addr(argv[4], &group) < 0)
		return 2;
	if (argc == 7 && (nsrc = parse_sources(argv[6], src, MAX_SOURCES)) < 0) {
		fprintf(stderr, "igmpx-inject: bad source list '%s'\n", argv[6]);
		return 2;
	}
	if (nsrc && version != 3) {
		fprintf(stderr, "igmpx-inject: only a v3 query carries sources\n");
		return 2;
	}
	size_t len = build_frame(version, (unsigned)mrc, group, src, nsrc, frame, sizeof(frame));
	if (!len) {
		fprintf(stderr, "igmpx-inject: query does not fit a frame\n");
		return 1;
	}
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!dead) {
		fprintf(stderr, "igmpx-inject: %s: pcap_open_dead failed\n", argv[5]);
		return 1;
	}
	pcap_dumper_t *d = pcap_dump_open(dead, argv[5]);
	if (!d) {
		fprintf(stderr, "igmpx-inject: %s\n", pcap_geterr(dead));   /* names the file */
		pcap_close(dead);
		return 1;
	}
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len };
	gettimeofday(&h.ts, NULL);
	pcap_dump((u_char *)d, &h, frame);
	int bad = pcap_dump_flush(d) < 0;
	pcap_dump_close(d);
	pcap_close(dead);
	if (bad)
		fprintf(stderr, "igmpx-inject: %s: write failed\n", argv[5]);
	return bad;
}

/* Sleep until `start` + (ts - first): the gap the capture recorded. */
static void wait_gap(const struct timespec *start, const struct timeval *first,
		     const struct timeval *ts)
{
	long long us = (ts->tv_sec - first->tv_sec) * 1000000LL + (ts->tv_usec - first->tv_usec);
	if (us <= 0)
		return;
	struct timespec t = *start;
	t.tv_sec += (time_t)(us / 1000000);
	t.tv_nsec += (long)(us % 1000000) * 1000;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

static int replay(const char *ifname, const char *file)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct timeval first = { 0 };
	struct timespec start;
	unsigned frame = 0;
	int r, rc = 0;

	pcap_t *in = pcap_open_offline(file, err);
	if (!in) {
		fprintf(stderr, "igmpx-inject: %s\n", err);   /* names the file */
		return 1;
	}
	if (pcap_datalink(in) != DLT_EN10MB) {
		fprintf(stderr, "igmpx-inject: %s: link type %s, not Ethernet\n", file,
			pcap_datalink_val_to_name(pcap_datalink(in)));
		pcap_close(in);
		return 1;
	}
	pcap_t *out = pcap_open_live(ifname, 65535, 0, 100, err);
	if (!out) {
		fprintf(stderr, "igmpx-inject: %s\n", err);   /* names the interface */
		pcap_close(in);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while ((r = pcap_next_ex(in, &h, &data)) == 1) {
		if (++frame == 1)
			first = h->ts;
		wait_gap(&start, &first, &h->ts);
		if (h->caplen != h->len)
			fprintf(stderr, "igmpx-inject: %s frame %u: truncated (%u of %u octets), "
				"sending what was captured\n", file, frame, h->caplen, h->len);
		if (pcap_inject(out, data, h->caplen) != (int)h->caplen) {
			fprintf(stderr, "igmpx-inject: %s frame %u: send on %s: %s\n", file, frame,
				ifname, pcap_geterr(out));
			rc = 1;
			break;
		}
	}
	if (r == PCAP_ERROR) {
		fprintf(stderr, "igmpx-inject: %s frame %u: %s\n", file, frame + 1, pcap_geterr(in));
		rc = 1;
	}
	pcap_close(out);
	pcap_close(in);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--make-query"))
		return make_query(argc, argv);
	if (argc != 3 || argv[1][0] == '-')
		return usage();
	return replay(argv[1], argv[2]);
}
