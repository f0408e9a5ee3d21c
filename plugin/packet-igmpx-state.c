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

/* The model of the capture being dissected, from init to cleanup. */
struct igmpx_state {
	struct igmpx_link *link;       /* malloc'd by core: freed at cleanup */
	wmem_map_t *findings;          /* frame -> wmem_array_t of igmpx_tfinding */
	wmem_map_t *responses;         /* query frame -> wmem_array_t of guint32 */
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
	igmpx_state->link = igmpx_link_new(&cfg);
	igmpx_state->findings = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
	igmpx_state->responses = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
}

static void igmpx_state_cleanup(void)
{
	if (igmpx_state)
		igmpx_link_free(igmpx_state->link);
	igmpx_state = NULL;         /* the rest goes with the file scope */
}

/* Appends an element to the array kept in map under key. */
static void map_append(wmem_map_t *map, guint32 key, const void *elem, guint size)
{
	wmem_array_t *a = (wmem_array_t *)wmem_map_lookup(map, GUINT_TO_POINTER(key));

	if (!a) {
		a = wmem_array_new(wmem_file_scope(), size);
		wmem_map_insert(map, GUINT_TO_POINTER(key), a);
	}
	wmem_array_append(a, elem, 1);
}

static void keep_findings(const struct igmpx_tfinding *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		map_append(igmpx_state->findings, f[i].frame, &f[i], sizeof(f[i]));
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

/* First pass: feeds the packet, keeps its links and findings. */
static void igmpx_state_feed(struct igmpx_ctx *c)
{
	packet_info *pinfo = c->pinfo;
	struct igmpx_link_event *ev = wmem_new0(wmem_file_scope(), struct igmpx_link_event);
	struct igmpx_tfinding f[16];
	const guint8 *ip;
	size_t len = 0, n;
	guint64 t_us = (guint64)pinfo->abs_ts.secs * 1000000u + (guint64)pinfo->abs_ts.nsecs / 1000u;

	p_add_proto_data(wmem_file_scope(), pinfo, proto_igmpx_state, IGMPX_STATE_KEY, ev);
	if (!c->whole || !(ip = state_ip_packet(c, &len)))
		return;
	n = igmpx_link_feed(igmpx_state->link, pinfo->num, t_us, ip, len, ev, f, G_N_ELEMENTS(f));
	keep_findings(f, MIN(n, G_N_ELEMENTS(f)));
	igmpx_state->last_t_us = t_us;
	if (ev->response_to)
		map_append(igmpx_state->responses, ev->response_to, &pinfo->num, sizeof(guint32));
}

/* The first visited pass: the capture is over, close the open windows. */
static void igmpx_state_finish(void)
{
	struct igmpx_tfinding f[64];
	size_t n;

	igmpx_state->finished = TRUE;
	n = igmpx_link_finish(igmpx_state->link, igmpx_state->last_t_us, f, G_N_ELEMENTS(f));
	keep_findings(f, MIN(n, G_N_ELEMENTS(f)));
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

static void render_links(struct igmpx_ctx *c, const struct igmpx_link_event *ev)
{
	wmem_array_t *a = (wmem_array_t *)wmem_map_lookup(igmpx_state->responses,
							  GUINT_TO_POINTER(c->pinfo->num));
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
	for (guint i = 0; a && i < wmem_array_get_count(a); i++) {
		guint32 *num = (guint32 *)wmem_array_index(a, i);
		it = proto_tree_add_uint(c->tree, hf_igmpx_response_in, c->tvb, 0, 0, *num);
		proto_item_set_generated(it);
	}
}

static void render_findings(struct igmpx_ctx *c)
{
	wmem_array_t *a = (wmem_array_t *)wmem_map_lookup(igmpx_state->findings,
							  GUINT_TO_POINTER(c->pinfo->num));

	for (guint i = 0; a && i < wmem_array_get_count(a); i++) {
		const struct igmpx_tfinding *f = (const struct igmpx_tfinding *)wmem_array_index(a, i);
		expert_add_info_format(c->pinfo, c->it.proto, igmpx_rule_ei(f->rule), "%s", f->text);
	}
}

void igmpx_state_apply(struct igmpx_ctx *c)
{
	struct igmpx_link_event *ev;

	/* Quoted in an ICMP error: not a message sent on the link. */
	if (!igmpx_state || !igmpx_state->link || c->pinfo->flags.in_error_pkt)
		return;
	ev = (struct igmpx_link_event *)p_get_proto_data(wmem_file_scope(), c->pinfo,
							 proto_igmpx_state, IGMPX_STATE_KEY);
	if (!PINFO_FD_VISITED(c->pinfo)) {
		if (ev)
			return;         /* a second IGMP message in the same frame */
		igmpx_state_feed(c);
		ev = (struct igmpx_link_event *)p_get_proto_data(wmem_file_scope(), c->pinfo,
								 proto_igmpx_state, IGMPX_STATE_KEY);
	} else if (!igmpx_state->finished) {
		igmpx_state_finish();
	}
	if (!ev)
		return;
	render_links(c, ev);
	render_findings(c);
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
