/* timing-int.h: the link model shared by timing.c (queriers, queries, the
 * feed) and timing-host.c (reports, state changes, last member queries).
 * Internal to core/.
 *
 * State is kept per querier, per group and per (host, group) sequence,
 * never per packet: every table is pruned when its entries expire, so
 * memory grows with the routers, groups and hosts of a link, not with the
 * length of the capture. */
#ifndef IGMPX_TIMING_INT_H
#define IGMPX_TIMING_INT_H

#include <stdbool.h>

#include "codec.h"
#include "text.h"
#include "timing.h"

#define US_PER_MS 1000ull
#define US_PER_S  1000000ull

/* A router heard sending queries. */
struct tq_querier {
	uint32_t addr;
	int version;               /* of its latest General Query (1, 2, 3) */
	uint64_t last_gq_t;        /* its latest General Query */
	uint32_t last_gq_frame;
	unsigned n_gq;             /* General Queries heard from it */
	unsigned qrv;              /* advertised (v3; 0: none or above 7) */
	unsigned qqi_s;            /* advertised QQI (v3; 0: none) */
	unsigned qri_ms;           /* Max Resp Time of its latest General Query */
	int startup;               /* 1: the capture shows its start, 0: no start, -1: not
				    * known (startup_shown) */
	uint64_t prev_gap;         /* v1/v2: its latest gap after startup (0: none) */
	bool absent;               /* fell silent for its Other Querier Present Interval */
	bool told_older;           /* older_querier said for it */
};

/* The latest query per scope: group 0 is the latest General Query. */
struct tq_query {
	uint32_t group;
	uint32_t frame;
	uint64_t t;
	unsigned max_resp_ms;      /* v1 query: 10 s (RFC 2236 §4) */
	int version;
};

/* An expected last member query sequence (RFC 9776 §6.6.3, RFC 2236 §3). */
struct tq_lmq {
	uint32_t group;
	uint32_t querier;
	uint32_t trig_frame;       /* the leave / TO_IN{} */
	uint64_t trig_t;
	unsigned lmqc;             /* expected count (0: at least one) */
	bool lmqc_shown;           /* lmqc is configured (harness), not the default assumed */
	int qversion;              /* of the querier's queries */
	unsigned count;
	uint32_t first_frame, last_frame;
	uint64_t last_t;
	int last_s;
	unsigned max_resp_ms;      /* of the first query: the querier's LMQI */
	bool report_seen;          /* a report for the group came meanwhile */
	bool retrig;               /* a repeated leave since the latest query */
	uint64_t retrig_t;         /* its time */
	uint64_t alt_t;            /* the round before a repeated leave's query (0: none) */
};

/* An unsolicited report and its retransmissions (RFC 9776 §5.1, RFC 2236 §3). */
struct tq_useq {
	uint32_t host, group;
	int version;               /* 2 or 3 */
	uint32_t hash;             /* the records' content (v3) */
	uint32_t first_frame;
	uint64_t first_t, end_t;
	unsigned count, min, max;
	bool rv_shown;             /* the RV is the querier's QRV or configured, not assumed */
	bool over_told;
};

/* What is known of a group: its latest member report and the older-version
 * hosts heard for it (RFC 9776 §7.3.2). */
struct tq_group {
	uint32_t group;
	uint64_t report_t;         /* latest report showing members (0: none) */
	uint64_t v1_host_t, v2_host_t; /* latest IGMPv1 / IGMPv2 message (0: none) */
	uint64_t last_t;           /* latest message about it */
};

/* A host known to be a member of a group (it reported it), RFC 2236 §3. */
struct tq_member {
	uint32_t host, group;
	uint64_t last_t;
};

#define TQ_TABLE(type, name) type *name; size_t n_##name, cap_##name

struct igmpx_link {
	struct igmpx_link_config cfg;
	bool started;
	uint64_t start_t;
	uint64_t last_t;
	TQ_TABLE(struct tq_querier, queriers);
	TQ_TABLE(struct tq_query, queries);
	TQ_TABLE(struct tq_lmq, lmqs);
	TQ_TABLE(struct tq_useq, useqs);
	TQ_TABLE(struct tq_group, groups);
	TQ_TABLE(struct tq_member, members);
	/* Lower bounds of the oldest last_t of members and groups (entries only
	 * ever get the time of the packet being fed, which never decreases):
	 * until one could have expired, tq_host_expire skips the scan. */
	uint64_t members_oldest, groups_oldest;
	/* Lower bounds of the times the next useq or lmq window may close
	 * (host_next_t) and the next querier or query may be pruned
	 * (prune_next_t): before them, the per-packet scans are skipped.  A
	 * new or changed entry lowers them (tq_due); a scan sets them anew. */
	uint64_t host_next_t, prune_next_t;
	/* RFC 9776 §7.2.1: the latest IGMPv1 Query / IGMPv2 General Query. */
	uint64_t v1q_t, v2q_t;
	uint32_t v1q_frame, v2q_frame;
	uint32_t v1q_addr, v2q_addr;
	unsigned v2q_mrt_ms;
	bool v1q_seen, v2q_seen;
	/* tq_current_querier() of time cq_t, until a querier changes (the
	 * host checks ask for it many times per packet). */
	struct tq_querier *cq;
	uint64_t cq_t;
	bool cq_ok;
};

/* One call of igmpx_link_feed / finish: where findings go. */
struct tq_out {
	struct igmpx_link *l;
	uint32_t frame;
	uint64_t t;
	struct igmpx_tfinding *out;
	size_t max, n;
};

/* A packet, parsed once. */
struct tq_pkt {
	uint32_t src, dst;
	const uint8_t *igmp;
	size_t len;
	struct igmpx_msg m;
};

/* A finding: its stable text (a constant), the values it leaves out, and
 * the full text with them (fmt; skipped with cfg.stable_only). */
void tq_emit_full(struct tq_out *o, enum igmpx_rule r, uint32_t frame, const char *stable,
		  const struct igmpx_tvals *v, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void tq_emit_stable(struct tq_out *o, enum igmpx_rule r, uint32_t frame, const char *stable,
		    const struct igmpx_tvals *v);
/* The arguments of the full text are not even computed with stable_only. */
#define tq_emit(o, r, frame, stable, v, ...)                                        \
	((o)->l->cfg.stable_only ? tq_emit_stable((o), (r), (frame), (stable), (v)) \
				 : tq_emit_full((o), (r), (frame), (stable), (v), __VA_ARGS__))
/* struct igmpx_tvals literals for tq_emit. */
#define TV(...) (&(const struct igmpx_tvals){ __VA_ARGS__ })
/* Grows a table by one zeroed entry; NULL when out of memory. */
void *tq_grow(void **tab, size_t *n, size_t *cap, size_t size);
#define TQ_ADD(l, name) \
	tq_grow((void **)&(l)->name, &(l)->n_##name, &(l)->cap_##name, sizeof(*(l)->name))
#define TQ_DEL(l, name, i) ((l)->name[i] = (l)->name[--(l)->n_##name])

/* "a.b.c.d" of a into buf, for texts. */
static inline const char *tq_ip4(uint32_t a, char buf[16])
{
	return igmpx_text_ip4(buf, a);
}

/* Seconds for texts, with two decimals ("4.20") or one ("4.2"), in one of
 * eight rotating buffers: enough for the arguments of one text. */
const char *tq_s(uint64_t us);
const char *tq_s1(uint64_t us);
/* |a - b| in microseconds. */
uint64_t tq_diff(uint64_t a, uint64_t b);
uint64_t tq_tol(const struct igmpx_link *l);

/* The Robustness Variable and Query Interval the hosts and routers of the
 * link use: the current querier's advertised values, else the defaults. */
unsigned tq_rv(const struct igmpx_link *l, uint64_t t);
unsigned tq_qi_s(const struct igmpx_link *l, uint64_t t);
/* The querier now: the lowest-addressed router heard within its Other
 * Querier Present Interval (RFC 9776 §6.6.2); NULL if none. */
struct tq_querier *tq_current_querier(struct igmpx_link *l, uint64_t t);
const struct tq_query *tq_latest_query(const struct igmpx_link *l, uint32_t group);

/* *next = min(*next, t). */
static inline void tq_due(uint64_t *next, uint64_t t)
{
	if (t < *next)
		*next = t;
}

/* timing-host.c */
void tq_host_report(struct tq_out *o, const struct tq_pkt *p, struct igmpx_link_event *ev);
void tq_host_query(struct tq_out *o, const struct tq_pkt *p);
void tq_host_expire(struct tq_out *o, uint64_t now, bool at_end);

#endif
