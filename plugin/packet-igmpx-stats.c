/* packet-igmpx-stats.c: the igmpx tap and its statistics.
 *
 *   tshark -z igmpx,groups   membership per group (packet-igmpx-groups.c)
 *   tshark -z igmpx,rules    how often each catalogue rule was broken
 *
 * and the same two under Statistics > IGMPX in Wireshark (stats trees).
 * The rules statistic counts the expert items igmpx.rule.<id> (content
 * and timing findings alike) from the expert tap: what the user is shown.
 */
#include "packet-igmpx-stats.h"
#include "ws-compat.h"

#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>

#include <stdio.h>

static int igmpx_tap = -1;

gboolean igmpx_stats_wanted(void)
{
	return igmpx_tap > 0 && have_tap_listener(igmpx_tap);
}

void igmpx_stats_queue(struct igmpx_ctx *c)
{
	struct igmpx_tap_info *ti;
	packet_info *pinfo = c->pinfo;

	if (!igmpx_stats_wanted())
		return;
	ti = wmem_new0(pinfo->pool, struct igmpx_tap_info);
	ti->frame = pinfo->num;
	ti->rel_ts = pinfo->rel_ts;
	if (pinfo->src.type == AT_IPv4 && pinfo->dst.type == AT_IPv4) {
		ti->src = igmpx_read32(pinfo->src.data);
		ti->dst = igmpx_read32(pinfo->dst.data);
	}
	ti->m = c->m;
	ti->buf = c->buf;
	ti->len = c->len;
	ti->whole = c->whole;
	ti->checksum_bad = c->whole && !pinfo->fragmented && !pinfo->flags.in_error_pkt &&
			   c->len >= 4 && !c->m.checksum_ok;
	ti->nfound = c->nfound;
	ti->found = wmem_memdup(pinfo->pool, c->found, c->nfound * sizeof(c->found[0]));
	tap_queue_packet(igmpx_tap, pinfo, ti);
}

/* ---- The rule an expert item stands for ---------------------------------- */

/* hf id of an igmpx.rule.<id> expert item -> rule + 1 (0: not one). */
static GHashTable *igmpx_rule_by_hf;

static int rule_of_expert(const expert_info_t *ei)
{
	if (!igmpx_rule_by_hf) {
		igmpx_rule_by_hf = g_hash_table_new(g_direct_hash, g_direct_equal);
		for (int r = 0; r < IGMPX_RULE_COUNT; r++)
			g_hash_table_insert(igmpx_rule_by_hf,
					    GINT_TO_POINTER(igmpx_rule_ei((enum igmpx_rule)r)->hf),
					    GINT_TO_POINTER(r + 1));
	}
	if (ei->hf_index < 0)
		return -1;
	return GPOINTER_TO_INT(g_hash_table_lookup(igmpx_rule_by_hf,
						   GINT_TO_POINTER(ei->hf_index))) - 1;
}

/* ---- -z igmpx,rules ---------------------------------------------------------- */

struct igmpx_rules_stat {
	guint count[IGMPX_RULE_COUNT];
	char *filter;
};

static void rules_reset(void *p)
{
	struct igmpx_rules_stat *rs = (struct igmpx_rules_stat *)p;

	memset(rs->count, 0, sizeof(rs->count));
}

static tap_packet_status rules_packet(void *p, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
				      const void *data, tap_flags_t flags _U_)
{
	struct igmpx_rules_stat *rs = (struct igmpx_rules_stat *)p;
	int r = rule_of_expert((const expert_info_t *)data);

	if (r < 0)
		return TAP_PACKET_DONT_REDRAW;
	rs->count[r]++;
	return TAP_PACKET_REDRAW;
}

static const char *const rules_head[] = { "Rule", "RFC", "Section", "Level", "Severity", "Count" };
static const int rules_width[] = { 22, 9, 8, 9, 8, 7 };

static void rules_row(GString *out, const char *const cells[])
{
	for (guint i = 0; i < G_N_ELEMENTS(rules_width); i++) {
		if (i)
			g_string_append_c(out, ' ');
		igmpx_pad(out, cells[i], rules_width[i], i + 1 == G_N_ELEMENTS(rules_width));
	}
	g_string_append_c(out, '\n');
}

static void rules_draw(void *p)
{
	struct igmpx_rules_stat *rs = (struct igmpx_rules_stat *)p;
	GString *out = g_string_new("");
	guint total = 0;
	char n[16];

	g_string_append(out, "\n==================================================================\n"
			"IGMP rules broken (igmpx,rules)\n");
	if (rs->filter)
		g_string_append_printf(out, "Filter: %s\n", rs->filter);
	g_string_append_c(out, '\n');
	rules_row(out, rules_head);
	for (int r = 0; r < IGMPX_RULE_COUNT; r++) {
		const struct igmpx_rule_info *ri = &igmpx_rules[r];
		if (ri->kind == IGMPX_RULE_IUT)
			continue;       /* judged live by the harness, never seen in a capture */
		const char *cells[] = { ri->id, ri->rfc, ri->section, igmpx_level_name(ri->level),
					igmpx_severity_name(ri->severity), n };
		snprintf(n, sizeof(n), "%u", rs->count[r]);
		rules_row(out, cells);
		total += rs->count[r];
	}
	g_string_append_printf(out, "\nTotal: %u finding%s\n"
			"==================================================================\n",
			total, plurality(total, "", "s"));
	fputs(out->str, stdout);
	g_string_free(out, TRUE);
}

/* ---- -z igmpx,groups --------------------------------------------------------- */

struct igmpx_groups_stat {
	struct igmpx_groups *groups;
	char *filter;
};

static void groups_reset(void *p)
{
	igmpx_groups_reset(((struct igmpx_groups_stat *)p)->groups);
}

static tap_packet_status groups_packet(void *p, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
				       const void *data, tap_flags_t flags _U_)
{
	igmpx_groups_feed(((struct igmpx_groups_stat *)p)->groups,
			  (const struct igmpx_tap_info *)data);
	return TAP_PACKET_REDRAW;
}

static void groups_draw(void *p)
{
	struct igmpx_groups_stat *gs = (struct igmpx_groups_stat *)p;
	GString *out = g_string_new("");

	g_string_append(out, "\n==================================================================\n"
			"IGMP group membership (igmpx,groups)\n");
	if (gs->filter)
		g_string_append_printf(out, "Filter: %s\n", gs->filter);
	igmpx_groups_print(gs->groups, out);
	g_string_append(out, "==================================================================\n");
	fputs(out->str, stdout);
	g_string_free(out, TRUE);
}

/* ---- Registering the listeners ("-z igmpx,groups[,FILTER]") ------------------ */

/* The filter after "igmpx,rules," or "igmpx,groups,", if any. */
static char *stat_filter(const char *opt, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(opt, prefix, n) == 0 && opt[n] == ',' && opt[n + 1])
		return g_strdup(opt + n + 1);
	return NULL;
}

/* Registers a listener; false (the reason printed) if the filter is bad. */
static gboolean add_listener(const char *tap, void *data, const char *filter, tap_reset_cb reset,
		       tap_packet_cb packet, tap_draw_cb draw)
{
	GString *err = register_tap_listener(tap, data, filter, TL_REQUIRES_NOTHING, reset, packet,
					     draw, NULL);
	if (err) {
		fprintf(stderr, "tshark: Couldn't register igmpx tap: %s\n", err->str);
		g_string_free(err, TRUE);
		return FALSE;
	}
	return TRUE;
}

static igmpx_stat_init_ret rules_init(const char *opt, void *userdata _U_)
{
	struct igmpx_rules_stat *rs = g_new0(struct igmpx_rules_stat, 1);

	rs->filter = stat_filter(opt, "igmpx,rules");
	IGMPX_STAT_INIT_RETURN(add_listener("expert", rs, rs->filter, rules_reset, rules_packet, rules_draw));
}

static igmpx_stat_init_ret groups_init(const char *opt, void *userdata _U_)
{
	struct igmpx_groups_stat *gs = g_new0(struct igmpx_groups_stat, 1);

	gs->groups = igmpx_groups_new();
	gs->filter = stat_filter(opt, "igmpx,groups");
	IGMPX_STAT_INIT_RETURN(add_listener("igmpx", gs, gs->filter, groups_reset, groups_packet,
				      groups_draw));
}

/* ---- Statistics menu: stats trees ---------------------------------------------- */

static int st_groups_node = -1;
static int st_general_node = -1;
static int st_rules_node = -1;

static void st_groups_init(stats_tree *st)
{
	st_groups_node = stats_tree_create_node(st, "Groups", 0, STAT_DT_INT, TRUE);
	st_general_node = stats_tree_create_node(st, "General queries", 0, STAT_DT_INT, FALSE);
}

/* Groups > group > Reports / Queries / Leaves. */
static void st_group_tick(stats_tree *st, guint32 group, const char *what)
{
	char name[16];
	int g;

	snprintf(name, sizeof(name), IGMPX_IP4_FMT, IGMPX_IP4_ARGS(group));
	tick_stat_node(st, "Groups", 0, TRUE);
	g = tick_stat_node(st, name, st_groups_node, TRUE);
	tick_stat_node(st, what, g, FALSE);
}

static tap_packet_status st_groups_packet(stats_tree *st, packet_info *pinfo _U_,
					  epan_dissect_t *edt _U_, const void *data,
					  tap_flags_t flags _U_)
{
	const struct igmpx_tap_info *ti = (const struct igmpx_tap_info *)data;
	const struct igmpx_msg *m = &ti->m;
	struct igmpx_v3_record r;
	size_t off = IGMPX_OFF_R_RECORDS;

	switch (m->kind) {
	case IGMPX_K_V1_QUERY: case IGMPX_K_V2_QUERY: case IGMPX_K_V3_QUERY: {
		guint32 g = m->kind == IGMPX_K_V3_QUERY ? m->u.v3q.group : m->u.v12.group;
		if (g)
			st_group_tick(st, g, "Queries");
		else
			tick_stat_node(st, "General queries", 0, FALSE);
		break;
	}
	case IGMPX_K_V1_REPORT: case IGMPX_K_V2_REPORT:
		st_group_tick(st, m->u.v12.group, "Reports");
		break;
	case IGMPX_K_V2_LEAVE:
		st_group_tick(st, m->u.v12.group, "Leaves");
		break;
	case IGMPX_K_V3_REPORT:
		for (unsigned i = 0; i < m->u.v3r.nrec_present &&
		     igmpx_v3_record_at(ti->buf, ti->len, off, &r); i++, off = r.end)
			st_group_tick(st, r.group, "Reports");
		break;
	default:
		return TAP_PACKET_DONT_REDRAW;
	}
	return TAP_PACKET_REDRAW;
}

static void st_rules_init(stats_tree *st)
{
	st_rules_node = stats_tree_create_node(st, "Rules broken", 0, STAT_DT_INT, TRUE);
}

static tap_packet_status st_rules_packet(stats_tree *st, packet_info *pinfo _U_,
					 epan_dissect_t *edt _U_, const void *data,
					 tap_flags_t flags _U_)
{
	int r = rule_of_expert((const expert_info_t *)data);

	if (r < 0)
		return TAP_PACKET_DONT_REDRAW;
	tick_stat_node(st, "Rules broken", 0, TRUE);
	tick_stat_node(st, igmpx_rules[r].id, st_rules_node, FALSE);
	return TAP_PACKET_REDRAW;
}

void igmpx_register_stats(int proto _U_)
{
	static stat_tap_ui groups_ui = {
		REGISTER_STAT_GROUP_GENERIC, "IGMP group membership", "igmpx,groups",
		groups_init, 0, NULL
	};
	static stat_tap_ui rules_ui = {
		REGISTER_STAT_GROUP_GENERIC, "IGMP rules broken", "igmpx,rules",
		rules_init, 0, NULL
	};

	igmpx_tap = register_tap("igmpx");
	register_stat_tap_ui(&groups_ui, NULL);
	register_stat_tap_ui(&rules_ui, NULL);
	/* Registered as a plugin's, the trees are in the GUI's Statistics menu
	 * (Statistics > IGMPX > Groups, Rules); -z igmpx_groups,tree and
	 * -z igmpx_rules,tree open them from the command line. */
	stats_tree_register_plugin("igmpx", "igmpx_groups", "IGMPX" IGMPX_MENU_SEP "Groups", 0,
				   st_groups_packet, st_groups_init, NULL);
	stats_tree_register_plugin("expert", "igmpx_rules", "IGMPX" IGMPX_MENU_SEP "Rules", 0,
				   st_rules_packet, st_rules_init, NULL);
}
