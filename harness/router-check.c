/* router-check.c: what the harness holds every frame of a router IUT to,
 * beyond the content rules of core/check: the fields its queries must
 * carry for its configuration and what it heard (RFC 9776 §4.1.6, §4.1.7,
 * §8.3, §8.8), and the querier timing rules of core/timing over the whole
 * exchange of a case. */
#include "run.h"
#include "timing.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>

/* A router IUT's query, held to what its configuration and the queries it
 * heard make every query's fields (RFC 9776 §8.3, §8.8, §4.1.6, §4.1.7):
 * Max Resp the QRI in a General Query, the LMQI in a specific one; QRV and
 * QQI adopted from the queries the harness sent (learn_query), else its
 * configured RV and QI; from its own address. */
void run_router_query_check(struct run *r, const struct frame *f, const char *what)
{
	const struct igmpx_msg *m = &f->m;
	bool general = m->kind == IGMPX_K_V3_QUERY ? !m->u.v3q.group : !m->u.v12.group;
	double mrt = igmpx_query_max_resp_ms(m) / 1000.0, want = general ? r->p->query_response_interval
								       : r->p->lmqi;
	bool exact;
	char why[160];
	enum igmpx_rule rule = IGMPX_RULE_COUNT;

	if (m->kind != IGMPX_K_V2_QUERY && m->kind != IGMPX_K_V3_QUERY)
		return;
	unsigned code = igmpx_code_decode(igmpx_code_encode((unsigned)(want * 10 + 0.5), &exact));
	if (fabs(mrt - want) >= 0.05 && !(m->kind == IGMPX_K_V3_QUERY && want >= 12.8 &&
					  (unsigned)(mrt * 10 + 0.5) == code)) {
		rule = general ? IGMPX_RULE_rtr_gq_mrt : IGMPX_RULE_lmq_max_resp;
		snprintf(why, sizeof(why), "Max Resp %.1f s, configured %s %.1f s", mrt,
			 general ? "Query Response Interval" : "Last Member Query Interval", want);
	} else if (f->src != HX_IUT_ADDR) {
		rule = IGMPX_RULE_rtr_query_src;
		snprintf(why, sizeof(why), "sent from %u.%u.%u.%u, not the router's address 192.0.2.2",
			 f->src >> 24, f->src >> 16 & 255, f->src >> 8 & 255, f->src & 255);
	} else if (m->kind == IGMPX_K_V3_QUERY) {
		unsigned rv = r->heard_qrv ? r->heard_qrv : (unsigned)r->p->robustness;
		double qi = r->heard_qqi ? r->heard_qqi : r->p->query_interval;
		unsigned qqi = igmpx_code_decode(m->u.v3q.qqic);
		unsigned qcode = igmpx_code_decode(igmpx_code_encode((unsigned)(qi + 0.5), &exact));
		if (m->u.v3q.qrv != (rv > 7 ? 0 : rv)) {
			rule = IGMPX_RULE_rtr_query_qrv;
			snprintf(why, sizeof(why), "QRV %u, the router's Robustness Variable is %u%s",
				 m->u.v3q.qrv, rv, r->heard_qrv ? " (adopted from the last query it heard)" : "");
		} else if (qqi != qcode) {
			rule = IGMPX_RULE_rtr_query_qqic;
			snprintf(why, sizeof(why), "QQI %u s, the router's Query Interval is %.0f s%s", qqi,
				 qi, r->heard_qqi ? " (adopted from the last query it heard)" : "");
		}
	}
	if (rule == IGMPX_RULE_COUNT)
		return;
	const struct igmpx_rule_info *ri = &igmpx_rules[rule];
	run_comment((struct frame *)f, "igmpx: %s: %s", ri->id, why);
	run_verdict(r, ri->level <= IGMPX_LEVEL_MUST_PLAIN ? HX_FAIL : HX_WARN,
		    "frame %u at +%.3f s breaks %s (%s %s, %s): %s: %s; frame: %s", r->frames->len,
		    run_rel(r, f->t), ri->id, ri->rfc, ri->section, igmpx_level_name(ri->level), ri->text,
		    why, what);
}

/* The timing rules of core/timing over the whole exchange (a router IUT):
 * every frame of the case, the harness's and the IUT's, fed to the link
 * model the dissector uses, with the profile's timers; a finding of a
 * querier's rule about a frame of the IUT's is a verdict (its rule's
 * level), and a comment on the frame.  Findings about the harness's own
 * frames (a rival querier it plays) are not the IUT's; nor are the host
 * rules: a router's own host stack may report (the Linux bridge joins
 * 224.0.0.106), and the model cannot know which queries that stack hears.
 * Nor the startup: R-STARTUP and R2-STARTUP judge it, and every other case
 * would repeat their verdict. */
#define MODEL_TOLERANCE_MS 250

static bool querier_rule(enum igmpx_rule rule)
{
	switch (rule) {
	case IGMPX_RULE_querier_not_lowest:
	case IGMPX_RULE_query_interval:
	case IGMPX_RULE_lmq_count:
	case IGMPX_RULE_lmq_interval:
	case IGMPX_RULE_lmq_max_resp:
	case IGMPX_RULE_v2_lmq:
		return true;
	default:
		return false;
	}
}

void run_timing_judge(struct run *r)
{
	struct igmpx_link_config cfg;
	struct igmpx_tfinding tf[16];
	struct igmpx_link *l;
	uint64_t last = 0;

	igmpx_link_config_defaults(&cfg);
	/* The model judges whole exchanges, with no case window to say a
	 * frame came late: its tolerance is at least MODEL_TOLERANCE_MS, so
	 * that what it finds no busy scheduler explains (a General Query a
	 * third of a Query Interval early, a missing last-member query); the
	 * cases' own windows judge finer timing, with the profile's. */
	cfg.tolerance_ms = MAX(r->p->tolerance_ms, MODEL_TOLERANCE_MS);
	cfg.robustness = (unsigned)r->p->robustness;
	cfg.query_interval_s = (unsigned)(r->p->query_interval + 0.5);
	cfg.query_response_ds = (unsigned)(r->p->query_response_interval * 10 + 0.5);
	cfg.lmqi_ds = (unsigned)(r->p->lmqi * 10 + 0.5);
	cfg.startup_ds = (unsigned)(r->p->sqi * 10 + 0.5);
	/* A profile that starts the router does so with the link watched: its
	 * first query is its start.  One running all along shows no start. */
	cfg.configured = true;
	cfg.starts_seen = r->p->start[0] != '\0';
	if (!(l = igmpx_link_new(&cfg)))
		return;
	for (guint i = 0; i <= r->frames->len; i++) {
		size_t n = 0;
		if (i < r->frames->len) {
			const struct frame *f = g_ptr_array_index(r->frames, i);
			size_t iplen;
			const uint8_t *ip = hx_ip_of(1, f->bytes, f->len, &iplen);
			struct igmpx_link_event ev;
			if (!f->igmp || !ip)
				continue;
			last = (f->t - r->t0) / 1000;
			n = igmpx_link_feed(l, i + 1, last, ip, iplen, &ev, tf, 16);
		} else {
			n = igmpx_link_finish(l, last, tf, 16);
		}
		for (size_t k = 0; k < n && k < 16; k++) {
			const struct igmpx_rule_info *ri = &igmpx_rules[tf[k].rule];
			struct frame *f = run_frame_at(r, (int)tf[k].frame - 1);
			if (!f || f->dir != 1 || !querier_rule(tf[k].rule))
				continue;
			run_comment(f, "igmpx: %s %s: %s", igmpx_severity_name(ri->severity), ri->id,
				    tf[k].text);
			run_verdict(r, ri->level <= IGMPX_LEVEL_MUST_PLAIN ? HX_FAIL : HX_WARN,
				    "frame %u at +%.3f s breaks %s (%s %s, %s): %s", tf[k].frame,
				    run_rel(r, f->t), ri->id, ri->rfc, ri->section, igmpx_level_name(ri->level),
				    tf[k].text);
		}
	}
	igmpx_link_free(l);
}
