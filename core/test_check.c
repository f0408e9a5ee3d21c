/* test_check.c: unit tests of core/check.  Every CONTENT rule of rules.def
 * has a case: a packet that breaks it (exactly that rule, at the octets
 * named) and its clean twin (nothing).  Then cut buffers (snaplen, ICMP
 * quotes), the order and bound of the findings, and every prefix of a few
 * packets, each checked on a heap copy of exactly its length so that the
 * ASan build catches a read past the end. */
#include "check.h"
#include "codec.h"
#include "ip.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST_COUNTERS;
#define HOST   IP4(192, 0, 2, 10)
#define ROUTER IP4(192, 0, 2, 1)
#define G1     IP4(239, 1, 1, 1)
#define SSM1   IP4(232, 1, 1, 1)
#define S1     IP4(198, 51, 100, 1)
#define S2     IP4(198, 51, 100, 2)
#define ALL_SYSTEMS IP4(224, 0, 0, 1)
#define ALL_ROUTERS IP4(224, 0, 0, 2)
#define ALL_V3      IP4(224, 0, 0, 22)
#define SNOOPERS    IP4(224, 0, 0, 106)
#define RGMP_DST    IP4(224, 0, 0, 25)
#define MAXF 64
#define IGMP 24        /* IGMP offset with the Router Alert option */

/* Checks a heap copy of exactly len octets. */
static size_t check_exact(const uint8_t *p, size_t len, const struct igmpx_check_opts *o,
			  struct igmpx_finding *f, size_t max)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, p, len);
	size_t n = igmpx_check_packet(copy, len, o, f, max);
	/* igmpx_check_parsed, given the parse, finds exactly the same. */
	struct igmpx_ipv4 h;
	if (igmpx_ipv4_parse(copy, len, &h)) {
		struct igmpx_msg m;
		static struct igmpx_finding g[MAXF];
		igmpx_parse_to(copy + h.payload_off, h.payload_len, h.dst, &m);
		size_t gmax = max < MAXF ? max : MAXF;
		size_t k = igmpx_check_parsed(copy, len, &h, &m, o, g, gmax);
		bool same = k == n;
		for (size_t i = 0; same && i < n && i < gmax; i++)
			same = g[i].rule == f[i].rule && g[i].offset == f[i].offset &&
			       g[i].length == f[i].length && strcmp(g[i].text, f[i].text) == 0;
		CHECK(same, "igmpx_check_parsed differs from igmpx_check_packet");
	}
	free(copy);
	return n;
}

/* ---- One packet under construction ------------------------------------------------ */

struct tb {
	struct igmpx_ipv4_spec ip;
	uint8_t msg[2048];
	struct igmpx_wbuf w;
	int checksum;          /* -1: compute over the message */
	size_t cut;            /* 0: whole; else keep this many IGMP octets (checksum after) */
};

static size_t tb_build(struct tb *t, uint8_t *out, size_t cap)
{
	if (t->cut && t->cut < t->w.len)
		t->w.len = t->cut;
	igmpx_finish(&t->w);
	if (t->checksum >= 0)
		igmpx_put16_at(&t->w, IGMPX_OFF_CHECKSUM, (uint16_t)t->checksum);
	return igmpx_ipv4_build(&t->ip, t->msg, t->w.len, out, cap);
}

static void v12(struct tb *t, uint8_t type, uint8_t code, uint32_t group)
{
	igmpx_build_v12(&t->w, type, code, group);
}

static void gq(struct tb *t, uint16_t nsrc, const uint32_t *s, unsigned n)
{
	igmpx_build_v3_query(&t->w, 100, 0, 0, 0, 2, 125, nsrc, s, n);
}

/* ---- The rule cases: bad breaks exactly the rule, !bad is its twin ----------------- */

struct rcase {
	const char *name;
	enum igmpx_rule rule;
	size_t off, len;
	void (*build)(struct tb *t, int bad);
	int also;              /* R(rule): broken by the twin too (0: none) */
};
#define R(id) (IGMPX_RULE_##id + 1)

static void c_v3_ttl(struct tb *t, int bad) { gq(t, 0, NULL, 0); t->ip.ttl = bad ? 2 : 1; }
static void c_v2_ttl(struct tb *t, int bad)
{
	t->ip.dst = G1;
	v12(t, IGMPX_T_V2_REPORT, 0, G1);
	t->ip.ttl = bad ? 64 : 1;
}
static void c_v1_ttl(struct tb *t, int bad)
{
	t->ip.dst = G1;
	t->ip.router_alert = false;
	v12(t, IGMPX_T_V1_REPORT, 0, G1);
	t->ip.ttl = bad ? 2 : 1;
}
static void c_mrd_ttl(struct tb *t, int bad)
{
	t->ip.dst = SNOOPERS;
	igmpx_build_mrd_adv(&t->w, 20, 125, 2);
	t->ip.ttl = bad ? 255 : 1;
}
static void c_v3_ra(struct tb *t, int bad)
{
	t->ip.dst = ALL_V3;
	igmpx_build_v3_report(&t->w, 0, 0, 0);
	t->ip.router_alert = !bad;
}
static void c_v3_ra_opts(struct tb *t, int bad)
{
	static const uint8_t nops[4] = { 1, 1, 1, 1 };
	gq(t, 0, NULL, 0);
	t->ip.router_alert = !bad;
	t->ip.extra_opts = nops;
	t->ip.extra_opts_len = bad ? 4 : 0;
}
static void c_v3_ra_value(struct tb *t, int bad) { gq(t, 0, NULL, 0); t->ip.ra_value = bad ? 1 : 0; }
static void c_v2_ra(struct tb *t, int bad)
{
	t->ip.dst = ALL_ROUTERS;
	v12(t, IGMPX_T_V2_LEAVE, 0, G1);
	t->ip.router_alert = !bad;
}
static void c_mrd_ra(struct tb *t, int bad)
{
	t->ip.dst = ALL_ROUTERS;
	igmpx_build_mrd_short(&t->w, IGMPX_T_MRD_SOL, 0);
	t->ip.router_alert = !bad;
}
static void c_prec(struct tb *t, int bad)
{
	t->ip.dst = ALL_V3;
	igmpx_build_v3_report(&t->w, 0, 0, 0);
	t->ip.tos = bad ? 0x00 : 0xC0;
}
static void c_src(struct tb *t, int bad)
{
	t->ip.dst = G1;
	t->ip.src = bad ? IP4(224, 0, 0, 5) : 0;       /* 0.0.0.0 is allowed (§4.2.14) */
	v12(t, IGMPX_T_V2_REPORT, 0, G1);
}
static void c_src_bcast(struct tb *t, int bad)
{
	t->ip.src = bad ? 0xFFFFFFFFu : ROUTER;
	gq(t, 0, NULL, 0);
}
static void c_v3_report_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? ALL_SYSTEMS : ALL_V3;
	igmpx_build_v3_report(&t->w, 0, 0, 0);
}
static void c_v2_report_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? ALL_ROUTERS : G1;
	v12(t, IGMPX_T_V2_REPORT, 0, G1);
}
static void c_v1_report_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? ALL_SYSTEMS : G1;
	t->ip.router_alert = false;
	v12(t, IGMPX_T_V1_REPORT, 0, G1);
}
static void c_leave_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? G1 : ALL_ROUTERS;
	v12(t, IGMPX_T_V2_LEAVE, 0, G1);
}
static void c_v3_gq_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? ALL_ROUTERS : ALL_SYSTEMS;
	gq(t, 0, NULL, 0);
}
static void c_v3_gsq_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? ALL_SYSTEMS : G1;
	igmpx_build_v3_query(&t->w, 10, G1, 0, 1, 2, 125, 0, NULL, 0);
}
static void c_v2_gq_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? G1 : ALL_SYSTEMS;
	v12(t, IGMPX_T_QUERY, 100, 0);
}
static void c_v2_gsq_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? ALL_SYSTEMS : G1;
	v12(t, IGMPX_T_QUERY, 10, G1);
}
static void c_v1_query_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? ALL_ROUTERS : ALL_SYSTEMS;
	t->ip.router_alert = false;
	v12(t, IGMPX_T_QUERY, 0, 0);
}
static void c_mrd_dst(struct tb *t, int bad)
{
	t->ip.dst = bad ? ALL_ROUTERS : SNOOPERS;
	igmpx_build_mrd_short(&t->w, IGMPX_T_MRD_TERM, 0);
}
/* A bad checksum, one case per document that states it. */
static void c_checksum(struct tb *t, int bad)
{
	igmpx_build_v3_query(&t->w, 100, 0, 0, 0, 2, 125, 0, NULL, 0);
	if (bad)
		t->checksum = 0xbad0;
}
static void c_v3_report_checksum(struct tb *t, int bad)
{
	t->ip.dst = ALL_V3;
	igmpx_build_v3_report(&t->w, 0, 0, 0);
	if (bad)
		t->checksum = 0xbad0;
}
static void c_v2_checksum(struct tb *t, int bad)
{
	t->ip.dst = G1;
	v12(t, IGMPX_T_V2_REPORT, 0, G1);
	if (bad)
		t->checksum = 0xbad0;
}
static void c_v1_checksum(struct tb *t, int bad)
{
	t->ip.router_alert = false;
	v12(t, IGMPX_T_QUERY, 0, 0);
	if (bad)
		t->checksum = 0xbad0;
}
static void c_v0_checksum(struct tb *t, int bad)
{
	t->ip.dst = ROUTER;
	t->ip.src = HOST;
	t->ip.router_alert = false;
	t->ip.tos = 0;
	igmpx_build_v0(&t->w, IGMPX_T_V0_JOIN_REQ, 0, 7, G1, 0);
	if (bad)
		t->checksum = 0xbad0;
}
static void c_mrd_checksum(struct tb *t, int bad)
{
	t->ip.dst = SNOOPERS;
	igmpx_build_mrd_adv(&t->w, 20, 125, 2);
	if (bad)
		t->checksum = 0xbad0;
}
static void c_rgmp_checksum(struct tb *t, int bad)
{
	t->ip.dst = RGMP_DST;
	v12(t, IGMPX_T_RGMP_HELLO, 0, 0);
	if (bad)
		t->checksum = 0xbad0;
}
/* §8.14.2: MRC 0x8c is (0xc | 0x10) << 3 = 224 tenths, 22.4 s, above a QQI of
 * 20 s; the twin's QQI is 30 s.  A group query, a QQIC of 0 and a Max
 * Response Time equal to the QQI are each no finding (test_query_timers). */
static void c_query_mrt_qqi(struct tb *t, int bad)
{
	igmpx_build_v3_query(&t->w, 0x8c, 0, 0, 0, 2, bad ? 20 : 30, 0, NULL, 0);
}
static void c_query_qrv_one(struct tb *t, int bad)
{
	igmpx_build_v3_query(&t->w, 100, 0, 0, 0, bad ? 1 : 2, 125, 0, NULL, 0);
}
/* §4.1.8, §4.2.17: the first fragment of a query with 20 sources and of a
 * report with a record of 20, 40 octets of each in it (Number of Sources
 * or of Group Records there); the twin is the whole message, unfragmented.
 * The other fragments, and the reassembled message, are test_fragments'. */
static void sources20(uint32_t *s)
{
	for (unsigned i = 0; i < 20; i++)
		s[i] = S1 + i;
}
static void c_query_fragmented(struct tb *t, int bad)
{
	uint32_t s[20];
	sources20(s);
	t->ip.dst = G1;
	igmpx_build_v3_query(&t->w, 10, G1, 0, 0, 2, 125, 20, s, 20);
	if (bad) {
		t->ip.frag = IGMPX_IP_MF;
		t->cut = 40;
	}
}
static void c_report_fragmented(struct tb *t, int bad)
{
	uint32_t s[20];
	sources20(s);
	t->ip.src = HOST;
	t->ip.dst = ALL_V3;
	igmpx_build_v3_report(&t->w, 0, 0, 1);
	igmpx_build_v3_record(&t->w, 1, 0, 20, G1, s, 20);
	if (bad) {
		t->ip.frag = IGMPX_IP_MF;
		t->cut = 40;
	}
}
static void c_query_length(struct tb *t, int bad)
{
	v12(t, IGMPX_T_QUERY, 100, 0);
	if (bad)
		igmpx_put16(&t->w, 0);
}
static void c_truncated(struct tb *t, int bad)
{
	t->ip.dst = G1;
	v12(t, IGMPX_T_V2_REPORT, 0, G1);
	t->cut = bad ? 6 : 0;
}
static void c_query_nsrc(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1, S2 };
	t->ip.dst = SSM1;
	igmpx_build_v3_query(&t->w, 10, SSM1, 0, 0, 2, 125, bad ? 5 : 2, s, 2);
}
static void record_report(struct tb *t, uint16_t nrec, uint8_t type, uint8_t aux, uint16_t nsrc,
			  uint32_t group, const uint32_t *s, unsigned n)
{
	t->ip.dst = ALL_V3;
	igmpx_build_v3_report(&t->w, 0, 0, nrec);
	igmpx_build_v3_record(&t->w, type, aux, nsrc, group, s, n);
}
static void c_report_nrec(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	record_report(t, bad ? 3 : 1, 5, 0, 1, SSM1, s, 1);
}
static void c_record_nsrc(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	record_report(t, 1, 5, 0, bad ? 4 : 1, SSM1, s, 1);
}
static void c_record_aux_fit(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	record_report(t, 1, 1, bad ? 2 : 1, 1, SSM1, s, 1);
	igmpx_put32(&t->w, 0xa1a2a3a4);
}
static void c_query_extra(struct tb *t, int bad)
{
	gq(t, 0, NULL, 0);
	if (bad)
		igmpx_put32(&t->w, 0x01020304);
}
static void c_report_extra(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	record_report(t, 1, 1, 0, 1, SSM1, s, 1);
	if (bad)
		igmpx_put16(&t->w, 0xbeef);
}
static void c_v2_extra(struct tb *t, int bad)
{
	t->ip.dst = G1;
	v12(t, IGMPX_T_V2_REPORT, 0, G1);
	if (bad)
		igmpx_put32(&t->w, 0x0000beef);
}
static void c_report_reserved(struct tb *t, int bad)
{
	t->ip.dst = ALL_V3;
	igmpx_build_v3_report(&t->w, bad ? 1 : 0, 0, 0);
}
static void c_query_flags(struct tb *t, int bad)
{
	igmpx_build_v3_query(&t->w, 100, 0, bad ? 0xF : 0, 0, 2, 125, 0, NULL, 0);
}
static void c_report_flags(struct tb *t, int bad)
{
	t->ip.dst = ALL_V3;
	igmpx_build_v3_report(&t->w, 0, bad ? 0x8000 : 0, 0);
}
static void c_max_resp_unused(struct tb *t, int bad)
{
	t->ip.dst = ALL_ROUTERS;
	v12(t, IGMPX_T_V2_LEAVE, bad ? 10 : 0, G1);
}
static void c_v1_unused(struct tb *t, int bad)
{
	t->ip.dst = G1;
	t->ip.router_alert = false;
	v12(t, IGMPX_T_V1_REPORT, bad ? 0x64 : 0, G1);
}
static void c_mrd_reserved(struct tb *t, int bad)
{
	t->ip.dst = ALL_ROUTERS;
	igmpx_build_mrd_short(&t->w, IGMPX_T_MRD_SOL, bad ? 0x20 : 0);
}
static void c_query_group(struct tb *t, int bad)
{
	uint32_t g = bad ? IP4(10, 1, 1, 1) : G1;
	t->ip.dst = g;                  /* the query goes to its group either way */
	igmpx_build_v3_query(&t->w, 10, g, 0, 0, 2, 125, 0, NULL, 0);
}
static void c_v2_group(struct tb *t, int bad)
{
	uint32_t g = bad ? IP4(10, 1, 1, 1) : G1;
	t->ip.dst = g;
	v12(t, IGMPX_T_V2_REPORT, 0, g);
}
static void c_record_group(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	record_report(t, 1, 1, 0, 1, bad ? IP4(10, 1, 1, 1) : SSM1, s, 1);
}
static void c_all_systems(struct tb *t, int bad)
{
	uint32_t g = bad ? ALL_SYSTEMS : G1;
	t->ip.dst = g;
	v12(t, IGMPX_T_V2_REPORT, 0, g);
}
static void c_all_systems_record(struct tb *t, int bad)
{
	record_report(t, 1, 4, 0, 0, bad ? ALL_SYSTEMS : G1, NULL, 0);
}
static void c_leave_zero(struct tb *t, int bad)
{
	t->ip.dst = ALL_ROUTERS;
	v12(t, IGMPX_T_V2_LEAVE, 0, bad ? 0 : G1);
}
static void c_gq_sources(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	if (bad) {
		gq(t, 1, s, 1);
		return;
	}
	t->ip.dst = SSM1;
	igmpx_build_v3_query(&t->w, 10, SSM1, 0, 0, 2, 125, 1, s, 1);
}
static void c_query_source(struct tb *t, int bad)
{
	uint32_t s[] = { S1, bad ? IP4(224, 1, 1, 1) : S2 };
	t->ip.dst = SSM1;
	igmpx_build_v3_query(&t->w, 10, SSM1, 0, 0, 2, 125, 2, s, 2);
}
static void c_record_source(struct tb *t, int bad)
{
	uint32_t s[] = { bad ? 0 : S1, S2 };
	record_report(t, 1, 1, 0, 2, SSM1, s, 2);
}
static void c_record_source_e(struct tb *t, int bad)
{
	uint32_t s[] = { S1, bad ? IP4(240, 0, 0, 1) : S2 };
	record_report(t, 1, 1, 0, 2, SSM1, s, 2);
}
static void c_dup_query(struct tb *t, int bad)
{
	uint32_t s[] = { S1, S2, bad ? S1 : IP4(198, 51, 100, 3) };
	t->ip.dst = SSM1;
	igmpx_build_v3_query(&t->w, 10, SSM1, 0, 0, 2, 125, 3, s, 3);
}
static void c_dup_long(struct tb *t, int bad)
{
	/* 20 sources: a set larger than the smallest. */
	uint32_t s[20];
	for (unsigned i = 0; i < 20; i++)
		s[i] = IP4(198, 51, 100, 10 + i);
	if (bad)
		s[19] = s[2];
	t->ip.dst = SSM1;
	igmpx_build_v3_query(&t->w, 10, SSM1, 0, 0, 2, 125, 20, s, 20);
}
static void c_dup_huge(struct tb *t, int bad)
{
	/* 300 sources: a set too large for the stack, from the heap. */
	uint32_t s[300];
	for (unsigned i = 0; i < 300; i++)
		s[i] = IP4(198, 51, 100 + i / 200, i % 200 + 1);
	if (bad)
		s[299] = s[7];
	t->ip.dst = SSM1;
	igmpx_build_v3_query(&t->w, 10, SSM1, 0, 0, 2, 125, 300, s, 300);
}
static void c_dup_record(struct tb *t, int bad)
{
	uint32_t s[] = { S1, bad ? S1 : S2 };
	record_report(t, 1, 5, 0, 2, SSM1, s, 2);
}
static void c_rgmp_group(struct tb *t, int bad)
{
	t->ip.dst = RGMP_DST;
	v12(t, IGMPX_T_RGMP_HELLO, 0, bad ? G1 : 0);
}
static void c_rgmp_join(struct tb *t, int bad)
{
	t->ip.dst = RGMP_DST;
	v12(t, IGMPX_T_RGMP_JOIN, 0, bad ? 0 : G1);
}
static void c_v0_code(struct tb *t, int bad)
{
	t->ip.dst = ROUTER;
	t->ip.src = HOST;
	t->ip.router_alert = false;
	t->ip.tos = 0;
	igmpx_build_v0(&t->w, IGMPX_T_V0_JOIN_REQ, bad ? 1 : 0, 7, G1, 0);
}
static void c_v0_create(struct tb *t, int bad)
{
	t->ip.dst = ROUTER;
	t->ip.router_alert = false;
	igmpx_build_v0(&t->w, IGMPX_T_V0_CREATE_REQ, bad ? 2 : 1, 7, 0, 0);
}
static void c_record_type(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	record_report(t, 1, bad ? 7 : 5, 0, 1, SSM1, s, 1);
}
static void c_aux_data(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	record_report(t, 1, 1, bad ? 1 : 0, 1, SSM1, s, 1);
	if (bad)
		igmpx_put32(&t->w, 0xa1a2a3a4);
}
static void c_allow_empty(struct tb *t, int bad)
{
	static const uint32_t s[] = { S1 };
	record_report(t, 1, 6, 0, bad ? 0 : 1, SSM1, s, bad ? 0 : 1);
}
static void c_ssm_exclude(struct tb *t, int bad)
{
	record_report(t, 1, 2, 0, 0, bad ? SSM1 : G1, NULL, 0);
}

#define RC(n, r, o, l) { #n, IGMPX_RULE_##r, o, l, c_##n }
static const struct rcase cases[] = {
	RC(v3_ttl, v3_ttl, 8, 1),
	RC(v2_ttl, v2_ttl, 8, 1),
	RC(v1_ttl, v1_ttl, 8, 1),
	RC(mrd_ttl, mrd_ttl, 8, 1),
	RC(v3_ra, v3_router_alert, 0, 1),
	RC(v3_ra_opts, v3_router_alert, 20, 4),
	RC(v3_ra_value, v3_router_alert, 20, 4),
	RC(v2_ra, v2_router_alert, 0, 1),
	RC(mrd_ra, mrd_router_alert, 0, 1),
	RC(prec, v3_precedence, 1, 1),
	RC(src, ip_src_unicast, 12, 4),
	RC(src_bcast, ip_src_unicast, 12, 4),
	RC(v3_report_dst, v3_report_dst, 16, 4),
	RC(v2_report_dst, v2_report_dst, 16, 4),
	RC(v1_report_dst, v1_report_dst, 16, 4),
	RC(leave_dst, leave_dst, 16, 4),
	RC(v3_gq_dst, v3_gq_dst, 16, 4),
	RC(v3_gsq_dst, v3_gsq_dst, 16, 4),
	RC(v2_gq_dst, v2_gq_dst, 16, 4),
	RC(v2_gsq_dst, v2_gsq_dst, 16, 4),
	RC(v1_query_dst, v1_query_dst, 16, 4),
	RC(mrd_dst, mrd_dst, 16, 4),
	RC(checksum, checksum, IGMP + 2, 2),
	RC(v3_report_checksum, v3_report_checksum, IGMP + 2, 2),
	RC(v2_checksum, v2_checksum, IGMP + 2, 2),
	RC(v1_checksum, v1_checksum, 20 + 2, 2),
	RC(v0_checksum, v0_checksum, 20 + 2, 2),
	RC(mrd_checksum, mrd_checksum, IGMP + 2, 2),
	RC(rgmp_checksum, rgmp_checksum, IGMP + 2, 2),
	RC(query_length, query_length, IGMP, 10),
	RC(truncated, truncated, IGMP, 6),
	RC(query_nsrc, v3_query_nsrc, IGMP + 10, 2),
	RC(report_nrec, v3_report_nrec, IGMP + 6, 2),
	RC(record_nsrc, v3_record_nsrc, IGMP + 10, 2),
	/* Aux Data Len that does not fit is a non-zero one: aux_data in both. */
	{ "record_aux_fit", IGMPX_RULE_v3_record_aux_fit, IGMP + 9, 1, c_record_aux_fit,
	  R(aux_data) },
	RC(query_extra, v3_query_extra, IGMP + 12, 4),
	RC(report_extra, v3_report_extra, IGMP + 20, 2),
	RC(v2_extra, v2_extra, IGMP + 8, 4),
	RC(report_reserved, v3_report_reserved, IGMP + 1, 1),
	RC(query_flags, v3_query_flags, IGMP + 8, 1),
	RC(report_flags, v3_report_flags, IGMP + 4, 2),
	RC(max_resp_unused, v2_max_resp_unused, IGMP + 1, 1),
	RC(v1_unused, v1_unused, 20 + 1, 1),
	RC(mrd_reserved, mrd_reserved, IGMP + 1, 1),
	RC(query_group, v3_query_group, IGMP + 4, 4),
	RC(v2_group, v2_group, IGMP + 4, 4),
	RC(record_group, v3_record_group, IGMP + 12, 4),
	RC(all_systems, all_systems_reported, IGMP + 4, 4),
	RC(all_systems_record, all_systems_reported, IGMP + 12, 4),
	RC(leave_zero, leave_group_zero, IGMP + 4, 4),
	RC(gq_sources, gq_sources, IGMP + 10, 2),
	RC(query_source, v3_query_source, IGMP + 16, 4),
	RC(record_source, v3_record_source, IGMP + 16, 4),
	RC(record_source_e, v3_record_source, IGMP + 20, 4),
	RC(dup_query, source_duplicate, IGMP + 20, 4),
	RC(dup_huge, source_duplicate, IGMP + 12 + 4 * 299, 4),
	RC(dup_record, source_duplicate, IGMP + 20, 4),
	RC(dup_long, source_duplicate, IGMP + 12 + 4 * 19, 4),
	RC(rgmp_group, rgmp_group, IGMP + 4, 4),
	RC(rgmp_join, rgmp_group, IGMP + 4, 4),
	RC(v0_code, v0_code, 20 + 1, 1),
	RC(v0_create, v0_code, 20 + 1, 1),
	RC(record_type, record_type, IGMP + 8, 1),
	RC(aux_data, aux_data, IGMP + 9, 1),
	RC(allow_empty, allow_block_empty, IGMP + 10, 2),
	RC(ssm_exclude, ssm_exclude, IGMP + 8, 1),
	RC(query_mrt_qqi, query_mrt_qqi, IGMP + 1, 1),
	RC(query_qrv_one, query_qrv_one, IGMP + 8, 1),
	RC(query_fragmented, v3_query_fragmented, IGMP + 10, 2),
	RC(report_fragmented, v3_report_fragmented, IGMP + 6, 2),
};

static size_t build_case(const struct rcase *rc, int bad, uint8_t *out, size_t cap)
{
	struct tb t;
	memset(&t, 0, sizeof(t));
	igmpx_ipv4_defaults(&t.ip, ROUTER, ALL_SYSTEMS);
	igmpx_wbuf_init(&t.w, t.msg, sizeof(t.msg));
	t.checksum = -1;
	rc->build(&t, bad);
	return tb_build(&t, out, cap);
}

static void print_findings(const struct igmpx_finding *f, size_t n)
{
	for (size_t i = 0; i < n && i < MAXF; i++)
		printf("    %s @%zu+%zu: %s\n", igmpx_rules[f[i].rule].id, f[i].offset, f[i].length,
		       f[i].text);
}

static void test_rule_cases(void)
{
	bool covered[IGMPX_RULE_COUNT] = { false };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *rc = &cases[i];
		uint8_t pkt[4096];
		struct igmpx_finding f[MAXF];
		size_t len = build_case(rc, 1, pkt, sizeof(pkt));
		size_t n = check_exact(pkt, len, NULL, f, MAXF);
		size_t extra = rc->also != 0;
		const struct igmpx_finding *hit = NULL;
		for (size_t k = 0; k < n && k < MAXF; k++)
			if (f[k].rule == rc->rule)
				hit = &f[k];
			else if (!rc->also || (int)f[k].rule != rc->also - 1)
				extra = 99;
		bool ok = n == 1 + extra && hit && hit->offset == rc->off && hit->length == rc->len;
		CHECK(ok, "%s: want %s @%zu+%zu, got %zu finding(s)", rc->name,
		      igmpx_rules[rc->rule].id, rc->off, rc->len, n);
		if (!ok)
			print_findings(f, n);
		/* The text ends with the catalogue's citation. */
		char cite[64];
		snprintf(cite, sizeof(cite), "(%s %s)", igmpx_rules[rc->rule].rfc,
			 igmpx_rules[rc->rule].section);
		CHECK(hit && strstr(hit->text, cite), "%s: text \"%s\" lacks %s", rc->name,
		      hit ? hit->text : "", cite);
		covered[rc->rule] = covered[rc->rule] || ok;
		len = build_case(rc, 0, pkt, sizeof(pkt));
		n = check_exact(pkt, len, NULL, f, MAXF);
		ok = rc->also ? n == 1 && (int)f[0].rule == rc->also - 1 : n == 0;
		CHECK(ok, "%s twin: %zu finding(s)", rc->name, n);
		if (!ok)
			print_findings(f, n);
	}
	for (int r = 0; r < IGMPX_RULE_COUNT; r++)
		CHECK(igmpx_rules[r].kind != IGMPX_RULE_CONTENT || covered[r],
		      "CONTENT rule %s has no unit case", igmpx_rules[r].id);
}

/* ---- Texts ---------------------------------------------------------------------------- */

static const char *text_of(const char *name, int bad)
{
	static struct igmpx_finding f[MAXF];
	uint8_t pkt[4096];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(cases[i].name, name) == 0) {
			size_t len = build_case(&cases[i], bad, pkt, sizeof(pkt));
			return check_exact(pkt, len, NULL, f, MAXF) ? f[0].text : "";
		}
	return "";
}

static void test_texts(void)
{
	static const struct { const char *name, *text; } want[] = {
		{ "v3_report_dst", "v3 report sent to 224.0.0.1, must be 224.0.0.22 (RFC 9776 §4.2.15)" },
		{ "query_nsrc", "Number of Sources says 5, only 2 in the message (12 octets short) "
				"(RFC 9776 §4.1.8)" },
		{ "record_nsrc", "record 1 Number of Sources says 4, only 1 in the message (12 octets "
				 "short) (RFC 9776 §4.2.8)" },
		{ "v2_ttl", "v2 report sent with TTL 64, must be 1 (RFC 2236 §2)" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *got = text_of(want[i].name, 1);
		CHECK(strcmp(got, want[i].text) == 0, "%s: \"%s\"", want[i].name, got);
	}
	const char *ck = text_of("checksum", 1);
	CHECK(strncmp(ck, "checksum 0xbad0, should be 0x", 29) == 0, "checksum text \"%s\"", ck);
}

/* Every repeat of a long list is found once, against its first listing:
 * 240 sources, 80 addresses each listed three times. */
/* What §8.14.2 and §8.1 allow is no finding: a Group-Specific Query's Max
 * Response Time (LMQI) above its QQI, a QQIC of 0 (no Query Interval,
 * §4.1.7), a Max Response Time equal to the QQI, QRV 0 (above 7, §4.1.6). */
static void test_query_timers(void)
{
	static const struct { uint8_t mrc; uint32_t group; uint8_t qrv, qqic; } ok[] = {
		{ 0x8c, G1, 2, 20 }, { 0xff, 0, 2, 0 }, { 100, 0, 2, 10 }, { 100, 0, 0, 125 },
		{ 0x8c, 0, 2, 0x81 },   /* QQIC 0x81: (1 | 0x10) << 3 = 136 s */
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct tb t;
		uint8_t pkt[256];
		struct igmpx_finding f[MAXF];
		memset(&t, 0, sizeof(t));
		igmpx_ipv4_defaults(&t.ip, ROUTER, ok[i].group ? ok[i].group : ALL_SYSTEMS);
		igmpx_wbuf_init(&t.w, t.msg, sizeof(t.msg));
		t.checksum = -1;
		igmpx_build_v3_query(&t.w, ok[i].mrc, ok[i].group, 0, 0, ok[i].qrv, ok[i].qqic, 0,
				     NULL, 0);
		size_t len = tb_build(&t, pkt, sizeof(pkt));
		size_t n = check_exact(pkt, len, NULL, f, MAXF);
		CHECK(n == 0, "query timers %zu: %zu finding(s)", i, n);
		if (n)
			print_findings(f, n);
	}
}

static void test_many_duplicates(void)
{
	uint32_t s[240];
	for (unsigned i = 0; i < 240; i++)
		s[i] = IP4(203, 0, 113, i % 80 + 1);
	struct tb t;
	memset(&t, 0, sizeof(t));
	igmpx_ipv4_defaults(&t.ip, ROUTER, SSM1);
	igmpx_wbuf_init(&t.w, t.msg, sizeof(t.msg));
	t.checksum = -1;
	igmpx_build_v3_query(&t.w, 10, SSM1, 0, 0, 2, 125, 240, s, 240);
	uint8_t pkt[4096];
	static struct igmpx_finding f[200];
	size_t len = tb_build(&t, pkt, sizeof(pkt));
	size_t n = igmpx_check_packet(pkt, len, NULL, f, 200);
	CHECK(n == 160, "240 sources, 80 distinct: %zu findings, want 160", n);
	bool ok = true;
	for (size_t k = 0; k < 160 && k < n; k++) {
		unsigned i = 80 + (unsigned)k, first = i % 80;
		char want[120];
		snprintf(want, sizeof(want), "query source %u is 203.0.113.%u again (as source %u)",
			 i + 1, first + 1, first + 1);
		ok = ok && f[k].rule == IGMPX_RULE_source_duplicate &&
		     f[k].offset == IGMP + 12 + 4 * i && strncmp(f[k].text, want, strlen(want)) == 0;
	}
	CHECK(ok, "each repeat named with its first listing");
}

/* ---- Cut buffers, order, bound ------------------------------------------------------------ */

/* A v3 group-and-source query with two sources (20 octets), whole. */
static size_t gsq_packet(uint8_t *pkt, size_t cap)
{
	static const uint32_t s[] = { S1, S2 };
	struct tb t;
	memset(&t, 0, sizeof(t));
	igmpx_ipv4_defaults(&t.ip, ROUTER, SSM1);
	igmpx_wbuf_init(&t.w, t.msg, sizeof(t.msg));
	t.checksum = -1;
	igmpx_build_v3_query(&t.w, 10, SSM1, 0, 0, 2, 125, 2, s, 2);
	return tb_build(&t, pkt, cap);
}

static void test_cuts(void)
{
	uint8_t pkt[256];
	struct igmpx_finding f[MAXF];
	size_t len = gsq_packet(pkt, sizeof(pkt));
	CHECK(check_exact(pkt, len, NULL, f, MAXF) == 0, "whole query is clean");
	/* Snaplen: every cut of the buffer, IP total length still whole. */
	for (size_t keep = IGMP; keep < len; keep++) {
		struct igmpx_check_opts o = { .reported_len = len };
		size_t n = check_exact(pkt, keep, &o, f, MAXF);
		CHECK(n == 0, "snaplen cut at %zu: %zu finding(s)", keep, n);
		if (n)
			print_findings(f, n);
	}
	/* An ICMP error quotes 8 octets: a v3 query still (by its IP length). */
	struct igmpx_check_opts icmp = { .in_icmp_error = 1 };
	size_t n = check_exact(pkt, IGMP + 8, &icmp, f, MAXF);
	CHECK(n == 0, "ICMP quote: %zu finding(s)", n);
	/* ...and its rules still apply to what is there: sent to the wrong place. */
	pkt[16] = 224; pkt[17] = 0; pkt[18] = 0; pkt[19] = 1;
	n = check_exact(pkt, IGMP + 8, &icmp, f, MAXF);
	CHECK(n == 1 && f[0].rule == IGMPX_RULE_v3_gsq_dst, "ICMP quote to 224.0.0.1: %zu", n);
}

#define MIN2(a, b) ((a) < (b) ? (a) : (b))

/* A fragmented datagram (RFC 791): the first fragment, cut at each 8-octet
 * boundary, is judged as far as it goes and breaks only the size rule (its
 * length and checksum are not known), and that only when an MTU could have
 * made it; a later fragment holds no message's
 * start and is not judged at all; the message reassembled is judged whole,
 * and breaks the size rule too.  Not in an ICMP error's quote. */
static void test_fragments(void)
{
	static const char *const names[] = { "query_fragmented", "report_fragmented" };
	static const enum igmpx_rule rules[] = { IGMPX_RULE_v3_query_fragmented,
						 IGMPX_RULE_v3_report_fragmented };
	uint8_t pkt[512];
	struct igmpx_finding f[MAXF];
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			if (strcmp(cases[i].name, names[k]) != 0)
				continue;
			size_t len = build_case(&cases[i], 0, pkt, sizeof(pkt));
			size_t mlen = len - IGMP;
			for (size_t first = 8; first < mlen; first += 8) {
				uint8_t frag[512];
				memcpy(frag, pkt, IGMP + first);
				frag[2] = (uint8_t)((IGMP + first) >> 8);
				frag[3] = (uint8_t)(IGMP + first);
				frag[6] = IGMPX_IP_MF >> 8;
				/* Under 61 octets, no MTU made it (RFC 791: 68 at least). */
				size_t want = IGMP + first + 7 >= 68;
				size_t n = check_exact(frag, IGMP + first, NULL, f, MAXF);
				CHECK(n == want && (!n || (f[0].rule == rules[k] &&
				      f[0].offset == IGMP + MIN2(k ? 6u : 10u, first))),
				      "%s: first fragment of %zu octets: %zu finding(s)", names[k], first, n);
				if (n != want)
					print_findings(f, n);
				/* The next fragment: 8 octets on, garbage as a message. */
				memcpy(frag + IGMP, pkt + IGMP + first, 8);
				frag[2] = 0;
				frag[3] = IGMP + 8;
				frag[6] = (uint8_t)((IGMPX_IP_MF | first / 8) >> 8);
				frag[7] = (uint8_t)(first / 8);
				n = check_exact(frag, IGMP + 8, NULL, f, MAXF);
				CHECK(n == 0, "%s: a later fragment at %zu: %zu finding(s)", names[k],
				      first, n);
				struct igmpx_check_opts q = { .in_icmp_error = 1 };
				memcpy(frag, pkt, IGMP + 8);
				frag[6] = IGMPX_IP_MF >> 8;
				n = check_exact(frag, IGMP + 8, &q, f, MAXF);
				CHECK(n == 0, "%s: first fragment in an ICMP error: %zu finding(s)",
				      names[k], n);
			}
			struct igmpx_check_opts r = { .reassembled = 1 };
			size_t n = check_exact(pkt, len, &r, f, MAXF);
			CHECK(n == 1 && f[0].rule == rules[k], "%s reassembled: %zu finding(s)",
			      names[k], n);
			CHECK(check_exact(pkt, len, NULL, f, MAXF) == 0, "%s whole: clean", names[k]);
		}
	/* A General Query (36 octets with its header) reassembled: any link
	 * carries it whole, so it was fragmented by choice; no finding. */
	struct tb t;
	memset(&t, 0, sizeof(t));
	igmpx_ipv4_defaults(&t.ip, ROUTER, ALL_SYSTEMS);
	igmpx_wbuf_init(&t.w, t.msg, sizeof(t.msg));
	t.checksum = -1;
	igmpx_build_v3_query(&t.w, 100, 0, 0, 0, 2, 125, 0, NULL, 0);
	size_t len = tb_build(&t, pkt, sizeof(pkt));
	struct igmpx_check_opts r = { .reassembled = 1 };
	CHECK(check_exact(pkt, len, &r, f, MAXF) == 0, "a 36-octet query reassembled: clean");
}

static void test_order_and_bound(void)
{
	/* TTL 2 (offset 8), ToS 0 (1), dst 224.0.0.1 (16), Reserved 1 (25): four findings. */
	struct tb t;
	uint8_t pkt[256];
	struct igmpx_finding f[MAXF];
	memset(&t, 0, sizeof(t));
	igmpx_ipv4_defaults(&t.ip, HOST, ALL_SYSTEMS);
	igmpx_wbuf_init(&t.w, t.msg, sizeof(t.msg));
	t.checksum = -1;
	t.ip.ttl = 2;
	t.ip.tos = 0;
	igmpx_build_v3_report(&t.w, 1, 0, 0);
	size_t len = tb_build(&t, pkt, sizeof(pkt));
	size_t n = check_exact(pkt, len, NULL, f, MAXF);
	CHECK(n == 4, "4 findings, got %zu", n);
	for (size_t i = 1; i < n && i < MAXF; i++)
		CHECK(f[i - 1].offset <= f[i].offset, "order: %zu before %zu", f[i - 1].offset,
		      f[i].offset);
	CHECK(n == 4 && f[0].rule == IGMPX_RULE_v3_precedence && f[1].rule == IGMPX_RULE_v3_ttl &&
	      f[2].rule == IGMPX_RULE_v3_report_dst && f[3].rule == IGMPX_RULE_v3_report_reserved,
	      "rules in octet order");
	struct igmpx_finding two[2];
	n = check_exact(pkt, len, NULL, two, 2);
	CHECK(n == 4 && two[0].offset == 1 && two[1].offset == 8, "max 2: first two by offset");
	CHECK(igmpx_check_packet(pkt, len, NULL, NULL, 0) == 4, "count only");
}

/* Every prefix of a few packets, heap copies of exact length: no read past
 * the end (ASan), and a sane answer. */
static void test_prefixes(void)
{
	static const char *const names[] = { "record_aux_fit", "dup_query", "v0_code",
					     "report_extra", "v3_ra_opts", "mrd_ttl" };
	uint8_t pkt[4096];
	struct igmpx_finding f[MAXF];
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			if (strcmp(cases[i].name, names[k]) != 0)
				continue;
			size_t len = build_case(&cases[i], 1, pkt, sizeof(pkt));
			for (size_t cut = 0; cut <= len; cut++) {
				size_t n = check_exact(pkt, cut, NULL, f, MAXF);
				struct igmpx_check_opts o = { .reported_len = len };
				size_t m = check_exact(pkt, cut, &o, f, MAXF);
				struct igmpx_check_opts q = { .in_icmp_error = 1 };
				m += check_exact(pkt, cut, &q, f, MAXF);
				CHECK(n < MAXF && m < 2 * MAXF, "%s cut %zu: %zu/%zu", names[k], cut, n, m);
			}
		}
	/* Count fields at their largest. */
	struct tb t;
	memset(&t, 0, sizeof(t));
	igmpx_ipv4_defaults(&t.ip, ROUTER, ALL_V3);
	igmpx_wbuf_init(&t.w, t.msg, sizeof(t.msg));
	t.checksum = -1;
	igmpx_build_v3_report(&t.w, 0, 0, 0xFFFF);
	igmpx_build_v3_record(&t.w, 1, 0xFF, 0xFFFF, SSM1, NULL, 0);
	size_t len = tb_build(&t, pkt, sizeof(pkt));
	size_t n = check_exact(pkt, len, NULL, f, MAXF);
	CHECK(n == 2 && f[0].rule == IGMPX_RULE_aux_data && f[1].rule == IGMPX_RULE_v3_record_nsrc,
	      "0xFFFF counts: %zu", n);
}

int main(void)
{
	test_rule_cases();
	test_texts();
	test_query_timers();
	test_many_duplicates();
	test_cuts();
	test_fragments();
	test_order_and_bound();
	test_prefixes();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
