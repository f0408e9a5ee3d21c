/* test_timing.c: unit tests of core/timing.  Each test feeds a short
 * sequence of synthetic packets (core builders + igmpx_ipv4_build) with
 * times, and a twin that differs only in what the rule is about: the rule
 * fires in one and not in the other. */
#include "timing-int.h"
#include "ip.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST_COUNTERS;
#define R1 IP4(192, 0, 2, 1)
#define R2 IP4(192, 0, 2, 2)
#define H1 IP4(192, 0, 2, 10)
#define G1 IP4(239, 1, 1, 1)
#define S1 IP4(198, 51, 100, 1)
#define T0 0ull                       /* microseconds: 0 is a time like any other */
#define AT(s) (T0 + (uint64_t)((s) * 1e6))

/* ---- The run: a link, its findings and events ---------------------------------- */

static struct igmpx_link *link;
/* Fed the same packets through igmpx_link_feed_parsed: must agree. */
static struct igmpx_link *twin;
static uint32_t frame;
static struct igmpx_tfinding found[256];
static size_t nfound;
static struct igmpx_link_event evs[256];

static unsigned startup_ds;         /* the next start()'s Startup Query Interval, 0: QI/4 */
static bool starts_seen, configured; /* the next start()'s cfg.starts_seen, cfg.configured */

static void start(unsigned tolerance_ms)
{
	struct igmpx_link_config cfg;
	igmpx_link_config_defaults(&cfg);
	cfg.tolerance_ms = tolerance_ms;
	cfg.startup_ds = startup_ds;
	cfg.starts_seen = starts_seen;
	cfg.configured = configured;
	igmpx_link_free(link);
	link = igmpx_link_new(&cfg);
	igmpx_link_free(twin);
	twin = igmpx_link_new(&cfg);
	frame = 0;
	nfound = 0;
	memset(evs, 0, sizeof(evs));
}

static void feed(double s, uint32_t src, uint32_t dst, struct igmpx_wbuf *w)
{
	struct igmpx_ipv4_spec spec;
	uint8_t ip[1600];
	size_t n;

	igmpx_finish(w);
	igmpx_ipv4_defaults(&spec, src, dst);
	n = igmpx_ipv4_build(&spec, w->p, w->len, ip, sizeof(ip));
	frame++;
	size_t at = nfound < 256 ? nfound : 256;
	size_t k = igmpx_link_feed(link, frame, AT(s), ip, n, &evs[frame % 256],
				   found + at, 256 - at);

	struct igmpx_ipv4 h;
	struct igmpx_msg m;
	struct igmpx_link_event ev;
	static struct igmpx_tfinding tf[256];
	CHECK(igmpx_ipv4_parse(ip, n, &h), "frame %u: IPv4 header", frame);
	igmpx_parse_to(ip + h.payload_off, h.payload_len, h.dst, &m);
	size_t tk = igmpx_link_feed_parsed(twin, frame, AT(s), &h, ip + h.payload_off, &m, &ev,
					   tf, 256 - at);
	bool same = tk == k && memcmp(&ev, &evs[frame % 256], sizeof(ev)) == 0;
	for (size_t i = 0; same && i < k && i < 256 - at; i++)
		same = tf[i].rule == found[at + i].rule && tf[i].frame == found[at + i].frame &&
		       strcmp(tf[i].text, found[at + i].text) == 0;
	CHECK(same,
	      "frame %u: igmpx_link_feed_parsed differs from igmpx_link_feed", frame);
	nfound += k;
}

static void finish(double s)
{
	size_t at = nfound < 256 ? nfound : 256;
	nfound += igmpx_link_finish(link, AT(s), found + at, 256 - at);
}

/* How many findings of rule r are about frame f (0: any frame). */
static unsigned count(enum igmpx_rule r, uint32_t f)
{
	unsigned n = 0;
	for (size_t i = 0; i < nfound && i < 256; i++)
		if (found[i].rule == r && (!f || found[i].frame == f))
			n++;
	return n;
}

static const char *text(enum igmpx_rule r)
{
	for (size_t i = 0; i < nfound && i < 256; i++)
		if (found[i].rule == r)
			return found[i].text;
	return "";
}

static void dump(void)
{
	for (size_t i = 0; i < nfound && i < 256; i++)
		printf("    frame %u %s: %s\n", found[i].frame, igmpx_rules[found[i].rule].id,
		       found[i].text);
}

/* ---- Packets ------------------------------------------------------------------- */

static uint8_t buf[1600];
static struct igmpx_wbuf w;

static void v3query(double s, uint32_t src, uint32_t group, uint8_t mrc, uint8_t qrv,
		    uint8_t qqic)
{
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v3_query(&w, mrc, group, 0, 0, qrv, qqic, 0, NULL, 0);
	feed(s, src, group ? group : IP4(224, 0, 0, 1), &w);
}

/* A Group-and-Source query for S1, S flag clear. */
static void v3gssq(double s, uint32_t src, uint32_t group, uint8_t mrc)
{
	uint32_t srcs[1] = { S1 };
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v3_query(&w, mrc, group, 0, 0, 2, 125, 1, srcs, 1);
	feed(s, src, group, &w);
}

static void v12(double s, uint32_t src, uint8_t type, uint8_t code, uint32_t group)
{
	uint32_t dst = type == IGMPX_T_V2_LEAVE ? IP4(224, 0, 0, 2) :
		       group ? group : IP4(224, 0, 0, 1);
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v12(&w, type, code, group);
	feed(s, src, dst, &w);
}

static void v3report(double s, uint32_t src, uint8_t rtype, uint32_t group, unsigned nsrc)
{
	uint32_t srcs[1] = { S1 };
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v3_report(&w, 0, 0, 1);
	igmpx_build_v3_record(&w, rtype, 0, (uint16_t)nsrc, group, srcs, nsrc);
	feed(s, src, IP4(224, 0, 0, 22), &w);
}

/* ---- Tests --------------------------------------------------------------------- */

/* RFC 9776 §5.2: a report within Max Resp Time links; later, it is late. */
static void test_report_late(void)
{
	for (int late = 0; late <= 1; late++) {
		start(0);
		v3query(1, R1, 0, 20, 2, 125);                  /* 2.0 s */
		v3report(late ? 5.2 : 2.5, H1, 2, G1, 0);       /* IS_EX */
		CHECK(evs[2].response_to == 1, "response_to %u", evs[2].response_to);
		CHECK(evs[2].response_time_us == (late ? 4200000u : 1500000u), "time");
		CHECK(count(IGMPX_RULE_report_late, 2) == (unsigned)late, "late %d", late);
	}
	CHECK(strcmp(text(IGMPX_RULE_report_late), "report 4.20 s after the query it answers, "
		     "Max Resp Time 2.0 s (tolerance 0 ms) (RFC 9776 §5.2)") == 0, "%s",
	      text(IGMPX_RULE_report_late));
	/* The tolerance widens the window. */
	start(300);
	v3query(1, R1, 0, 20, 2, 125);
	v3report(3.2, H1, 2, G1, 0);
	CHECK(count(IGMPX_RULE_report_late, 0) == 0, "within tolerance");
	/* A state-change record answers nothing. */
	start(0);
	v3query(1, R1, 0, 20, 2, 125);
	v3report(1.5, H1, 5, G1, 1);
	CHECK(evs[2].response_to == 0, "ALLOW is unsolicited");
}

/* RFC 2236 §3: a v2 report after Max Response Time; the group query wins. */
static void test_v2_report_late(void)
{
	for (int late = 0; late <= 1; late++) {
		start(0);
		v12(0.5, H1, IGMPX_T_V2_REPORT, 0, G1);         /* join: a member */
		v12(1, R1, IGMPX_T_QUERY, 20, 0);
		v12(2, R1, IGMPX_T_QUERY, 10, G1);
		v12(late ? 3.5 : 2.5, H1, IGMPX_T_V2_REPORT, 0, G1);
		CHECK(evs[4].response_to == 3, "answers the group query: %u", evs[4].response_to);
		CHECK(count(IGMPX_RULE_v2_report_late, 4) == (unsigned)late, "late %d", late);
		CHECK(count(IGMPX_RULE_older_querier, 2) == 1, "v2 querier told");
		/* Not a member: a report after Max Resp Time is a join. */
		start(0);
		v12(1, R1, IGMPX_T_QUERY, 20, 0);
		v12(3.5, H1, IGMPX_T_V2_REPORT, 0, G1);
		CHECK(evs[2].response_to == 0 && count(IGMPX_RULE_v2_report_late, 0) == 0, "join");
	}
}

/* RFC 9776 §6.6.2: election by address, grace for a scheduled query. */
static void test_election(void)
{
	for (int stays = 0; stays <= 1; stays++) {
		start(0);
		v3query(0, R2, 0, 100, 2, 125);
		v3query(10, R1, 0, 100, 2, 125);
		v3query(stays ? 125 : 10.5, R2, 0, 100, 2, 125);
		CHECK(count(IGMPX_RULE_queriers_several, 2) == 1, "several");
		CHECK(count(IGMPX_RULE_querier_not_lowest, 3) == (unsigned)stays, "stays %d", stays);
	}
	/* OQPI = 2 * 10 + 10 / 2 = 25 s: resuming after it is a takeover. */
	for (int early = 0; early <= 1; early++) {
		start(0);
		v3query(0, R1, 0, 100, 2, 10);
		v3query(0.5, R2, 0, 100, 2, 10);
		v3query(early ? 20 : 25.5, R2, 0, 100, 2, 10);
		CHECK(count(IGMPX_RULE_querier_takeover, 3) == (unsigned)!early, "takeover");
		CHECK(count(IGMPX_RULE_querier_not_lowest, 3) == (unsigned)early, "early");
	}
}

/* RFC 4541 §2.1.1: proxy queries from 0.0.0.0 take no part in the
 * election: the querier beside them is neither "not lowest" nor one of
 * several, and its interval is still judged. */
static void test_proxy_queries(void)
{
	start(0);
	v3query(0, R1, 0, 100, 2, 125);
	v3query(1, 0, 0, 100, 2, 125);          /* a snooping switch's proxy */
	v3query(125, R1, 0, 100, 2, 125);
	CHECK(count(IGMPX_RULE_querier_not_lowest, 0) == 0, "proxy elected");
	CHECK(count(IGMPX_RULE_queriers_several, 0) == 0, "proxy counted as a router");
	v3query(125 + 200, R1, 0, 100, 2, 125);
	CHECK(count(IGMPX_RULE_query_interval, 4) == 1, "interval no longer judged");
}

/* RFC 9776 §8.2, §8.6, §8.7: QQI 20 s, startup 2 queries 5 s apart, in
 * a capture that shows the querier start (cfg.starts_seen), with the
 * Startup Query Count and Interval known (cfg.configured, a harness
 * profile); unknown, the same startup is judged against the defaults, a
 * fact. */
static void test_intervals(void)
{
	const double good[] = { 0, 5, 25, 45, 65 }, bad[] = { 0, 8, 28, 48, 63 };
	starts_seen = true;
	configured = true;
	for (int b = 0; b <= 1; b++) {
		start(0);
		for (int i = 0; i < 5; i++)
			v3query(b ? bad[i] : good[i], R1, 0, 100, 2, 20);
		CHECK(count(IGMPX_RULE_startup_queries, 2) == (unsigned)b, "startup %d", b);
		CHECK(count(IGMPX_RULE_query_interval, 5) == (unsigned)b, "interval %d", b);
		CHECK(count(IGMPX_RULE_query_interval, 0) == (unsigned)b, "only one");
		CHECK(evs[5].querier_frame == 4, "querier_frame");
	}
	/* A configured Startup Query Interval (8 s here, not QI/4 = 5 s):
	 * 8 s is right, 5 s is not. */
	for (int b = 0; b <= 1; b++) {
		const double conf[] = { 0, 8, 28, 48, 68 };
		startup_ds = 80;
		start(0);
		for (int i = 0; i < 5; i++)
			v3query(b ? good[i] : conf[i], R1, 0, 100, 2, 20);
		CHECK(count(IGMPX_RULE_startup_queries, 2) == (unsigned)b, "configured startup %d", b);
		startup_ds = 0;
	}
	/* A third query at the startup interval: too many. */
	start(0);
	v3query(0, R1, 0, 100, 2, 20);
	v3query(5, R1, 0, 100, 2, 20);
	v3query(10, R1, 0, 100, 2, 20);
	CHECK(count(IGMPX_RULE_startup_queries, 3) == 1, "startup count");
	configured = false;
	start(0);
	v3query(0, R1, 0, 100, 2, 20);
	v3query(5, R1, 0, 100, 2, 20);
	v3query(10, R1, 0, 100, 2, 20);
	CHECK(count(IGMPX_RULE_startup_default, 3) == 1 && count(IGMPX_RULE_startup_queries, 0) == 0,
	      "startup count against the defaults: a fact");
	/* Shown as a start by time: the link heard for more than QI + QI/8
	 * before the querier's first query. */
	starts_seen = false;
	start(0);
	v3report(0, H1, 2, G1, 0);
	for (int i = 0; i < 4; i++)
		v3query(30 + bad[i], R1, 0, 100, 2, 20);
	CHECK(count(IGMPX_RULE_startup_default, 3) == 1, "start shown by the quiet before");
	/* A capture that begins with the querier's first query does not show
	 * its start: a short first gap may be a startup, judged by neither
	 * rule; one of QI ends the doubt. */
	start(0);
	for (int i = 0; i < 4; i++)
		v3query(bad[i], R1, 0, 100, 2, 20);
	CHECK(nfound == 0, "startup not shown: %zu findings", nfound);
	start(0);
	for (int i = 0; i < 4; i++)
		v3query(20.0 * i, R1, 0, 100, 2, 20);
	CHECK(nfound == 0, "periodic from the first gap: %zu findings", nfound);
	/* Timer granularity: 4.10 s for QQI 4 is late by under an eighth. */
	start(0);
	const double wheel[] = { 0, 4.1, 8.2, 12.3, 17.5 };
	for (int i = 0; i < 5; i++)
		v3query(wheel[i], R1, 0, 10, 2, 4);
	CHECK(count(IGMPX_RULE_query_interval, 0) == 1 &&
	      count(IGMPX_RULE_query_interval, 5) == 1, "granular, then late");
	/* An IGMPv2 querier: its own gaps are its interval. */
	start(0);
	const double v2[] = { 0, 60, 120, 180, 270, 360 };
	for (int i = 0; i < 6; i++)
		v12(v2[i], R1, IGMPX_T_QUERY, 100, 0);
	CHECK(count(IGMPX_RULE_v2_query_interval, 0) == 1 &&
	      count(IGMPX_RULE_v2_query_interval, 5) == 1, "v2 interval not kept");
}

/* igmpx_timer_slack: the band the dissector and the harness share. */
static void test_slack(void)
{
	const uint64_t s = 1000000, tol = 10000;
	CHECK(igmpx_timer_slack(4 * s, 4 * s, tol) == IGMPX_ON_TIME, "exact");
	CHECK(igmpx_timer_slack(4 * s - tol, 4 * s, tol) == IGMPX_ON_TIME, "early in tol");
	CHECK(igmpx_timer_slack(4 * s - tol - 1, 4 * s, tol) == IGMPX_OFF, "early: no band");
	CHECK(igmpx_timer_slack(4 * s + tol + 1, 4 * s, tol) == IGMPX_GRANULAR, "late");
	CHECK(igmpx_timer_slack(4 * s + tol + s / 2, 4 * s, tol) == IGMPX_GRANULAR, "an eighth");
	CHECK(igmpx_timer_slack(4 * s + tol + s / 2 + 1, 4 * s, tol) == IGMPX_OFF, "beyond");
}

/* One leave sequence: GQ, member report, TO_IN{}, then queries at times q. */
static void leave_v3(const double *q, const uint8_t *mrc, int n, double end)
{
	start(0);
	v3query(0, R1, 0, 100, 2, 125);
	v3report(1, H1, 2, G1, 0);
	v3report(19.8, H1, 3, G1, 0);
	v3report(20, H1, 3, G1, 0);
	for (int i = 0; i < n; i++)
		v3query(q[i], R1, G1, mrc[i], 2, 125);
	finish(end);
}

/* RFC 9776 §6.6.3.1, §8.8, §8.9. */
static void test_lmq(void)
{
	const double good[] = { 20.01, 21.01 }, slow[] = { 20.01, 22.01 };
	const uint8_t ten[] = { 10, 10 }, mixed[] = { 10, 20 };

	leave_v3(good, ten, 2, 30);
	CHECK(nfound == 0, "clean leave");
	if (nfound)
		dump();
	leave_v3(good, ten, 1, 30);
	CHECK(count(IGMPX_RULE_lmq_count_default, 5) == 1 && count(IGMPX_RULE_lmq_count, 0) == 0,
	      "one query of two: LMQC not shown, the default assumed");
	configured = true;
	leave_v3(good, ten, 1, 30);
	configured = false;
	CHECK(count(IGMPX_RULE_lmq_count, 5) == 1, "one query of two, LMQC configured");
	leave_v3(good, mixed, 2, 30);
	CHECK(count(IGMPX_RULE_lmq_max_resp, 6) == 1, "max resp");
	CHECK(count(IGMPX_RULE_lmq_interval, 0) == 0, "interval still 1 s");
	leave_v3(slow, ten, 2, 30);
	CHECK(count(IGMPX_RULE_lmq_interval, 6) == 1, "2 s apart");
	leave_v3(good, ten, 0, 30);
	CHECK(count(IGMPX_RULE_lmq_count, 3) == 1, "no query at all");
	/* Table 9, EXCLUDE (X, Y) + TO_IN (A): Q(G, X-A) goes out with each
	 * Q(G); the Group-and-Source queries are not the sequence's. */
	start(0);
	v3query(0, R1, 0, 100, 2, 125);
	v3report(1, H1, 2, G1, 0);
	v3report(19.8, H1, 3, G1, 0);
	v3report(20, H1, 3, G1, 0);
	v3query(20.01, R1, G1, 10, 2, 125);
	v3gssq(20.01, R1, G1, 10);
	v3query(21.01, R1, G1, 10, 2, 125);
	v3gssq(21.01, R1, G1, 10);
	finish(30);
	CHECK(nfound == 0, "Q(G) with Q(G,X) beside it: a clean sequence");
	if (nfound)
		dump();
	/* The capture ends before the window: not judged. */
	leave_v3(good, ten, 0, 21);
	CHECK(count(IGMPX_RULE_lmq_count, 0) == 0, "open at the end");
	/* v2: a report ends the Checking Membership state (RFC 2236 §7). */
	for (int report = 0; report <= 1; report++) {
		start(0);
		v12(0, R1, IGMPX_T_QUERY, 100, 0);
		v12(1, H1, IGMPX_T_V2_REPORT, 0, G1);
		v12(30, H1, IGMPX_T_V2_LEAVE, 0, G1);
		v12(30.01, R1, IGMPX_T_QUERY, 10, G1);
		if (report)
			v12(30.5, H1, IGMPX_T_V2_REPORT, 0, G1);
		finish(40);
		CHECK(count(IGMPX_RULE_lmq_count, 0) == 0, "v2 querier: RV unknown");
	}
}

/* RFC 9776 §7.2.1, §7.3.2, §8.12. */
static void test_compat(void)
{
	for (int later_s = 0; later_s <= 1; later_s++) {
		start(0);
		v12(1, R1, IGMPX_T_QUERY, 100, 0);
		v3report(later_s ? 300 : 5, H1, 2, G1, 0);
		CHECK(count(IGMPX_RULE_older_querier, 1) == 1, "older querier");
		CHECK(count(IGMPX_RULE_compat_mode, 2) == (unsigned)!later_s, "compat %d", later_s);
	}
	start(0);
	v12(1, R1, IGMPX_T_QUERY, 0, 0);                /* v1 query */
	v12(2, H1, IGMPX_T_V2_REPORT, 0, G1);
	v12(3, H1, IGMPX_T_V1_REPORT, 0, G1);
	CHECK(count(IGMPX_RULE_compat_mode, 2) == 1, "v2 report in v1 mode");
	CHECK(count(IGMPX_RULE_compat_mode, 3) == 0, "v1 report fine");
	/* Under a v1 querier no router runs a compatibility mode for them. */
	CHECK(count(IGMPX_RULE_older_host, 0) == 0, "no older host under a v1 querier");
	CHECK(evs[3].response_to == 1, "v1 report answers the v1 query");

	/* A TO_IN{} retransmission is Send Q(G) again: the querier sends
	 * another query at once, and the next keeps either schedule (the
	 * Linux bridge: queries at 0, 0.03 and 1.0 s after the leave). */
	start(0);
	v3query(0, R1, 0, 100, 2, 125);
	v3report(1, H1, 2, G1, 0);
	v3report(20, H1, 3, G1, 0);
	v3query(20, R1, G1, 10, 2, 125);
	v3report(20.03, H1, 3, G1, 0);
	v3query(20.03, R1, G1, 10, 2, 125);
	v3query(21.01, R1, G1, 10, 2, 125);
	finish(40);
	CHECK(nfound == 0, "repeated leave, repeated query: %zu findings", nfound);
	if (nfound)
		dump();

	/* Under a v3 querier both are older hosts (§7.3.2), once per group. */
	start(0);
	v3query(1, R1, 0, 100, 2, 125);
	v12(2, H1, IGMPX_T_V2_REPORT, 0, G1);
	v12(3, H1, IGMPX_T_V1_REPORT, 0, G1);
	v12(4, H1, IGMPX_T_V2_REPORT, 0, G1);
	CHECK(count(IGMPX_RULE_older_host, 2) == 1 && count(IGMPX_RULE_older_host, 3) == 1 &&
	      count(IGMPX_RULE_older_host, 4) == 0, "older hosts v2, v1 under a v3 querier");
}

/* RFC 9776 §5.1 and RFC 2236 §3. */
static void test_unsolicited(void)
{
	for (int n = 1; n <= 3; n++) {
		start(0);
		for (int i = 0; i < n; i++)
			v3report(1 + 0.4 * i, H1, 5, G1, 1);
		finish(10);
		CHECK(count(IGMPX_RULE_unsolicited_default, 0) == (n != 2) &&
		      count(IGMPX_RULE_unsolicited_count, 0) == 0, "v3 %d times, RV assumed", n);
		/* A querier's QRV shows the RV: RFC 9776 §8, one setting per link. */
		start(0);
		v3query(0, R1, 0, 100, 2, 125);
		for (int i = 0; i < n; i++)
			v3report(1 + 0.4 * i, H1, 5, G1, 1);
		finish(10);
		CHECK(count(IGMPX_RULE_unsolicited_count, 0) == (n != 2), "v3 %d times, QRV 2", n);
	}
	/* A leave ends a v2 join's repeats: join, repeat, leave, join, repeat
	 * are two sequences of 2, not one of 4. */
	start(0);
	v12(1, H1, IGMPX_T_V2_REPORT, 0, G1);
	v12(2, H1, IGMPX_T_V2_REPORT, 0, G1);
	v12(3, H1, IGMPX_T_V2_LEAVE, 0, G1);
	v12(4, H1, IGMPX_T_V2_REPORT, 0, G1);
	v12(5, H1, IGMPX_T_V2_REPORT, 0, G1);
	finish(60);
	CHECK(count(IGMPX_RULE_v2_unsolicited_count, 0) == 0, "rejoin: a new sequence");
	for (int n = 1; n <= 4; n++) {
		start(0);
		for (int i = 0; i < n; i++)
			v12(1 + 4 * i, H1, IGMPX_T_V2_REPORT, 0, G1);
		finish(60);
		CHECK(count(IGMPX_RULE_v2_unsolicited_count, 0) == (n == 1 || n == 4), "v2 %d", n);
	}
	/* A changed record restarts the count; the window closes on a packet. */
	start(0);
	v3report(1, H1, 5, G1, 1);
	v3report(1.2, H1, 4, G1, 0);
	v3report(1.5, H1, 4, G1, 0);
	v3report(9, H1, 2, IP4(239, 1, 1, 2), 0);
	CHECK(count(IGMPX_RULE_unsolicited_default, 0) == 0, "merged change");
}

/* State per querier, group and host: a long run keeps the tables small. */
static void test_memory(void)
{
	start(0);
	for (int i = 0; i < 20000; i++) {
		double s = 125.0 * i;
		v3query(s, R1, 0, 100, 2, 125);
		v3report(s + 1, H1 + (uint32_t)(i % 50), 2, G1 + (uint32_t)i, 0);
		v3report(s + 2, H1, 5, G1 + (uint32_t)i, 1);
		v3report(s + 2.5, H1, 5, G1 + (uint32_t)i, 1);
	}
	CHECK(link->n_groups < 10 && link->n_queries < 10 && link->n_useqs < 5 &&
	      link->n_queriers == 1, "groups %zu queries %zu useqs %zu", link->n_groups,
	      link->n_queries, link->n_useqs);
	CHECK(nfound == 0, "%zu findings", nfound);
	if (nfound)
		dump();
}

int main(void)
{
	test_report_late();
	test_v2_report_late();
	test_election();
	test_proxy_queries();
	test_intervals();
	test_slack();
	test_lmq();
	test_compat();
	test_unsolicited();
	test_memory();
	igmpx_link_free(link);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
