/* forward.c: a router IUT's data plane, the expect_forward and
 * expect_no_forward steps (run.h).
 *
 * The harness plays a multicast source on the profile's source link: a
 * probe, a UDP datagram from SOURCE to GROUP, every PROBE_GAP through the
 * step's window, and watches the test link for the probes the IUT
 * forwards.  What reaches the test link is the truest black-box view of
 * the router's state (RFC 9776 §6.3, Table 7).  A probe carries its
 * number, so that a copy on the test link names the probe it is, and so
 * the time it was sent; only probes sent inside the window are judged.
 * expect_forward is met by the first probe that arrives (no more are
 * sent); expect_no_forward sends probes through the whole window and is
 * broken by any that arrives. */
#include "run.h"
#include "ip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_GAP_NS 100000000u     /* 100 ms between probes */
/* After the last probe, what the IUT forwards is read this long: a
 * forwarded copy is on the link at once, but a loaded machine may read it
 * late, and a late reading is no late forwarding. */
#define PROBE_DRAIN_NS 200000000u
#define PROBE_TTL 16                /* a router forwards what has TTL > 1 */
#define PROBE_PORT 9                /* UDP discard */
#define PROBE_MAGIC "igmpx probe "

struct probes {
	const struct hx_step *s;
	unsigned first, sent;       /* numbers of this step's probes: [first, first + sent) */
	uint64_t sent_at[64];       /* of the first 64 */
	int arrived;                /* the first probe seen on the test link, -1 none */
	uint64_t arrived_t;
	unsigned next_frame;        /* frames of the run read so far */
};

/* Builds probe n: Ethernet to GROUP's MAC from the MAC of SOURCE
 * (02:00:<address>, as a from: host's), IPv4 TTL PROBE_TTL, UDP to
 * PROBE_PORT with checksum 0 (none, RFC 768), PROBE_MAGIC and n. */
static size_t probe_build(uint8_t *f, uint32_t src, uint32_t grp, unsigned n)
{
	char payload[32];
	int plen = snprintf(payload, sizeof(payload), PROBE_MAGIC "%u", n);
	size_t iplen = 20 + 8 + (size_t)plen;
	uint8_t *ip = f + 14, *udp = ip + 20;

	igmpx_ether_mcast(grp, f);
	f[6] = 0x02, f[7] = 0x00;
	f[8] = (uint8_t)(src >> 24), f[9] = (uint8_t)(src >> 16), f[10] = (uint8_t)(src >> 8);
	f[11] = (uint8_t)src;
	f[12] = 0x08, f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8), ip[3] = (uint8_t)iplen;
	ip[4] = (uint8_t)(n >> 8), ip[5] = (uint8_t)n;
	ip[8] = PROBE_TTL;
	ip[9] = 17;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(grp >> (24 - 8 * i));
	}
	uint16_t ck = igmpx_cksum(ip, 20);
	ip[10] = (uint8_t)(ck >> 8), ip[11] = (uint8_t)ck;
	udp[0] = 0x9c, udp[1] = 0x40;           /* source port 40000 */
	udp[2] = 0, udp[3] = PROBE_PORT;
	udp[4] = (uint8_t)((8 + plen) >> 8), udp[5] = (uint8_t)(8 + plen);
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, payload, (size_t)plen);
	return 14 + iplen;
}

/* The probe number a frame from the test link carries, -1 if it is no
 * probe of this step's source and group. */
static int probe_of(const struct frame *f, const struct hx_step *s)
{
	struct igmpx_ipv4 h;
	size_t iplen;
	const uint8_t *ip = hx_ip_of(1, f->bytes, f->len, &iplen);
	char num[12];
	size_t mlen = strlen(PROBE_MAGIC);

	if (f->dir != 1 || f->iface != 0 || !ip || !igmpx_ipv4_parse(ip, iplen, &h) ||
	    h.proto != 17 || h.src != s->match.src || h.dst != s->match.group ||
	    h.payload_len < 8 + mlen + 1)
		return -1;
	const uint8_t *d = ip + h.payload_off + 8;
	size_t dlen = h.payload_len - 8;
	if (memcmp(d, PROBE_MAGIC, mlen) || dlen - mlen >= sizeof(num))
		return -1;
	memcpy(num, d + mlen, dlen - mlen);
	num[dlen - mlen] = 0;
	char *end;
	unsigned long n = strtoul(num, &end, 10);
	return *end || end == num || n > 65535 ? -1 : (int)n;
}

/* Looks through the frames received since the last look for a probe of
 * this step (a cond of run_pump). */
static bool probe_arrived(struct run *r, void *arg)
{
	struct probes *p = arg;

	for (; p->next_frame < r->frames->len; p->next_frame++) {
		struct frame *f = run_frame_at(r, (int)p->next_frame);
		int n = probe_of(f, p->s);
		if (n < 0 || (unsigned)n < p->first || (unsigned)n >= p->first + p->sent)
			continue;
		run_comment(f, "igmpx: forwarded onto the test link: probe %d (%s:%d)", n,
			    r->c->path, p->s->line);
		if (p->arrived < 0) {
			p->arrived = n;
			p->arrived_t = f->t;
		}
	}
	return p->arrived >= 0 && p->s->kind == HX_STEP_EXPECT_FORWARD;
}

static bool probe_send(struct run *r, struct probes *p)
{
	uint8_t b[64];
	char err[256];
	uint64_t sent;
	unsigned n = p->first + p->sent;
	size_t len = probe_build(b, p->s->match.src, p->s->match.group, n);

	if (hx_link_send_at(r->source, 0, b, len, &sent, err, sizeof(err)) < 0) {
		run_verdict(r, HX_ERROR, "sending on the source link: %s", err);
		return false;
	}
	struct frame *f = run_record(r, sent, 2, b, len);
	if (f) {
		f->iface = 1;
		run_comment(f, "igmpx: probe %u of %s %s:%d", n,
			    p->s->kind == HX_STEP_EXPECT_FORWARD ? "expect_forward"
								 : "expect_no_forward",
			    r->c->path, p->s->line);
	}
	if (p->sent < 64)
		p->sent_at[p->sent] = sent;
	p->sent++;
	r->probes++;
	return true;
}

void run_expect_forward(struct run *r, const struct hx_step *s)
{
	const struct igmpx_rule_info *ri = &igmpx_rules[s->rule];
	bool want = s->kind == HX_STEP_EXPECT_FORWARD;
	struct probes p = { .s = s, .first = r->probes, .arrived = -1 };
	char err[300], sa[16], ga[16];
	double lo_s, hi_s;

	if (!hx_expr_eval(s->lo, &r->vars, &lo_s, err, sizeof(err)) ||
	    !hx_expr_eval(s->hi, &r->vars, &hi_s, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: within: %s", r->c->path, s->line, err);
		return;
	}
	uint64_t lo = r->anchor + (uint64_t)(lo_s * NS), hi = r->anchor + (uint64_t)(hi_s * NS);
	run_pump(r, lo, NULL, NULL);
	p.next_frame = r->frames->len;
	/* Probes from the window's start (or now, if the steps before took
	 * longer) to its end; a window over when the step begins gets one, the
	 * earliest look there is. */
	do {
		if (!probe_send(r, &p))
			return;
		uint64_t next = hx_now_ns() + PROBE_GAP_NS;
		run_pump(r, next < hi ? next : hi, probe_arrived, &p);
	} while (!r->aborted && !*r->stop && p.arrived < 0 && hx_now_ns() < hi && p.sent < 1000);
	if (!(want && p.arrived >= 0))
		run_pump(r, hx_now_ns() + PROBE_DRAIN_NS, want ? probe_arrived : NULL, &p);
	probe_arrived(r, &p);
	if (r->aborted || *r->stop)
		return;
	snprintf(sa, sizeof(sa), "%u.%u.%u.%u", s->match.src >> 24, s->match.src >> 16 & 255,
		 s->match.src >> 8 & 255, s->match.src & 255);
	snprintf(ga, sizeof(ga), "%u.%u.%u.%u", s->match.group >> 24, s->match.group >> 16 & 255,
		 s->match.group >> 8 & 255, s->match.group & 255);
	if (want == (p.arrived >= 0))
		return;
	enum hx_verdict v = want && s->need ? HX_INCONCLUSIVE
			  : ri->level <= IGMPX_LEVEL_MUST_PLAIN ? HX_FAIL
			  : ri->level <= IGMPX_LEVEL_SHOULD_PLAIN ? HX_WARN : HX_PASS;
	double first = p.sent_at[0] ? (double)(p.sent_at[0] - r->anchor) / NS : 0;
	/* The steps before took longer than this one's window: its probes
	 * left after it, and what they met may no longer be the state the
	 * window was for.  Said as "late:", as a frame after its window is. */
	char late[200] = "";
	if (p.sent_at[0] > hi)
		snprintf(late, sizeof(late), "; late: first after the window at +%.3f s, %.0f ms past "
			 "its end (the steps before it ended after the window, and so its probes)",
			 first, (double)(p.sent_at[0] - hi) / 1e6);
	if (want) {
		unsigned last = p.sent < 64 ? p.sent - 1 : 63;
		run_verdict(r, v, "%s:%d: %s (%s %s, %s): %s: expected traffic from %s to %s "
			    "forwarded onto the test link within [%.3f, %.3f] s after %s; none of the "
			    "%u probes sent on the source link from +%.3f to +%.3f s arrived%s",
			    r->c->path, s->line, ri->id, ri->rfc, ri->section,
			    igmpx_level_name(ri->level), s->need ? "precondition unmet" : ri->text, sa,
			    ga, lo_s, hi_s, r->anchor_frame >= 0 ? "the stimulus" : "the command",
			    p.sent, first, (double)(p.sent_at[last] - r->anchor) / NS, late);
	} else {
		unsigned k = (unsigned)p.arrived - p.first;
		run_verdict(r, v, "%s:%d: %s (%s %s, %s): %s: traffic from %s to %s was forwarded "
			    "onto the test link within [%.3f, %.3f] s after %s: probe %d, sent at "
			    "+%.3f s, arrived at +%.3f s%s", r->c->path, s->line, ri->id, ri->rfc,
			    ri->section, igmpx_level_name(ri->level), ri->text, sa, ga, lo_s, hi_s,
			    r->anchor_frame >= 0 ? "the stimulus" : "the command", p.arrived,
			    k < 64 ? (double)(p.sent_at[k] - r->anchor) / NS : first,
			    (double)(p.arrived_t - r->anchor) / NS, late);
	}
}
