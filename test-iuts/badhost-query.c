/* badhost-query.c: igmpx-badhost's input.  A frame from the packet socket
 * is kept if it is an incoming IPv4 datagram; fragments are reassembled (one
 * datagram at a time); an IGMP query with a right checksum is checked (v3,
 * Router Alert, destination) and its answer scheduled by the five rules of
 * §5.2; the answers to General and group(-and-source) queries are sent from
 * here when run_timers() finds them due.  Faults late, silent, nogsq and
 * crash act here.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ip.h"
#include "badhost.h"

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
void answer_general(struct host *h)
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
void answer_group(struct host *h, struct group *g)
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
void on_frame(struct host *h, const uint8_t *f, size_t len, const struct sockaddr_ll *sll)
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
