/* badrouter-state.c: igmpx-badrouter's group table, RFC 9776 §6.2-§6.6.
 *
 * A group is INCLUDE (its sources' timers all run) or EXCLUDE (the
 * sources with a running timer are the forwarded list X, those without
 * the blocked list Y) with a Group Timer.  Current-State Records act as
 * Table 8 says (§6.4.1), Filter-Mode-Change and Source-List-Change Records
 * as Table 9 (§6.4.2), their "Send Q(G)" and "Send Q(G,X)" building
 * specific queries as §6.6.3 says when the router is the querier; a
 * specific query heard with S clear lowers timers as Table 10 (§6.6.1);
 * the timers' expiry as §6.2.3 and §6.5.  Faults onelmq, lmqmrt (in
 * badrouter.c), gsqdst (likewise), nosflag and t9block act here.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "badrouter.h"

#define REC_IS_IN 1
#define REC_IS_EX 2
#define REC_TO_IN 3
#define REC_TO_EX 4
#define REC_ALLOW 5
#define REC_BLOCK 6

static struct group *find(struct router *r, uint32_t addr, bool make)
{
	for (unsigned i = 0; i < r->ngroups; i++)
		if (r->groups[i].addr == addr)
			return &r->groups[i];
	if (!make || r->ngroups == MAX_GROUPS)
		return NULL;
	struct group *g = &r->groups[r->ngroups++];
	memset(g, 0, sizeof(*g));
	g->addr = addr;
	return g;
}

static struct source *src_find(struct group *g, uint32_t a)
{
	for (unsigned i = 0; i < g->nsrc; i++)
		if (g->src[i].addr == a)
			return &g->src[i];
	return NULL;
}

static struct source *src_add(struct group *g, uint32_t a, double timer)
{
	struct source *s = src_find(g, a);
	if (s || g->nsrc == MAX_SOURCES)
		return s;
	s = &g->src[g->nsrc++];
	*s = (struct source){ a, timer, 0 };
	return s;
}

static void src_del(struct group *g, struct source *s)
{
	*s = g->src[--g->nsrc];
}

static bool in(const uint32_t *l, unsigned n, uint32_t a)
{
	for (unsigned i = 0; i < n; i++)
		if (l[i] == a)
			return true;
	return false;
}

static void drop_group(struct router *r, struct group *g)
{
	char a[16];
	fprintf(stderr, "badrouter: group %s deleted\n", ntoa(g->addr, a));
	*g = r->groups[--r->ngroups];
}

/* ---- Specific queries (§6.6.3) ----------------------------------------------- */

static double lmqt(const struct router *r) { return r->lmqc * r->lmqi; }

/* Sends the group's Group-and-Source queries now: the sources with
 * retransmission state, those with timers above LMQT in one message with S
 * set, the others in one with S clear; an empty message is not sent. */
static void send_gssq(struct router *r, struct group *g)
{
	uint32_t hi[MAX_SOURCES], lo[MAX_SOURCES];
	unsigned nh = 0, nl = 0;
	double t = now();
	bool more = false;

	for (unsigned i = 0; i < g->nsrc; i++) {
		struct source *s = &g->src[i];
		if (!s->rexmit)
			continue;
		if (s->timer - t > lmqt(r) && !(r->faults & F_NOSFLAG))
			hi[nh++] = s->addr;
		else
			lo[nl++] = s->addr;
		more = more || --s->rexmit > 0;
	}
	if (nh)
		send_query(r, g->addr, true, hi, nh, "group-and-source (S set)");
	if (nl)
		send_query(r, g->addr, false, lo, nl, "group-and-source");
	g->gssq_at = more ? t + r->lmqi : 0;
}

static void send_gsq(struct router *r, struct group *g)
{
	double t = now();
	bool s = g->exclude && g->timer - t > lmqt(r) && !(r->faults & F_NOSFLAG);

	send_query(r, g->addr, s, NULL, 0, s ? "group-specific (S set)" : "group-specific");
	g->gsq_left--;
	g->gsq_at = g->gsq_left ? t + r->lmqi : 0;
}

/* Table action Send Q(G, X): only a querier sends (§6.6.3.2). */
static void query_sources(struct router *r, struct group *g, const uint32_t *x, unsigned n)
{
	double t = now();
	bool any = false;

	if (!r->querier || !n)
		return;
	for (unsigned i = 0; i < n; i++) {
		struct source *s = src_find(g, x[i]);
		if (!s || s->timer - t <= lmqt(r))
			continue;
		s->rexmit = r->faults & F_ONELMQ ? 1 : r->lmqc;
		s->timer = t + lmqt(r);
		any = true;
	}
	if (any)
		send_gssq(r, g);
}

/* Table action Send Q(G) (§6.6.3.1). */
static void query_group(struct router *r, struct group *g)
{
	if (!r->querier)
		return;
	g->timer = now() + lmqt(r);
	g->gsq_left = r->faults & F_ONELMQ ? 1 : r->lmqc;
	send_gsq(r, g);
}

/* ---- Reports (§6.4) ------------------------------------------------------------ */

void on_record(struct router *r, uint8_t type, uint32_t addr, const uint32_t *b, unsigned nb,
	       uint32_t from)
{
	double t = now(), gmi = t + r->gmi;
	uint32_t q[MAX_SOURCES];
	unsigned nq = 0;
	char a[16], f[16];

	if (type < REC_IS_IN || type > REC_BLOCK)
		return;                         /* unknown record types are ignored (§4.2.13) */
	/* No state is INCLUDE {}: BLOCK, and records of no sources but the
	 * EXCLUDE ones, leave it so. */
	struct group *g = find(r, addr, type == REC_IS_EX || type == REC_TO_EX ||
					(type != REC_BLOCK && nb > 0));
	if (!g)
		return;
	fprintf(stderr, "badrouter: record %u for %s from %s, %u sources, %s\n", type,
		ntoa(addr, a), ntoa(from, f), nb, g->exclude ? "EXCLUDE" : "INCLUDE");
	if (!g->exclude) {
		switch (type) {
		case REC_IS_IN:
		case REC_ALLOW:
		case REC_TO_IN:                 /* INCLUDE (A+B), (B) = GMI */
			for (unsigned i = 0; i < g->nsrc; i++)
				if (type == REC_TO_IN && !in(b, nb, g->src[i].addr))
					q[nq++] = g->src[i].addr;   /* A-B */
			for (unsigned i = 0; i < nb; i++) {
				struct source *s = src_add(g, b[i], gmi);
				if (s)
					s->timer = gmi;
			}
			if (type == REC_TO_IN)
				query_sources(r, g, q, nq);
			break;
		case REC_BLOCK:                 /* INCLUDE (A), Send Q(G, A*B) */
			for (unsigned i = 0; i < nb; i++)
				if (src_find(g, b[i]))
					q[nq++] = b[i];
			if (!(r->faults & F_T9BLOCK))
				query_sources(r, g, q, nq);
			break;
		case REC_IS_EX:
		case REC_TO_EX:                 /* EXCLUDE (A*B, B-A) */
			for (unsigned i = g->nsrc; i-- > 0;) {
				if (!in(b, nb, g->src[i].addr))
					src_del(g, &g->src[i]);         /* delete (A-B) */
				else
					q[nq++] = g->src[i].addr;       /* A*B */
			}
			for (unsigned i = 0; i < nb; i++)
				if (!src_find(g, b[i]))
					src_add(g, b[i], 0);            /* (B-A) = 0 */
			g->exclude = true;
			g->timer = gmi;
			if (type == REC_TO_EX)
				query_sources(r, g, q, nq);
			break;
		}
	} else {
		switch (type) {
		case REC_IS_IN:
		case REC_ALLOW:
		case REC_TO_IN:                 /* EXCLUDE (X+A, Y-A), (A) = GMI */
			for (unsigned i = 0; i < g->nsrc; i++)
				if (type == REC_TO_IN && g->src[i].timer > 0 && !in(b, nb, g->src[i].addr))
					q[nq++] = g->src[i].addr;   /* X-A */
			for (unsigned i = 0; i < nb; i++) {
				struct source *s = src_add(g, b[i], gmi);
				if (s)
					s->timer = gmi;
			}
			if (type == REC_TO_IN) {
				query_sources(r, g, q, nq);
				query_group(r, g);
			}
			break;
		case REC_BLOCK:                 /* EXCLUDE (X+(A-Y), Y), (A-X-Y) = GT */
			for (unsigned i = 0; i < nb; i++) {
				struct source *s = src_find(g, b[i]);
				if (!s)
					s = src_add(g, b[i], g->timer);
				if (s && s->timer > 0)
					q[nq++] = b[i];                 /* A-Y */
			}
			query_sources(r, g, q, nq);
			break;
		case REC_IS_EX:
		case REC_TO_EX:                 /* EXCLUDE (A-Y, Y*A) */
			for (unsigned i = g->nsrc; i-- > 0;)
				if (!in(b, nb, g->src[i].addr))
					src_del(g, &g->src[i]);         /* delete (X-A), (Y-A) */
			for (unsigned i = 0; i < nb; i++) {
				struct source *s = src_find(g, b[i]);
				if (!s)
					s = src_add(g, b[i], type == REC_IS_EX ? gmi : g->timer);
				if (s && s->timer > 0)
					q[nq++] = b[i];                 /* A-Y */
			}
			g->timer = gmi;
			if (type == REC_TO_EX)
				query_sources(r, g, q, nq);
			break;
		}
	}
	if (!g->exclude && !g->nsrc)
		drop_group(r, g);
}

/* A Group-Specific or Group-and-Source query heard (Table 10, §6.6.1). */
void on_specific_query(struct router *r, uint32_t addr, bool s, const uint32_t *src, unsigned n)
{
	struct group *g = find(r, addr, false);
	double low = now() + lmqt(r);

	if (!g || s)
		return;
	if (!n && g->exclude && g->timer > low)
		g->timer = low;
	for (unsigned i = 0; i < n; i++) {
		struct source *x = src_find(g, src[i]);
		if (x && x->timer > low)
			x->timer = low;
	}
}

/* Runs out timers and sends the specific queries due; the next time
 * anything is due, or 0. */
double state_timers(struct router *r)
{
	double t = now(), next = 0;

	for (unsigned i = r->ngroups; i-- > 0;) {
		struct group *g = &r->groups[i];
		if (g->gsq_at && g->gsq_at <= t)
			send_gsq(r, g);
		if (g->gssq_at && g->gssq_at <= t)
			send_gssq(r, g);
		for (unsigned k = g->nsrc; k-- > 0;) {
			struct source *s = &g->src[k];
			if (s->timer > 0 && s->timer <= t) {
				if (g->exclude)
					s->timer = 0;           /* to Y (Table 6) */
				else
					src_del(g, s);          /* §6.2.3 */
			}
		}
		if (g->exclude && g->timer && g->timer <= t) {
			/* §6.5: to INCLUDE with the running sources. */
			for (unsigned k = g->nsrc; k-- > 0;)
				if (!g->src[k].timer)
					src_del(g, &g->src[k]);
			g->exclude = false;
			g->timer = 0;
		}
		if (!g->exclude && !g->nsrc) {
			drop_group(r, g);
			continue;
		}
		double when[] = { g->gsq_at, g->gssq_at, g->exclude ? g->timer : 0 };
		for (size_t k = 0; k < 3; k++)
			if (when[k] && (!next || when[k] < next))
				next = when[k];
		for (unsigned k = 0; k < g->nsrc; k++)
			if (g->src[k].timer && (!next || g->src[k].timer < next))
				next = g->src[k].timer;
	}
	return next;
}

/* The group table in igmpx's state format (harness/state.c). */
void state_dump(const struct router *r, int fd)
{
	double t = now();
	char line[64 + 32 * MAX_SOURCES], a[16];

	for (unsigned i = 0; i < r->ngroups; i++) {
		const struct group *g = &r->groups[i];
		int n = snprintf(line, sizeof(line), "%s %s v3", ntoa(g->addr, a),
				 g->exclude ? "exclude" : "include");
		if (g->exclude)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " timer=%.2f",
				      g->timer > t ? g->timer - t : 0);
		for (int stopped = 0; stopped < 2; stopped++) {
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=",
				      stopped ? "stopped" : "running");
			bool first = true;
			for (unsigned k = 0; k < g->nsrc; k++)
				if ((g->src[k].timer == 0) == (stopped == 1)) {
					n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s",
						      first ? "" : ",", ntoa(g->src[k].addr, a));
					first = false;
				}
		}
		line[n++] = '\n';
		if (write(fd, line, (size_t)n) < 0)
			return;
	}
}
