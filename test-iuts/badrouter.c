/* igmpx-badrouter: a small IGMPv3 querier with defects that can be switched
 * on, for the mutation test of the router suite.
 *
 *   igmpx-badrouter [--fault F[,F...]] [--control SOCKPATH] [--rv N]
 *                   [--qi MS] [--qri MS] [--sqi MS] [--sqc N] [--lmqi MS]
 *                   [--lmqc N] [--gmi MS] [--oqpi MS] IFNAME
 *   igmpx-badrouter --state SOCKPATH
 *
 * Without faults it is a correct IGMPv3 multicast router (RFC 9776 §6) on
 * IFNAME, through an AF_PACKET socket with frames built by core/:
 *
 *   - Queries: it starts as Querier, sends Startup Query Count General
 *     Queries Startup Query Interval apart, then one every Query Interval
 *     (§8.2, §8.6, §8.7): to 224.0.0.1, Max Resp the Query Response
 *     Interval, QRV its Robustness Variable, QQIC its Query Interval, from
 *     its interface address, TTL 1, ToS 0xC0, Router Alert.
 *   - Election (§6.6.2): a General Query from a lower address makes it a
 *     Non-Querier for the Other Querier Present Interval, each such query
 *     restarting the timer; when it runs out, it queries again at once.  A
 *     query's non-zero QRV becomes its Robustness Variable (§4.1.6); as a
 *     Non-Querier it adopts the QQI too (§4.1.7); its Group Membership and
 *     Other Querier Present Intervals follow (§8.4, §8.5).
 *   - State (§6.2-§6.6, badrouter-state.c): Tables 8, 9 and 10, the
 *     specific queries of §6.6.3 (LMQC of them LMQI apart, Max Resp LMQI,
 *     to the group, the S flag and the split of §6.6.3.1 and §6.6.3.2).
 *     An IGMPv2 Report is taken as IS_EX {}, an IGMPv2 Leave as TO_IN {}
 *     (Table 13); a Non-Querier ignores Leaves (RFC 2236 §3).  Reports with
 *     a wrong checksum, and records of unknown types, are ignored; reports
 *     from 0.0.0.0 accepted (§4.2.14).  No compatibility timers, no SSM
 *     range: those are not what its faults are about.
 *
 * Timers are given in milliseconds (as a profile's $IGMPX_QI_MS and the
 * like); defaults: RFC 9776 §8.
 * With --control it answers each connection on the Unix socket SOCKPATH
 * with its group table in igmpx's state format (harness/state.c) and
 * closes it; --state SOCKPATH prints that table (the profile's state
 * command).  SIGTERM or SIGINT ends it (exit 0).
 *
 * Faults break it on purpose (any combination, comma-separated):
 *   keepquery   keeps sending General Queries after losing the election
 *   notakeover  never becomes Querier again once it lost the election
 *   qi          sends General Queries every 1.5 x QI (advertising QI)
 *   onelmq      one last-member query instead of Last Member Query Count
 *   lmqmrt      Max Resp of specific queries the QRI instead of the LMQI
 *   gsqdst      specific queries to 224.0.0.1 instead of the group
 *   nosflag     the S flag never set
 *   t9block     INCLUDE (A) + BLOCK (B): no Q(G, A*B) (a Table 9 row wrong)
 *   nozero      ignores reports from 0.0.0.0
 *   nqleave     acts on Leaves as a Non-Querier (sends the queries)
 *   zeroquery   takes a proxy query from 0.0.0.0 into the election
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "ip.h"
#include "badrouter.h"

static const char *const fault_names[] = {
	"keepquery", "notakeover", "qi", "onelmq", "lmqmrt", "gsqdst", "nosflag", "t9block",
	"nozero", "nqleave", "zeroquery",
};

static struct router router;        /* large: not on the stack */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

const char *ntoa(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &(struct in_addr){ htonl(a) }, buf, INET_ADDRSTRLEN);
}

/* A time (s) as its code of tenths (Max Resp) or units (QQIC), §4.1.1. */
static uint8_t code(double v, double unit)
{
	bool exact;
	return igmpx_code_encode((unsigned)(v / unit + 0.5), &exact);
}

void send_query(struct router *r, uint32_t group, bool s, const uint32_t *src, unsigned n,
		const char *why)
{
	uint8_t igmp[1500], frame[1514];
	struct igmpx_wbuf w;
	struct igmpx_ipv4_spec ip;
	uint32_t dst = !group || r->faults & F_GSQDST ? ALL_HOSTS : group;
	double mrt = !group || r->faults & F_LMQMRT ? r->qri : r->lmqi;
	char a[16];

	igmpx_wbuf_init(&w, igmp, sizeof(igmp));
	igmpx_build_v3_query(&w, code(mrt, 0.1), group, 0, s, r->rv > 7 ? 0 : (uint8_t)r->rv,
			     code(r->qi, 1), (uint16_t)n, src, n);
	igmpx_finish(&w);
	igmpx_ether_mcast(dst, frame);
	memcpy(frame + 6, r->mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	igmpx_ipv4_defaults(&ip, r->addr, dst);
	size_t len = igmpx_ipv4_build(&ip, igmp, w.len, frame + 14, sizeof(frame) - 14);
	if (!len || send(r->fd, frame, 14 + len, 0) < 0)
		fprintf(stderr, "badrouter: sending a query failed: %s\n", strerror(errno));
	else
		fprintf(stderr, "badrouter: %s query for %s, %u sources\n", why,
			group ? ntoa(group, a) : "all", n);
}

/* GMI and OQPI follow RV, QI and QRI (RFC 9776 §8.4, §8.5: MUST): again
 * whenever the router adopts a querier's QRV or QQI. */
static void derive(struct router *r)
{
	r->gmi = r->rv * r->qi + 2 * r->qri;
	r->oqpi = r->rv * r->qi + r->qri / 2;
}

/* ---- Input ------------------------------------------------------------------- */

static void on_query(struct router *r, const struct igmpx_msg *m, const uint8_t *b,
		     uint32_t from)
{
	uint32_t group = m->kind == IGMPX_K_V3_QUERY ? m->u.v3q.group : m->u.v12.group;
	char a[16];

	if (from == r->addr)
		return;
	if (m->kind == IGMPX_K_V3_QUERY && m->u.v3q.qrv && m->u.v3q.qrv != r->rv) {
		r->rv = m->u.v3q.qrv;
		derive(r);
	}
	/* §6.6.2; a proxy query from 0.0.0.0 takes no part (RFC 4541 §2.1.1). */
	bool lower = !group && from < r->addr && (from || r->faults & F_ZEROQUERY);
	if (lower) {
		if (r->querier)
			fprintf(stderr, "badrouter: General Query from lower %s: Non-Querier\n",
				ntoa(from, a));
		r->querier = false;
		if (!(r->faults & F_KEEPQUERY))
			r->gq_at = 0;
	}
	if (!r->querier && m->kind == IGMPX_K_V3_QUERY && m->u.v3q.qqic &&
	    igmpx_code_decode(m->u.v3q.qqic) != r->qi) {
		r->qi = igmpx_code_decode(m->u.v3q.qqic);
		derive(r);
	}
	if (lower)                          /* with the QRV and QQI just adopted */
		r->oqp_until = now() + r->oqpi;
	if (group && m->kind == IGMPX_K_V3_QUERY) {
		uint32_t src[MAX_SOURCES];
		unsigned n = m->u.v3q.nsrc_present < MAX_SOURCES ? m->u.v3q.nsrc_present : MAX_SOURCES;
		for (unsigned i = 0; i < n; i++)
			src[i] = igmpx_v3_query_source(b, m->len, i);
		on_specific_query(r, group, m->u.v3q.s, src, n);
	} else if (group) {
		on_specific_query(r, group, false, NULL, 0);
	}
}

static void on_frame(struct router *r, const uint8_t *f, size_t len)
{
	struct igmpx_ipv4 ip;
	struct igmpx_msg m;

	if (len < 14 || f[12] != 0x08 || f[13] != 0x00 ||
	    !igmpx_ipv4_parse(f + 14, len - 14, &ip) || ip.proto != IGMPX_IPPROTO_IGMP ||
	    (ip.frag & 0x3FFF))             /* fragments: not reassembled */
		return;
	const uint8_t *b = f + 14 + ip.payload_off;
	igmpx_parse_to(b, ip.payload_len, ip.dst, &m);
	if (m.status != IGMPX_OK || !m.checksum_ok)
		return;                         /* §4.1.2, §4.2.2: verified first */
	if (ip.src == 0 && r->faults & F_NOZERO)
		return;
	switch (m.kind) {
	case IGMPX_K_V1_QUERY:
	case IGMPX_K_V2_QUERY:
	case IGMPX_K_V3_QUERY:
		on_query(r, &m, b, ip.src);
		break;
	case IGMPX_K_V1_REPORT:
	case IGMPX_K_V2_REPORT:
		on_record(r, 2, m.u.v12.group, NULL, 0, ip.src);      /* IS_EX {} */
		break;
	case IGMPX_K_V2_LEAVE:
		if (r->querier || r->faults & F_NQLEAVE) {
			bool was = r->querier;
			r->querier = true;
			on_record(r, 3, m.u.v12.group, NULL, 0, ip.src);  /* TO_IN {} */
			r->querier = was;
		}
		break;
	case IGMPX_K_V3_REPORT: {
		size_t off = IGMPX_OFF_R_RECORDS;
		for (unsigned i = 0; i < m.u.v3r.nrec_present; i++) {
			struct igmpx_v3_record rec;
			uint32_t src[MAX_SOURCES];
			if (!igmpx_v3_record_at(b, m.len, off, &rec))
				break;
			unsigned n = rec.nsrc_present < MAX_SOURCES ? rec.nsrc_present : MAX_SOURCES;
			for (unsigned k = 0; k < n; k++)
				src[k] = igmpx_v3_record_source(b, m.len, &rec, k);
			on_record(r, rec.type, rec.group, src, n, ip.src);
			off = rec.end;
		}
		break;
	}
	default:
		break;                          /* unknown types are ignored (§4) */
	}
}

/* ---- General Queries and the election ------------------------------------------ */

static double run_timers(struct router *r)
{
	double t = now(), next;

	if (!r->querier && r->oqp_until && r->oqp_until <= t && !(r->faults & F_NOTAKEOVER)) {
		fprintf(stderr, "badrouter: Other Querier Present timer out: Querier\n");
		r->querier = true;
		r->oqp_until = 0;
		r->gq_at = t;
	}
	if (r->gq_at && r->gq_at <= t) {
		send_query(r, 0, false, NULL, 0, "general");
		double every = r->startup_left > 1 ? r->sqi : r->qi;
		if (r->startup_left)
			r->startup_left--;
		if (r->faults & F_QI && !r->startup_left)
			every = r->qi * 1.5;
		r->gq_at = t + every;
	}
	next = state_timers(r);
	double when[] = { r->gq_at, r->querier ? 0 : r->oqp_until };
	for (size_t i = 0; i < 2; i++)
		if (when[i] && (!next || when[i] < next))
			next = when[i];
	return next;
}

/* ---- Setup ------------------------------------------------------------------- */

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "igmpx-badrouter: %s\n", why);
	fprintf(stderr, "usage: igmpx-badrouter [--fault F[,F...]] [--control SOCKPATH] [--rv N] "
		"[--qi MS] [--qri MS] [--sqi MS] [--sqc N] [--lmqi MS] [--lmqc N] [--gmi MS] [--oqpi MS] "
		"IFNAME\n       igmpx-badrouter --state SOCKPATH\n"
		"faults: keepquery notakeover qi onelmq lmqmrt gsqdst nosflag t9block nozero nqleave "
		"zeroquery\n");
	return 2;
}

static double number(const char *s, const char *what, double max)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v > 0 && v <= max)) {
		fprintf(stderr, "igmpx-badrouter: --%s %s: a number above 0, at most %g\n", what, s, max);
		exit(2);
	}
	return v;
}

/* A time option, in milliseconds, as seconds. */
static double ms(const char *s, const char *what)
{
	return number(s, what, 1e9) / 1000;
}

static void open_iface(struct router *r, const char *ifname)
{
	struct ifreq ifr = { 0 };
	unsigned idx = if_nametoindex(ifname);
	if (!idx || strlen(ifname) >= IFNAMSIZ) {
		fprintf(stderr, "igmpx-badrouter: no interface '%s'\n", ifname);
		exit(2);
	}
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)idx };
	if (r->fd < 0 || bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "igmpx-badrouter: packet socket on %s: %s\n", ifname, strerror(errno));
		exit(1);
	}
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(r->fd, SIOCGIFHWADDR, &ifr) < 0 || (memcpy(r->mac, ifr.ifr_hwaddr.sa_data, 6), 0) ||
	    ioctl(r->fd, SIOCGIFADDR, &ifr) < 0) {
		fprintf(stderr, "igmpx-badrouter: %s: no MAC or IPv4 address: %s\n", ifname,
			strerror(errno));
		exit(2);
	}
	r->addr = ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
}

static int unix_socket(const char *path, bool listening)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "igmpx-badrouter: %s: path too long\n", path);
		exit(2);
	}
	strcpy(sa.sun_path, path);
	if (listening)
		unlink(path);
	if (fd < 0 || (listening ? bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0
				 : connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)) {
		fprintf(stderr, "igmpx-badrouter: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

/* --state: prints what the router at path answers. */
static int print_state(const char *path)
{
	int fd = unix_socket(path, false);
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	return n < 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fault", required_argument, NULL, 'f' }, { "control", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 'S' }, { "rv", required_argument, NULL, 'r' },
		{ "qi", required_argument, NULL, 'q' }, { "qri", required_argument, NULL, 'R' },
		{ "sqi", required_argument, NULL, 's' }, { "sqc", required_argument, NULL, 'n' },
		{ "lmqi", required_argument, NULL, 'l' }, { "lmqc", required_argument, NULL, 'L' },
		{ "gmi", required_argument, NULL, 'g' }, { "oqpi", required_argument, NULL, 'o' },
		{ 0 },
	};
	struct router *r = &router;
	const char *control = NULL;
	double gmi = 0, oqpi = 0, sqi = 0;
	unsigned sqc = 0, lmqc = 0;
	sigset_t block, orig;
	int c;

	*r = (struct router){ .lfd = -1, .rv = 2, .qi = 125, .qri = 10, .lmqi = 1 };
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			for (char *save = NULL, *t = strtok_r(optarg, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				size_t i = 0;
				while (i < sizeof(fault_names) / sizeof(fault_names[0]) &&
				       strcmp(t, fault_names[i]))
					i++;
				if (i == sizeof(fault_names) / sizeof(fault_names[0]))
					return usage("unknown fault");
				r->faults |= 1u << i;
			}
			break;
		case 'c': control = optarg; break;
		case 'S': return print_state(optarg);
		case 'r': r->rv = (unsigned)number(optarg, "rv", 255); break;
		case 'q': r->qi = ms(optarg, "qi"); break;
		case 'R': r->qri = ms(optarg, "qri"); break;
		case 's': sqi = ms(optarg, "sqi"); break;
		case 'n': sqc = (unsigned)number(optarg, "sqc", 255); break;
		case 'l': r->lmqi = ms(optarg, "lmqi"); break;
		case 'L': lmqc = (unsigned)number(optarg, "lmqc", 255); break;
		case 'g': gmi = ms(optarg, "gmi"); break;
		case 'o': oqpi = ms(optarg, "oqpi"); break;
		default: return usage(NULL);
		}
	}
	if (argc - optind != 1)
		return usage(NULL);
	/* RFC 9776 §8's defaults, from the values given. */
	r->sqi = sqi ? sqi : r->qi / 4;
	r->sqc = sqc ? sqc : r->rv;
	r->lmqc = lmqc ? lmqc : r->rv;
	r->gmi = gmi ? gmi : r->rv * r->qi + 2 * r->qri;
	r->oqpi = oqpi ? oqpi : r->rv * r->qi + r->qri / 2;
	open_iface(r, argv[optind]);
	if (control)
		r->lfd = unix_socket(control, true);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);      /* delivered only inside ppoll */
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGINT);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	signal(SIGPIPE, SIG_IGN);
	r->querier = true;
	r->startup_left = r->sqc;
	r->gq_at = now();
	fprintf(stderr, "badrouter: querier on %s, faults 0x%x\n", argv[optind], r->faults);

	while (!stop_signal) {
		double next = run_timers(r), t = now();
		struct timespec ts, *tsp = NULL;
		if (next) {
			double d = next > t ? next - t : 0;
			ts.tv_sec = (time_t)d;
			ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		struct pollfd p[2] = { { .fd = r->fd, .events = POLLIN },
				       { .fd = r->lfd, .events = POLLIN } };
		int n = ppoll(p, 2, tsp, &orig);
		if (n < 0 && errno != EINTR) {
			perror("igmpx-badrouter: poll");
			return 1;
		}
		if (n <= 0)
			continue;
		if (p[0].revents) {
			static uint8_t frame[65536];
			struct sockaddr_ll sll;
			socklen_t sl = sizeof(sll);
			ssize_t got = recvfrom(r->fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, &sl);
			if (got > 0 && sll.sll_pkttype != PACKET_OUTGOING)
				on_frame(r, frame, (size_t)got);
		}
		if (p[1].revents & POLLIN) {
			int fd = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				state_dump(r, fd);
				close(fd);
			}
		}
	}
	if (control)
		unlink(control);
	return 0;
}
