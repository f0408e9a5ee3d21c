/* igmpx-badhost: a deliberately broken IGMPv3 host, for the harness's own tests.
 *
 *   igmpx-badhost [--fault F[,F...]] IFNAME GROUP
 *
 * Imitates an IGMPv3 host that is a member of GROUP (EXCLUDE {}) on IFNAME,
 * speaking through an AF_PACKET socket with frames built by core/ (the
 * kernel's IGMP is not used: no socket joins GROUP).  It sends an unsolicited
 * TO_EX GROUP {} to 224.0.0.22 at start and again 1 s later; answers v3
 * General Queries and v3 queries for GROUP after a uniform random delay in
 * [0, Max Resp Time) with IS_EX GROUP {} (IS_IN {sources} to a group-and-
 * source-specific query, RFC 9776 §5.2); and on SIGTERM or SIGINT sends
 * TO_IN GROUP {} and exits 0.  Frames: TTL 1, ToS 0xC0, Router Alert.
 *
 * Faults break it on purpose (any combination, comma-separated):
 *   late      answer queries at 1.5 x Max Resp Time
 *   ttl       send everything with TTL 64
 *   dst       send reports to 224.0.0.1 instead of 224.0.0.22
 *   checksum  send a wrong IGMP checksum
 *   silent    never answer queries (unsolicited reports still sent)
 *   noretx    send the unsolicited report only once
 *   noleave   exit without the leave report on SIGTERM/SIGINT
 *   crash     exit(3) on receiving the first query
 * One line per event on stderr.  Exit status 2 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "ip.h"

#define ALL_HOSTS   0xE0000001u    /* 224.0.0.1 */
#define MAX_SOURCES 64
#define REC_IS_IN 1                /* RFC 9776 §4.2.13 record types */
#define REC_IS_EX 2
#define REC_TO_IN 3
#define REC_TO_EX 4

static const char *const fault_names[] = {
	"late", "ttl", "dst", "checksum", "silent", "noretx", "noleave", "crash",
};
enum { F_LATE = 1, F_TTL = 2, F_DST = 4, F_CHECKSUM = 8, F_SILENT = 16, F_NORETX = 32,
       F_NOLEAVE = 64, F_CRASH = 128 };

struct host {
	int fd;
	unsigned faults;
	uint32_t group, addr;
	uint8_t mac[6];
	double general_at, group_at;   /* pending responses: due time, or < 0 */
	double general_q, group_q;     /* when the query that set them arrived */
	uint32_t srcs[MAX_SOURCES];    /* group-and-source-specific: sources asked */
	unsigned nsrcs;                /* 0: plain group-specific */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "igmpx-badhost: %s\n", why);
	fprintf(stderr, "usage: igmpx-badhost [--fault F[,F...]] IFNAME GROUP\n"
		"faults: late ttl dst checksum silent noretx noleave crash\n");
	return 2;
}

static int parse_faults(char *list, unsigned *faults)
{
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < sizeof(fault_names) / sizeof(fault_names[0]) && strcmp(t, fault_names[i]))
			i++;
		if (i == sizeof(fault_names) / sizeof(fault_names[0])) {
			fprintf(stderr, "igmpx-badhost: unknown fault '%s'\n", t);
			return -1;
		}
		*faults |= 1u << i;
	}
	return 0;
}

/* Sends one v3 report holding one record, with the faults applied. */
static void send_report(const struct host *h, uint8_t rtype, const uint32_t *src,
			unsigned nsrc, const char *why)
{
	uint8_t igmp[IGMPX_LEN_V3_REPORT + IGMPX_LEN_V3_RECORD + 4 * MAX_SOURCES], frame[1514];
	struct igmpx_wbuf w;
	struct igmpx_ipv4_spec ip;
	uint32_t dst = h->faults & F_DST ? ALL_HOSTS : IGMPX_ADDR_ALL_IGMPV3_ROUTERS;

	igmpx_wbuf_init(&w, igmp, sizeof(igmp));
	igmpx_build_v3_report(&w, 0, 0, 1);
	igmpx_build_v3_record(&w, rtype, 0, (uint16_t)nsrc, h->group, src, nsrc);
	igmpx_finish(&w);
	if (h->faults & F_CHECKSUM)   /* never the other form of zero: 0x0000 vs 0xFFFF */
		igmpx_put16_at(&w, IGMPX_OFF_CHECKSUM,
			       (uint16_t)((igmp[2] << 8 | igmp[3]) ^ 0x5555));
	igmpx_ether_mcast(dst, frame);
	memcpy(frame + 6, h->mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	igmpx_ipv4_defaults(&ip, h->addr, dst);
	if (h->faults & F_TTL)
		ip.ttl = 64;
	size_t len = igmpx_ipv4_build(&ip, igmp, w.len, frame + 14, sizeof(frame) - 14);
	char g[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &(struct in_addr){ htonl(h->group) }, g, sizeof(g));
	if (w.overflow || !len || send(h->fd, frame, 14 + len, 0) < 0)
		fprintf(stderr, "badhost: sending %s %s failed: %s\n",
			igmpx_record_type_abbrev(rtype), g, strerror(errno));
	else
		fprintf(stderr, "badhost: report %s %s (%u source%s) %s\n",
			igmpx_record_type_abbrev(rtype), g, nsrc, nsrc == 1 ? "" : "s", why);
}

/* A query arrived: schedule the answer (RFC 9776 §5.2), or break on purpose. */
static void on_query(struct host *h, const uint8_t *b, const struct igmpx_msg *m)
{
	double t = now(), mrt = igmpx_query_max_resp_ms(m) / 1000.0;
	uint32_t group = m->u.v3q.group;

	if (h->faults & F_CRASH) {
		fprintf(stderr, "badhost: crash on the first query\n");
		exit(3);
	}
	if (m->kind != IGMPX_K_V3_QUERY) {
		fprintf(stderr, "badhost: ignoring %s\n", igmpx_msg_name(m));
		return;
	}
	if (group && group != h->group)
		return;
	double delay = h->faults & F_LATE ? 1.5 * mrt : drand48() * mrt;
	fprintf(stderr, "badhost: v3 %s query (%u sources), max resp %.1f s%s\n",
		!group ? "general" : m->u.v3q.nsrc_present ? "group-and-source-specific"
		: "group-specific", m->u.v3q.nsrc_present, mrt,
		h->faults & F_SILENT ? ": not answering" : "");
	if (h->faults & F_SILENT)
		return;
	if (h->general_at >= 0 && h->general_at <= t + delay)
		return;                               /* an earlier answer covers it */
	if (!group) {
		h->general_at = t + delay;
		h->general_q = t;
		return;
	}
	unsigned n = m->u.v3q.nsrc_present;
	if (h->group_at < 0) {                        /* none pending: record sources */
		h->nsrcs = 0;
		for (unsigned i = 0; i < n && h->nsrcs < MAX_SOURCES; i++)
			h->srcs[h->nsrcs++] = igmpx_v3_query_source(b, m->len, i);
	} else if (h->nsrcs && n) {                   /* both source-specific: union */
		for (unsigned i = 0; i < n && h->nsrcs < MAX_SOURCES; i++) {
			uint32_t s = igmpx_v3_query_source(b, m->len, i);
			unsigned j = 0;
			while (j < h->nsrcs && h->srcs[j] != s)
				j++;
			if (j == h->nsrcs)
				h->srcs[h->nsrcs++] = s;
		}
	} else {
		h->nsrcs = 0;                         /* either is group-specific */
	}
	if (h->group_at < 0 || t + delay < h->group_at) {
		h->group_at = t + delay;
		h->group_q = t;
	}
}

/* One frame from the socket: only incoming IGMP queries matter. */
static void on_frame(struct host *h, const uint8_t *f, size_t len, const struct sockaddr_ll *sll)
{
	struct igmpx_ipv4 ip;
	struct igmpx_msg m;

	if (sll->sll_pkttype == PACKET_OUTGOING || len < 14 || f[12] != 0x08 || f[13] != 0x00)
		return;
	if (!igmpx_ipv4_parse(f + 14, len - 14, &ip) || ip.proto != IGMPX_IPPROTO_IGMP)
		return;
	const uint8_t *b = f + 14 + ip.payload_off;
	igmpx_parse_to(b, ip.payload_len, ip.dst, &m);
	if (m.type != IGMPX_T_QUERY)
		return;
	if (m.status != IGMPX_OK || !m.checksum_ok) {
		fprintf(stderr, "badhost: ignoring query: %s\n",
			m.status != IGMPX_OK ? igmpx_status_name(m.status) : "bad checksum");
		return;
	}
	on_query(h, b, &m);
}

/* Binds to the interface, reads its MAC and IPv4 address; exits 2 if it is
 * missing or has no address. */
static void open_iface(struct host *h, const char *ifname)
{
	struct ifreq ifr = { 0 };
	unsigned idx = if_nametoindex(ifname);
	if (!idx || strlen(ifname) >= IFNAMSIZ) {
		fprintf(stderr, "igmpx-badhost: no interface '%s'\n", ifname);
		exit(2);
	}
	h->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)idx };
	if (h->fd < 0 || bind(h->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "igmpx-badhost: packet socket on %s: %s\n", ifname, strerror(errno));
		exit(1);
	}
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(h->fd, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "igmpx-badhost: %s: no MAC address: %s\n", ifname, strerror(errno));
		exit(1);
	}
	memcpy(h->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(h->fd, SIOCGIFADDR, &ifr) < 0) {
		fprintf(stderr, "igmpx-badhost: %s: no IPv4 address: %s\n", ifname, strerror(errno));
		exit(2);
	}
	h->addr = ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "fault", required_argument, NULL, 'f' }, { 0 } };
	struct host h = { .general_at = -1, .group_at = -1 };
	struct in_addr g;
	sigset_t block, orig;
	int c;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);    /* delivered only inside ppoll */
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c != 'f' || parse_faults(optarg, &h.faults) < 0)
			return usage(NULL);
	if (argc - optind != 2)
		return usage(NULL);
	if (inet_pton(AF_INET, argv[optind + 1], &g) != 1)
		return usage("GROUP is not an IPv4 address");
	h.group = ntohl(g.s_addr);
	if ((h.group >> 28) != 0xE || (h.group >> 8) == 0xE00000)
		return usage("GROUP must be a multicast address outside 224.0.0.0/24");
	open_iface(&h, argv[optind]);

	srand48((long)time(NULL) ^ (long)getpid());

	send_report(&h, REC_TO_EX, NULL, 0, h.faults & F_NORETX ? "(unsolicited, once)"
								  : "(unsolicited 1/2)");
	double retx_at = h.faults & F_NORETX ? -1 : now() + 1.0;
	while (!stop_signal) {
		double t = now(), next = -1;
		if (retx_at >= 0 && retx_at <= t) {
			send_report(&h, REC_TO_EX, NULL, 0, "(unsolicited 2/2)");
			retx_at = -1;
		}
		if (h.general_at >= 0 && h.general_at <= t) {
			char why[48];
			snprintf(why, sizeof(why), "after %.2f s", t - h.general_q);
			send_report(&h, REC_IS_EX, NULL, 0, why);
			h.general_at = -1;
		}
		if (h.group_at >= 0 && h.group_at <= t) {
			char why[48];
			snprintf(why, sizeof(why), "after %.2f s", t - h.group_q);
			send_report(&h, h.nsrcs ? REC_IS_IN : REC_IS_EX, h.srcs, h.nsrcs, why);
			h.group_at = -1;
		}
		double due[3] = { retx_at, h.general_at, h.group_at };
		for (int i = 0; i < 3; i++)
			if (due[i] >= 0 && (next < 0 || due[i] < next))
				next = due[i];
		struct timespec ts, *tsp = NULL;
		if (next >= 0) {
			double d = next > t ? next - t : 0;
			ts.tv_sec = (time_t)d;
			ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		struct pollfd p = { .fd = h.fd, .events = POLLIN };
		int r = ppoll(&p, 1, tsp, &orig);
		if (r < 0 && errno != EINTR) {
			perror("igmpx-badhost: poll");
			return 1;
		}
		if (r > 0) {
			uint8_t frame[65536];
			struct sockaddr_ll sll;
			socklen_t sl = sizeof(sll);
			ssize_t n = recvfrom(h.fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, &sl);
			if (n > 0)
				on_frame(&h, frame, (size_t)n, &sll);
		}
	}
	fprintf(stderr, "badhost: %s\n", stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	if (!(h.faults & F_NOLEAVE))
		send_report(&h, REC_TO_IN, NULL, 0, "(leave)");
	close(h.fd);
	return 0;
}
