/* packet-igmpx-state.c: the stateful analysis (core/timing) across the
 * packets of a capture.
 *
 * Two passes, as packet-ntp.c links requests and responses: on the first
 * pass (!PINFO_FD_VISITED) each IGMP packet is fed to the link model of
 * core/timing, and what it returns is kept in wmem_file_scope (the
 * frame's links with p_add_proto_data, the findings and the reports that
 * answered a query in maps keyed by frame).  Every pass renders what is
 * kept, so a second pass (tshark -2, a GUI click) shows what later frames
 * taught: the igmpx.response_in list of a query, findings about an earlier
 * frame, and those of windows still open at the end of the capture. */
#include "packet-igmpx.h"

#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <wsutil/pint.h>

#include "ip.h"
#include "timing.h"

static int proto_igmpx_state = -1;
static int hf_igmpx_response_to = -1;
static int hf_igmpx_response_in = -1;
static int hf_igmpx_response_time = -1;
static int hf_igmpx_query_prev = -1;
static int hf_igmpx_query_gap = -1;

static guint igmpx_timer_tolerance_ms = 0;

/* p_add_proto_data key of this file (the other files of the plugin use small keys). */
#define IGMPX_STATE_KEY 0x5747

/* What a frame shows, kept only for the frames that have something to show
 * (p_add_proto_data, file scope): its links and the findings about it. */
struct frame_state {
	struct igmpx_link_event ev;
	wmem_array_t *findings;        /* of struct igmpx_tfinding, or NULL */
	wmem_array_t *responses;       /* a query: frame numbers of its answers, or NULL */
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
	wmem_map_t *queries;           /* query frame -> its frame_state (for response_in) */
	wmem_map_t *late;              /* frame -> frame_state: findings about a frame
					  already passed (known only later) */
	guint32 last_fed;              /* the last frame fed (one feed per frame) */
	guint64 last_t_us;
	gboolean finished;             /* igmpx_link_finish has run */
};
static struct igmpx_state *igmpx_state;

static void igmpx_state_init(void)
{
	struct igmpx_link_config cfg;

	igmpx_link_config_defaults(&cfg);
	cfg.tolerance_ms = igmpx_timer_tolerance_ms;
	igmpx_state = wmem_new0(wmem_file_scope(), struct igmpx_state);
	igmpx_state->cfg = cfg;
	igmpx_state->queries = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
	igmpx_state->late = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
}

static void igmpx_state_cleanup(void)
{
	for (int i = 0; igmpx_state && i < IGMPX_MAX_LINKS; i++)
		igmpx_link_free(igmpx_state->links[i]);
	igmpx_state = NULL;         /* the rest goes with the file scope */
}

static void append(wmem_array_t **a, const void *elem, guint size)
{
	if (!*a)
		*a = wmem_array_new(wmem_file_scope(), size);
	wmem_array_append(*a, elem, 1);
}

/* The frame_state of an earlier frame, for a finding about it. */
static struct frame_state *late_state(guint32 frame)
{
	struct frame_state *fs = (struct frame_state *)wmem_map_lookup(igmpx_state->late,
									GUINT_TO_POINTER(frame));
	if (!fs) {
		fs = wmem_new0(wmem_file_scope(), struct frame_state);
		wmem_map_insert(igmpx_state->late, GUINT_TO_POINTER(frame), fs);
	}
	return fs;
}

/* Findings about this frame go with it, about earlier ones to the map. */
static void keep_findings(struct frame_state **fs, guint32 num, const struct igmpx_tfinding *f,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].frame == num && fs) {
			if (!*fs)
				*fs = wmem_new0(wmem_file_scope(), struct frame_state);
			append(&(*fs)->findings, &f[i], sizeof(f[i]));
		} else {
			append(&late_state(f[i].frame)->findings, &f[i], sizeof(f[i]));
		}
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
	igmpx_ipv4_defaults(&spec, pntoh32(c->pinfo->src.data), pntoh32(c->pinfo->dst.data));
	out = (guint8 *)wmem_alloc(c->pinfo->pool, c->len + 64);
	*len = igmpx_ipv4_build(&spec, c->buf, c->len, out, c->len + 64);
	return *len ? out : NULL;
}

/* The link model of the packet's interface (the last one serves those past
 * IGMPX_MAX_LINKS); NULL if out of memory. */
static struct igmpx_link *link_of(packet_info *pinfo)
{
	guint32 id = 0;

	if (pinfo->rec && (pinfo->rec->presence_flags & WTAP_HAS_INTERFACE_ID))
		id = MIN(pinfo->rec->rec_header.packet_header.interface_id, IGMPX_MAX_LINKS - 1);
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
	struct frame_state *fs = NULL;
	struct igmpx_link *link = link_of(pinfo);
	const guint8 *ip;
	size_t len = 0, n;
	guint64 t_us = (guint64)pinfo->abs_ts.secs * 1000000u + (guint64)pinfo->abs_ts.nsecs / 1000u;

	if (!link || !c->whole || !(ip = state_ip_packet(c, &len)))
		return;
	if (igmpx_ip_parsed(c))
		n = igmpx_link_feed_parsed(link, pinfo->num, t_us, &c->iph, c->buf, &c->m, &ev, f,
					   G_N_ELEMENTS(f));
	else
		n = igmpx_link_feed(link, pinfo->num, t_us, ip, len, &ev, f, G_N_ELEMENTS(f));
	igmpx_state->last_t_us = t_us;
	keep_findings(&fs, pinfo->num, f, MIN(n, G_N_ELEMENTS(f)));
	if (ev.response_to || ev.querier_frame || c->m.type == IGMPX_T_QUERY) {
		if (!fs)
			fs = wmem_new0(wmem_file_scope(), struct frame_state);
		fs->ev = ev;
	}
	if (c->m.type == IGMPX_T_QUERY)
		wmem_map_insert(igmpx_state->queries, GUINT_TO_POINTER(pinfo->num), fs);
	if (ev.response_to) {
		struct frame_state *q = (struct frame_state *)wmem_map_lookup(
			igmpx_state->queries, GUINT_TO_POINTER(ev.response_to));
		if (q)
			append(&q->responses, &pinfo->num, sizeof(guint32));
	}
	if (fs)
		p_add_proto_data(wmem_file_scope(), pinfo, proto_igmpx_state, IGMPX_STATE_KEY, fs);
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
		keep_findings(NULL, 0, f, MIN(n, G_N_ELEMENTS(f)));
	}
}

static void add_time(struct igmpx_ctx *c, int hf, guint64 us)
{
	nstime_t ns;
	proto_item *it;

	ns.secs = (time_t)(us / 1000000u);
	ns.nsecs = (int)(us % 1000000u) * 1000;
	it = proto_tree_add_time(c->tree, hf, c->tvb, 0, 0, &ns);
	proto_item_set_generated(it);
}

static void render_links(struct igmpx_ctx *c, const struct frame_state *fs)
{
	const struct igmpx_link_event *ev = &fs->ev;
	proto_item *it;

	if (ev->response_to) {
		it = proto_tree_add_uint(c->tree, hf_igmpx_response_to, c->tvb, 0, 0, ev->response_to);
		proto_item_set_generated(it);
		add_time(c, hf_igmpx_response_time, ev->response_time_us);
	}
	if (ev->querier_frame) {
		it = proto_tree_add_uint(c->tree, hf_igmpx_query_prev, c->tvb, 0, 0, ev->querier_frame);
		proto_item_set_generated(it);
		add_time(c, hf_igmpx_query_gap, ev->query_gap_us);
	}
	for (guint i = 0; fs->responses && i < wmem_array_get_count(fs->responses); i++) {
		guint32 *num = (guint32 *)wmem_array_index(fs->responses, i);
		it = proto_tree_add_uint(c->tree, hf_igmpx_response_in, c->tvb, 0, 0, *num);
		proto_item_set_generated(it);
	}
}

static void render_findings(struct igmpx_ctx *c, wmem_array_t *a)
{
	for (guint i = 0; a && i < wmem_array_get_count(a); i++) {
		const struct igmpx_tfinding *f = (const struct igmpx_tfinding *)wmem_array_index(a, i);
		expert_add_info_format(c->pinfo, c->it.proto, igmpx_rule_ei(f->rule), "%s", f->text);
	}
}

void igmpx_state_apply(struct igmpx_ctx *c)
{
	const struct frame_state *fs;

	/* Quoted in an ICMP error: not a message sent on the link. */
	if (!igmpx_state || c->pinfo->flags.in_error_pkt)
		return;
	if (!PINFO_FD_VISITED(c->pinfo)) {
		if (igmpx_state->last_fed == c->pinfo->num)
			return;         /* a second IGMP message in the same frame */
		igmpx_state->last_fed = c->pinfo->num;
		igmpx_state_feed(c);
	} else if (!igmpx_state->finished) {
		igmpx_state_finish();
	}
	fs = (const struct frame_state *)p_get_proto_data(wmem_file_scope(), c->pinfo,
							  proto_igmpx_state, IGMPX_STATE_KEY);
	if (fs) {
		render_links(c, fs);
		render_findings(c, fs->findings);
	}
	if (PINFO_FD_VISITED(c->pinfo) && wmem_map_size(igmpx_state->late)) {
		fs = (const struct frame_state *)wmem_map_lookup(igmpx_state->late,
								 GUINT_TO_POINTER(c->pinfo->num));
		if (fs)
			render_findings(c, fs->findings);
	}
}

void igmpx_register_state(int proto, module_t *prefs)
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
	};

	proto_igmpx_state = proto;
	proto_register_field_array(proto, hf, array_length(hf));
	prefs_register_uint_preference(prefs, "timer_tolerance_ms", "Timer tolerance (ms)",
		"Added to every timing window of the stateful analysis (Max Resp Time, "
		"query intervals, retransmission windows) before a late or early message is "
		"flagged", 10, &igmpx_timer_tolerance_ms);
	register_init_routine(igmpx_state_init);
	register_cleanup_routine(igmpx_state_cleanup);
}
