/* timing.c: the timing rules of rules.def over a link (see timing.h):
 * the feed, the queriers (election, intervals, startup, older versions) and
 * the latest queries reports are linked to.  Hosts, reports and last
 * member queries are in timing-host.c. */
#include "timing-int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ip.h"

/* A higher-addressed router may still send a General Query it had already
 * scheduled when the lower one's query arrived: allow it this long (plus
 * the tolerance) before calling it querier_not_lowest.  Not from the RFC:
 * RFC 9776 §6.6.2 says "ceases", with no time given. */
#define ELECTION_GRACE_US (1 * US_PER_S)

void igmpx_link_config_defaults(struct igmpx_link_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->robustness = 2;            /* RFC 9776 §8.1 */
	cfg->query_interval_s = 125;    /* §8.2 */
	cfg->query_response_ds = 100;   /* §8.3 */
	cfg->lmqi_ds = 10;              /* §8.8 */
}

struct igmpx_link *igmpx_link_new(const struct igmpx_link_config *cfg)
{
	struct igmpx_link *l = calloc(1, sizeof(*l));
	if (l)
		l->cfg = *cfg;
	return l;
}

void igmpx_link_free(struct igmpx_link *link)
{
	if (!link)
		return;
	free(link->queriers);
	free(link->queries);
	free(link->lmqs);
	free(link->useqs);
	free(link->groups);
	free(link->members);
	free(link);
}

/* ---- Helpers ---------------------------------------------------------------- */

static struct igmpx_tfinding *emit_at(struct tq_out *o, enum igmpx_rule r, uint32_t frame,
				      const char *stable, const struct igmpx_tvals *v)
{
	struct igmpx_tfinding *f;

	if (o->n >= o->max) {
		o->n++;
		return NULL;
	}
	f = &o->out[o->n++];
	f->rule = r;
	f->frame = frame;
	f->stable = stable;
	if (v)
		f->vals = *v;
	else
		memset(&f->vals, 0, sizeof(f->vals));
	f->text[0] = 0;
	return f;
}

void tq_emit_stable(struct tq_out *o, enum igmpx_rule r, uint32_t frame, const char *stable,
		    const struct igmpx_tvals *v)
{
	emit_at(o, r, frame, stable, v);
}

void tq_emit_full(struct tq_out *o, enum igmpx_rule r, uint32_t frame, const char *stable,
		  const struct igmpx_tvals *v, const char *fmt, ...)
{
	struct igmpx_tfinding *f = emit_at(o, r, frame, stable, v);
	va_list ap;
	int k;

	if (!f)
		return;
	va_start(ap, fmt);
	k = igmpx_text_vformat(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	igmpx_rule_cite(f->text, sizeof(f->text), k, r);
}

void *tq_grow(void **tab, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 8;
		void *p = realloc(*tab, ncap * size);
		if (!p)
			return NULL;
		*tab = p;
		*cap = ncap;
	}
	void *e = (char *)*tab + (*n)++ * size;
	memset(e, 0, size);
	return e;
}

static const char *secs(uint64_t us, unsigned decimals)
{
	static _Thread_local char bufs[8][IGMPX_TEXT_SECS];
	static _Thread_local unsigned next;

	return igmpx_text_secs(bufs[next++ % 8], us, decimals);
}

const char *tq_s(uint64_t us)
{
	return secs(us, 2);
}

const char *tq_s1(uint64_t us)
{
	return secs(us, 1);
}

uint64_t tq_diff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

enum igmpx_slack igmpx_timer_slack(uint64_t gap_us, uint64_t interval_us, uint64_t tol_us)
{
	if (gap_us + tol_us >= interval_us && gap_us <= interval_us + tol_us)
		return IGMPX_ON_TIME;
	if (gap_us > interval_us && gap_us <= interval_us + tol_us + interval_us / 8)
		return IGMPX_GRANULAR;
	return IGMPX_OFF;
}

uint64_t tq_tol(const struct igmpx_link *l)
{
	return (uint64_t)l->cfg.tolerance_ms * US_PER_MS;
}

/* RFC 9776 §4.1.6: QRV 0 means the querier's RV is above 7 (or not
 * given): the default is used. */
static unsigned querier_rv(const struct igmpx_link *l, const struct tq_querier *q)
{
	return q && q->qrv ? q->qrv : l->cfg.robustness;
}

/* RFC 9776 §4.1.7: QQI; v1/v2 queriers advertise none. */
static unsigned querier_qi_s(const struct igmpx_link *l, const struct tq_querier *q)
{
	return q && q->qqi_s ? q->qqi_s : l->cfg.query_interval_s;
}

static uint64_t querier_qri_us(const struct igmpx_link *l, const struct tq_querier *q)
{
	unsigned ms = q && q->qri_ms ? q->qri_ms : 100u * l->cfg.query_response_ds;
	return (uint64_t)ms * US_PER_MS;
}

/* RFC 9776 §8.5: Other Querier Present Interval = RV * QI + QRI / 2, from
 * the values the querier advertises (§4.1.6, §4.1.7, §4.1.1). */
static uint64_t querier_oqpi_us(const struct igmpx_link *l, const struct tq_querier *q)
{
	return (uint64_t)querier_rv(l, q) * querier_qi_s(l, q) * US_PER_S +
	       querier_qri_us(l, q) / 2;
}

/* When prune() may forget the querier (silent for twice its Other Querier
 * Present Interval) and the query (older than the longest window a report
 * is linked in; General Queries are kept). */
static uint64_t querier_end(const struct igmpx_link *l, const struct tq_querier *q)
{
	return q->last_gq_t + 2 * querier_oqpi_us(l, q);
}

static uint64_t query_end(const struct tq_query *q)
{
	return q->group ? q->t + 2 * (uint64_t)q->max_resp_ms * US_PER_MS + 20 * US_PER_S
			: UINT64_MAX;
}

/* RFC 4541 §2.1.1: a snooping switch's proxy queries, from 0.0.0.0, "must
 * not be included in the Querier election process". */
static bool elects(const struct tq_querier *q)
{
	return q->addr != 0;
}

/* The querier whose values hosts use: the lowest address heard within its
 * Other Querier Present Interval; a proxy (0.0.0.0) only when there is no
 * other. */
struct tq_querier *tq_current_querier(struct igmpx_link *l, uint64_t t)
{
	struct tq_querier *best = NULL;

	if (l->cq_ok && l->cq_t == t)
		return l->cq;
	for (size_t i = 0; i < l->n_queriers; i++) {
		struct tq_querier *q = &l->queriers[i];
		if (q->absent || !q->n_gq || t - q->last_gq_t > querier_oqpi_us(l, q))
			continue;
		if (!best || (elects(q) && (!elects(best) || q->addr < best->addr)))
			best = q;
	}
	l->cq = best, l->cq_t = t, l->cq_ok = true;
	return best;
}

unsigned tq_rv(const struct igmpx_link *l, uint64_t t)
{
	return querier_rv(l, tq_current_querier((struct igmpx_link *)l, t));
}

unsigned tq_qi_s(const struct igmpx_link *l, uint64_t t)
{
	return querier_qi_s(l, tq_current_querier((struct igmpx_link *)l, t));
}

const struct tq_query *tq_latest_query(const struct igmpx_link *l, uint32_t group)
{
	for (size_t i = 0; i < l->n_queries; i++)
		if (l->queries[i].group == group)
			return &l->queries[i];
	return NULL;
}

static void remember_query(struct igmpx_link *l, uint32_t frame, uint64_t t,
			   const struct tq_pkt *p, uint32_t group)
{
	struct tq_query *q = (struct tq_query *)tq_latest_query(l, group);

	if (!q && !(q = TQ_ADD(l, queries)))
		return;
	q->group = group;
	q->frame = frame;
	q->t = t;
	q->version = p->m.version;
	/* RFC 2236 §4, RFC 9776 §7.2.1: a v1 query's 0 means 10 s. */
	q->max_resp_ms = p->m.kind == IGMPX_K_V1_QUERY ? 10000 : igmpx_query_max_resp_ms(&p->m);
	tq_due(&l->prune_next_t, query_end(q));
}

/* ---- Queriers --------------------------------------------------------------- */

static struct tq_querier *querier_get(struct tq_out *o, uint32_t addr)
{
	struct igmpx_link *l = o->l;
	struct tq_querier *q;
	size_t others = 0;
	char a[16];

	for (size_t i = 0; i < l->n_queriers; i++) {
		if (l->queriers[i].addr == addr)
			return &l->queriers[i];
		others += !l->queriers[i].absent && elects(&l->queriers[i]);
	}
	l->cq_ok = false;       /* the table may move */
	if (!(q = TQ_ADD(l, queriers)))
		return NULL;
	q->addr = addr;
	/* RFC 9776 §6.6.2: one querier per subnet is elected by address. */
	if (others && elects(q))
		tq_emit(o, IGMPX_RULE_queriers_several, o->frame,
			"a router queries beside other routers on this link",
			TV(.has = IGMPX_TV_COUNT, .count = (uint32_t)others),
			"%s queries beside %zu other router%s on this link", tq_ip4(addr, a),
			others, others == 1 ? "" : "s");
	return q;
}

/* RFC 9776 §6.6.2 (RFC 2236 §3): a router hearing a General Query from a
 * lower address ceases to send them, and resumes after its Other Querier
 * Present timer expires. */
static void querier_election(struct tq_out *o, struct tq_querier *q)
{
	struct igmpx_link *l = o->l;
	char a[16], b[16];

	for (size_t i = 0; i < l->n_queriers; i++) {
		struct tq_querier *low = &l->queriers[i];
		if (low->addr >= q->addr || low->absent || !low->n_gq || !elects(low))
			continue;
		uint64_t gap = o->t - low->last_gq_t, oqpi = querier_oqpi_us(l, low);
		if (gap + tq_tol(l) >= oqpi) {
			low->absent = true;
			tq_emit(o, IGMPX_RULE_querier_takeover, o->frame,
				"a router queries after the Other Querier Present Interval of the "
				"lower-addressed querier",
				TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT | IGMPX_TV_ROUTER,
				   .time_us = gap, .limit_us = oqpi, .router = low->addr),
				"%s queries %s s after the last General Query of %s: "
				"Other Querier Present Interval %s s", tq_ip4(q->addr, a), tq_s(gap),
				tq_ip4(low->addr, b), tq_s(oqpi));
		} else if (gap > ELECTION_GRACE_US + tq_tol(l)) {
			tq_emit(o, IGMPX_RULE_querier_not_lowest, o->frame,
				"General Query while a lower-addressed querier is present (within its "
				"Other Querier Present Interval, after a grace of 1 s)",
				TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT | IGMPX_TV_ROUTER,
				   .time_us = gap, .limit_us = oqpi, .router = low->addr),
				"General Query from %s %s s after one from lower-addressed %s, "
				"whose Other Querier Present Interval is %s s "
				"(grace 1 s, tolerance %u ms)", tq_ip4(q->addr, a), tq_s(gap),
				tq_ip4(low->addr, b), tq_s(oqpi),
				l->cfg.tolerance_ms);
		}
	}
}

/* q was not (or should not have been) the querier during its last gap: a
 * lower-addressed router was heard since q's previous General Query, or
 * is still present (within its Other Querier Present Interval). */
static bool querier_was_quiet(const struct igmpx_link *l, const struct tq_querier *q, uint64_t t)
{
	for (size_t i = 0; i < l->n_queriers; i++) {
		const struct tq_querier *low = &l->queriers[i];
		if (low->addr >= q->addr || !low->n_gq || !elects(low))
			continue;
		if (low->last_gq_t > q->last_gq_t ||
		    (!low->absent && t - low->last_gq_t < querier_oqpi_us(l, low)))
			return true;
	}
	return false;
}

/* A querier's startup is judged only where the capture shows it: the
 * link was watched for longer than the querier's Query Interval (its QQI,
 * else the default) and an eighth before its first General Query, so a
 * querier already running would have been heard; or the caller watched
 * the link from before any router on it started (cfg.starts_seen: the
 * harness, which starts the router under test).  Not when a
 * lower-addressed router has been heard: then it took over or is losing
 * the election, it did not start up (RFC 9776 §6.6.2).  1: shown, 0: not
 * a start, -1: not known (the capture began less than a Query Interval
 * before). */
static int startup_shown(struct tq_out *o, const struct tq_querier *q, const struct tq_pkt *p)
{
	const struct igmpx_link *l = o->l;
	uint64_t qi = p->m.kind == IGMPX_K_V3_QUERY && p->m.u.v3q.qqic
			      ? (uint64_t)igmpx_code_decode(p->m.u.v3q.qqic) * US_PER_S
			      : (uint64_t)l->cfg.query_interval_s * US_PER_S;

	for (size_t i = 0; i < l->n_queriers; i++)
		if (l->queriers[i].addr < q->addr && l->queriers[i].n_gq && elects(&l->queriers[i]))
			return 0;
	if (l->cfg.starts_seen || o->t - l->start_t > qi + qi / 8 + tq_tol(l))
		return 1;
	return -1;
}

/* RFC 2236 §3 with the defaults of RFC 9776 §8.6, §8.7: Startup Query
 * Count (RV) General Queries, Startup Query Interval (QI/4) apart, judged
 * only where the capture shows the start (startup_shown).  True when the
 * gap belongs to the startup, not to the periodic queries. */
static bool check_startup(struct tq_out *o, struct tq_querier *q, uint64_t gap, uint64_t qi)
{
	uint64_t sqi = o->l->cfg.startup_ds ? (uint64_t)o->l->cfg.startup_ds * US_PER_S / 10 : qi / 4;
	uint64_t tol = tq_tol(o->l);
	unsigned sqc = querier_rv(o->l, q);
	/* The Startup Query Count and Interval are configured, and a capture
	 * shows neither (RV and QI/4 are their defaults, §8.6, §8.7): judged
	 * against the defaults a startup is a fact.  A harness profile states
	 * them; it judges an IGMPv2 router's startup by its cases alone. */
	enum igmpx_rule rule = !o->l->cfg.configured ? IGMPX_RULE_startup_default
			       : q->version == 3     ? IGMPX_RULE_startup_queries
						     : IGMPX_RULE_COUNT;

	if (q->startup == 0 || q->n_gq > sqc)
		return false;
	if (q->startup < 0) {
		/* Its first gaps may be a startup the capture began inside:
		 * shorter than QI, they are judged by neither rule.  One of
		 * a Query Interval ends the doubt. */
		if (q->n_gq < sqc && gap + tol < qi)
			return true;
		q->startup = 0;
		return false;
	}
	if (q->n_gq < sqc) {
		if (igmpx_timer_slack(gap, sqi, tol) == IGMPX_OFF && rule != IGMPX_RULE_COUNT)
			tq_emit(o, rule, o->frame,
				"startup General Query not one Startup Query Interval after the previous",
				TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT | IGMPX_TV_COUNT | IGMPX_TV_EXPECT,
				   .time_us = gap, .limit_us = sqi, .count = q->n_gq + 1, .expect = sqc),
				"startup General Query %u of %u comes %s s after the previous, "
				"Startup Query Interval %s%s s (tolerance %u ms)", q->n_gq + 1, sqc,
				tq_s(gap), o->l->cfg.startup_ds ? "" : "QI/4 = ", tq_s(sqi),
				o->l->cfg.tolerance_ms);
		return true;
	}
	if (igmpx_timer_slack(gap, sqi, tol) != IGMPX_OFF) {
		if (rule != IGMPX_RULE_COUNT)
			tq_emit(o, rule, o->frame,
				"General Query at the Startup Query Interval beyond the Startup Query Count",
				TV(.has = IGMPX_TV_LIMIT | IGMPX_TV_COUNT | IGMPX_TV_EXPECT, .limit_us = sqi,
				   .count = q->n_gq + 1, .expect = sqc),
				"General Query %u at the Startup Query Interval %s s: more than "
				"the Startup Query Count %u", q->n_gq + 1, tq_s(sqi), sqc);
		return true;
	}
	return false;
}

/* RFC 9776 §8.2, §4.1.7: a querier sends General Queries every Query
 * Interval, the QQI it advertises; the gap is measured against the QQI of
 * the previous query (the interval it announced).  An IGMPv1 or v2
 * querier advertises no interval (RFC 2236 §8.2 gives only a default):
 * its own gaps are its Query Interval, so a gap unlike the one before
 * (both after its startup) breaks the rule, whatever it was set to. */
static void check_intervals(struct tq_out *o, struct tq_querier *q, const struct tq_pkt *p)
{
	uint64_t gap = o->t - q->last_gq_t;
	bool v3 = p->m.kind == IGMPX_K_V3_QUERY && q->version == 3 && q->qqi_s;
	uint64_t qi = v3 ? (uint64_t)q->qqi_s * US_PER_S
			 : (uint64_t)o->l->cfg.query_interval_s * US_PER_S;
	char a[16];

	if (q->absent || querier_was_quiet(o->l, q, o->t) || p->m.version != q->version) {
		q->startup = 0, q->prev_gap = 0;
		return;
	}
	if (check_startup(o, q, gap, qi))
		return;
	if (v3) {
		if (igmpx_timer_slack(gap, qi, tq_tol(o->l)) == IGMPX_OFF)
			tq_emit(o, IGMPX_RULE_query_interval, o->frame,
				"General Query not one Query Interval (the QQI it advertised) after "
				"the previous one of this querier",
				TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT, .time_us = gap, .limit_us = qi),
				"General Query %s s after the previous one of this querier, "
				"QQI %u s (tolerance %u ms)", tq_s(gap), q->qqi_s,
				o->l->cfg.tolerance_ms);
		return;
	}
	if (q->prev_gap && igmpx_timer_slack(gap, q->prev_gap, tq_tol(o->l)) == IGMPX_OFF)
		tq_emit(o, IGMPX_RULE_v2_query_interval, o->frame,
			"IGMPv1 or v2 General Query not its Query Interval (the gap before) after "
			"the previous one of this querier",
			TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT, .time_us = gap,
			   .limit_us = q->prev_gap),
			"IGMPv%d General Query of %s %s s after the previous, the one before "
			"%s s after its own: no Query Interval kept (tolerance %u ms)",
			q->version, tq_ip4(q->addr, a), tq_s(gap), tq_s(q->prev_gap),
			o->l->cfg.tolerance_ms);
	q->prev_gap = gap;
}

/* RFC 9776 §7.2.1: an IGMPv1 Query or IGMPv2 General Query puts hosts in
 * the older compatibility mode (a v2 group-specific query does not). */
static void older_querier(struct tq_out *o, struct tq_querier *q, const struct tq_pkt *p)
{
	struct igmpx_link *l = o->l;
	char a[16];

	if (p->m.kind == IGMPX_K_V1_QUERY) {
		l->v1q_t = o->t, l->v1q_frame = o->frame, l->v1q_addr = p->src, l->v1q_seen = true;
	} else if (p->m.kind == IGMPX_K_V2_QUERY) {
		l->v2q_t = o->t, l->v2q_frame = o->frame, l->v2q_addr = p->src, l->v2q_seen = true;
		l->v2q_mrt_ms = igmpx_query_max_resp_ms(&p->m);
	} else {
		return;
	}
	if (!q->told_older) {
		q->told_older = true;
		tq_emit(o, IGMPX_RULE_older_querier, o->frame,
			p->m.version == 1 ? "IGMPv1 querier: hosts switch to IGMPv1 compatibility mode"
			                  : "IGMPv2 querier: hosts switch to IGMPv2 compatibility mode",
			NULL,
			"IGMPv%d querier %s: hosts switch to IGMPv%d compatibility mode",
			p->m.version, tq_ip4(p->src, a), p->m.version);
	}
}

static void general_query(struct tq_out *o, const struct tq_pkt *p, struct igmpx_link_event *ev)
{
	struct tq_querier *q = querier_get(o, p->src);

	if (!q)
		return;
	querier_election(o, q);
	if (!q->n_gq)
		q->startup = startup_shown(o, q, p);
	if (q->n_gq) {
		ev->querier_frame = q->last_gq_frame;
		ev->query_gap_us = o->t - q->last_gq_t;
		check_intervals(o, q, p);
	}
	older_querier(o, q, p);
	q->absent = false;
	q->version = p->m.version;
	q->last_gq_t = o->t;
	q->last_gq_frame = o->frame;
	q->n_gq++;
	q->qri_ms = p->m.kind == IGMPX_K_V1_QUERY ? 10000 : igmpx_query_max_resp_ms(&p->m);
	q->qrv = p->m.kind == IGMPX_K_V3_QUERY ? p->m.u.v3q.qrv : 0;
	q->qqi_s = p->m.kind == IGMPX_K_V3_QUERY ? igmpx_code_decode(p->m.u.v3q.qqic) : 0;
	tq_due(&o->l->prune_next_t, querier_end(o->l, q));
	o->l->cq_ok = false;    /* this querier changed */
}

static void query(struct tq_out *o, const struct tq_pkt *p, struct igmpx_link_event *ev)
{
	uint32_t group = p->m.kind == IGMPX_K_V3_QUERY ? p->m.u.v3q.group : p->m.u.v12.group;

	o->l->cq_ok = false;    /* the queriers change below */
	if (group == 0)
		general_query(o, p, ev);
	else
		tq_host_query(o, p);
	remember_query(o->l, o->frame, o->t, p, group);
	o->l->cq_ok = false;
}

/* ---- Pruning ---------------------------------------------------------------- */

/* Queriers and queries are forgotten once nothing can refer to them: a
 * querier silent for twice its Other Querier Present Interval, a query
 * older than the longest window a report is linked in. */
/* Nothing is pruned before prune_next_t: no scan. */
static void prune(struct igmpx_link *l, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	if (now <= l->prune_next_t)
		return;
	l->cq_ok = false;       /* entries may move or go */
	for (size_t i = 0; i < l->n_queriers;) {
		struct tq_querier *q = &l->queriers[i];
		if (now > querier_end(l, q)) {
			TQ_DEL(l, queriers, i);
		} else {
			tq_due(&next, querier_end(l, q));
			i++;
		}
	}
	for (size_t i = 0; i < l->n_queries;) {
		struct tq_query *q = &l->queries[i];
		if (now > query_end(q)) {
			TQ_DEL(l, queries, i);
		} else {
			tq_due(&next, query_end(q));
			i++;
		}
	}
	l->prune_next_t = next;
}

/* ---- The feed --------------------------------------------------------------- */

/* Only whole, unfragmented IGMP messages with a right checksum are
 * processed (RFC 9776 §4.1.2, §4.2.2: a message with a bad checksum is
 * discarded). */
static bool tq_usable(const struct igmpx_ipv4 *h, const struct igmpx_msg *m)
{
	return h->proto == IGMPX_IPPROTO_IGMP && !(h->frag & 0x3FFF) && m->status == IGMPX_OK &&
	       m->checksum_ok;
}

static size_t feed(struct igmpx_link *link, uint32_t frame, uint64_t t_us,
		   const struct tq_pkt *p, struct igmpx_link_event *ev,
		   struct igmpx_tfinding *out, size_t max)
{
	struct tq_out o = { link, frame, t_us, out, max, 0 };

	memset(ev, 0, sizeof(*ev));
	/* Inside the model times are shifted by 1 us so that 0 means "never". */
	o.t = ++t_us;
	if (t_us < link->last_t)
		o.t = t_us = link->last_t;      /* time order is assumed; never go back */
	if (!link->started)
		link->started = true, link->start_t = t_us;
	link->last_t = t_us;
	tq_host_expire(&o, t_us, false);
	prune(link, t_us);
	if (!p)
		return o.n;
	switch (p->m.kind) {
	case IGMPX_K_V1_QUERY:
	case IGMPX_K_V2_QUERY:
	case IGMPX_K_V3_QUERY:
		query(&o, p, ev);
		break;
	case IGMPX_K_V1_REPORT:
	case IGMPX_K_V2_REPORT:
	case IGMPX_K_V2_LEAVE:
	case IGMPX_K_V3_REPORT:
		tq_host_report(&o, p, ev);
		break;
	default:
		break;
	}
	return o.n;
}

size_t igmpx_link_feed(struct igmpx_link *link, uint32_t frame, uint64_t t_us,
		       const uint8_t *ip, size_t len, struct igmpx_link_event *ev,
		       struct igmpx_tfinding *out, size_t max)
{
	struct igmpx_ipv4 h;
	struct tq_pkt p;
	bool ok = igmpx_ipv4_parse(ip, len, &h) && h.proto == IGMPX_IPPROTO_IGMP;

	if (ok) {
		p.src = h.src;
		p.dst = h.dst;
		p.igmp = ip + h.payload_off;
		p.len = h.payload_len;
		igmpx_parse_to(p.igmp, p.len, h.dst, &p.m);
		ok = tq_usable(&h, &p.m);
	}
	return feed(link, frame, t_us, ok ? &p : NULL, ev, out, max);
}

size_t igmpx_link_feed_parsed(struct igmpx_link *link, uint32_t frame, uint64_t t_us,
			      const struct igmpx_ipv4 *h, const uint8_t *igmp,
			      const struct igmpx_msg *m, struct igmpx_link_event *ev,
			      struct igmpx_tfinding *out, size_t max)
{
	struct tq_pkt p;
	bool ok = tq_usable(h, m);

	if (ok) {
		p.src = h->src;
		p.dst = h->dst;
		p.igmp = igmp;
		p.len = h->payload_len;
		p.m = *m;
	}
	return feed(link, frame, t_us, ok ? &p : NULL, ev, out, max);
}

size_t igmpx_link_finish(struct igmpx_link *link, uint64_t t_us,
			 struct igmpx_tfinding *out, size_t max)
{
	struct tq_out o = { link, 0, t_us + 1, out, max, 0 };

	if (++t_us < link->last_t)
		o.t = t_us = link->last_t;
	tq_host_expire(&o, t_us, true);
	return o.n;
}
