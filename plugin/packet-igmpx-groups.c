/* packet-igmpx-groups.c: group membership as the reports on a link tell it
 * (tshark -z igmpx,groups).
 *
 * Per group: who reported it (members), each member's filter mode and
 * source list, the versions seen, the first and last report, the queries
 * for it and the leaves.  A member's state follows its reports the way the
 * host keeps it (RFC 9776 §3.2: INCLUDE or EXCLUDE and a source list;
 * §5.1: what each record says about it).  A v1/v2 report is EXCLUDE {}
 * (RFC 9776 §7.3.2: an older report counts as IS_EX {}); a leave, or
 * INCLUDE {} (§3.2: no reception), ends the membership.
 */
#include "packet-igmpx-stats.h"

#include <stdlib.h>

#define RT_IS_IN 1      /* RFC 9776 §4.2.13 */
#define RT_IS_EX 2
#define RT_TO_IN 3
#define RT_TO_EX 4
#define RT_ALLOW 5
#define RT_BLOCK 6

struct igmpx_member {
	guint32 addr;
	gboolean exclude;           /* filter mode: EXCLUDE (else INCLUDE) */
	GArray *sources;            /* guint32, ascending, no repeats */
	gboolean gone;              /* left (leave, INCLUDE {}): shown, not counted */
	guint32 last_frame;         /* of its last report or leave */
};

struct igmpx_group {
	guint32 addr;
	guint versions;             /* bit v: a version v message about it */
	guint reports;              /* reports (or records) naming it */
	nstime_t first, last;       /* first and last report */
	guint queries;              /* group-specific (and -and-source) queries */
	guint leaves;
	GHashTable *members;        /* addr -> struct igmpx_member, gone ones too */
};

struct igmpx_groups {
	GHashTable *groups;         /* addr -> struct igmpx_group */
	guint general_queries;
	guint bad_checksum;         /* messages not processed (RFC 9776 §4.1.2) */
};

static void member_free(gpointer p)
{
	struct igmpx_member *m = (struct igmpx_member *)p;

	g_array_free(m->sources, TRUE);
	g_free(m);
}

static void group_free(gpointer p)
{
	struct igmpx_group *g = (struct igmpx_group *)p;

	g_hash_table_destroy(g->members);
	g_free(g);
}

struct igmpx_groups *igmpx_groups_new(void)
{
	struct igmpx_groups *s = g_new0(struct igmpx_groups, 1);

	s->groups = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, group_free);
	return s;
}

void igmpx_groups_free(struct igmpx_groups *s)
{
	g_hash_table_destroy(s->groups);
	g_free(s);
}

void igmpx_groups_reset(struct igmpx_groups *s)
{
	g_hash_table_remove_all(s->groups);
	s->general_queries = 0;
	s->bad_checksum = 0;
}

static struct igmpx_group *group_get(struct igmpx_groups *s, guint32 addr)
{
	struct igmpx_group *g = g_hash_table_lookup(s->groups, GUINT_TO_POINTER(addr));

	if (!g) {
		g = g_new0(struct igmpx_group, 1);
		g->addr = addr;
		g->members = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, member_free);
		g_hash_table_insert(s->groups, GUINT_TO_POINTER(addr), g);
	}
	return g;
}

static void group_reported(struct igmpx_group *g, const struct igmpx_tap_info *ti, int version)
{
	if (g->reports == 0)
		g->first = ti->rel_ts;
	g->last = ti->rel_ts;
	g->reports++;
	g->versions |= 1u << version;
}

/* ---- Source lists (sets of addresses, ascending) ------------------------- */

static void set_add(GArray *a, guint32 x)
{
	guint i = 0;

	while (i < a->len && g_array_index(a, guint32, i) < x)
		i++;
	if (i < a->len && g_array_index(a, guint32, i) == x)
		return;
	g_array_insert_val(a, i, x);
}

static void set_remove(GArray *a, guint32 x)
{
	for (guint i = 0; i < a->len; i++) {
		if (g_array_index(a, guint32, i) == x) {
			g_array_remove_index(a, i);
			return;
		}
	}
}

/* ---- A member's state ------------------------------------------------------ */

static struct igmpx_member *member_get(struct igmpx_group *g, guint32 addr)
{
	struct igmpx_member *m = g_hash_table_lookup(g->members, GUINT_TO_POINTER(addr));

	if (!m) {
		m = g_new0(struct igmpx_member, 1);
		m->addr = addr;
		m->sources = g_array_new(FALSE, FALSE, sizeof(guint32));
		g_hash_table_insert(g->members, GUINT_TO_POINTER(addr), m);
	}
	return m;
}

/* The sources of record r. */
static void record_sources(const struct igmpx_tap_info *ti, const struct igmpx_v3_record *r,
			   GArray *out)
{
	g_array_set_size(out, 0);
	for (unsigned i = 0; i < r->nsrc_present; i++)
		set_add(out, igmpx_v3_record_source(ti->buf, ti->len, r, i));
}

/* RFC 9776 §5.1: the host's new state after a record of type t with
 * sources x.  ALLOW adds x to an INCLUDE list and takes it from an EXCLUDE
 * list; BLOCK does the opposite; the others set mode and list. */
static void member_apply(struct igmpx_group *g, guint32 host, guint8 t, const GArray *x,
			 guint32 frame)
{
	struct igmpx_member *m = g_hash_table_lookup(g->members, GUINT_TO_POINTER(host));
	gboolean known = m && !m->gone;

	if (!known && t == RT_BLOCK)
		return;                 /* INCLUDE {} minus x: still nothing */
	m = member_get(g, host);
	m->last_frame = frame;
	m->gone = FALSE;
	if (t == RT_ALLOW || t == RT_BLOCK) {
		gboolean add = (t == RT_ALLOW) != (known && m->exclude);
		if (!known)
			m->exclude = FALSE;
		for (guint i = 0; i < x->len; i++) {
			if (add)
				set_add(m->sources, g_array_index(x, guint32, i));
			else
				set_remove(m->sources, g_array_index(x, guint32, i));
		}
	} else {
		m->exclude = t == RT_IS_EX || t == RT_TO_EX;
		g_array_set_size(m->sources, 0);
		g_array_append_vals(m->sources, x->data, x->len);
	}
	if (!m->exclude && m->sources->len == 0)
		m->gone = TRUE;
}

/* RFC 2236 §2: a leave; the member is gone. */
static void member_leave(struct igmpx_group *g, guint32 host, guint32 frame)
{
	struct igmpx_member *m = member_get(g, host);

	m->gone = TRUE;
	m->exclude = FALSE;
	g_array_set_size(m->sources, 0);
	m->last_frame = frame;
}

static guint members_present(const struct igmpx_group *g)
{
	GHashTableIter it;
	gpointer v;
	guint n = 0;

	g_hash_table_iter_init(&it, g->members);
	while (g_hash_table_iter_next(&it, NULL, &v))
		n += !((const struct igmpx_member *)v)->gone;
	return n;
}

static void feed_v3_report(struct igmpx_groups *s, const struct igmpx_tap_info *ti)
{
	struct igmpx_v3_record r;
	size_t off = IGMPX_OFF_R_RECORDS;
	GArray *x = g_array_new(FALSE, FALSE, sizeof(guint32));

	for (unsigned i = 0; i < ti->m.u.v3r.nrec_present; i++) {
		if (!igmpx_v3_record_at(ti->buf, ti->len, off, &r))
			break;
		off = r.end;
		/* §4.2.13: a record of an unknown type is ignored. */
		if (r.type < RT_IS_IN || r.type > RT_BLOCK)
			continue;
		struct igmpx_group *g = group_get(s, r.group);
		group_reported(g, ti, 3);
		record_sources(ti, &r, x);
		member_apply(g, ti->src, r.type, x, ti->frame);
	}
	g_array_free(x, TRUE);
}

static void feed_query(struct igmpx_groups *s, const struct igmpx_tap_info *ti, guint32 group)
{
	struct igmpx_group *g;

	if (group == 0) {
		s->general_queries++;
		return;
	}
	g = group_get(s, group);
	g->queries++;
	/* A query quoted in an ICMP error, or the first fragment of one, has
	 * no version its length can tell (-1). */
	if (ti->m.version >= 0)
		g->versions |= 1u << ti->m.version;
}

void igmpx_groups_feed(struct igmpx_groups *s, const struct igmpx_tap_info *ti)
{
	const struct igmpx_msg *m = &ti->m;
	struct igmpx_group *g;
	GArray *none;

	if (ti->checksum_bad) {
		s->bad_checksum++;
		return;
	}
	switch (m->kind) {
	case IGMPX_K_V1_QUERY: case IGMPX_K_V2_QUERY:
		if (m->len >= IGMPX_LEN_V12)
			feed_query(s, ti, m->u.v12.group);
		break;
	case IGMPX_K_V3_QUERY:
		feed_query(s, ti, m->u.v3q.group);
		break;
	case IGMPX_K_V1_REPORT: case IGMPX_K_V2_REPORT:
		if (m->len < IGMPX_LEN_V12)
			break;
		g = group_get(s, m->u.v12.group);
		group_reported(g, ti, m->kind == IGMPX_K_V1_REPORT ? 1 : 2);
		none = g_array_new(FALSE, FALSE, sizeof(guint32));
		member_apply(g, ti->src, RT_IS_EX, none, ti->frame);
		g_array_free(none, TRUE);
		break;
	case IGMPX_K_V2_LEAVE:
		if (m->len < IGMPX_LEN_V12)
			break;
		g = group_get(s, m->u.v12.group);
		g->leaves++;
		g->versions |= 1u << 2;
		member_leave(g, ti->src, ti->frame);
		break;
	case IGMPX_K_V3_REPORT:
		feed_v3_report(s, ti);
		break;
	default:
		break;
	}
}

/* ---- Output ------------------------------------------------------------------ */

void igmpx_pad(GString *out, const char *s, int width, gboolean right)
{
	int n = (int)g_utf8_strlen(s, -1);

	if (right)
		for (int i = n; i < width; i++)
			g_string_append_c(out, ' ');
	g_string_append(out, s);
	if (!right)
		for (int i = n; i < width; i++)
			g_string_append_c(out, ' ');
}

static int cmp_addr(gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;

	return x < y ? -1 : x > y;
}

/* The keys of a table keyed by address, ascending. */
static GArray *sorted_keys(GHashTable *t)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(guint32));
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		guint32 v = GPOINTER_TO_UINT(k);
		g_array_append_val(a, v);
	}
	g_array_sort(a, cmp_addr);
	return a;
}

static char *addr_str(guint32 a)
{
	return g_strdup_printf(IGMPX_IP4_FMT, IGMPX_IP4_ARGS(a));
}

static char *time_str(const struct igmpx_group *g, gboolean last)
{
	const nstime_t *t = last ? &g->last : &g->first;

	if (g->reports == 0)
		return g_strdup("-");
	return g_strdup_printf("%.6f", nstime_to_sec(t));
}

static char *versions_str(guint v)
{
	GString *s = g_string_new("");

	for (int i = 0; i <= 3; i++)
		if (v & (1u << i))
			g_string_append_printf(s, "%sv%d", s->len ? "," : "", i);
	if (s->len == 0)
		g_string_append(s, "-");
	return g_string_free(s, FALSE);
}

/* Columns of the group table: name, width, right-aligned. */
static const struct { const char *name; int width; gboolean right; } group_cols[] = {
	{ "Group", 16, FALSE }, { "Versions", 9, FALSE }, { "Reports", 8, TRUE },
	{ "First report", 13, TRUE }, { "Last report", 13, TRUE }, { "Queries", 8, TRUE },
	{ "Leaves", 7, TRUE }, { "Members", 8, TRUE },
};

static void print_row(GString *out, char **cells)
{
	for (guint i = 0; i < G_N_ELEMENTS(group_cols); i++) {
		if (i)
			g_string_append_c(out, ' ');
		igmpx_pad(out, cells[i], group_cols[i].width, group_cols[i].right);
	}
	g_string_append_c(out, '\n');
}

static void print_group(GString *out, const struct igmpx_group *g)
{
	char *cells[G_N_ELEMENTS(group_cols)] = {
		addr_str(g->addr), versions_str(g->versions),
		g_strdup_printf("%u", g->reports), time_str(g, FALSE), time_str(g, TRUE),
		g_strdup_printf("%u", g->queries), g_strdup_printf("%u", g->leaves),
		g_strdup_printf("%u", members_present(g)),
	};

	print_row(out, cells);
	for (guint i = 0; i < G_N_ELEMENTS(cells); i++)
		g_free(cells[i]);
}

static void print_members(GString *out, const struct igmpx_group *g)
{
	GArray *hosts = sorted_keys(g->members);
	char *ga = addr_str(g->addr);

	for (guint i = 0; i < hosts->len; i++) {
		guint32 h = g_array_index(hosts, guint32, i);
		const struct igmpx_member *m = g_hash_table_lookup(g->members, GUINT_TO_POINTER(h));
		char *ha = addr_str(h);
		igmpx_pad(out, ga, 16, FALSE);
		g_string_append_c(out, ' ');
		igmpx_pad(out, ha, 16, FALSE);
		if (m->gone) {
			g_string_append_printf(out, " %-8s (frame %u)\n", "left", m->last_frame);
			g_free(ha);
			continue;
		}
		g_string_append_printf(out, " %-8s {", m->exclude ? "EXCLUDE" : "INCLUDE");
		for (guint j = 0; j < m->sources->len; j++)
			g_string_append_printf(out, "%s" IGMPX_IP4_FMT, j ? ", " : "",
					       IGMPX_IP4_ARGS(g_array_index(m->sources, guint32, j)));
		g_string_append_printf(out, "} (frame %u)\n", m->last_frame);
		g_free(ha);
	}
	g_free(ga);
	g_array_free(hosts, TRUE);
}

void igmpx_groups_print(const struct igmpx_groups *s, GString *out)
{
	GArray *keys = sorted_keys(s->groups);
	char *head[G_N_ELEMENTS(group_cols)];

	g_string_append_printf(out, "General queries: %u\n", s->general_queries);
	if (s->bad_checksum)
		g_string_append_printf(out, "Not counted (bad checksum, RFC 9776 §4.1.2): %u\n",
				       s->bad_checksum);
	g_string_append_c(out, '\n');
	for (guint i = 0; i < G_N_ELEMENTS(group_cols); i++)
		head[i] = (char *)group_cols[i].name;
	print_row(out, head);
	for (guint i = 0; i < keys->len; i++)
		print_group(out, g_hash_table_lookup(s->groups,
				     GUINT_TO_POINTER(g_array_index(keys, guint32, i))));
	g_string_append(out, "\nGroup            Member           Mode     Sources (last report)\n");
	for (guint i = 0; i < keys->len; i++)
		print_members(out, g_hash_table_lookup(s->groups,
				       GUINT_TO_POINTER(g_array_index(keys, guint32, i))));
	g_array_free(keys, TRUE);
}
