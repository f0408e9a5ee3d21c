/* igmpx-badhost: a small IGMPv3 host with defects that can be switched on,
 * for the harness's own tests and the mutation test of the host suite.
 *
 *   igmpx-badhost [--fault F[,F...]] [--control SOCKPATH] [--max-groups N]
 *                 [--max-sources N] [--delay F] IFNAME [GROUP...]
 *
 * Without faults it is a correct IGMPv3 group member (RFC 9776 §5) on IFNAME,
 * speaking through an AF_PACKET socket with frames built by core/ (the
 * kernel's IGMP is not used: no socket joins anything):
 *
 *   - State changes (§5.1): a join, a leave or a filter change sends a
 *     State-Change Report at once, the records of Table 3, then Robustness
 *     Variable - 1 retransmissions at random in (0, Unsolicited Report
 *     Interval = 1 s) after each; a change during retransmissions is merged
 *     (a filter-mode change is carried by the next Robustness Variable
 *     reports, source changes by per-source retransmission counts, Table 4).
 *   - Queries (§5.2): only IGMPv3 queries with Router Alert and a right
 *     checksum, to any of the interface's addresses (§4.1.12) but a General
 *     Query to no multicast address other than 224.0.0.1 (§9.1).  The answer is
 *     delayed at random in (0, Max Resp Time); the five scheduling rules of
 *     §5.2 (a pending General Query answer due sooner covers any query,
 *     group answers merged and source lists unioned); a General Query is
 *     answered with one Current-State Record per group with state, packed
 *     into as few reports as fit 1500 octets; a Group-Specific Query with
 *     the group's IS_IN/IS_EX; a Group-and-Source-Specific Query per Table
 *     5 (nothing when empty); nothing for a group without state.  A nonzero
 *     QRV becomes the Robustness Variable (§4.1.6).
 *   - Frames: IPv4 TTL 1, ToS 0xC0, Router Alert, to 224.0.0.22 (§4).
 *   - IP fragments are reassembled (one datagram at a time).
 *   - SSM-aware (RFC 4604 §2.1): an EXCLUDE filter on 232/8 is refused.
 *   - No IGMPv1/v2 compatibility: older queries are ignored.
 *
 * GROUPs on the command line are joined (EXCLUDE {}) at start.  With
 * --control the host listens on the Unix stream socket SOCKPATH for
 * commands, one a line, each answered "ok" or "error: WHY" after the host
 * has acted (its first report sent); the protocol of igmpx-member --serve,
 * so `igmpx-member --send SOCKPATH join 239.1.1.1` is a client:
 *
 *   join GROUP [include|exclude [SRC,...]]   join, or replace the filter
 *   leave GROUP | leaveall                   to INCLUDE {}
 *   include GROUP [SRC,...] | exclude GROUP [SRC,...]
 *   allow GROUP SRC | block GROUP SRC        one source more or less
 *
 * --max-groups (default 1024) and --max-sources (default 64) are the limits
 * past which a join or a filter is refused.  --delay F (0 < F < 1) makes
 * every delay the RFC has drawn at random F times its maximum (a query's
 * Max Resp Time, the Unsolicited Report Interval): a choice the RFC allows,
 * made the same in every run, so that a test knows how far each answer is
 * from the end of its window (tests/harness/badhost.ini: F = 0.5).  On SIGTERM or SIGINT every
 * group is left (TO_IN {} or BLOCK (A), in one report sent once), SOCKPATH
 * removed, exit 0.
 *
 * Faults break it on purpose (any combination, comma-separated):
 *   late      answer queries at 1.5 x Max Resp Time
 *   ttl       send everything with TTL 64
 *   dst       send reports to 224.0.0.1 instead of 224.0.0.22
 *   nora      send without the Router Alert option
 *   checksum  send a wrong IGMP checksum
 *   silent    never answer queries (state-change reports still sent)
 *   nogsq     ignore Group-Specific and Group-and-Source-Specific Queries
 *   noretx    send each State-Change Report once (no retransmission)
 *   rectype   every record of the wrong type: IS_IN for IS_EX, TO_IN for
 *             TO_EX, ALLOW for BLOCK and back (a join reported as TO_IN, a
 *             leave as TO_EX, a source added to INCLUDE as BLOCK)
 *   noleave   a leave drops the group without any report (nor on exit)
 *   crash     exit(3) on receiving the first query
 * One line per event on stderr.  Exit status 2 on bad usage.
 *
 * The files: badhost.c (this one: options, the interface, the event loop
 * and its timers, small helpers), badhost.h (the shared state and
 * declarations), badhost-state.c (sending reports, interface state and
 * State-Change Reports, §5.1), badhost-query.c (frame input, reassembly,
 * queries and their answers, §5.2), badhost-control.c (the control socket
 * and its commands).
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
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "badhost.h"

static const char *const fault_names[] = {
	"late", "ttl", "dst", "checksum", "silent", "noretx", "noleave", "crash",
	"nora", "rectype", "nogsq",
};

static struct host host;            /* large: not on the stack */
static volatile sig_atomic_t stop_signal;
static double fixed_delay;          /* --delay: the fraction of each maximum, 0: random */

static void on_signal(int sig) { stop_signal = sig; }

double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* A uniform random delay in the open interval (0, max), or --delay's
 * fraction of max. */
double random_delay(double max)
{
	return max * (fixed_delay > 0 ? fixed_delay : 0.005 + 0.99 * drand48());
}

const char *ntoa(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &(struct in_addr){ htonl(a) }, buf, INET_ADDRSTRLEN);
}

int refuse(struct host *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
	return -1;
}

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "igmpx-badhost: %s\n", why);
	fprintf(stderr, "usage: igmpx-badhost [--fault F[,F...]] [--control SOCKPATH] "
		"[--max-groups N] [--max-sources N] [--delay F] IFNAME [GROUP...]\n"
		"faults: late ttl dst nora checksum silent nogsq noretx rectype noleave crash\n");
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
	h->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
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

/* Sends what is due; the time of the next thing due, or < 0. */
static double run_timers(struct host *h)
{
	double t = now(), next = -1;

	if (h->general_at >= 0 && h->general_at <= t)
		answer_general(h);
	for (unsigned i = 0; i < h->ngroups; i++) {
		struct group *g = &h->groups[i];
		if (g->q_at >= 0 && g->q_at <= t)
			answer_group(h, g);
		if (g->retx_at >= 0 && g->retx_at <= t) {
			send_change(h, g, "(retransmission)");
			unsigned before = h->ngroups;
			tidy(h, g);
			if (h->ngroups < before) {
				i--;            /* the last entry moved here */
				continue;
			}
		}
	}
	next = h->general_at;
	for (unsigned i = 0; i < h->ngroups; i++) {
		const struct group *g = &h->groups[i];
		if (g->q_at >= 0 && (next < 0 || g->q_at < next))
			next = g->q_at;
		if (g->retx_at >= 0 && (next < 0 || g->retx_at < next))
			next = g->retx_at;
	}
	return next;
}

static unsigned number(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || v < 1 || v > (strcmp(what, "groups") ? MAX_SOURCES : MAX_GROUPS)) {
		fprintf(stderr, "igmpx-badhost: --max-%s %s: 1 to %d\n", what, s,
			strcmp(what, "groups") ? MAX_SOURCES : MAX_GROUPS);
		exit(2);
	}
	return (unsigned)v;
}

/* --delay's argument: a fraction strictly between 0 and 1. */
static double fraction(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v > 0 && v < 1)) {
		fprintf(stderr, "igmpx-badhost: --delay %s: a fraction of the maximum, "
			"greater than 0 and less than 1\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fault", required_argument, NULL, 'f' },
		{ "control", required_argument, NULL, 'c' },
		{ "max-groups", required_argument, NULL, 'g' },
		{ "max-sources", required_argument, NULL, 's' },
		{ "delay", required_argument, NULL, 'd' },
		{ 0 },
	};
	struct host *h = &host;
	const char *control = NULL;
	sigset_t block, orig;
	int c;

	*h = (struct host){ .lfd = -1, .robustness = ROBUSTNESS, .max_groups = MAX_GROUPS,
			    .max_sources = MAX_SOURCES, .general_at = -1 };
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);    /* delivered only inside ppoll */
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGINT);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	signal(SIGPIPE, SIG_IGN);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && parse_faults(optarg, &h->faults) == 0)
			continue;
		if (c == 'c')
			control = optarg;
		else if (c == 'g')
			h->max_groups = number(optarg, "groups");
		else if (c == 's')
			h->max_sources = number(optarg, "sources");
		else if (c == 'd')
			fixed_delay = fraction(optarg);
		else
			return usage(NULL);
	}
	if (argc - optind < 1)
		return usage(NULL);
	uint32_t initial[MAX_GROUPS];
	int ninitial = 0;
	for (int i = optind + 1; i < argc; i++) {
		if (ninitial == MAX_GROUPS || parse_group(h, argv[i], &initial[ninitial]) < 0)
			return usage(ninitial == MAX_GROUPS ? "too many groups" : h->why);
		ninitial++;
	}
	open_iface(h, argv[optind]);
	srand48((long)time(NULL) ^ (long)getpid());
	if (control) {
		h->lfd = listen_at(control);
		fprintf(stderr, "badhost: listening on %s\n", control);
	}
	for (int i = 0; i < ninitial; i++)
		if (set_filter(h, initial[i], true, NULL, 0) < 0)
			fprintf(stderr, "badhost: joining at start: %s\n", h->why);

	while (!stop_signal) {
		double next = run_timers(h), t = now();
		struct timespec ts, *tsp = NULL;
		if (next >= 0) {
			double d = next > t ? next - t : 0;
			ts.tv_sec = (time_t)d;
			ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		struct pollfd p[2 + MAX_CLIENTS];
		nfds_t np = 0;
		p[np++] = (struct pollfd){ .fd = h->fd, .events = POLLIN };
		bool listening = h->lfd >= 0 && h->nclients < MAX_CLIENTS;
		p[np++] = (struct pollfd){ .fd = listening ? h->lfd : -1, .events = POLLIN };
		for (unsigned i = 0; i < h->nclients; i++)
			p[np++] = (struct pollfd){ .fd = h->clients[i].fd, .events = POLLIN };
		int r = ppoll(p, np, tsp, &orig);
		if (r < 0 && errno != EINTR) {
			perror("igmpx-badhost: poll");
			return 1;
		}
		if (r <= 0)
			continue;
		if (p[0].revents) {
			static uint8_t frame[65536];
			struct sockaddr_ll sll;
			socklen_t sl = sizeof(sll);
			ssize_t n = recvfrom(h->fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, &sl);
			if (n > 0)
				on_frame(h, frame, (size_t)n, &sll);
		}
		for (unsigned i = h->nclients; i-- > 0;) {
			if (!p[2 + i].revents || client_input(h, &h->clients[i]))
				continue;
			close(h->clients[i].fd);
			h->clients[i] = h->clients[--h->nclients];
		}
		if (p[1].revents & POLLIN) {
			int fd = accept4(h->lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				h->clients[h->nclients].fd = fd;
				h->clients[h->nclients++].len = 0;
			}
		}
	}
	fprintf(stderr, "badhost: %s\n", stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	if (!(h->faults & F_NOLEAVE)) {   /* every group to INCLUDE {}, one report, once */
		static struct record r[MAX_GROUPS];
		unsigned n = 0;
		for (unsigned i = 0; i < h->ngroups; i++) {
			struct group *g = &h->groups[i];
			if (g->exclude)
				r[n++] = (struct record){ REC_TO_IN, g->addr, 0, NULL };
			else if (g->nsrc)
				r[n++] = (struct record){ REC_BLOCK, g->addr, g->nsrc, g->src };
		}
		if (n)
			send_records(h, r, n, "(leave on exit)");
	}
	if (control)
		unlink(control);
	close(h->fd);
	return 0;
}
