/* packet-igmpx-state.c: the stateful analysis (core/timing) across the
 * packets of a capture.
 *
 * Two passes, as packet-ntp.c links requests and responses: on the first
 * pass (!PINFO_FD_VISITED) each IGMP packet is fed to the link model of
 * core/timing, and what it returns is kept for the life of the file in
 * three flat tables: the links of the frames that have some, the findings
 * (about this frame or an earlier one) and the (query, report) pairs.  No
 * per-frame allocation, no hash table: a valid capture adds about 32 octets
 * per linked frame.  Every pass renders what is kept, so a second pass
 * (tshark -2, a GUI click) shows what later frames taught: the
 * igmpx.response_in list of a query, findings about an earlier frame, and
 * those of windows still open at the end of the capture. */
#include "packet-igmpx.h"
#include "ws-compat.h"

#include <epan/prefs.h>

#include "ip.h"
#include "timing.h"

static int proto_igmpx_state = -1;
static int hf_igmpx_response_to = -1;
static int hf_igmpx_response_in = -1;
static int hf_igmpx_response_time = -1;
static int hf_igmpx_query_prev = -1;
static int hf_igmpx_query_gap = -1;
static int hf_igmpx_analysis = -1;
static int hf_igmpx_analysis_time = -1;
static int hf_igmpx_analysis_limit = -1;
static int hf_igmpx_analysis_count = -1;
static int hf_igmpx_analysis_expect = -1;
static int hf_igmpx_analysis_group = -1;
static int hf_igmpx_analysis_router = -1;
static gint ett_igmpx_analysis = -1;

static guint igmpx_timer_tolerance_ms = 0;

/* The links of one frame (struct igmpx_link_event, packed). */
struct link_rec {
	guint32 frame;
	guint32 response_to;
	guint32 querier_frame;
	guint64 response_time_us;
	guint64 query_gap_us;
};

/* A finding about frame; seq keeps the order they were found in.  Its
 * expert text is stable (one per rule and condition, see cited_text); the
 * values it measured are shown as igmpx.analysis.* fields. */
struct find_rec {
	guint32 frame;
	guint32 seq;
	enum igmpx_rule rule;
	const char *text;           /* cited_text(): lives as long as the program */
	struct igmpx_tvals vals;
};

/* A report that answered a query. */
struct resp_rec {
	guint32 query;
	guint32 report;
};

/* The model of the capture being dissected, from init to cleanup.  The model
 * itself (core/timing) keeps state per querier, group and host; what grows
 * with the capture is only the display data of frames that have some.
 * A capture may hold several links (pcapng interfaces, e.g. tshark -i a -i
 * b): each interface gets its own link model. */
#define IGMPX_MAX_LINKS 64
struct igmpx_state {
	struct igmpx_link *links[IGMPX_MAX_LINKS];  /* by interface id; malloc'd by core */
	struct igmpx_link_config cfg;
	GArray *recs;                  /* of link_rec, by frame (fed in frame order) */
	GArray *finds;                 /* of find_rec, sorted by (frame, seq) unless
					  finds_dirty: a late finding came */
	GArray *resps;                 /* of resp_rec, sorted by (query, report) unless
					  resps_dirty */
	gboolean finds_dirty, resps_dirty;
	guint32 last_fed;              /* the last frame fed (one feed per frame) */
	guint own_first, own_end;      /* finds[] of last_fed about itself, on the first pass */
	guint64 last_t_us;
	gboolean finished;             /* igmpx_link_finish has run */
};
static struct igmpx_state *igmpx_state;

static void igmpx_state_init(void)
{
	struct igmpx_link_config cfg;

	igmpx_link_config_defaults(&cfg);
	cfg.tolerance_ms = igmpx_timer_tolerance_ms;
	cfg.stable_only = 1;            /* the values go to fields, not texts */
	igmpx_state = g_new0(struct igmpx_state, 1);
	igmpx_state->cfg = cfg;
	igmpx_state->recs = g_array_new(FALSE, FALSE, sizeof(struct link_rec));
	igmpx_state->finds = g_array_new(FALSE, FALSE, sizeof(struct find_rec));
	igmpx_state->resps = g_array_new(FALSE, FALSE, sizeof(struct resp_rec));
}

static void igmpx_state_cleanup(void)
{
	if (!igmpx_state)
		return;
	for (int i = 0; i < IGMPX_MAX_LINKS; i++)
		igmpx_link_free(igmpx_state->links[i]);
	g_array_free(igmpx_state->recs, TRUE);
	g_array_free(igmpx_state->finds, TRUE);
	g_array_free(igmpx_state->resps, TRUE);
	g_free(igmpx_state);
	igmpx_state = NULL;
}

void igmpx_state_restart(void)
{
	igmpx_state_cleanup();
	igmpx_state_init();
}

/* The expert text of a finding: its stable text and the rule's citation,
 * made once per rule and stable text (a few per rule) and kept for the
 * life of the program: no text is built per finding, and tshark -z expert
 * counts each condition in one row. */
#define CITED_PER_RULE 6
static struct {
	const char *stable;
	char *text;
} cited[IGMPX_RULE_COUNT][CITED_PER_RULE];

static const char *cited_text(enum igmpx_rule r, const char *stable)
{
	const struct igmpx_rule_info *ri = &igmpx_rules[r];
	guint i;

	if (!stable)
		stable = ri->text;
	for (i = 0; i < CITED_PER_RULE && cited[r][i].stable; i++)
		if (cited[r][i].stable == stable)
			return cited[r][i].text;
	if (i == CITED_PER_RULE)        /* more conditions than foreseen: the last slot */
		i--, g_free(cited[r][i].text);
	cited[r][i].stable = stable;
	cited[r][i].text = g_strdup_printf("%s (%s %s)", stable, ri->rfc, ri->section);
	return cited[r][i].text;
}

/* Keeps the findings; those about an earlier frame leave finds unsorted. */
static void keep_findings(const struct igmpx_tfinding *f, size_t n)
{
	GArray *a = igmpx_state->finds;

	for (size_t i = 0; i < n; i++) {
		struct find_rec r;

		r.frame = f[i].frame;
		r.seq = a->len;
		r.rule = f[i].rule;
		r.text = cited_text(f[i].rule, f[i].stable);
		r.vals = f[i].vals;
		if (a->len && g_array_index(a, struct find_rec, a->len - 1).frame > r.frame)
			igmpx_state->finds_dirty = TRUE;
		g_array_append_val(a, r);
	}
}

/* The IPv4 packet around the IGMP message: as captured (igmpx_ip_packet),
 * else one made from the addresses (a datagram reassembled elsewhere). */
static const guint8 *state_ip_packet(struct igmpx_ctx *c, size_t *len)
{
	struct igmpx_ipv4_spec spec;
	size_t hlen = 0;
	const guint8 *ip = igmpx_ip_packet(c, len, &hlen);
	guint8 *out;

	if (ip && *len == hlen + c->len)
		return ip;
	if (c->pinfo->src.type != AT_IPv4 || c->pinfo->dst.type != AT_IPv4)
		return NULL;
	igmpx_ipv4_defaults(&spec, igmpx_read32(c->pinfo->src.data), igmpx_read32(c->pinfo->dst.data));
	out = (guint8 *)wmem_alloc(c->pinfo->pool, c->len + 64);
	*len = igmpx_ipv4_build(&spec, c->buf, c->len, out, c->len + 64);
	return *len ? out : NULL;
}

/* The link model of the packet's interface (the last one serves those past
 * IGMPX_MAX_LINKS); NULL if out of memory. */
static struct igmpx_link *link_of(packet_info *pinfo)
{
	guint32 id = MIN(igmpx_interface_id(pinfo), IGMPX_MAX_LINKS - 1);

	if (!igmpx_state->links[id])
		igmpx_state->links[id] = igmpx_link_new(&igmpx_state->cfg);
	return igmpx_state->links[id];
}

/* First pass: feeds the packet, keeps its links and findings if any. */
static void igmpx_state_feed(struct igmpx_ctx *c)
{
	packet_info *pinfo = c->pinfo;
	struct igmpx_link_event ev;
	struct igmpx_tfinding f[16];
	struct igmpx_link *link = link_of(pinfo);
	const guint8 *ip;
	size_t len = 0, n;
	guint64 t_us = (guint64)pinfo->abs_ts.secs * 1000000u + (guint64)pinfo->abs_ts.nsecs / 1000u;

	igmpx_state->own_first = igmpx_state->own_end = igmpx_state->finds->len;
	if (!link || !c->whole || !(ip = state_ip_packet(c, &len)))
		return;
	if (igmpx_ip_parsed(c))
		n = igmpx_link_feed_parsed(link, pinfo->num, t_us, &c->iph, c->buf, &c->m, &ev, f,
					   G_N_ELEMENTS(f));
	else
		n = igmpx_link_feed(link, pinfo->num, t_us, ip, len, &ev, f, G_N_ELEMENTS(f));
	igmpx_state->last_t_us = t_us;
	n = MIN(n, G_N_ELEMENTS(f));
	/* This frame's own findings first (contiguous, for the first pass's
	 * display), then those about earlier frames. */
	for (size_t i = 0; i < n; i++)
		if (f[i].frame == pinfo->num)
			keep_findings(&f[i], 1);
	igmpx_state->own_end = igmpx_state->finds->len;
	for (size_t i = 0; i < n; i++)
		if (f[i].frame != pinfo->num)
			keep_findings(&f[i], 1);
	if (ev.response_to || ev.querier_frame) {
		struct link_rec r = { pinfo->num, ev.response_to, ev.querier_frame,
				      ev.response_time_us, ev.query_gap_us };
		g_array_append_val(igmpx_state->recs, r);
	}
	if (ev.response_to) {
		struct resp_rec r = { ev.response_to, pinfo->num };
		GArray *a = igmpx_state->resps;

		if (a->len && g_array_index(a, struct resp_rec, a->len - 1).query > r.query)
			igmpx_state->resps_dirty = TRUE;
		g_array_append_val(a, r);
	}
}

/* The first visited pass: the capture is over, close the open windows. */
static void igmpx_state_finish(void)
{
	struct igmpx_tfinding f[64];
	size_t n;

	igmpx_state->finished = TRUE;
	for (int i = 0; i < IGMPX_MAX_LINKS; i++) {
		if (!igmpx_state->links[i])
			continue;
		n = igmpx_link_finish(igmpx_state->links[i], igmpx_state->last_t_us, f,
				      G_N_ELEMENTS(f));
		keep_findings(f, MIN(n, G_N_ELEMENTS(f)));
	}
}

static gint cmp_find(gconstpointer a, gconstpointer b)
{
	const struct find_rec *x = (const struct find_rec *)a, *y = (const struct find_rec *)b;

	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gint cmp_resp(gconstpointer a, gconstpointer b)
{
	const struct resp_rec *x = (const struct resp_rec *)a, *y = (const struct resp_rec *)b;

	if (x->query != y->query)
		return x->query < y->query ? -1 : 1;
	return x->report < y->report ? -1 : x->report > y->report;
}

/* The first index of a (whose elements of size elem begin with a guint32
 * key, sorted by it) whose key is >= key. */
static guint lower_bound(const GArray *a, guint elem, guint32 key)
{
	guint lo = 0, hi = a->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		guint32 k;

		memcpy(&k, a->data + (gsize)mid * elem, sizeof(k));
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void add_time_to(struct igmpx_ctx *c, proto_tree *tree, int hf, guint64 us)
{
	nstime_t ns;
	proto_item *it;

	ns.secs = (time_t)(us / 1000000u);
	ns.nsecs = (int)(us % 1000000u) * 1000;
	it = proto_tree_add_time(tree, hf, c->tvb, 0, 0, &ns);
	proto_item_set_generated(it);
}

static void add_time(struct igmpx_ctx *c, int hf, guint64 us)
{
	add_time_to(c, c->tree, hf, us);
}

static void render_links(struct igmpx_ctx *c, const struct link_rec *r)
{
	proto_item *it;

	if (r->response_to) {
		it = proto_tree_add_uint(c->tree, hf_igmpx_response_to, c->tvb, 0, 0, r->response_to);
		proto_item_set_generated(it);
		add_time(c, hf_igmpx_response_time, r->response_time_us);
	}
	if (r->querier_frame) {
		it = proto_tree_add_uint(c->tree, hf_igmpx_query_prev, c->tvb, 0, 0, r->querier_frame);
		proto_item_set_generated(it);
		add_time(c, hf_igmpx_query_gap, r->query_gap_us);
	}
}

/* The reports that answered query frame (known on a second pass). */
static void render_responses(struct igmpx_ctx *c, guint32 frame)
{
	GArray *a = igmpx_state->resps;
	proto_item *it;

	if (igmpx_state->resps_dirty) {
		g_array_sort(a, cmp_resp);
		igmpx_state->resps_dirty = FALSE;
	}
	for (guint i = lower_bound(a, sizeof(struct resp_rec), frame);
	     i < a->len && g_array_index(a, struct resp_rec, i).query == frame; i++) {
		it = proto_tree_add_uint(c->tree, hf_igmpx_response_in, c->tvb, 0, 0,
					 g_array_index(a, struct resp_rec, i).report);
		proto_item_set_generated(it);
	}
}

/* The values a finding measured, under an igmpx.analysis item naming its
 * rule (as tcp.analysis.* in Wireshark's TCP analysis); the expert item
 * hangs on it.  Without a tree or values, only the expert item. */
static proto_item *render_values(struct igmpx_ctx *c, const struct find_rec *f)
{
	const struct igmpx_tvals *v = &f->vals;
	proto_item *ai, *it;
	proto_tree *at;

	ai = proto_tree_add_string(c->tree, hf_igmpx_analysis, c->tvb, 0, 0, igmpx_rules[f->rule].id);
	proto_item_set_generated(ai);
	at = proto_item_add_subtree(ai, ett_igmpx_analysis);
	if (v->has & IGMPX_TV_TIME)
		add_time_to(c, at, hf_igmpx_analysis_time, v->time_us);
	if (v->has & IGMPX_TV_LIMIT)
		add_time_to(c, at, hf_igmpx_analysis_limit, v->limit_us);
	if (v->has & IGMPX_TV_COUNT) {
		it = proto_tree_add_uint(at, hf_igmpx_analysis_count, c->tvb, 0, 0, v->count);
		proto_item_set_generated(it);
	}
	if (v->has & IGMPX_TV_EXPECT) {
		it = proto_tree_add_uint(at, hf_igmpx_analysis_expect, c->tvb, 0, 0, v->expect);
		proto_item_set_generated(it);
	}
	if (v->has & IGMPX_TV_GROUP) {
		it = proto_tree_add_ipv4(at, hf_igmpx_analysis_group, c->tvb, 0, 0, g_htonl(v->group));
		proto_item_set_generated(it);
	}
	if (v->has & IGMPX_TV_ROUTER) {
		it = proto_tree_add_ipv4(at, hf_igmpx_analysis_router, c->tvb, 0, 0, g_htonl(v->router));
		proto_item_set_generated(it);
	}
	return ai ? ai : c->it.proto;
}

static void render_findings(struct igmpx_ctx *c, guint first, guint end, guint32 frame)
{
	for (guint i = first; i < end; i++) {
		const struct find_rec *f = &g_array_index(igmpx_state->finds, struct find_rec, i);
		proto_item *at;

		if (f->frame != frame)
			break;
		at = c->tree && f->vals.has ? render_values(c, f) : c->it.proto;
		expert_add_info_format(c->pinfo, at, igmpx_rule_ei(f->rule), "%s", f->text);
	}
}

void igmpx_state_apply(struct igmpx_ctx *c)
{
	guint32 num = c->pinfo->num;
	GArray *recs;
	guint i;

	/* Quoted in an ICMP error: not a message sent on the link. */
	if (!igmpx_state || c->pinfo->flags.in_error_pkt)
		return;
	recs = igmpx_state->recs;
	if (!PINFO_FD_VISITED(c->pinfo)) {
		/* a second IGMP message in the same frame is not fed again */
		if (igmpx_state->last_fed != num) {
			igmpx_state->last_fed = num;
			igmpx_state_feed(c);
		}
		if (recs->len && g_array_index(recs, struct link_rec, recs->len - 1).frame == num)
			render_links(c, &g_array_index(recs, struct link_rec, recs->len - 1));
		render_findings(c, igmpx_state->own_first, igmpx_state->own_end, num);
		return;
	}
	if (!igmpx_state->finished)
		igmpx_state_finish();
	i = lower_bound(recs, sizeof(struct link_rec), num);
	if (i < recs->len && g_array_index(recs, struct link_rec, i).frame == num)
		render_links(c, &g_array_index(recs, struct link_rec, i));
	if (c->m.type == IGMPX_T_QUERY)
		render_responses(c, num);
	if (igmpx_state->finds_dirty) {
		g_array_sort(igmpx_state->finds, cmp_find);
		igmpx_state->finds_dirty = FALSE;
	}
	render_findings(c, lower_bound(igmpx_state->finds, sizeof(struct find_rec), num),
			igmpx_state->finds->len, num);
}

void igmpx_register_state(int proto, module_t *module)
{
	static hf_register_info hf[] = {
		{ &hf_igmpx_response_to, { "Response to", "igmpx.response_to", FT_FRAMENUM,
		  BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0,
		  "The query this report answers", HFILL } },
		{ &hf_igmpx_response_in, { "Response in", "igmpx.response_in", FT_FRAMENUM,
		  BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0,
		  "A report that answered this query", HFILL } },
		{ &hf_igmpx_response_time, { "Response time", "igmpx.response_time",
		  FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
		  "Time between the query and this report", HFILL } },
		{ &hf_igmpx_query_prev, { "Previous General Query", "igmpx.query_prev",
		  FT_FRAMENUM, BASE_NONE, NULL, 0,
		  "The previous General Query of the same querier", HFILL } },
		{ &hf_igmpx_query_gap, { "Time since previous General Query", "igmpx.query_gap",
		  FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
		  "Time since the previous General Query of the same querier", HFILL } },
		{ &hf_igmpx_analysis, { "Timing analysis", "igmpx.analysis", FT_STRING,
		  BASE_NONE, NULL, 0,
		  "A timing finding (the rule it breaks) and the values it measured", HFILL } },
		{ &hf_igmpx_analysis_time, { "Time measured", "igmpx.analysis.time",
		  FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
		  "The gap or delay the finding measured", HFILL } },
		{ &hf_igmpx_analysis_limit, { "Interval expected", "igmpx.analysis.limit",
		  FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
		  "The interval the time measured was held against", HFILL } },
		{ &hf_igmpx_analysis_count, { "Count", "igmpx.analysis.count", FT_UINT32,
		  BASE_DEC, NULL, 0,
		  "How many messages the finding counted (queries, reports, routers)", HFILL } },
		{ &hf_igmpx_analysis_expect, { "Count expected", "igmpx.analysis.expect",
		  FT_UINT32, BASE_DEC, NULL, 0,
		  "How many the rule expects (a Robustness Variable, the querier's QRV)", HFILL } },
		{ &hf_igmpx_analysis_group, { "Group", "igmpx.analysis.group", FT_IPv4,
		  BASE_NONE, NULL, 0, "The group the finding is about", HFILL } },
		{ &hf_igmpx_analysis_router, { "Other router", "igmpx.analysis.router", FT_IPv4,
		  BASE_NONE, NULL, 0, "The other router (querier) the finding is about", HFILL } },
	};
	static gint *ett[] = { &ett_igmpx_analysis };

	proto_igmpx_state = proto;
	proto_register_field_array(proto, hf, array_length(hf));
	proto_register_subtree_array(ett, array_length(ett));
	prefs_register_uint_preference(module, "timer_tolerance_ms", "Timer tolerance (ms)",
		"Added to every timing window of the stateful analysis (Max Resp Time, "
		"query intervals, retransmission windows) before a late or early message is "
		"flagged", 10, &igmpx_timer_tolerance_ms);
	register_init_routine(igmpx_state_init);
	register_cleanup_routine(igmpx_state_cleanup);
}
