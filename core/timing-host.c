/* timing-host.c: what hosts send, over time: reports linked to the queries
 * they answer, unsolicited reports and their retransmissions, the
 * compatibility modes, and the last member queries a leave calls for. */
#include "timing-int.h"

#include <string.h>

/* The Unsolicited Report Interval: RFC 9776 §8.11 (v3), RFC 2236 §8.10 (v2). */
#define URI_V3_US (1 * US_PER_S)
#define URI_V2_US (10 * US_PER_S)
/* Two queries of one last member round sent together (RFC 9776 §6.6.3.2:
 * a group-and-source query is split in an S-set and an S-clear message). */
#define SAME_ROUND_US (10 * US_PER_MS)

static struct tq_group *group_get(struct igmpx_link *l, uint32_t group, uint64_t t)
{
	struct tq_group *g;

	for (size_t i = 0; i < l->n_groups; i++)
		if (l->groups[i].group == group) {
			l->groups[i].last_t = t;
			return &l->groups[i];
		}
	if (!(g = TQ_ADD(l, groups)))
		return NULL;
	g->group = group;
	g->last_t = t;
	return g;
}

/* RFC 9776 §8.13: Older Host Present Interval = RV * QI + QRI. */
static uint64_t ohpi_us(const struct igmpx_link *l, uint64_t t)
{
	return (uint64_t)tq_rv(l, t) * tq_qi_s(l, t) * US_PER_S +
	       (uint64_t)l->cfg.query_response_ds * 100 * US_PER_MS;
}

static bool old_host_present(const struct igmpx_link *l, uint64_t host_t, uint64_t t)
{
	return host_t && t - host_t <= ohpi_us(l, t);
}

/* RFC 9776 §7.3.2: routers keep an older host present timer per group.
 * The fact is told when it matters: a querier of a newer version is on the
 * link (a v1 host under a v2 or v3 querier, a v2 host under a v3 one); with
 * an older or no querier heard, nobody runs a compatibility mode for it. */
static void older_host(struct tq_out *o, const struct tq_pkt *p, uint32_t group, int version)
{
	struct tq_group *g = group_get(o->l, group, o->t);
	const struct tq_querier *q = tq_current_querier(o->l, o->t);
	uint64_t *seen;
	char a[16], b[16];

	if (!g)
		return;
	seen = version == 1 ? &g->v1_host_t : &g->v2_host_t;
	if (q && q->version > version && !old_host_present(o->l, *seen, o->t))
		tq_emit(o, IGMPX_RULE_older_host, o->frame,
			version == 1 ? "IGMPv1 host for the group: routers run it in IGMPv1 compatibility mode"
			             : "IGMPv2 host for the group: routers run it in IGMPv2 compatibility mode",
			NULL,
			"IGMPv%d host %s for group %s: routers run the group in IGMPv%d "
			"compatibility mode", version, tq_ip4(p->src, a), tq_ip4(group, b), version);
	*seen = o->t;
}

/* ---- Query -> report links ---------------------------------------------------- */

/* AMBIGUOUS: how late a report may come and still be an answer.  A report
 * is linked to the latest query it could answer when it comes within Max
 * Resp Time + max(Max Resp Time, 10 s) of it; later it is taken for an
 * unsolicited report (a v1/v2 join looks the same as an answer). */
static bool in_window(const struct igmpx_link *l, const struct tq_query *q, uint64_t t)
{
	uint64_t mrt = (uint64_t)q->max_resp_ms * US_PER_MS;
	uint64_t w = mrt + (mrt > 10 * US_PER_S ? mrt : 10 * US_PER_S) + tq_tol(l);
	return t - q->t <= w;
}

static const struct tq_query *later(const struct tq_query *a, const struct tq_query *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return b->t >= a->t ? b : a;
}

/* Links the report to query q, flags it when later than the query's Max
 * Resp Time: RFC 9776 §5.2 (v3), RFC 2236 §3 (v2). */
static bool link_answer(struct tq_out *o, const struct tq_query *q, int version,
			bool member, struct igmpx_link_event *ev)
{
	uint64_t delay, mrt;

	if (!q || !in_window(o->l, q, o->t))
		return false;
	delay = o->t - q->t;
	mrt = (uint64_t)q->max_resp_ms * US_PER_MS;
	/* A v1/v2 report after Max Resp Time from a host not known as a member
	 * of the group is its join, not a late answer. */
	if (version <= 2 && !member && delay > mrt + tq_tol(o->l))
		return false;
	ev->response_to = q->frame;
	ev->response_time_us = delay;
	if (version >= 2 && delay > mrt + tq_tol(o->l))
		tq_emit(o, version == 3 ? IGMPX_RULE_report_late : IGMPX_RULE_v2_report_late,
			o->frame, "report later than the Max Resp Time of the query it answers",
			TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT, .time_us = delay, .limit_us = mrt),
			"report %s s after the query it answers, Max Resp Time %s s "
			"(tolerance %u ms)", tq_s(delay), tq_s1(mrt),
			o->l->cfg.tolerance_ms);
	return true;
}

/* ---- Compatibility mode (RFC 9776 §7.2.1) ------------------------------------- */

/* RFC 9776 §8.12: Older Version Querier Present Interval.  AMBIGUOUS: the
 * RFC says it SHOULD be "[Robustness Variable] times [Query Interval] plus
 * (10 times the Max Response Time in the last received Query Message)",
 * unit unclear, where RFC 3376 had RV * QI + QRI.  The shorter, RFC 3376
 * reading is used (RV * QI + the older query's Max Response Time) so a host
 * following either text is not blamed after its timer may have expired;
 * RV and QI are the defaults, which §8.12 RECOMMENDS hosts use (v1/v2
 * queries advertise neither). */
static uint64_t ovqpi_us(const struct igmpx_link *l, unsigned mrt_ms)
{
	return (uint64_t)l->cfg.robustness * l->cfg.query_interval_s * US_PER_S +
	       (uint64_t)mrt_ms * US_PER_MS;
}

/* The version a host must speak now, from the older queries heard; 3 if
 * none is present.  frame and gap tell which query and how long ago. */
static int host_mode(const struct igmpx_link *l, uint64_t t, uint32_t *frame, uint64_t *gap)
{
	uint64_t tol = tq_tol(l);

	/* A report sent within the tolerance of the query may have crossed it. */
	if (l->v1q_seen && t - l->v1q_t > tol && t - l->v1q_t <= ovqpi_us(l, 10000)) {
		*frame = l->v1q_frame, *gap = t - l->v1q_t;
		return 1;
	}
	if (l->v2q_seen && t - l->v2q_t > tol && t - l->v2q_t <= ovqpi_us(l, l->v2q_mrt_ms)) {
		*frame = l->v2q_frame, *gap = t - l->v2q_t;
		return 2;
	}
	return 3;
}

/* The stable text of compat_mode for a report of version in mode. */
static const char *compat_text(int version, int mode)
{
	if (version == 2)
		return "IGMPv2 report while Host Compatibility Mode is IGMPv1 (an IGMPv1 query "
		       "within the Older Version Querier Present Interval)";
	if (mode == 1)
		return "IGMPv3 report while Host Compatibility Mode is IGMPv1 (an IGMPv1 query "
		       "within the Older Version Querier Present Interval)";
	return "IGMPv3 report while Host Compatibility Mode is IGMPv2 (an IGMPv2 query "
	       "within the Older Version Querier Present Interval)";
}

static void check_mode(struct tq_out *o, int version)
{
	uint32_t frame = 0;
	uint64_t gap = 0;
	int mode = host_mode(o->l, o->t, &frame, &gap);

	if (version <= mode)
		return;
	tq_emit(o, IGMPX_RULE_compat_mode, o->frame,
		compat_text(version, mode),
		TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT, .time_us = gap,
		   .limit_us = ovqpi_us(o->l, mode == 1 ? 10000 : o->l->v2q_mrt_ms)),
		"IGMPv%d report %s s after an IGMPv%d query: Host Compatibility "
		"Mode is IGMPv%d for the Older Version Querier Present Interval %s s",
		version, tq_s(gap), mode, mode,
		tq_s(ovqpi_us(o->l, mode == 1 ? 10000 : o->l->v2q_mrt_ms)));
}

/* ---- Unsolicited reports (RFC 9776 §5.1, RFC 2236 §3) ------------------------ */

static struct tq_useq *useq_find(struct igmpx_link *l, uint32_t host, uint32_t group, int v)
{
	for (size_t i = 0; i < l->n_useqs; i++) {
		struct tq_useq *u = &l->useqs[i];
		if (u->host == host && u->group == group && u->version == v)
			return u;
	}
	return NULL;
}

/* RFC 9776 §5.1 counts in the host's Robustness Variable, which a capture
 * shows only as a query's QRV (RFC 9776 §8: non-default settings MUST be
 * consistent on the link); without one the count rests on the default
 * (§8.1), and a host may be set otherwise: a fact, not a breach. */
static enum igmpx_rule useq_rule(const struct tq_useq *u)
{
	return u->version == 2 ? IGMPX_RULE_v2_unsolicited_count
	       : u->rv_shown   ? IGMPX_RULE_unsolicited_count
			       : IGMPX_RULE_unsolicited_default;
}

static void useq_judge(struct tq_out *o, const struct tq_useq *u)
{
	char g[16];

	if (u->count >= u->min)
		return;
	tq_emit(o, useq_rule(u), u->first_frame, u->version == 2 ?
		"unsolicited report not repeated within its window" : u->rv_shown ?
		"state change sent fewer times than the Robustness Variable within its "
		"retransmission window" :
		"state change sent fewer times than the default Robustness Variable within its "
		"retransmission window (no query showed the RV)",
		TV(.has = IGMPX_TV_TIME | IGMPX_TV_COUNT | IGMPX_TV_EXPECT | IGMPX_TV_GROUP,
		   .time_us = u->end_t - u->first_t, .count = u->count, .expect = u->min,
		   .group = u->group),
		"state change for %s sent %u time%s in %s s, expected %u%s%s "
		"(tolerance %u ms)", tq_ip4(u->group, g), u->count, u->count == 1 ? "" : "s",
		tq_s(u->end_t - u->first_t), u->min, u->max > u->min ? " or more" : "",
		u->version == 3 && !u->rv_shown ? ", the default RV assumed" : "",
		o->l->cfg.tolerance_ms);
}

/* A report of a state change: the first of a sequence, or one of its
 * retransmissions.  v3: Robustness Variable reports in all (RFC 9776 §5.1:
 * retransmitted [RV] - 1 more times within (0, URI) each); a change of
 * content is a new change that the pending retransmissions merge into, so
 * the count starts again.  v2: the report "repeated once or twice" (RFC
 * 2236 §3): 2 or 3 in all.  AMBIGUOUS: RV is the querier's QRV (hosts
 * need not adopt it, RFC 9776 §8.12 RECOMMENDS defaults), else 2. */
static void useq_note(struct tq_out *o, const struct tq_pkt *p, uint32_t group, int v,
		      uint32_t hash)
{
	struct igmpx_link *l = o->l;
	struct tq_useq *u = useq_find(l, p->src, group, v);
	char g[16];

	if (u && (v == 2 || u->hash == hash)) {
		if (++u->count > u->max && !u->over_told) {
			u->over_told = true;
			tq_emit(o, useq_rule(u), o->frame, v == 2 ?
				"unsolicited report repeated more than twice" : u->rv_shown ?
				"state change sent more times than the Robustness Variable" :
				"state change sent more times than the default Robustness Variable "
				"(no query showed the RV)",
				TV(.has = IGMPX_TV_COUNT | IGMPX_TV_EXPECT | IGMPX_TV_GROUP,
				   .count = u->count, .expect = u->max, .group = group),
				"state change for %s sent %u times, expected %s%u%s",
				tq_ip4(group, g), u->count, v == 3 ? "" : "at most ",
				u->max, v == 3 && !u->rv_shown ? ", the default RV assumed" : "");
		}
		return;
	}
	if (!u && !(u = TQ_ADD(l, useqs)))
		return;
	const struct tq_querier *q = tq_current_querier(l, o->t);
	unsigned rv = tq_rv(l, o->t);
	u->rv_shown = l->cfg.configured || (q && q->qrv);
	u->host = p->src, u->group = group, u->version = v, u->hash = hash;
	u->first_frame = o->frame, u->first_t = o->t, u->count = 1, u->over_told = false;
	u->min = v == 3 ? rv : 2;
	u->max = v == 3 ? rv : 3;
	u->end_t = o->t + rv * (v == 3 ? URI_V3_US : URI_V2_US) + tq_tol(l);
	tq_due(&l->host_next_t, u->end_t);
}

/* ---- Last member queries (RFC 9776 §6.6.3, §8.8; RFC 2236 §3) ------------------ */

/* An IGMPv1 or v2 querier's last member queries are RFC 2236 §3's rule. */
static enum igmpx_rule lmq_rule(const struct tq_lmq *m, enum igmpx_rule v3)
{
	return m->qversion <= 2 ? IGMPX_RULE_v2_lmq : v3;
}

static struct tq_lmq *lmq_find(struct igmpx_link *l, uint32_t group)
{
	for (size_t i = 0; i < l->n_lmqs; i++)
		if (l->lmqs[i].group == group)
			return &l->lmqs[i];
	return NULL;
}

/* The time after which lmq_over may close m: its first query overdue, or
 * its next one (as lmq_over computes them). */
static uint64_t lmq_deadline(const struct igmpx_link *l, const struct tq_lmq *m)
{
	uint64_t tol = tq_tol(l), lmqi = (uint64_t)m->max_resp_ms * US_PER_MS;
	unsigned n = m->lmqc ? m->lmqc : l->cfg.robustness;

	if (!m->count)
		return m->trig_t + (uint64_t)n * l->cfg.lmqi_ds * 100 * US_PER_MS + tol;
	return m->last_t + 2 * lmqi + tol;
}

/* A leave (v2) or TO_IN{} (v3: Send Q(G), RFC 9776 §6.4.2 Table 9) for a
 * group with members: the querier owes last member queries.  Not expected
 * when no member report was heard within GMI (RFC 2236 §3: queriers
 * SHOULD ignore leaves for groups without members) or when older hosts
 * make the router ignore it (RFC 9776 §7.3.2). */
static void lmq_trigger(struct tq_out *o, uint32_t group, int version)
{
	struct igmpx_link *l = o->l;
	struct tq_querier *q = tq_current_querier(l, o->t);
	struct tq_group *g = group_get(l, group, o->t);
	struct tq_lmq *m;
	uint64_t gmi = (uint64_t)tq_rv(l, o->t) * tq_qi_s(l, o->t) * US_PER_S +
		       2 * (uint64_t)l->cfg.query_response_ds * 100 * US_PER_MS;

	if ((m = lmq_find(l, group))) {
		/* A repeated leave (a TO_IN{} retransmission) during the
		 * sequence is Send Q(G) again (Table 9): the querier may send
		 * another query at once and schedule its LMQC - 1 anew
		 * (§6.6.3.1), as the Linux bridge does. */
		if (q && m->querier == q->addr && m->count)
			m->retrig = true, m->retrig_t = o->t;
		return;
	}
	if (!q || !g || !g->report_t || o->t - g->report_t > gmi)
		return;
	if (old_host_present(l, g->v1_host_t, o->t) ||
	    (version == 3 && old_host_present(l, g->v2_host_t, o->t)))
		return;
	if (!(m = TQ_ADD(l, lmqs)))
		return;
	m->group = group;
	m->querier = q->addr;
	m->trig_frame = o->frame;
	m->trig_t = o->t;
	m->qversion = q->version;
	/* RFC 9776 §8.9 (RFC 2236 §8.9): LMQC defaults to RV, advertised as
	 * QRV (§4.1.6) by a v3 querier, by none of older ones.  LMQC itself
	 * is configured apart and a capture never shows it: judged against
	 * the default it is a fact (lmq_count_default).  A harness profile
	 * states the v3 querier's; for a v1/v2 one it judges only that at
	 * least one query comes. */
	m->lmqc_shown = l->cfg.configured;
	m->lmqc = q->version == 3 ? (q->qrv ? q->qrv : l->cfg.robustness)
		  : m->lmqc_shown ? 0 : l->cfg.robustness;
	tq_due(&l->host_next_t, lmq_deadline(l, m));
}

/* AMBIGUOUS (lmq_max_resp): RFC 9776 §8.8 defines LMQI as the Max Response
 * Time the last member queries carry, so the MRT cannot disagree with
 * LMQI except within a sequence: every query of one sequence carries the
 * same Max Resp Time, the querier's one configured LMQI (RFC 2236 §3:
 * "have their Max Response time set to [Last Member Query Interval]"). */
void tq_host_query(struct tq_out *o, const struct tq_pkt *p)
{
	uint32_t group = p->m.kind == IGMPX_K_V3_QUERY ? p->m.u.v3q.group : p->m.u.v12.group;
	struct tq_lmq *m = lmq_find(o->l, group);
	unsigned mrt = igmpx_query_max_resp_ms(&p->m);
	int s = p->m.kind == IGMPX_K_V3_QUERY ? p->m.u.v3q.s : 0;
	uint64_t gap, lmqi, tol = tq_tol(o->l);
	char g[16];

	if (!m || m->querier != p->src)
		return;
	/* A Group-and-Source query is not one of the Group-Specific Queries
	 * of the sequence, though it may go out with them (RFC 9776 Table 9:
	 * "Send Q(G,X-A), Send Q(G)"; §6.6.3.2). */
	if (p->m.kind == IGMPX_K_V3_QUERY && p->m.u.v3q.nsrc)
		return;
	gap = o->t - m->last_t;
	if (m->count && gap <= SAME_ROUND_US + tol && s != m->last_s)
		return;
	if (m->retrig && o->t - m->retrig_t <= (uint64_t)m->max_resp_ms * US_PER_MS / 2 + tol) {
		/* The immediate query of a repeated Send Q(G): a new round of
		 * LMQC from here.  The next one may keep either schedule. */
		m->retrig = false;
		m->alt_t = m->last_t;
		m->count = 1;
		m->last_t = o->t, m->last_frame = o->frame, m->last_s = s;
		tq_due(&o->l->host_next_t, lmq_deadline(o->l, m));
		return;
	}
	if (++m->count == 1) {
		m->first_frame = o->frame, m->max_resp_ms = mrt;
	} else {
		lmqi = (uint64_t)m->max_resp_ms * US_PER_MS;
		if (mrt != m->max_resp_ms)
			tq_emit(o, IGMPX_RULE_lmq_max_resp, o->frame,
				"last member query with another Max Resp Time than the first of its sequence",
				TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT | IGMPX_TV_COUNT | IGMPX_TV_GROUP,
				   .time_us = (uint64_t)mrt * US_PER_MS, .limit_us = lmqi, .count = m->count,
				   .group = group),
				"last member query %u for %s has Max Resp Time %s s, the first "
				"%s s", m->count, tq_ip4(group, g),
				tq_s1((uint64_t)mrt * US_PER_MS), tq_s1(lmqi));
		if (igmpx_timer_slack(gap, lmqi, tol) == IGMPX_OFF &&
		    (!m->alt_t || igmpx_timer_slack(o->t - m->alt_t, lmqi, tol) == IGMPX_OFF))
			tq_emit(o, lmq_rule(m, IGMPX_RULE_lmq_interval), o->frame,
				"last member query not one Last Member Query Interval (its Max Resp "
				"Time) after the previous",
				TV(.has = IGMPX_TV_TIME | IGMPX_TV_LIMIT, .time_us = gap, .limit_us = lmqi),
				"last member query %s s after the previous, Last Member "
				"Query Interval %s s (its Max Resp Time; tolerance %u ms)", tq_s(gap),
				tq_s1(lmqi), o->l->cfg.tolerance_ms);
	}
	if (m->lmqc && m->count == m->lmqc + 1)
		tq_emit(o, m->lmqc_shown ? lmq_rule(m, IGMPX_RULE_lmq_count) : IGMPX_RULE_lmq_count_default,
			o->frame, m->lmqc_shown ?
			"last member queries after a leave beyond the Last Member Query Count" :
			"last member queries after a leave beyond the default Last Member Query "
			"Count, the Robustness Variable (a configured count is not seen)",
			TV(.has = IGMPX_TV_COUNT | IGMPX_TV_EXPECT | IGMPX_TV_GROUP, .count = m->count,
			   .expect = m->lmqc, .group = group),
			"last member query %u for %s after a leave: Last Member "
			"Query Count is %u (%s)", m->count, tq_ip4(group, g), m->lmqc,
			m->lmqc_shown ? "configured" : "its default, the querier's RV");
	m->last_t = o->t, m->last_frame = o->frame, m->last_s = s, m->alt_t = 0;
	tq_due(&o->l->host_next_t, lmq_deadline(o->l, m));
}

/* When the sequence is over: judged once its next query is well overdue. */
static bool lmq_over(struct tq_out *o, struct tq_lmq *m, uint64_t now)
{
	const struct igmpx_link *l = o->l;
	uint64_t tol = tq_tol(l), lmqi = (uint64_t)m->max_resp_ms * US_PER_MS;
	unsigned n = m->lmqc ? m->lmqc : l->cfg.robustness;
	char g[16], q[16];

	if (!m->count) {
		/* AMBIGUOUS: "immediately" has no figure; the first query is due
		 * within the default LMQT (LMQC * LMQI), after which the router
		 * would conclude the group has no members. */
		uint64_t due = (uint64_t)n * l->cfg.lmqi_ds * 100 * US_PER_MS + tol;
		if (now - m->trig_t <= due)
			return false;
		tq_emit(o, lmq_rule(m, IGMPX_RULE_lmq_count), m->trig_frame,
			"no group-specific query from the querier within the Last Member Query "
			"Time after the leave",
			TV(.has = IGMPX_TV_LIMIT | IGMPX_TV_GROUP | IGMPX_TV_ROUTER, .limit_us = due,
			   .group = m->group, .router = m->querier),
			"no group-specific query for %s from querier %s within %s s of the leave",
			tq_ip4(m->group, g), tq_ip4(m->querier, q),
			tq_s(due));
		return true;
	}
	/* A query up to two LMQI after the previous one still belongs to the
	 * sequence (a late one is lmq_interval's); later, the sequence is over. */
	if (now - m->last_t <= 2 * lmqi + tol)
		return false;
	/* RFC 2236 §3 / §7: a report ends the v2 router's Checking Membership
	 * state; RFC 9776 §6.6.3.1 schedules the LMQC - 1 retransmissions
	 * regardless (a report only sets S in them). */
	if (m->lmqc && m->count < m->lmqc && !(m->report_seen && m->qversion <= 2))
		tq_emit(o, m->lmqc_shown ? lmq_rule(m, IGMPX_RULE_lmq_count) : IGMPX_RULE_lmq_count_default,
			m->first_frame, m->lmqc_shown ?
			"fewer last member queries after the leave than the Last Member Query Count" :
			"fewer last member queries after the leave than the default Last Member "
			"Query Count, the Robustness Variable (a configured count is not seen)",
			TV(.has = IGMPX_TV_COUNT | IGMPX_TV_EXPECT | IGMPX_TV_GROUP, .count = m->count,
			   .expect = m->lmqc, .group = m->group),
			"%u last member quer%s for %s after the leave, Last "
			"Member Query Count %u (%s)", m->count, m->count == 1 ? "y" : "ies",
			tq_ip4(m->group, g), m->lmqc,
			m->lmqc_shown ? "configured" : "its default, the querier's RV");
	return true;
}

/* Closes the windows that are over at now (at_end: the end of the
 * capture; windows still open then are not judged).  Prunes groups. */
void tq_host_expire(struct tq_out *o, uint64_t now, bool at_end)
{
	struct igmpx_link *l = o->l;

	(void)at_end;
	/* No window closes before host_next_t: no scan (windows close at the
	 * same packets as with one scan per packet). */
	if (now > l->host_next_t) {
		uint64_t next = UINT64_MAX;
		for (size_t i = 0; i < l->n_useqs;) {
			if (now > l->useqs[i].end_t) {
				useq_judge(o, &l->useqs[i]);
				TQ_DEL(l, useqs, i);
			} else {
				tq_due(&next, l->useqs[i].end_t);
				i++;
			}
		}
		for (size_t i = 0; i < l->n_lmqs;) {
			if (lmq_over(o, &l->lmqs[i], now)) {
				TQ_DEL(l, lmqs, i);
			} else {
				tq_due(&next, lmq_deadline(l, &l->lmqs[i]));
				i++;
			}
		}
		l->host_next_t = next;
	}
	if (!l->n_members && !l->n_groups)
		return;
	/* The same for every entry: the querier's advertised timers, now. */
	uint64_t ohpi = ohpi_us(l, now);
	if (now - l->members_oldest > ohpi) {
		uint64_t oldest = now;
		for (size_t i = 0; i < l->n_members;) {
			if (now - l->members[i].last_t > ohpi) {
				TQ_DEL(l, members, i);
			} else {
				if (l->members[i].last_t < oldest)
					oldest = l->members[i].last_t;
				i++;
			}
		}
		l->members_oldest = oldest;
	}
	uint64_t keep = ohpi + 2 * (uint64_t)l->cfg.query_response_ds * 100 * US_PER_MS;
	if (now - l->groups_oldest > keep) {
		uint64_t oldest = now;
		for (size_t i = 0; i < l->n_groups;) {
			if (now - l->groups[i].last_t > keep && !lmq_find(l, l->groups[i].group)) {
				TQ_DEL(l, groups, i);
			} else {
				if (l->groups[i].last_t < oldest)
					oldest = l->groups[i].last_t;
				i++;
			}
		}
		l->groups_oldest = oldest;
	}
}

/* ---- Reports ------------------------------------------------------------------ */

static struct tq_member *member_find(struct igmpx_link *l, uint32_t host, uint32_t group)
{
	for (size_t i = 0; i < l->n_members; i++)
		if (l->members[i].host == host && l->members[i].group == group)
			return &l->members[i];
	return NULL;
}

/* Remembers (on) or forgets (a leave) that host is a member of group. */
static void member_set(struct tq_out *o, uint32_t host, uint32_t group, bool on)
{
	struct igmpx_link *l = o->l;
	struct tq_member *m = member_find(l, host, group);

	if (!on) {
		if (m)
			TQ_DEL(l, members, (size_t)(m - l->members));
		return;
	}
	if (!m && !(m = TQ_ADD(l, members)))
		return;
	m->host = host, m->group = group, m->last_t = o->t;
}

static void member_seen(struct tq_out *o, uint32_t group)
{
	struct tq_group *g = group_get(o->l, group, o->t);
	struct tq_lmq *m = lmq_find(o->l, group);

	if (g)
		g->report_t = o->t;
	if (m && m->count)
		m->report_seen = true;
}

/* v1 and v2 reports and leaves (RFC 1112 App. I, RFC 2236 §3). */
static void report_v12(struct tq_out *o, const struct tq_pkt *p, struct igmpx_link_event *ev)
{
	uint32_t group = p->m.u.v12.group;
	int v = p->m.kind == IGMPX_K_V1_REPORT ? 1 : 2;
	const struct tq_query *q;
	bool answer;

	older_host(o, p, group, v);
	if (p->m.kind == IGMPX_K_V2_LEAVE) {
		/* The leave ends the join's repeats (RFC 2236 §3: a host that
		 * leaves stops its report timer): a join after it starts a new
		 * sequence, and the reports before the leave do not count. */
		struct tq_useq *u = useq_find(o->l, p->src, group, 2);
		if (u)
			TQ_DEL(o->l, useqs, (size_t)(u - o->l->useqs));
		member_set(o, p->src, group, false);
		lmq_trigger(o, group, 2);
		return;
	}
	check_mode(o, v);
	member_seen(o, group);
	q = later(tq_latest_query(o->l, 0), tq_latest_query(o->l, group));
	answer = link_answer(o, q, v, member_find(o->l, p->src, group) != NULL, ev);
	member_set(o, p->src, group, true);
	/* A v2 report that answers no query is a join or one of its repeats
	 * (RFC 2236 §3); an answer is neither. */
	if (v == 2 && !answer)
		useq_note(o, p, group, 2, 0);
}

/* FNV-1a over a record's type and sources: the content of a state change. */
static uint32_t record_hash(const struct tq_pkt *p, const struct igmpx_v3_record *r)
{
	uint32_t h = 2166136261u ^ r->type;

	h *= 16777619u;
	for (unsigned i = 0; i < r->nsrc_present; i++) {
		h ^= igmpx_v3_record_source(p->igmp, p->len, r, i);
		h *= 16777619u;
	}
	return h;
}

/* One v3 record: current-state records make the report an answer to the
 * latest query for the group or the latest General Query (RFC 9776 §5.2);
 * state-change records start or continue a retransmission sequence
 * (§5.1), and TO_IN{} (a leave) calls for last member queries. */
static void record_v3(struct tq_out *o, const struct tq_pkt *p, const struct igmpx_v3_record *r,
		      const struct tq_query **answers)
{
	switch (r->type) {
	case 1: /* MODE_IS_INCLUDE */
	case 2: /* MODE_IS_EXCLUDE */
		*answers = later(*answers, tq_latest_query(o->l, r->group));
		*answers = later(*answers, tq_latest_query(o->l, 0));
		if (r->type == 2 || r->nsrc_present)
			member_seen(o, r->group);
		return;
	case 3: /* CHANGE_TO_INCLUDE_MODE */
	case 4: /* CHANGE_TO_EXCLUDE_MODE */
	case 5: /* ALLOW_NEW_SOURCES */
	case 6: /* BLOCK_OLD_SOURCES */
		useq_note(o, p, r->group, 3, record_hash(p, r));
		if (r->type == 3 && r->nsrc_present == 0)
			lmq_trigger(o, r->group, 3);
		else if (r->type != 6)
			member_seen(o, r->group);
		return;
	default:
		return;         /* RFC 9776 §4.2.13: unknown record types are ignored */
	}
}

static void report_v3(struct tq_out *o, const struct tq_pkt *p, struct igmpx_link_event *ev)
{
	const struct tq_query *answers = NULL;
	struct igmpx_v3_record r;
	size_t off = IGMPX_OFF_R_RECORDS;

	check_mode(o, 3);
	for (unsigned i = 0; i < p->m.u.v3r.nrec_present; i++) {
		if (!igmpx_v3_record_at(p->igmp, p->len, off, &r) || !r.complete)
			break;
		record_v3(o, p, &r, &answers);
		off = r.end;
	}
	link_answer(o, answers, 3, true, ev);
}

void tq_host_report(struct tq_out *o, const struct tq_pkt *p, struct igmpx_link_event *ev)
{
	if (p->m.kind == IGMPX_K_V3_REPORT)
		report_v3(o, p, ev);
	else
		report_v12(o, p, ev);
}
