/* test_link.c: the harness's link to the IUT (link.h) against this
 * machine's kernel.
 *
 *   test_link [IGMPX-MEMBER]
 *
 * Needs root and /dev/net/tun (exit 77, skipped, without them).  The IGMP
 * checks need igmpx-member (the argument, $IGMPX_MEMBER, or the
 * igmpx-member beside this program) to make the
 * namespace's kernel join groups; without it they are left out, said so.
 * Every namespace, TAP and process made here is removed before exit; the
 * TAP and interface modes run in a child with a private namespace so that
 * nothing appears in the machine's own.
 */
#define _GNU_SOURCE
#include "codec.h"
#include "link.h"
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_COUNTERS;

#define IUT    IP4(192, 0, 2, 2)
#define TESTER IP4(192, 0, 2, 1)
#define MS     1000000ull
#define SEC    1000000000ull

static char member[PATH_MAX];          /* igmpx-member, "" if there is none */

/* ---- shell helpers ---- */

/* Runs a shell command, its output thrown away; true if it exits 0. */
static bool sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A shell command's standard output (at most cap - 1 octets). */
static const char *sh_out(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static const char *sh_out(char *out, size_t cap, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	FILE *p;
	size_t n = 0;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out[0] = 0;
	p = popen(cmd, "r");
	if (!p)
		return out;
	n = fread(out, 1, cap - 1, p);
	out[n] = 0;
	pclose(p);
	return out;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return strstr(buf, needle) != NULL;
}

static bool netns_exists(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return access(path, F_OK) == 0;
}

/* Alive: there, and not a zombie (orphans may wait for a reaper for ever). */
static bool proc_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* The pids `ip netns pids` lists; how many. */
static int netns_pids(const char *ns, pid_t *pids, int max)
{
	char out[1024], *save = NULL;
	int n = 0;

	sh_out(out, sizeof(out), "ip netns pids %s 2>/dev/null", ns);
	for (char *t = strtok_r(out, " \n", &save); t && n < max; t = strtok_r(NULL, " \n", &save))
		pids[n++] = (pid_t)atol(t);
	return n;
}

/* The pids of ns once it holds at least want processes (polled every 10 ms
 * for up to 5 s: a shell starts its children when the machine lets it);
 * how many it holds then. */
static int netns_pids_wait(const char *ns, pid_t *pids, int max, int want)
{
	int n = netns_pids(ns, pids, max);

	for (int i = 0; i < 500 && n < want; i++) {
		usleep(10000);
		n = netns_pids(ns, pids, max);
	}
	return n;
}

/* Waits up to ms for pid (a child) to end; true and its status if it did. */
static bool wait_child(pid_t pid, unsigned ms, int *status)
{
	for (unsigned i = 0; i < ms; i += 10) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return true;
		if (r < 0)
			return false;
		usleep(10000);
	}
	return false;
}

/* ---- frames ---- */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

struct igmp {
	uint32_t src, dst;
	const uint8_t *msg;
	size_t len;
};

/* The IGMP message of an Ethernet frame, if it holds one. */
static bool igmp_of(const uint8_t *f, size_t n, struct igmp *g)
{
	const uint8_t *ip = f + 14;
	size_t ihl, tot;

	if (n < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 || ip[0] >> 4 != 4 || ip[9] != 2)
		return false;
	ihl = (size_t)(ip[0] & 15) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	if (ihl < 20 || tot < ihl + 8 || 14 + tot > n)
		return false;
	g->src = rd32(ip + 12);
	g->dst = rd32(ip + 16);
	g->msg = ip + ihl;
	g->len = tot - ihl;
	return true;
}

/* Does a v3 report hold a record of type rtype (0: any) for group? */
static bool v3_record(const struct igmp *g, int rtype, uint32_t group)
{
	size_t off = 8, nrec;

	if (g->len < 8 || g->msg[0] != 0x22)
		return false;
	nrec = (size_t)g->msg[6] << 8 | g->msg[7];
	for (size_t i = 0; i < nrec && off + 8 <= g->len; i++) {
		const uint8_t *r = g->msg + off;
		size_t nsrc = (size_t)r[2] << 8 | r[3];

		if ((!rtype || r[0] == rtype) && rd32(r + 4) == group)
			return true;
		off += 8 + 4 * nsrc + 4 * (size_t)r[1];
	}
	return false;
}

/* An IGMPv3 general query from the tester, as a querier sends it: to
 * 224.0.0.1 with TTL 1 and Router Alert, QRV 2, QQIC 125.  60 octets. */
static size_t build_query(uint8_t *f, const uint8_t *mac, uint8_t mrc)
{
	static const uint8_t all_hosts_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	uint8_t *ip = f + 14, *q = ip + 24;
	uint16_t c;

	memset(f, 0, 60);
	memcpy(f, all_hosts_mac, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	ip[0] = 0x46;                  /* IPv4, 24-octet header */
	ip[1] = 0xc0;                  /* internetwork control */
	ip[3] = 24 + 12;
	ip[8] = 1;                     /* TTL */
	ip[9] = 2;                     /* IGMP */
	wr32(ip + 12, TESTER);
	wr32(ip + 16, IP4(224, 0, 0, 1));
	ip[20] = 0x94;                 /* Router Alert */
	ip[21] = 4;
	c = igmpx_cksum(ip, 24);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	q[0] = 0x11;
	q[1] = mrc;
	q[8] = 2;                      /* S 0, QRV 2 */
	q[9] = 125;
	c = igmpx_cksum(q, 12);
	q[2] = (uint8_t)(c >> 8);
	q[3] = (uint8_t)c;
	return 60;
}

/* Receives until a v3 report from the IUT with a record of rtype (0: any)
 * for group arrives, or the deadline; true and its arrival if one did. */
static bool wait_report(struct hx_link *l, uint64_t deadline, int rtype, uint32_t group,
			uint64_t *t)
{
	uint8_t buf[2048];
	char err[256];

	for (;;) {
		struct igmp g;
		ssize_t n = hx_link_recv(l, buf, sizeof(buf), deadline, t, err, sizeof(err));

		if (n < 0)
			printf("  recv: %s\n", err);
		if (n <= 0)
			return false;
		if (igmp_of(buf, (size_t)n, &g) && g.src == IUT && v3_record(&g, rtype, group))
			return true;
	}
}

static pid_t spawn_member(struct hx_link *l, const char *group)
{
	char cmd[PATH_MAX + 128], err[256];
	pid_t pid;

	/* igmpx-member leaves at the end of its input: a pipe from a sleep
	 * keeps it joined until the group is killed. */
	snprintf(cmd, sizeof(cmd), "sleep 60 | exec '%s' %s %s", member, hx_link_ifname(l), group);
	pid = hx_link_spawn(l, cmd, NULL, NULL, err, sizeof(err));
	CHECK(pid > 0, "spawning igmpx-member: %s", err);
	return pid;
}

static struct hx_link *open_netns(const char *tag)
{
	struct hx_link_spec s = { .attach = HX_ATTACH_NETNS, .tag = tag, .iut_addr = IUT,
				  .tester_addr = TESTER };
	char err[256];
	struct hx_link *l = hx_link_open(&s, err, sizeof(err));

	CHECK(l, "opening namespace link %s: %s", tag, err);
	return l;
}

/* ---- the namespace link ---- */

static void test_netns_setup(struct hx_link *l, const char *tag)
{
	char want[64], out[2048];
	const char *ns = hx_link_netns(l), *ifn = hx_link_ifname(l);
	const uint8_t *mac = hx_link_mac(l);
	static const char *const confs[] = { "all", "default", NULL };

	snprintf(want, sizeof(want), "igmpx-%ld-%s", (long)getpid(), tag);
	CHECK(ns && !strcmp(ns, want), "namespace name %s, want %s", ns ? ns : "NULL", want);
	snprintf(want, sizeof(want), "igmpx%ldt%s", (long)getpid(), tag);
	CHECK(!strcmp(ifn, want) || (strlen(ifn) == 15 && !strncmp(ifn, "igmpx", 5)),
	      "interface name %s, want %s (or its cut)", ifn, want);
	CHECK(strlen(ifn) <= 15, "interface name %s is too long", ifn);
	CHECK(mac[0] == 2 && mac[1] == 0 && mac[2] == 0, "tester MAC %02x:%02x:%02x:...",
	      mac[0], mac[1], mac[2]);

	CHECK(netns_exists(ns), "/run/netns/%s is missing", ns);
	sh_out(out, sizeof(out), "ip netns list");
	CHECK(strstr(out, ns), "ip netns list does not show %s", ns);
	CHECK(!sh("ip link show dev %s", ifn), "TAP %s is still in the harness's namespace", ifn);
	CHECK(sh("ip netns exec %s true", ns), "ip netns exec %s fails", ns);

	sh_out(out, sizeof(out), "ip -n %s -4 -o addr show dev %s", ns, ifn);
	CHECK(strstr(out, "inet 192.0.2.2/24 brd 192.0.2.255"), "address of %s: %s", ifn, out);
	sh_out(out, sizeof(out), "ip -n %s -6 -o addr show", ns);
	CHECK(out[0] == 0, "IPv6 addresses in %s: %s", ns, out);
	sh_out(out, sizeof(out), "ip -n %s -o link show dev %s", ns, ifn);
	CHECK(strstr(out, ",UP") && strstr(out, "LOWER_UP"), "%s is not up: %s", ifn, out);
	sh_out(out, sizeof(out), "ip -n %s -o link show dev lo", ns);
	CHECK(strstr(out, ",UP"), "lo is not up in %s: %s", ns, out);

	for (int i = 0; i < 3; i++) {
		const char *c = confs[i] ? confs[i] : ifn;

		sh_out(out, sizeof(out),
		       "ip netns exec %s cat /proc/sys/net/ipv6/conf/%s/disable_ipv6", ns, c);
		CHECK(!strcmp(out, "1\n"), "%s: ipv6 conf %s disable_ipv6 '%s'", ns, c, out);
		sh_out(out, sizeof(out),
		       "ip netns exec %s cat /proc/sys/net/ipv4/conf/%s/rp_filter", ns, c);
		CHECK(!strcmp(out, "0\n"), "%s: ipv4 conf %s rp_filter '%s'", ns, c, out);
	}
}

static void test_spawn(struct hx_link *l)
{
	char log[] = "/tmp/igmpx-test-link.XXXXXX", err[256];
	char *const env[] = { "HX_LINK_TEST=visible", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int fd = mkstemp(log), st = 0;
	pid_t pid;

	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	if (fd < 0)
		return;
	close(fd);
	/* In the namespace: its /sys, its interfaces, the given environment,
	 * stdin from /dev/null. */
	pid = hx_link_spawn(l, "echo var=$HX_LINK_TEST; ls /sys/class/net; ip -o link show; "
			    "read x; echo read=$?; echo to-stderr >&2", env, log, err, sizeof(err));
	CHECK(pid > 0, "spawn: %s", err);
	if (pid > 0) {
		CHECK(wait_child(pid, 5000, &st) && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "spawned shell did not exit 0 (status %#x)", st);
		CHECK(file_has(log, "var=visible"), "environment entry not passed");
		CHECK(file_has(log, hx_link_ifname(l)), "%s not seen from inside",
		      hx_link_ifname(l));
		CHECK(!file_has(log, "eth0"), "the harness's interfaces seen from inside");
		CHECK(file_has(log, "read=1"), "stdin is not at its end (/dev/null)");
		CHECK(file_has(log, "to-stderr"), "stderr not in the log");
	}
	/* Appended, not truncated. */
	pid = hx_link_spawn(l, "echo second", NULL, log, err, sizeof(err));
	if (pid > 0)
		wait_child(pid, 5000, &st);
	CHECK(file_has(log, "var=visible") && file_has(log, "second"), "log not appended to");
	unlink(log);

	pid = hx_link_spawn(l, "true", NULL, "/nonexistent-dir/log", err, sizeof(err));
	CHECK(pid == -1 && strstr(err, "/nonexistent-dir/log"), "bad log path: pid %ld, '%s'",
	      (long)pid, err);
	pid = hx_link_spawn(l, "true", (char *const[]){ "NOEQUALS", NULL }, NULL, err, sizeof(err));
	CHECK(pid == -1 && strstr(err, "NOEQUALS"), "bad env entry: pid %ld, '%s'", (long)pid, err);

	/* hx_kill_group ends the whole group and reaps. */
	pid = hx_link_spawn(l, "sleep 100 & sleep 100; true", NULL, NULL, err, sizeof(err));
	CHECK(pid > 0, "spawn: %s", err);
	if (pid > 0) {
		pid_t in[8];
		int n = netns_pids_wait(hx_link_netns(l), in, 8, 3);

		CHECK(n == 3, "ip netns pids: %d processes, want the shell and 2 sleeps", n);
		hx_kill_group(pid, 1000);
		CHECK(waitpid(pid, NULL, WNOHANG) == -1 && errno == ECHILD, "pid %ld not reaped",
		      (long)pid);
		for (int i = 0; i < n; i++)
			CHECK(!proc_alive(in[i]), "process %ld of the group survived", (long)in[i]);
	}
}

static void test_igmp(struct hx_link *l)
{
	uint8_t q[64], buf[2048];
	char err[256];
	uint64_t at, sent = 0, t = 0;
	pid_t pid;
	ssize_t n;

	pid = spawn_member(l, "239.1.1.1");
	if (pid <= 0)
		return;
	/* The join: an unsolicited state-change report (TO_EX {}). */
	CHECK(wait_report(l, hx_now_ns() + 5 * SEC, 4, IP4(239, 1, 1, 1), &t),
	      "no IGMPv3 TO_EX report for 239.1.1.1 from 192.0.2.2 within 5 s");

	/* A general query, Max Resp Time 1 s: the answer is a current-state
	 * report (IS_EX), told from the join's retransmission by its type.
	 * The frame leaves no earlier than asked, and the time said is one
	 * during the call; how close to the time asked it leaves depends on
	 * the machine's load, and bench/link.sh measures that. */
	at = hx_now_ns() + 20 * MS;
	CHECK(hx_link_send_at(l, at, q, build_query(q, hx_link_mac(l), 10), &sent, err,
			      sizeof(err)) == 0, "send_at: %s", err);
	CHECK(sent >= at && sent <= hx_now_ns(), "sent at %lld ns from the time asked, "
	      "not between it and the return", (long long)(sent - at));
	CHECK(wait_report(l, sent + 2 * SEC, 2, IP4(239, 1, 1, 1), &t),
	      "no IS_EX report for 239.1.1.1 within the query's 1 s + 1 s");
	CHECK(t >= sent && t - sent <= 2 * SEC, "answer %lld ms after the query",
	      (long long)(t - sent) / 1000000);

	/* A frame longer than the buffer: cut, its real length returned. */
	CHECK(hx_link_send_at(l, 0, q, build_query(q, hx_link_mac(l), 10), &sent, err,
			      sizeof(err)) == 0, "send_at (past): %s", err);
	memset(buf, 0xee, sizeof(buf));
	n = hx_link_recv(l, buf, 14, sent + 2 * SEC, &t, err, sizeof(err));
	CHECK(n > 14 + 20 && buf[12] == 0x08 && buf[13] == 0 && buf[14] == 0xee,
	      "short buffer: returned %zd, EtherType %02x%02x, octet 14 %02x", n, buf[12],
	      buf[13], buf[14]);
	CHECK(hx_link_recv(l, buf, sizeof(buf), 0, NULL, err, sizeof(err)) >= 0,
	      "recv with a past deadline: %s", err);

	/* SIGTERM lets igmpx-member leave: the kernel reports TO_IN {}. */
	hx_kill_group(pid, 2000);
	CHECK(wait_report(l, hx_now_ns() + 3 * SEC, 3, IP4(239, 1, 1, 1), &t),
	      "no TO_IN report for 239.1.1.1 after the member was stopped");
}

static void test_errors(void)
{
	struct hx_link_spec s = { .attach = HX_ATTACH_NETNS, .tag = "x/y", .iut_addr = IUT,
				  .tester_addr = TESTER };
	char err[256] = "";
	uint8_t f[60] = { 0 };

	CHECK(!hx_link_open(&s, err, sizeof(err)) && strstr(err, "x/y"), "bad tag: '%s'", err);
	s.tag = "123456789";
	CHECK(!hx_link_open(&s, err, sizeof(err)) && strstr(err, "123456789"), "long tag: '%s'",
	      err);
	s.tag = "e";
	s.tester_addr = IP4(198, 51, 100, 1);
	CHECK(!hx_link_open(&s, err, sizeof(err)) && strstr(err, "198.51.100.1"),
	      "addresses of two /24s: '%s'", err);
	s.tester_addr = TESTER;
	s.iut_addr = IP4(192, 0, 2, 255);
	CHECK(!hx_link_open(&s, err, sizeof(err)) && strstr(err, "192.0.2.255"),
	      "broadcast address: '%s'", err);
	CHECK(!netns_exists("igmpx-e"), "a refused link left a namespace");
	CHECK(hx_link_send_at(NULL, 0, f, 60, NULL, err, sizeof(err)) == -1, "send on NULL");
	hx_link_close(NULL);
}

/* Open, use, close: nothing of it left. */
static void test_netns(void)
{
	struct hx_link *l = open_netns("t");
	char ns[64], ifn[16];
	pid_t pid, in[8];
	uint8_t f[60] = { 0 };
	char err[256];
	int n = 0, st = 0;

	if (!l)
		return;
	snprintf(ns, sizeof(ns), "%s", hx_link_netns(l));
	snprintf(ifn, sizeof(ifn), "%s", hx_link_ifname(l));
	test_netns_setup(l, "t");
	test_spawn(l);
	if (member[0])
		test_igmp(l);
	CHECK(hx_link_send_at(l, 0, f, 13, NULL, err, sizeof(err)) == -1 && strstr(err, "13"),
	      "13-octet frame: '%s'", err);

	pid = hx_link_spawn(l, "sleep 100; true", NULL, NULL, err, sizeof(err));
	CHECK(pid > 0, "spawn: %s", err);
	n = netns_pids_wait(ns, in, 8, 2);
	CHECK(n == 2, "ip netns pids: %d processes, want sh and sleep", n);
	hx_link_close(l);
	if (pid > 0)
		CHECK(wait_child(pid, 3000, &st) && WIFSIGNALED(st),
		      "the spawned shell was not killed by close (status %#x)", st);
	for (int i = 0; i < n; i++)
		CHECK(!proc_alive(in[i]), "process %ld survived close", (long)in[i]);
	CHECK(!netns_exists(ns), "namespace %s survived close", ns);
	CHECK(!strstr(sh_out(err, sizeof(err), "ip netns list"), ns), "ip netns list shows %s",
	      ns);
	CHECK(!sh("ip link show dev %s", ifn), "TAP %s survived close", ifn);
}

/* Two links at once: each sees its own IUT only. */
static void test_two(void)
{
	struct hx_link *a = open_netns("a"), *b = open_netns("b");
	uint32_t ga = IP4(239, 1, 1, 10), gb = IP4(239, 1, 1, 11);
	int a_own = 0, a_other = 0, b_own = 0, b_other = 0;
	pid_t pa = -1, pb = -1;

	if (a && b) {
		CHECK(strcmp(hx_link_netns(a), hx_link_netns(b)), "same namespace name");
		CHECK(strcmp(hx_link_ifname(a), hx_link_ifname(b)), "same interface name");
		CHECK(memcmp(hx_link_mac(a), hx_link_mac(b), 6), "same tester MAC");
	}
	if (a && b && member[0]) {
		pa = spawn_member(a, "239.1.1.10");
		pb = spawn_member(b, "239.1.1.11");
		/* The join's report and its retransmission (within 1 s). */
		for (uint64_t end = hx_now_ns() + 2500 * MS; hx_now_ns() < end;) {
			struct hx_link *ls[2] = { a, b };

			for (int i = 0; i < 2; i++) {
				uint8_t buf[2048];
				char err[256];
				struct igmp g;
				ssize_t n = hx_link_recv(ls[i], buf, sizeof(buf),
							 hx_now_ns() + 10 * MS, NULL, err,
							 sizeof(err));

				if (n <= 0 || !igmp_of(buf, (size_t)n, &g))
					continue;
				*(i ? &b_own : &a_own) += v3_record(&g, 0, i ? gb : ga);
				*(i ? &b_other : &a_other) += v3_record(&g, 0, i ? ga : gb);
			}
		}
		CHECK(a_own > 0 && b_own > 0, "reports: %d on a, %d on b", a_own, b_own);
		CHECK(a_other == 0 && b_other == 0, "crossed reports: %d on a, %d on b", a_other,
		      b_other);
		hx_kill_group(pa, 1000);
		hx_kill_group(pb, 1000);
	}
	hx_link_close(a);
	hx_link_close(b);
}

/* A second link in the first's namespace (a router's source link): its TAP
 * is there with its own address, a bridge of both TAPs carries a frame
 * sent on it to the first, and closing it leaves the namespace to the
 * first. */
static void test_join(void)
{
	struct hx_link *a = open_netns("j"), *s = NULL;
	struct hx_link_spec spec = { .attach = HX_ATTACH_NETNS, .tag = "j",
				     .iut_addr = IP4(198, 51, 100, 2),
				     .tester_addr = IP4(198, 51, 100, 1) };
	char err[256], out[2048], want[64], sifn[16] = "";

	if (!a)
		return;
	spec.join = "elsewhere";
	CHECK(!hx_link_open(&spec, err, sizeof(err)) && strstr(err, "elsewhere"),
	      "joining a namespace not of ours: '%s'", err);
	spec.join = hx_link_netns(a);
	s = hx_link_open(&spec, err, sizeof(err));
	CHECK(s, "opening the joining link: %s", err);
	if (!s) {
		hx_link_close(a);
		return;
	}
	snprintf(sifn, sizeof(sifn), "%s", hx_link_ifname(s));
	snprintf(want, sizeof(want), "igmpx%lds%s", (long)getpid(), "j");
	CHECK(!strcmp(sifn, want) || (strlen(sifn) == 15 && sifn[strlen(sifn) - 2] == 's'),
	      "joining link's interface %s, want %s (or its cut)", sifn, want);
	CHECK(!strcmp(hx_link_netns(s), hx_link_netns(a)), "namespace %s, want %s",
	      hx_link_netns(s), hx_link_netns(a));
	CHECK(memcmp(hx_link_mac(a), hx_link_mac(s), 6), "same tester MAC on both links");
	sh_out(out, sizeof(out), "ip -n %s -4 -o addr show dev %s", hx_link_netns(a), sifn);
	CHECK(strstr(out, "inet 198.51.100.2/24"), "address of %s: %s", sifn, out);
	sh_out(out, sizeof(out), "ip netns exec %s cat /proc/sys/net/ipv4/conf/%s/rp_filter",
	       hx_link_netns(a), sifn);
	CHECK(!strcmp(out, "0\n"), "rp_filter of %s: '%s'", sifn, out);
	/* A bridge of both TAPs carries a frame from the joining link to
	 * the first. */
	CHECK(sh("ip -n %s addr flush dev %s && ip -n %s addr flush dev %s && "
		 "ip -n %s link add br0 type bridge && ip -n %s link set %s master br0 && "
		 "ip -n %s link set %s master br0 && ip -n %s link set br0 up",
		 hx_link_netns(a), hx_link_ifname(a), hx_link_netns(a), sifn, hx_link_netns(a),
		 hx_link_netns(a), hx_link_ifname(a), hx_link_netns(a), sifn, hx_link_netns(a)),
	      "bridging the two TAPs");
	uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, buf[2048];
	memcpy(f + 6, hx_link_mac(s), 6);
	f[12] = 0x88, f[13] = 0xb5;     /* local experimental EtherType */
	memcpy(f + 14, "igmpx-join", 10);
	bool seen = false;
	for (int i = 0; i < 50 && !seen; i++) {   /* until the ports forward */
		CHECK(hx_link_send_at(s, 0, f, sizeof(f), NULL, err, sizeof(err)) == 0,
		      "sending on the joining link: %s", err);
		for (ssize_t n; !seen && (n = hx_link_recv(a, buf, sizeof(buf),
							    hx_now_ns() + 100 * MS, NULL, err,
							    sizeof(err))) > 0;)
			seen = n >= 24 && !memcmp(buf + 14, "igmpx-join", 10);
	}
	CHECK(seen, "a frame sent on the joining link did not reach the first through the bridge");
	hx_link_close(s);
	CHECK(netns_exists(hx_link_netns(a)), "closing the joining link removed the namespace");
	CHECK(!sh("ip -n %s link show dev %s", hx_link_netns(a), sifn), "TAP %s survived close",
	      sifn);
	hx_link_close(a);
}

/* A harness SIGKILLed after hx_link_open leaves its namespace (and what
 * runs in it); its parent removes them by name. */
static void test_crash_cleanup(void)
{
	int p[2], st;
	char ns[64] = "", ifn[32];
	pid_t child, in[8];
	ssize_t n;
	int np;

	if (pipe(p) < 0) {
		CHECK(0, "pipe: %s", strerror(errno));
		return;
	}
	child = fork();
	if (child == 0) {
		struct hx_link *l = open_netns("c");
		char err[256];

		close(p[0]);
		if (!l || hx_link_spawn(l, "sleep 100; true", NULL, NULL, err, sizeof(err)) < 0)
			_exit(1);
		if (write(p[1], hx_link_netns(l), strlen(hx_link_netns(l))) < 0)
			_exit(1);
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	n = child > 0 ? read(p[0], ns, sizeof(ns) - 1) : -1;
	close(p[0]);
	CHECK(n > 0, "the child made no link");
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, &st, 0);
	}
	if (n <= 0)
		return;
	ns[n] = 0;
	snprintf(ifn, sizeof(ifn), "igmpx%ldtc", (long)child);
	CHECK(netns_exists(ns), "the killed child's namespace %s is not there", ns);
	np = netns_pids_wait(ns, in, 8, 2);
	CHECK(np == 2, "%d processes in %s, want sh and sleep", np, ns);
	CHECK(hx_link_cleanup_by_name(ns) == 0, "hx_link_cleanup_by_name(%s) failed", ns);
	CHECK(!netns_exists(ns), "%s still there after the cleanup", ns);
	for (int i = 0; i < np; i++)
		CHECK(!proc_alive(in[i]), "process %ld survived the cleanup", (long)in[i]);
	CHECK(!sh("ip link show dev %s", ifn), "the child's TAP %s came back", ifn);
	CHECK(hx_link_cleanup_by_name(ns) == 0, "a second cleanup of %s is not 0", ns);
	CHECK(hx_link_cleanup_by_name("igmpx-1-nothing") == 0, "cleanup of a missing namespace");
	CHECK(hx_link_cleanup_by_name("other") == -1, "cleanup of a namespace not ours");
	CHECK(hx_link_cleanup_by_name("igmpx-../x") == -1, "cleanup of a path");
}

/* ---- TAP and IFACE, in a private namespace ---- */

static void test_tap_mode(void)
{
	struct hx_link_spec s = { .attach = HX_ATTACH_TAP, .name = "igmpxtapT", .tag = "T",
				  .iut_addr = IUT, .tester_addr = TESTER };
	char err[256], out[1024];
	struct hx_link *l = hx_link_open(&s, err, sizeof(err));
	pid_t pid;
	int st = 0;

	CHECK(l, "TAP mode: %s", err);
	if (!l)
		return;
	CHECK(!hx_link_netns(l) && !strcmp(hx_link_ifname(l), "igmpxtapT"), "TAP mode names");
	sh_out(out, sizeof(out), "ip -o link show dev igmpxtapT");
	CHECK(strstr(out, ",UP"), "TAP not up: %s", out);
	sh_out(out, sizeof(out), "ip -o addr show dev igmpxtapT");
	CHECK(out[0] == 0, "TAP has addresses: %s", out);
	CHECK(file_has("/proc/sys/net/ipv6/conf/igmpxtapT/disable_ipv6", "1"), "IPv6 on on TAP");
	/* Spawned in the harness's own namespace. */
	pid = hx_link_spawn(l, "ip link show dev igmpxtapT", NULL, NULL, err, sizeof(err));
	CHECK(pid > 0 && wait_child(pid, 5000, &st) && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "TAP mode spawn does not see the TAP (%s)", pid > 0 ? "exit" : err);
	hx_link_close(l);
	CHECK(!sh("ip link show dev igmpxtapT"), "TAP survived close");

	/* A persistent TAP the user made (and bridged): attached, kept. */
	CHECK(sh("ip tuntap add dev igmpxtapP mode tap"), "ip tuntap add");
	s.name = "igmpxtapP";
	l = hx_link_open(&s, err, sizeof(err));
	CHECK(l, "TAP mode on a persistent TAP: %s", err);
	hx_link_close(l);
	CHECK(sh("ip link show dev igmpxtapP"), "the user's persistent TAP was removed");
	sh("ip tuntap del dev igmpxtapP mode tap");

	s.name = "lo";
	CHECK(!hx_link_open(&s, err, sizeof(err)) && strstr(err, "lo"), "TAP over lo: '%s'", err);
}

static void test_iface_mode(void)
{
	struct hx_link_spec s0 = { .attach = HX_ATTACH_IFACE, .name = "igmpxv0", .tag = "i0",
				   .iut_addr = IUT, .tester_addr = TESTER };
	struct hx_link_spec s1 = s0;
	struct hx_link *l0, *l1;
	uint8_t f[100], buf[200];
	char err[256];
	uint64_t sent = 0, t = 0;
	ssize_t n;

	CHECK(sh("ip link add igmpxv0 type veth peer name igmpxv1 && "
		 "ip link set igmpxv0 up && ip link set igmpxv1 up"), "veth pair");
	s1.name = "igmpxv1";
	s1.tag = "i1";
	l0 = hx_link_open(&s0, err, sizeof(err));
	CHECK(l0, "IFACE igmpxv0: %s", err);
	l1 = hx_link_open(&s1, err, sizeof(err));
	CHECK(l1, "IFACE igmpxv1: %s", err);
	if (l0 && l1) {
		CHECK(!hx_link_netns(l0) && !strcmp(hx_link_ifname(l0), "igmpxv0"), "names");
		/* Unicast to the peer's tester MAC, which is not its interface's. */
		for (size_t i = 0; i < sizeof(f); i++)
			f[i] = (uint8_t)i;
		memcpy(f, hx_link_mac(l1), 6);
		memcpy(f + 6, hx_link_mac(l0), 6);
		f[12] = 0x88;                  /* local experimental EtherType */
		f[13] = 0xb5;
		/* The arrival is the kernel's stamp: after the time the send was
		 * asked for (it waits until then) and before the read returned,
		 * however the two threads were scheduled in between; 100 us for
		 * carrying the stamp from the wall clock to the monotonic one. */
		uint64_t at = hx_now_ns() + 5 * MS;
		CHECK(hx_link_send_at(l0, at, f, sizeof(f), &sent, err, sizeof(err)) == 0,
		      "IFACE send: %s", err);
		n = hx_link_recv(l1, buf, sizeof(buf), hx_now_ns() + SEC, &t, err, sizeof(err));
		CHECK(n == (ssize_t)sizeof(f) && !memcmp(buf, f, sizeof(f)),
		      "IFACE receive: %zd (%s)", n, n < 0 ? err : "");
		CHECK(t + 100000 >= at && t <= hx_now_ns(), "arrival %lld ns from the time the send was "
		      "asked for, %lld ns from its return", (long long)(t - at),
		      (long long)(t - sent));
		n = hx_link_recv(l0, buf, sizeof(buf), hx_now_ns() + 200 * MS, NULL, err,
				 sizeof(err));
		CHECK(n == 0, "the sender read its own frame back (%zd)", n);

		/* Multicast the other way, into a short buffer. */
		memcpy(f, (const uint8_t[]){ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 6);
		memcpy(f + 6, hx_link_mac(l1), 6);
		CHECK(hx_link_send_at(l1, 0, f, sizeof(f), NULL, err, sizeof(err)) == 0,
		      "IFACE send: %s", err);
		memset(buf, 0, sizeof(buf));
		n = hx_link_recv(l0, buf, 20, hx_now_ns() + SEC, NULL, err, sizeof(err));
		CHECK(n == (ssize_t)sizeof(f) && !memcmp(buf, f, 20) && buf[20] == 0,
		      "IFACE multicast into 20 octets: %zd", n);
	}
	hx_link_close(l0);
	hx_link_close(l1);
	sh("ip link del igmpxv0");

	s0.name = "igmpxnone0";
	CHECK(!hx_link_open(&s0, err, sizeof(err)) && strstr(err, "igmpxnone0"),
	      "missing interface: '%s'", err);
	s0.name = "lo";
	CHECK(!hx_link_open(&s0, err, sizeof(err)) && strstr(err, "not an Ethernet"),
	      "IFACE over lo: '%s'", err);
}

/* A namespace under this process's pid that the link has not made was left
 * by an earlier process with the same pid: the open removes it, and what
 * ran in it, and makes its own.  A NETNS open that fails half-way leaves
 * nothing: the TAP it had made goes. */
static void test_netns_partial(void)
{
	char path[128], ifn[32], ns[64], out[256], err[256];
	struct hx_link_spec s = { .attach = HX_ATTACH_NETNS, .tag = "y", .iut_addr = IUT,
				  .tester_addr = TESTER };
	struct hx_link *l;
	struct stat before, after;
	long sleeper;
	int fd;

	snprintf(ns, sizeof(ns), "igmpx-%ld-y", (long)getpid());
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	CHECK(sh("ip netns add %s", ns), "ip netns add %s", ns);
	sleeper = atol(sh_out(out, sizeof(out),
			      "ip netns exec %s sh -c 'sleep 60 >/dev/null 2>&1 & echo $!'", ns));
	CHECK(sleeper > 0 && stat(path, &before) == 0, "stale namespace %s not made", ns);
	l = hx_link_open(&s, err, sizeof(err));
	CHECK(l, "stale namespace %s not replaced: %s", ns, err);
	CHECK(stat(path, &after) == 0 && after.st_ino != before.st_ino,
	      "%s is still the stale namespace", ns);
	CHECK(sleeper > 0 && !proc_alive((pid_t)sleeper),
	      "process %ld of the stale namespace still runs", sleeper);
	hx_link_close(l);
	CHECK(access(path, F_OK) != 0, "%s left after close", ns);

	/* Only a file of that name (a run killed between making it and
	 * binding the namespace on it): replaced the same way. */
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0);
	CHECK(fd >= 0, "cannot make %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	l = hx_link_open(&s, err, sizeof(err));
	CHECK(l, "stale file %s not replaced: %s", path, err);
	hx_link_close(l);
	CHECK(access(path, F_OK) != 0, "%s left after close", path);

	/* The TAP's name taken: refused before any namespace is made. */
	s.tag = "z";
	snprintf(ifn, sizeof(ifn), "igmpx%ldtz", (long)getpid());
	CHECK(sh("ip tuntap add dev %s mode tap", ifn), "ip tuntap add %s", ifn);
	CHECK(!hx_link_open(&s, err, sizeof(err)) && strstr(err, ifn), "TAP name taken: '%s'",
	      err);
	snprintf(path, sizeof(path), "/run/netns/igmpx-%ld-z", (long)getpid());
	CHECK(access(path, F_OK) != 0, "failed open left %s", path);
	sh("ip tuntap del dev %s mode tap", ifn);
}

/* The child's own namespace stands for the harness's, so that the TAPs and
 * veths made here never show in the machine's.  Counters come back through
 * the pipe. */
static void test_private(void)
{
	int p[2], counts[2] = { 0, 0 };
	pid_t child;

	fflush(stdout);
	if (pipe(p) < 0) {
		CHECK(0, "pipe: %s", strerror(errno));
		return;
	}
	child = fork();
	if (child == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET) < 0) {
			printf("unshare: %s\n", strerror(errno));
			_exit(1);
		}
		sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
		   "net.ipv6.conf.default.disable_ipv6=1");
		test_tap_mode();
		test_iface_mode();
		test_netns_partial();
		counts[0] = passed;
		counts[1] = failed;
		fflush(stdout);
		_exit(write(p[1], counts, sizeof(counts)) == sizeof(counts) ? 0 : 1);
	}
	close(p[1]);
	CHECK(child > 0 && read(p[0], counts, sizeof(counts)) == sizeof(counts),
	      "the TAP/IFACE child died");
	close(p[0]);
	if (child > 0)
		waitpid(child, NULL, 0);
	if (counts[0] || counts[1]) {
		passed = counts[0];
		failed = counts[1];
	}
}

static void find_member(const char *arg)
{
	char self[PATH_MAX], *slash;
	const char *env = getenv("IGMPX_MEMBER");
	ssize_t n;

	if (arg && *arg)
		snprintf(member, sizeof(member), "%s", arg);
	else if (env && *env)
		snprintf(member, sizeof(member), "%s", env);
	else if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash)
			*slash = 0;
		snprintf(member, sizeof(member), "%.*s/igmpx-member", PATH_MAX - 64, self);
	}
	if (member[0] && access(member, X_OK) != 0) {
		printf("note: no igmpx-member at %s: the IGMP checks are left out\n", member);
		member[0] = 0;
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("harness.link: skipped: needs root (namespaces, TAPs)\n");
		return 77;
	}
	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		printf("harness.link: skipped: no /dev/net/tun\n");
		return 77;
	}
	find_member(argc > 1 ? argv[1] : NULL);
	test_errors();
	test_netns();
	test_two();
	test_join();
	test_crash_cleanup();
	test_private();
	printf("harness.link: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
