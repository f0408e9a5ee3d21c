/* link-timing: how exactly the harness's link (harness/link.h) sends on
 * time and stamps what it receives, over a namespace link on this machine.
 *
 *   link-timing [-n N] [-i MS]      (root; bench/link.sh runs it)
 *
 * Scheduling: N frames (default 200) are sent MS ms apart (default 10) with
 * hx_link_send_at, and the error sent_ns - at_ns is reported beside N sent
 * on a plain clock_nanosleep (taking turns with the first, so that both
 * meet the same load) and the cost of the write alone (both include it).
 *
 * Arrival: what the namespace's kernel sends cannot be timed from outside,
 * so the kernel is used as a reflector.  An ICMP echo request to the IUT
 * address is answered within the write that delivers it (the TAP hands the
 * frame to the stack in the writer's system call), so the reply exists
 * somewhere between just before the write and sent_ns: t_ns minus the time
 * before the write is an upper bound of the stamping error.  Two cases: the
 * reply read right after the send (it is queued already), and the harness
 * blocked in hx_link_recv while another thread sends (the wake-up counts).
 * The kernel learns the tester's MAC from a permanent neighbour entry, so
 * no ARP runs during the measurement.
 */
#define _GNU_SOURCE
#include "codec.h"
#include "link.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IUT    0xC0000202u        /* 192.0.2.2 */
#define TESTER 0xC0000201u        /* 192.0.2.1 */
#define MS     1000000ull
#define ECHO_LEN (14 + 20 + 8 + 56)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "link-timing: %s: %s\n", what, why);
	exit(1);
}

/* ---- frames ---- */

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* "who has 192.0.2.2, tell 192.0.2.1", broadcast, padded to 60 octets. */
static size_t build_arp(uint8_t *f, const uint8_t *mac)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	wr16(f + 12, 0x0806);
	wr16(f + 14, 1);              /* Ethernet */
	wr16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	wr16(f + 20, 1);              /* request */
	memcpy(f + 22, mac, 6);
	wr32(f + 28, TESTER);
	wr32(f + 38, IUT);
	return 60;
}

static size_t build_echo(uint8_t *f, const uint8_t *src, const uint8_t *dst, uint16_t id,
			 uint16_t seq)
{
	uint8_t *ip = f + 14, *icmp = ip + 20;

	memset(f, 0, ECHO_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	wr16(f + 12, 0x0800);
	ip[0] = 0x45;
	wr16(ip + 2, 20 + 8 + 56);
	wr16(ip + 4, seq);
	wr16(ip + 6, 0x4000);         /* DF */
	ip[8] = 64;
	ip[9] = 1;                    /* ICMP */
	wr32(ip + 12, TESTER);
	wr32(ip + 16, IUT);
	wr16(ip + 10, igmpx_cksum(ip, 20));
	icmp[0] = 8;                  /* echo request */
	wr16(icmp + 4, id);
	wr16(icmp + 6, seq);
	for (int i = 0; i < 56; i++)
		icmp[8 + i] = (uint8_t)i;
	wr16(icmp + 2, igmpx_cksum(icmp, 8 + 56));
	return ECHO_LEN;
}

/* The echo reply to (id, seq) from the IUT? */
static bool is_reply(const uint8_t *f, ssize_t n, uint16_t id, uint16_t seq)
{
	const uint8_t *ip = f + 14, *icmp;

	if (n < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00 || ip[9] != 1)
		return false;
	icmp = ip + (ip[0] & 15) * 4;
	if (icmp + 8 > f + n)
		return false;
	return icmp[0] == 0 && (icmp[4] << 8 | icmp[5]) == id && (icmp[6] << 8 | icmp[7]) == seq;
}

/* ---- statistics ---- */

struct series {
	const char *name;
	int64_t *v;
	int n;
};

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least p% of them at or below. */
static double pct_us(const int64_t *sorted, int n, double p)
{
	int k = (int)(p / 100.0 * n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return (double)sorted[k - 1] / 1000.0;
}

static void row(const struct series *s)
{
	if (s->n == 0) {
		printf("  %-50s %9s %9s %9s %6s\n", s->name, "-", "-", "-", "0");
		return;
	}
	qsort(s->v, (size_t)s->n, sizeof(*s->v), cmp64);
	printf("  %-50s %9.1f %9.1f %9.1f %6d\n", s->name, pct_us(s->v, s->n, 50),
	       pct_us(s->v, s->n, 99), (double)s->v[s->n - 1] / 1000.0, s->n);
}

static void series_init(struct series *s, const char *name, int cap)
{
	s->name = name;
	s->n = 0;
	s->v = calloc((size_t)cap, sizeof(*s->v));
	if (!s->v)
		die("series", "out of memory");
}

/* ---- the runs ---- */

struct bench {
	struct hx_link *l;
	uint8_t iut_mac[6];
	uint16_t id;
	int n;
	uint64_t interval;
	int lost;
	struct series sched_lib, sched_plain, write_cost, rx_queued, rx_queued_sent, rx_woken,
		rx_woken_sent;
};

/* Sleeps until at by clock_nanosleep only. */
static void plain_sleep(uint64_t at)
{
	struct timespec ts = { .tv_sec = (time_t)(at / 1000000000ull),
			       .tv_nsec = (long)(at % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop)
		;
}

/* Receives until the reply to seq or the deadline; its arrival, or 0. */
static uint64_t await_reply(struct bench *b, uint16_t seq, uint64_t deadline)
{
	uint8_t buf[2048];
	char err[256];
	uint64_t t;

	for (;;) {
		ssize_t n = hx_link_recv(b->l, buf, sizeof(buf), deadline, &t, err, sizeof(err));

		if (n < 0)
			die("receive", err);
		if (n == 0)
			return 0;
		if (is_reply(buf, n, b->id, seq))
			return t;
	}
}

static void send_or_die(struct bench *b, uint64_t at, uint16_t seq, uint64_t *sent)
{
	uint8_t f[ECHO_LEN];
	char err[256];

	build_echo(f, hx_link_mac(b->l), b->iut_mac, b->id, seq);
	if (hx_link_send_at(b->l, at, f, sizeof(f), sent, err, sizeof(err)) < 0)
		die("send", err);
}

/* Pass 1: 2N echoes, hx_link_send_at and a plain clock_nanosleep keeping
 * the schedule in turn, so that both meet the same load; each reply is
 * read at once.  For the plain sends the time before the write is known,
 * so the write's cost is, and t_ns - that time bounds the stamping error. */
static void pass_sched(struct bench *b, uint16_t seq0)
{
	uint64_t t0 = hx_now_ns() + 20 * MS;

	for (int i = 0; i < 2 * b->n && !stop; i++) {
		uint64_t at = t0 + (uint64_t)i * b->interval, before = 0, sent, t;
		uint16_t seq = (uint16_t)(seq0 + i);
		bool lib = !(i & 1);

		if (lib) {
			send_or_die(b, at, seq, &sent);
			b->sched_lib.v[b->sched_lib.n++] = (int64_t)(sent - at);
		} else {
			plain_sleep(at);
			before = hx_now_ns();
			send_or_die(b, 0, seq, &sent);
			b->sched_plain.v[b->sched_plain.n++] = (int64_t)(sent - at);
			b->write_cost.v[b->write_cost.n++] = (int64_t)(sent - before);
		}
		t = await_reply(b, seq, at + b->interval / 2);
		if (!t) {
			b->lost++;
			continue;
		}
		if (lib)
			b->rx_queued_sent.v[b->rx_queued_sent.n++] = (int64_t)(t - sent);
		else
			b->rx_queued.v[b->rx_queued.n++] = (int64_t)(t - before);
	}
}

/* Pass 2: the main thread waits in hx_link_recv while this one sends. */
struct sender {
	struct bench *b;
	uint64_t t0;
	uint16_t seq0;
	uint64_t *before, *sent;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct bench *b = s->b;

	for (int i = 0; i < b->n && !stop; i++) {
		uint64_t at = s->t0 + (uint64_t)i * b->interval;

		uint64_t sent;

		plain_sleep(at);
		__atomic_store_n(&s->before[i], hx_now_ns(), __ATOMIC_RELEASE);
		send_or_die(b, 0, (uint16_t)(s->seq0 + i), &sent);
		__atomic_store_n(&s->sent[i], sent, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void pass_woken(struct bench *b, uint16_t seq0)
{
	struct sender s = { .b = b, .t0 = hx_now_ns() + 20 * MS, .seq0 = seq0 };
	pthread_t th;
	int e;

	s.before = calloc((size_t)b->n, sizeof(uint64_t));
	s.sent = calloc((size_t)b->n, sizeof(uint64_t));
	if (!s.before || !s.sent)
		die("pass 3", "out of memory");
	e = pthread_create(&th, NULL, sender_main, &s);
	if (e)
		die("cannot start the sending thread", strerror(e));
	for (int i = 0; i < b->n && !stop; i++) {
		uint64_t at = s.t0 + (uint64_t)i * b->interval;
		uint64_t t = await_reply(b, (uint16_t)(seq0 + i), at + b->interval / 2);

		if (!t) {
			b->lost++;
			continue;
		}
		/* The reply can wake us before the sender has its sent_ns. */
		uint64_t before = __atomic_load_n(&s.before[i], __ATOMIC_ACQUIRE), sent;

		while (!(sent = __atomic_load_n(&s.sent[i], __ATOMIC_ACQUIRE)))
			;
		b->rx_woken.v[b->rx_woken.n++] = (int64_t)(t - before);
		b->rx_woken_sent.v[b->rx_woken_sent.n++] = (int64_t)(t - sent);
	}
	pthread_join(th, NULL);
	free(s.before);
	free(s.sent);
}

/* The IUT's MAC from its ARP reply; the kernel also learns ours from the
 * request. */
static void learn_iut_mac(struct bench *b)
{
	uint8_t f[60], buf[2048];
	char err[256];

	for (int tries = 0; tries < 3 && !stop; tries++) {
		uint64_t sent, deadline;

		if (hx_link_send_at(b->l, 0, f, build_arp(f, hx_link_mac(b->l)), &sent, err,
				    sizeof(err)) < 0)
			die("send ARP request", err);
		deadline = sent + 1000 * MS;
		for (;;) {
			ssize_t n = hx_link_recv(b->l, buf, sizeof(buf), deadline, NULL, err,
						 sizeof(err));
			if (n < 0)
				die("receive ARP reply", err);
			if (n == 0)
				break;
			if (n >= 42 && buf[12] == 0x08 && buf[13] == 0x06 && buf[21] == 2 &&
			    !memcmp(buf + 28, (const uint8_t[]){ 192, 0, 2, 2 }, 4)) {
				memcpy(b->iut_mac, buf + 22, 6);
				return;
			}
		}
	}
	die("ARP", "the namespace's kernel did not answer for 192.0.2.2");
}

/* A permanent neighbour entry for the tester, so that no ARP (nor its
 * timers) runs beside the measurement. */
static void pin_neighbour(struct bench *b)
{
	const uint8_t *m = hx_link_mac(b->l);
	char cmd[256], err[256];
	char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int st = 0;
	pid_t pid;

	snprintf(cmd, sizeof(cmd),
		 "ip neigh replace 192.0.2.1 lladdr %02x:%02x:%02x:%02x:%02x:%02x dev %s "
		 "nud permanent", m[0], m[1], m[2], m[3], m[4], m[5], hx_link_ifname(b->l));
	pid = hx_link_spawn(b->l, cmd, env, NULL, err, sizeof(err));
	if (pid < 0)
		die("ip neigh", err);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die("ip neigh", "could not add a permanent entry for 192.0.2.1");
}

static void usage(void)
{
	fprintf(stderr, "usage: link-timing [-n FRAMES] [-i MILLISECONDS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench b = { .n = 200, .interval = 10 * MS };
	struct hx_link_spec spec = { .attach = HX_ATTACH_NETNS, .tag = "lt", .iut_addr = IUT,
				     .tester_addr = TESTER };
	struct sigaction sa = { .sa_handler = on_signal };
	struct utsname u;
	char err[256];
	int opt;

	while ((opt = getopt(argc, argv, "n:i:h")) != -1) {
		char *end;
		long v;

		switch (opt) {
		case 'n':
		case 'i':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > (opt == 'n' ? 20000 : 1000))
				usage();
			if (opt == 'n')
				b.n = (int)v;
			else
				b.interval = (uint64_t)v * MS;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (geteuid() != 0)
		die("not root", "a namespace and a TAP need root");
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	b.id = (uint16_t)getpid();       /* 3N sequence numbers: N <= 20000 */
	series_init(&b.sched_lib, "hx_link_send_at (sleep, then spin <= 200 us)", b.n);
	series_init(&b.sched_plain, "clock_nanosleep alone (default timer slack)", b.n);
	series_init(&b.write_cost, "the write alone (after the plain sleep)", b.n);
	series_init(&b.rx_queued, "reply queued, recv right after the send", b.n);
	series_init(&b.rx_queued_sent, "  same, counted from sent_ns (hx_link_send_at)", b.n);
	series_init(&b.rx_woken, "harness waiting in recv, another thread sends", b.n);
	series_init(&b.rx_woken_sent, "  same, counted from sent_ns", b.n);

	b.l = hx_link_open(&spec, err, sizeof(err));
	if (!b.l)
		die("open", err);
	learn_iut_mac(&b);
	pin_neighbour(&b);
	if (!stop)
		pass_sched(&b, 0);
	if (!stop)
		pass_woken(&b, (uint16_t)(2 * b.n));
	hx_link_close(b.l);
	if (stop) {
		fprintf(stderr, "link-timing: interrupted\n");
		return 130;
	}

	uname(&u);
	printf("link-timing: %d frames per row, %llu ms apart, over a namespace link, "
	       "Linux %s, %ld CPUs\n\n", b.n, (unsigned long long)(b.interval / MS), u.release,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("  %-50s %9s %9s %9s %6s\n", "microseconds", "median", "p99", "max", "n");
	printf("scheduling error, sent_ns - at_ns\n");
	row(&b.sched_lib);
	row(&b.sched_plain);
	row(&b.write_cost);
	printf("arrival stamping error, upper bound: t_ns - time before the echo's write\n");
	row(&b.rx_queued);
	row(&b.rx_queued_sent);
	row(&b.rx_woken);
	row(&b.rx_woken_sent);
	printf("echo replies lost: %d of %d\n", b.lost, 3 * b.n);
	free(b.sched_lib.v);
	free(b.sched_plain.v);
	free(b.write_cost.v);
	free(b.rx_queued.v);
	free(b.rx_queued_sent.v);
	free(b.rx_woken.v);
	free(b.rx_woken_sent.v);
	return b.lost ? 1 : 0;
}
