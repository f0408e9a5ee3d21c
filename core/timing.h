/* timing.h: the timing and sequence rules of rules.def (KIND TIMING).
 *
 * A link model fed with the packets seen on one link, in time order.  It
 * keeps state per querier, per group and per host (never per packet), links
 * reports to the queries they answer, and returns the timing findings each
 * packet brings to light.  The dissector feeds it on its first pass; the
 * harness feeds it live and offline. */
#ifndef IGMPX_TIMING_H
#define IGMPX_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "rules.h"

struct igmpx_link_config {
	unsigned tolerance_ms;          /* added to every timing window */
	/* RFC 9776 §8 defaults, used until a querier advertises its own. */
	unsigned robustness;            /* 2 */
	unsigned query_interval_s;      /* 125 */
	unsigned query_response_ds;     /* Query Response Interval, tenths: 100 */
	unsigned lmqi_ds;               /* Last Member Query Interval, tenths: 10 */
	unsigned startup_ds;            /* Startup Query Interval, tenths; 0: QI/4 (§8.6) */
	bool configured;                /* robustness is the systems' own (a harness
					 * profile), not a default assumed */
	bool starts_seen;               /* the link was watched from before any router on it
					 * started: a querier's first query is its start */
	/* Findings with their stable text and values only (text is left
	 * empty): for a display that shows the values as fields of their own
	 * (the dissector), saving the formatting of texts nobody reads. */
	int stable_only;
};
void igmpx_link_config_defaults(struct igmpx_link_config *cfg);

/* The values a timing finding measured, each where IGMPX_TV_<x> is set in
 * has (the dissector shows them as igmpx.analysis.* fields). */
enum {
	IGMPX_TV_TIME = 1,              /* time_us: the time measured (a gap, a delay) */
	IGMPX_TV_LIMIT = 2,             /* limit_us: the interval it was held against */
	IGMPX_TV_COUNT = 4,             /* count: messages counted (queries, reports) */
	IGMPX_TV_GROUP = 8,             /* group: the group concerned */
	IGMPX_TV_ROUTER = 16,           /* router: the other router (a querier) */
	IGMPX_TV_EXPECT = 32,           /* expect: the count expected (a robustness, QRV) */
};
struct igmpx_tvals {
	unsigned has;
	uint64_t time_us, limit_us;
	uint32_t count, expect;
	uint32_t group, router;
};

struct igmpx_tfinding {
	enum igmpx_rule rule;
	uint32_t frame;                 /* the frame the finding is about */
	/* The same for every finding of this rule and condition (no value of
	 * one packet in it), without the citation: a constant string. */
	const char *stable;
	struct igmpx_tvals vals;        /* the values stable leaves out */
	char text[IGMPX_FINDING_TEXT];  /* with values, times and frame numbers
					   ("" with stable_only) */
};

/* What one packet is linked to, for display. */
struct igmpx_link_event {
	uint32_t response_to;           /* report: the frame of the query it answers (0: none) */
	uint64_t response_time_us;      /* report: time since that query */
	uint32_t querier_frame;         /* query: previous query of the same querier (0: none) */
	uint64_t query_gap_us;          /* query: time since that one */
};

/* How a periodic timer's gap compares with its interval, the one reading the
 * dissector and the harness (every:) share.  The RFCs give their intervals
 * no tolerance (RFC 9776 §8.2, §8.7, §6.6.3.1):
 *   ON_TIME   within the tolerance either way (capture and scheduling
 *             jitter);
 *   GRANULAR  late by more, but by no more than an eighth of the interval
 *             on top: timer granularity, not a deviation.  A timer wheel
 *             rounds a long timeout up to a coarser tick: Linux's does so by
 *             at most 12.5 %, and its bridge querier, set to 4 s, sends
 *             every 4.10 s.  Timers fire late, never early: early gets no
 *             such band;
 *   OFF       beyond: the rule is broken. */
enum igmpx_slack { IGMPX_ON_TIME, IGMPX_GRANULAR, IGMPX_OFF };
enum igmpx_slack igmpx_timer_slack(uint64_t gap_us, uint64_t interval_us, uint64_t tol_us);

struct igmpx_link;

struct igmpx_link *igmpx_link_new(const struct igmpx_link_config *cfg);
void igmpx_link_free(struct igmpx_link *link);

/* Feeds packet ip[0 .. len) (IPv4 header on), frame number frame, seen at
 * t_us (microseconds, non-decreasing).  Fills *ev, writes up to max
 * findings to out and returns how many there are.  A finding may be about
 * an earlier frame (e.g. a last member query that never came is known only
 * when a later packet shows its window has closed): its frame says which. */
size_t igmpx_link_feed(struct igmpx_link *link, uint32_t frame, uint64_t t_us,
		       const uint8_t *ip, size_t len, struct igmpx_link_event *ev,
		       struct igmpx_tfinding *out, size_t max);
/* The same for a packet its caller has parsed already: h is
 * igmpx_ipv4_parse() of it, igmp its payload (h->payload_len octets) and m
 * igmpx_parse_to() of that on h->dst. */
size_t igmpx_link_feed_parsed(struct igmpx_link *link, uint32_t frame, uint64_t t_us,
			      const struct igmpx_ipv4 *h, const uint8_t *igmp,
			      const struct igmpx_msg *m, struct igmpx_link_event *ev,
			      struct igmpx_tfinding *out, size_t max);

/* The end of the capture (or of a harness case) at t_us: findings for the
 * windows still open. */
size_t igmpx_link_finish(struct igmpx_link *link, uint64_t t_us,
			 struct igmpx_tfinding *out, size_t max);

#endif
