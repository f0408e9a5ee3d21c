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
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "ip.h"

#define ALL_HOSTS    0xE0000001u    /* 224.0.0.1 */
#define MAX_GROUPS   1024
#define MAX_SOURCES  64
#define MAX_CLIENTS  16
#define MAX_LINE     2048
#define URI          1.0            /* Unsolicited Report Interval, s (§8.11) */
#define ROBUSTNESS   2              /* default Robustness Variable (§8.1) */
#define REPORT_ROOM  (1500 - 24 - IGMPX_LEN_V3_REPORT)   /* records per report */
#define REC_IS_IN 1                 /* RFC 9776 §4.2.13 record types */
#define REC_IS_EX 2
#define REC_TO_IN 3
#define REC_TO_EX 4
#define REC_ALLOW 5
#define REC_BLOCK 6

static const char *const fault_names[] = {
	"late", "ttl", "dst", "checksum", "silent", "noretx", "noleave", "crash",
	"nora", "rectype", "nogsq",
};
enum { F_LATE = 1, F_TTL = 2, F_DST = 4, F_CHECKSUM = 8, F_SILENT = 16, F_NORETX = 32,
       F_NOLEAVE = 64, F_CRASH = 128, F_NORA = 256, F_RECTYPE = 512, F_NOGSQ = 1024 };

struct rtx {                        /* retransmission state of one source (§5.1) */
	uint32_t src;
	bool allow;                 /* ALLOW, else BLOCK */
	unsigned left;              /* reports still to carry it */
};

struct group {
	uint32_t addr;
	bool exclude;               /* filter mode; INCLUDE {} is no state */
	unsigned nsrc;
	uint32_t src[MAX_SOURCES];
	unsigned fmc_left;          /* reports still to carry a filter-mode-change record */
	unsigned nrtx;
	struct rtx rtx[2 * MAX_SOURCES];
	double retx_at;             /* next State-Change Report, or < 0 */
	double q_at, q_t;           /* pending group(-and-source) query answer, or < 0 */
	unsigned nq;                /* its recorded sources; 0: group-specific */
	uint32_t q[MAX_SOURCES];
};

struct client {
	int fd;
	size_t len;
	char buf[MAX_LINE];
};

struct host {
	int fd, lfd;
	unsigned faults, robustness, max_groups, max_sources;
	uint32_t addr;
	uint8_t mac[6];
	double general_at, general_q;   /* pending General Query answer, or < 0 */
	unsigned ngroups;
	struct group groups[MAX_GROUPS];
	unsigned nclients;
	struct client clients[MAX_CLIENTS];
	char why[256];                  /* the reason of the last refused command */
};

static struct host host;            /* large: not on the stack */
static volatile sig_atomic_t stop_signal;
static double fixed_delay;          /* --delay: the fraction of each maximum, 0: random */

static void on_signal(int sig) { stop_signal = sig; }

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* A uniform random delay in the open interval (0, max), or --delay's
 * fraction of max. */
static double random_delay(double max)
{
	return max * (fixed_delay > 0 ? fixed_delay : 0.005 + 0.99 * drand48());
}

static const char *ntoa(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &(struct in_addr){ htonl(a) }, buf, INET_ADDRSTRLEN);
}

static int refuse(struct host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct host *h, const char *fmt, ...)
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

/* ---- Sending ------------------------------------------------------------------- */

struct record {
	uint8_t type;
	uint32_t group;
	unsigned nsrc;
	const uint32_t *src;
};

/* Sends one v3 report of the records held in igmp[0..len), faults applied. */
static void send_frame(const struct host *h, uint8_t *igmp, size_t len, unsigned nrec,
		       const char *what, const char *why)
{
	uint8_t frame[1514];
	struct igmpx_wbuf w = { .p = igmp, .cap = len, .len = len };
	struct igmpx_ipv4_spec ip;
	uint32_t dst = h->faults & F_DST ? ALL_HOSTS : IGMPX_ADDR_ALL_IGMPV3_ROUTERS;

	igmpx_put16_at(&w, IGMPX_OFF_R_NREC, (uint16_t)nrec);
	igmpx_put16_at(&w, IGMPX_OFF_CHECKSUM, 0);
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
	if (h->faults & F_NORA)
		ip.router_alert = false;
	size_t n = igmpx_ipv4_build(&ip, igmp, len, frame + 14, sizeof(frame) - 14);
	if (!n || send(h->fd, frame, 14 + n, 0) < 0)
		fprintf(stderr, "badhost: sending report %s failed: %s\n", what,
			n ? strerror(errno) : "too long");
	else
		fprintf(stderr, "badhost: report %s %s\n", what, why);
}

/* Sends the records in as many reports as they need (RFC 9776 §4.2.17:
 * records that do not fit one report go into the next). */
static void send_records(const struct host *h, const struct record *r, unsigned nrec,
			 const char *why)
{
	uint8_t igmp[1500];
	char what[400];
	struct igmpx_wbuf w;
	unsigned inmsg = 0;
	size_t wl = 0;

	for (unsigned i = 0; i <= nrec; i++) {
		size_t need = i < nrec ? IGMPX_LEN_V3_RECORD + 4 * (size_t)r[i].nsrc : 0;
		if (inmsg && (i == nrec || w.len + need > IGMPX_LEN_V3_REPORT + REPORT_ROOM)) {
			send_frame(h, igmp, w.len, inmsg, what, why);
			inmsg = 0;
		}
		if (i == nrec)
			break;
		if (!inmsg) {
			igmpx_wbuf_init(&w, igmp, sizeof(igmp));
			igmpx_build_v3_report(&w, 0, 0, 0);
			wl = 0;
			what[0] = '\0';
		}
		uint8_t type = r[i].type;
		if (h->faults & F_RECTYPE)   /* IS_IN <-> IS_EX, TO_IN <-> TO_EX, ALLOW <-> BLOCK */
			type = (uint8_t)(type & 1 ? type + 1 : type - 1);
		igmpx_build_v3_record(&w, type, 0, (uint16_t)r[i].nsrc, r[i].group, r[i].src,
				      r[i].nsrc);
		inmsg++;
		char g[INET_ADDRSTRLEN];
		if (wl < sizeof(what) - 40)
			wl += (size_t)snprintf(what + wl, sizeof(what) - wl, "%s%s %s (%u)",
					       inmsg > 1 ? ", " : "", igmpx_record_type_abbrev(type),
					       ntoa(r[i].group, g), r[i].nsrc);
		else if (wl < sizeof(what) - 4)
			wl += (size_t)snprintf(what + wl, sizeof(what) - wl, "...");
	}
}

/* ---- Interface state (§3.2, §5.1) ----------------------------------------------- */

static bool has_state(const struct group *g)
{
	return g->exclude || g->nsrc > 0;
}

static struct group *find_group(struct host *h, uint32_t addr)
{
	for (unsigned i = 0; i < h->ngroups; i++)
		if (h->groups[i].addr == addr)
			return &h->groups[i];
	return NULL;
}

/* Drops an entry with nothing left to do: no state, no retransmission. */
static void tidy(struct host *h, struct group *g)
{
	if (has_state(g) || g->fmc_left || g->nrtx)
		return;
	*g = h->groups[--h->ngroups];
}

static bool in_list(const uint32_t *l, unsigned n, uint32_t a)
{
	for (unsigned i = 0; i < n; i++)
		if (l[i] == a)
			return true;
	return false;
}

/* The State-Change Report of a group now, by Table 4; schedules the next
 * retransmission while any is left.  Does not tidy. */
static void send_change(struct host *h, struct group *g, const char *why)
{
	struct record r[2];
	uint32_t allow[2 * MAX_SOURCES], block[2 * MAX_SOURCES];
	unsigned nr = 0, na = 0, nb = 0;

	if (g->fmc_left) {
		r[nr++] = (struct record){ g->exclude ? REC_TO_EX : REC_TO_IN, g->addr, g->nsrc, g->src };
		g->fmc_left--;
	} else {
		unsigned k = 0;
		for (unsigned i = 0; i < g->nrtx; i++) {
			struct rtx *x = &g->rtx[i];
			if (x->allow)
				allow[na++] = x->src;
			else
				block[nb++] = x->src;
			if (--x->left)
				g->rtx[k++] = *x;
		}
		g->nrtx = k;
		if (na)
			r[nr++] = (struct record){ REC_ALLOW, g->addr, na, allow };
		if (nb)
			r[nr++] = (struct record){ REC_BLOCK, g->addr, nb, block };
	}
	if (nr)
		send_records(h, r, nr, why);
	g->retx_at = g->fmc_left || g->nrtx ? now() + random_delay(URI) : -1;
}

/* Retransmission state for a source: it goes into the next reports. */
static void note_source(struct group *g, uint32_t src, bool allow, unsigned count)
{
	for (unsigned i = 0; i < g->nrtx; i++) {
		if (g->rtx[i].src == src) {
			g->rtx[i] = (struct rtx){ src, allow, count };
			return;
		}
	}
	if (g->nrtx == sizeof(g->rtx) / sizeof(g->rtx[0])) {
		fprintf(stderr, "badhost: too many sources with retransmission state\n");
		return;
	}
	g->rtx[g->nrtx++] = (struct rtx){ src, allow, count };
}

/* The interface state of addr becomes mode (exclude) with src[0..n):
 * reported at once (Table 3, merged with what is pending), then
 * retransmitted.  0, or -1 with h->why set. */
static int set_filter(struct host *h, uint32_t addr, bool exclude, const uint32_t *src, unsigned n)
{
	struct group *g = find_group(h, addr);
	unsigned count = h->faults & F_NORETX ? 1 : h->robustness;
	char a[INET_ADDRSTRLEN];

	if (n > h->max_sources)
		return refuse(h, "%u sources, more than the limit of %u", n, h->max_sources);
	if (!g) {
		if (!exclude && !n)
			return 0;                     /* INCLUDE {} to INCLUDE {}: no change */
		if (h->ngroups >= h->max_groups)
			return refuse(h, "already in %u groups, the limit", h->max_groups);
		g = &h->groups[h->ngroups++];
		*g = (struct group){ .addr = addr, .retx_at = -1, .q_at = -1 };
	}
	bool old_ex = g->exclude;
	unsigned old_n = g->nsrc;
	uint32_t old[MAX_SOURCES];
	memcpy(old, g->src, sizeof(old[0]) * old_n);

	if (!exclude && !n && h->faults & F_NOLEAVE) {
		fprintf(stderr, "badhost: leaving %s without a report\n", ntoa(addr, a));
		g->exclude = false;
		g->nsrc = 0;
		g->fmc_left = g->nrtx = 0;
		g->retx_at = -1;
		tidy(h, g);
		return 0;
	}
	bool same = old_ex == exclude && old_n == n;
	for (unsigned i = 0; same && i < n; i++)
		same = in_list(old, old_n, src[i]);
	if (same)
		return 0;                             /* no change of interface state */
	g->exclude = exclude;
	g->nsrc = n;
	memcpy(g->src, src, sizeof(src[0]) * n);
	if (old_ex != exclude) {                      /* filter-mode change: TO_IN / TO_EX */
		g->fmc_left = count;
		g->nrtx = 0;
	} else {                                      /* source-list change, Table 3: */
		/* INCLUDE: ALLOW (B-A), BLOCK (A-B); EXCLUDE: ALLOW (A-B), BLOCK (B-A),
		 * A the old list, B the new: ALLOW (x-y), BLOCK (y-x). */
		const uint32_t *x = exclude ? old : src, *y = exclude ? src : old;
		unsigned nx = exclude ? old_n : n, ny = exclude ? n : old_n;
		for (unsigned i = 0; i < nx; i++)
			if (!in_list(y, ny, x[i]))
				note_source(g, x[i], true, count);
		for (unsigned i = 0; i < ny; i++)
			if (!in_list(x, nx, y[i]))
				note_source(g, y[i], false, count);
	}
	fprintf(stderr, "badhost: %s is now %s (%u source%s)\n", ntoa(addr, a),
		exclude ? "EXCLUDE" : "INCLUDE", n, n == 1 ? "" : "s");
	send_change(h, g, "(state change)");
	tidy(h, g);
	return 0;
}

/* ---- Queries (§5.2) ------------------------------------------------------------- */

static void on_query(struct host *h, const uint8_t *b, const struct igmpx_msg *m,
		     const struct igmpx_ipv4 *ip)
{
	double t = now(), mrt = igmpx_query_max_resp_ms(m) / 1000.0;
	uint32_t addr = m->u.v3q.group;
	char a[INET_ADDRSTRLEN];

	if (h->faults & F_CRASH) {
		fprintf(stderr, "badhost: crash on the first query\n");
		exit(3);
	}
	if (m->kind != IGMPX_K_V3_QUERY) {
		fprintf(stderr, "badhost: ignoring %s (no older-version compatibility)\n",
			igmpx_msg_name(m));
		return;
	}
	if (!ip->router_alert) {
		fprintf(stderr, "badhost: ignoring a query without Router Alert (RFC 9776 §9.1)\n");
		return;
	}
	if ((ip->dst >> 28) != 0xE && ip->dst != h->addr)
		return;                                   /* unicast to another host */
	if (!addr && (ip->dst >> 28) == 0xE && ip->dst != ALL_HOSTS) {
		fprintf(stderr, "badhost: ignoring a General Query to %s (RFC 9776 §9.1)\n",
			ntoa(ip->dst, a));
		return;
	}
	h->robustness = m->u.v3q.qrv ? m->u.v3q.qrv : ROBUSTNESS;
	unsigned n = m->u.v3q.nsrc_present;
	const char *kind = !addr ? "general" : n ? "group-and-source-specific" : "group-specific";
	bool ignore = h->faults & F_SILENT || (addr && h->faults & F_NOGSQ);
	fprintf(stderr, "badhost: v3 %s query%s%s (%u sources), max resp %.1f s, QRV %u%s\n",
		kind, addr ? " for " : "", addr ? ntoa(addr, a) : "", n, mrt, m->u.v3q.qrv,
		ignore ? ": not answering" : "");
	if (ignore)
		return;

	/* Only with state to report (§5.2). */
	struct group *g = NULL;
	if (addr) {
		g = find_group(h, addr);
		if (!g || !has_state(g))
			return;
	} else {
		unsigned i = 0;
		while (i < h->ngroups && !has_state(&h->groups[i]))
			i++;
		if (i == h->ngroups)
			return;
	}
	double delay = h->faults & F_LATE ? 1.5 * mrt : random_delay(mrt);
	if (h->general_at >= 0 && h->general_at < t + delay)
		return;                                   /* rule 1 */
	if (!addr) {                                      /* rule 2 */
		h->general_at = t + delay;
		h->general_q = t;
		return;
	}
	if (g->q_at < 0) {                                /* rule 3 */
		g->nq = 0;
		for (unsigned i = 0; i < n && g->nq < MAX_SOURCES; i++) {
			uint32_t s = igmpx_v3_query_source(b, m->len, i);
			if (!in_list(g->q, g->nq, s))
				g->q[g->nq++] = s;
		}
		g->q_at = t + delay;
		g->q_t = t;
		return;
	}
	if (!n || !g->nq) {                               /* rule 4 */
		g->nq = 0;
	} else {                                          /* rule 5 */
		for (unsigned i = 0; i < n && g->nq < MAX_SOURCES; i++) {
			uint32_t s = igmpx_v3_query_source(b, m->len, i);
			if (!in_list(g->q, g->nq, s))
				g->q[g->nq++] = s;
		}
	}
	if (t + delay < g->q_at)
		g->q_at = t + delay;
	g->q_t = t;
}

/* The General Query's answer: one Current-State Record per group with state. */
static void answer_general(struct host *h)
{
	static struct record r[MAX_GROUPS];
	unsigned n = 0;
	char why[48];

	for (unsigned i = 0; i < h->ngroups; i++) {
		struct group *g = &h->groups[i];
		if (has_state(g))
			r[n++] = (struct record){ g->exclude ? REC_IS_EX : REC_IS_IN, g->addr,
						  g->nsrc, g->src };
	}
	snprintf(why, sizeof(why), "after %.2f s", now() - h->general_q);
	if (n)
		send_records(h, r, n, why);
	h->general_at = -1;
}

/* A group(-and-source)-specific answer (Table 5), then the list is cleared. */
static void answer_group(struct host *h, struct group *g)
{
	uint32_t s[MAX_SOURCES];
	unsigned n = 0;
	char why[48];

	snprintf(why, sizeof(why), "after %.2f s", now() - g->q_t);
	g->q_at = -1;
	if (!has_state(g))
		return;
	if (!g->nq) {
		struct record r = { g->exclude ? REC_IS_EX : REC_IS_IN, g->addr, g->nsrc, g->src };
		send_records(h, &r, 1, why);
		return;
	}
	for (unsigned i = 0; i < g->nq; i++)   /* INCLUDE (A): A*B; EXCLUDE (A): B-A */
		if (in_list(g->src, g->nsrc, g->q[i]) != g->exclude)
			s[n++] = g->q[i];
	g->nq = 0;
	if (n) {
		struct record r = { REC_IS_IN, g->addr, n, s };
		send_records(h, &r, 1, why);
	}
}

/* An IGMP message in a whole datagram (ip: its header, or its first fragment's). */
static void on_igmp(struct host *h, const struct igmpx_ipv4 *ip, const uint8_t *b, size_t len)
{
	struct igmpx_msg m;

	igmpx_parse_to(b, len, ip->dst, &m);
	if (m.type != IGMPX_T_QUERY)
		return;                                   /* §5: others silently ignored */
	if (m.status != IGMPX_OK || !m.checksum_ok) {
		fprintf(stderr, "badhost: ignoring query: %s\n",
			m.status != IGMPX_OK ? igmpx_status_name(m.status) : "bad checksum");
		return;
	}
	on_query(h, b, &m, ip);
}

/* IP reassembly (RFC 791), one datagram at a time: a fragment of another
 * datagram, or one after 5 s, starts over. */
static struct {
	bool busy;
	double started;
	uint32_t src, dst;
	uint16_t id;
	bool have_first;
	struct igmpx_ipv4 first;    /* the header of the fragment at offset 0 */
	size_t total;               /* payload length, once the last fragment came; else 0 */
	uint8_t data[65536];
	uint8_t blocks[65536 / 8 / 8];   /* a bit per 8 octets received */
} reasm;

static void on_fragment(struct host *h, const struct igmpx_ipv4 *ip, const uint8_t *payload)
{
	size_t off = (size_t)(ip->frag & 0x1FFF) * 8, len = ip->payload_len;
	bool more = ip->frag & 0x2000;
	double t = now();

	if (!reasm.busy || reasm.src != ip->src || reasm.dst != ip->dst || reasm.id != ip->id ||
	    t - reasm.started > 5) {
		memset(reasm.blocks, 0, sizeof(reasm.blocks));
		reasm.busy = true;
		reasm.started = t;
		reasm.src = ip->src, reasm.dst = ip->dst, reasm.id = ip->id;
		reasm.have_first = false;
		reasm.total = 0;
	}
	if (off + len > sizeof(reasm.data) || (more && len % 8))
		return;
	memcpy(reasm.data + off, payload, len);
	for (size_t k = off / 8; k < (off + len + 7) / 8; k++)
		reasm.blocks[k / 8] |= (uint8_t)(1u << (k % 8));
	if (!off) {
		reasm.first = *ip;
		reasm.have_first = true;
	}
	if (!more)
		reasm.total = off + len;
	if (!reasm.total || !reasm.have_first)
		return;
	for (size_t k = 0; k < (reasm.total + 7) / 8; k++)
		if (!(reasm.blocks[k / 8] & (1u << (k % 8))))
			return;
	reasm.busy = false;
	fprintf(stderr, "badhost: reassembled %zu octets from fragments\n", reasm.total);
	struct igmpx_ipv4 whole = reasm.first;
	whole.frag = 0;
	whole.payload_len = reasm.total;
	if (whole.proto == IGMPX_IPPROTO_IGMP)
		on_igmp(h, &whole, reasm.data, reasm.total);
}

/* One frame from the socket: only incoming IGMP queries matter. */
static void on_frame(struct host *h, const uint8_t *f, size_t len, const struct sockaddr_ll *sll)
{
	struct igmpx_ipv4 ip;

	if (sll->sll_pkttype == PACKET_OUTGOING || len < 14 || f[12] != 0x08 || f[13] != 0x00)
		return;
	if (!igmpx_ipv4_parse(f + 14, len - 14, &ip))
		return;
	if (ip.frag & 0x3FFF)
		on_fragment(h, &ip, f + 14 + ip.payload_off);
	else if (ip.proto == IGMPX_IPPROTO_IGMP)
		on_igmp(h, &ip, f + 14 + ip.payload_off, ip.payload_len);
}

/* ---- Control ---------------------------------------------------------------- */

static int parse_group(struct host *h, const char *s, uint32_t *g)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return refuse(h, "'%s' is not an IPv4 address", s);
	*g = ntohl(a.s_addr);
	if ((*g >> 28) != 0xE || (*g >> 8) == 0xE00000)
		return refuse(h, "'%s' is not a multicast group outside 224.0.0.0/24", s);
	return 0;
}

/* SRC,SRC,... (may be empty); the count, or -1. */
static int parse_sources(struct host *h, char *list, uint32_t *out)
{
	int n = 0;
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct in_addr a;
		if (inet_pton(AF_INET, t, &a) != 1)
			return refuse(h, "source '%s' is not an IPv4 address", t);
		if (n == MAX_SOURCES)
			return refuse(h, "more than %d sources", MAX_SOURCES);
		uint32_t s = ntohl(a.s_addr);
		if (!in_list(out, (unsigned)n, s))
			out[n++] = s;
	}
	return n;
}

static int leave_all(struct host *h)
{
	for (unsigned i = h->ngroups; i-- > 0;)
		if (i < h->ngroups && has_state(&h->groups[i]))
			set_filter(h, h->groups[i].addr, false, NULL, 0);
	return 0;
}

/* One command line; 0 or -1 with h->why set. */
static int command(struct host *h, char *line)
{
	char *w[5], *save = NULL, empty[] = "";
	int n = 0;
	uint32_t addr, src[MAX_SOURCES];

	for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 5; t = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = t;
	if (!n)
		return refuse(h, "empty command");
	if (!strcmp(w[0], "leaveall"))
		return n > 1 ? refuse(h, "leaveall takes no arguments") : leave_all(h);
	int maxw = !strcmp(w[0], "join") ? 4 : !strcmp(w[0], "leave") ? 2
		 : !strcmp(w[0], "include") || !strcmp(w[0], "exclude") || !strcmp(w[0], "allow") ||
		   !strcmp(w[0], "block") ? 3 : 0;
	if (!maxw)
		return refuse(h, "unknown command '%s' (join, leave, leaveall, include, exclude, "
			      "allow, block)", w[0]);
	if (n < 2)
		return refuse(h, "%s needs a GROUP", w[0]);
	if (n > maxw)
		return refuse(h, "too many words for %s: '%s'", w[0], w[maxw]);
	if (parse_group(h, w[1], &addr) < 0)
		return -1;
	struct group *g = find_group(h, addr);
	bool held = g && has_state(g);
	if (!strcmp(w[0], "join")) {
		bool ex = true;
		if (n > 2 && strcmp(w[2], "include") && strcmp(w[2], "exclude"))
			return refuse(h, "join: '%s' is neither include nor exclude", w[2]);
		if (n > 2)
			ex = w[2][0] == 'e';
		int k = parse_sources(h, n > 3 ? w[3] : empty, src);
		if (k < 0)
			return -1;
		if (!ex && !k)
			return refuse(h, "join: INCLUDE {} is no membership");
		if (ex && (addr >> 24) == 232)
			return refuse(h, "%s is an SSM address: source-specific joins only "
				      "(RFC 4604 §2.1)", w[1]);
		return set_filter(h, addr, ex, src, (unsigned)k);
	}
	if (!held)
		return refuse(h, "%s is not held", w[1]);
	if (!strcmp(w[0], "leave"))
		return set_filter(h, addr, false, NULL, 0);
	if (!strcmp(w[0], "exclude") && (addr >> 24) == 232)
		return refuse(h, "%s is an SSM address: no EXCLUDE filter (RFC 4604 §2.1)", w[1]);
	if (!strcmp(w[0], "include") || !strcmp(w[0], "exclude")) {
		int k = parse_sources(h, n > 2 ? w[2] : empty, src);
		return k < 0 ? -1 : set_filter(h, addr, w[0][0] == 'e', src, (unsigned)k);
	}
	/* allow / block one source */
	if (n < 3 || parse_sources(h, w[2], src) != 1)
		return refuse(h, "%s needs one SRC", w[0]);
	bool add = (w[0][0] == 'a') != g->exclude;     /* to the list, or off it */
	uint32_t list[MAX_SOURCES + 1], s = src[0];
	unsigned k = 0;
	for (unsigned i = 0; i < g->nsrc; i++)
		if (g->src[i] != s)
			list[k++] = g->src[i];
	if (add)
		list[k++] = s;
	return set_filter(h, addr, g->exclude, list, k);
}

/* Reads from a client and answers each whole line; false once done with it. */
static bool client_input(struct host *h, struct client *c)
{
	ssize_t r = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;

	if (r < 0 && errno == EINTR)
		return true;
	if (r <= 0) {
		if (r == 0 && c->len) {                 /* a last line without newline */
			c->buf[c->len] = '\n';
			c->len++;
		} else {
			return false;
		}
	} else {
		c->len += (size_t)r;
	}
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t used = (size_t)(nl + 1 - c->buf);
		char out[sizeof(h->why) + 16], cmd[160];
		*nl = '\0';
		snprintf(cmd, sizeof(cmd), "%s", c->buf);
		int len;
		if (command(h, c->buf) == 0) {
			fprintf(stderr, "badhost: command '%s': ok\n", cmd);
			len = snprintf(out, sizeof(out), "ok\n");
		} else {
			fprintf(stderr, "badhost: command '%s': %s\n", cmd, h->why);
			len = snprintf(out, sizeof(out), "error: %s\n", h->why);
		}
		send(c->fd, out, (size_t)len, MSG_NOSIGNAL);
		memmove(c->buf, nl + 1, c->len - used);
		c->len -= used;
	}
	if (c->len == sizeof(c->buf) - 1) {
		static const char msg[] = "error: line too long\n";
		send(c->fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL);
		return false;
	}
	return r > 0;
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "igmpx-badhost: socket path %s too long\n", path);
		exit(2);
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		fprintf(stderr, "igmpx-badhost: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
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
