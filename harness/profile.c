/* profile.c: an IUT profile, an INI file read with GLib's GKeyFile.
 *
 *   [iut]     name role versions attach start stop join join_sources leave set_version
 *             attach (netns, the default: a namespace of the harness's own
 *             per case; or tap:NAME or iface:NAME, an IUT that outlives
 *             its cases: one link per case run at once, space-separated;
 *             commands see which as $IGMPX_LINK, from 0)
 *             reset (a command run before each case, its frames not kept:
 *             brings an IUT that outlives its cases back to a known
 *             state, as after a restart; without it such cases run last)
 *             boot (a command run to its end before the case's clock
 *             starts, for what the IUT stands on: a VM's boot; frames
 *             meanwhile are not kept)
 *             ready (a command run after start until it succeeds, for
 *             ready_timeout seconds at most (default 10; boot has as
 *             long): the IUT is then ready for the case's first step)
 *             version (a command that prints what the IUT is, for
 *             reports: report.sh runs it, the harness does not)
 *             requires (a command run once, before the first case: when
 *             it fails, every case SKIPs, its output's first line the
 *             reason; for an IUT whose programs may not be installed)
 *             state (a router's: prints its group table for the test link,
 *             one line per group, "GROUP include|exclude [vN] [timer=S]
 *             [running=A,B] [stopped=C]"; cases with expect_state SKIP
 *             without it)
 *             ssm_aware (yes, the default, or no: the IUT applies no SSM
 *             semantics to 232/8, and cases of SSM-aware hosts' rules SKIP)
 *             source_link (a router's second link, on which the harness
 *             plays multicast sources: netns (a second TAP in the IUT's
 *             namespace; attach netns only), tap:NAME or iface:NAME; cases
 *             with expect_forward SKIP without it)
 *   [timers]  robustness query_interval query_response_interval
 *             last_member_query_interval last_member_query_count
 *             unsolicited_report_interval timer_tolerance_ms
 *             startup_query_interval startup_query_count (default QI/4, RV)
 *             group_membership_interval other_querier_present_interval
 *             (default RV*QI+2*QRI and RV*QI+QRI/2, RFC 9776 §8.4, §8.5;
 *             for a profile without version 3, RFC 2236 §8.4's RV*QI+QRI:
 *             a router that is configured with them directly states them)
 *   [limits]  max_memberships max_sources (the IUT's configured limits:
 *             groups per interface, sources per filter; commands see them
 *             as $IGMPX_MAX_MEMBERSHIPS and $IGMPX_MAX_SOURCES)
 *
 * GKeyFile knows no line numbers and no comments after a value, so the
 * file is first read line by line here: every line must be a group, a key
 * or a comment, and an error names FILE:LINE.  " # ..." after a value is a
 * comment (a command cannot hold " #"). */
#include "hx.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key_spec {
	const char *group, *key;
	bool required;
};

static const struct key_spec keys[] = {
	{ "iut", "name", true },
	{ "iut", "role", true },
	{ "iut", "versions", true },
	{ "iut", "attach", false },
	{ "iut", "start", false },
	{ "iut", "stop", false },
	{ "iut", "join", false },
	{ "iut", "join_sources", false },
	{ "iut", "leave", false },
	{ "iut", "set_version", false },
	{ "iut", "ready", false },
	{ "iut", "ready_timeout", false },
	{ "iut", "boot", false },
	{ "iut", "reset", false },
	{ "iut", "version", false },
	{ "iut", "requires", false },
	{ "iut", "ssm_aware", false },
	{ "iut", "state", false },
	{ "iut", "source_link", false },
	{ "timers", "robustness", false },
	{ "timers", "query_interval", false },
	{ "timers", "query_response_interval", false },
	{ "timers", "last_member_query_interval", false },
	{ "timers", "last_member_query_count", false },
	{ "timers", "unsolicited_report_interval", false },
	{ "timers", "timer_tolerance_ms", false },
	{ "timers", "startup_query_interval", false },
	{ "timers", "startup_query_count", false },
	{ "timers", "group_membership_interval", false },
	{ "timers", "other_querier_present_interval", false },
	{ "limits", "max_memberships", false },
	{ "limits", "max_sources", false },
};

/* The profile's lines, each key with its line number. */
struct pline {
	char *group, *key, *value;
	int line;
};

struct ctx {
	const char *path;
	struct pline *lines;
	size_t n;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (c->failed)
		return;         /* the first error is the one to fix */
	c->failed = true;
	k = line ? snprintf(c->err, c->errlen, "%s:%d: ", c->path, line)
		 : snprintf(c->err, c->errlen, "%s: ", c->path);
	if (k < 0 || (size_t)k >= c->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
	va_end(ap);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static const struct pline *find(const struct ctx *c, const char *group, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->lines[i].group, group) == 0 && strcmp(c->lines[i].key, key) == 0)
			return &c->lines[i];
	return NULL;
}

/* Reads the file into c->lines, checking its shape. */
static bool scan(struct ctx *c, const char *text)
{
	char *copy = g_strdup(text), *group = NULL;
	int line = 0;

	for (char *l = copy, *next; l && !c->failed; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		char *t = trim(l);
		if (!*t || *t == '#' || *t == ';')
			continue;
		if (*t == '[') {
			char *end = strchr(t, ']');
			if (!end || end[1])
				fail(c, line, "a group line is [name], got \"%s\"", t);
			else if (strcmp(t, "[iut]") != 0 && strcmp(t, "[timers]") != 0 &&
				 strcmp(t, "[limits]") != 0)
				fail(c, line, "unknown group %s (groups: [iut], [timers], [limits])", t);
			else {
				g_free(group);
				group = g_strndup(t + 1, (size_t)(end - t - 1));
			}
			continue;
		}
		char *eq = strchr(t, '=');
		if (!eq) {
			fail(c, line, "\"%s\" is not \"key = value\"", t);
			continue;
		}
		if (!group) {
			fail(c, line, "key before any [group]");
			continue;
		}
		*eq = '\0';
		char *key = trim(t), *val = trim(eq + 1);
		for (char *h = val; (h = strchr(h, '#')) != NULL; h++)
			if (h == val || h[-1] == ' ' || h[-1] == '\t') {
				*h = '\0';
				val = trim(val);
				break;
			}
		bool known = false;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			known = known || (strcmp(keys[i].group, group) == 0 && strcmp(keys[i].key, key) == 0);
		if (!known) {
			fail(c, line, "unknown key \"%s\" in [%s]", key, group);
			continue;
		}
		if (find(c, group, key)) {
			fail(c, line, "\"%s\" given twice in [%s] (first at line %d)", key, group,
			     find(c, group, key)->line);
			continue;
		}
		c->lines = g_renew(struct pline, c->lines, c->n + 1);
		c->lines[c->n++] = (struct pline){ g_strdup(group), g_strdup(key), g_strdup(val), line };
	}
	g_free(group);
	g_free(copy);
	return !c->failed;
}

static const char *get(struct ctx *c, const char *group, const char *key)
{
	const struct pline *l = find(c, group, key);
	return l ? l->value : "";
}

static int line_of(struct ctx *c, const char *group, const char *key)
{
	const struct pline *l = find(c, group, key);
	return l ? l->line : 0;
}

static double number_in(struct ctx *c, const char *group, const char *key, double def,
			double min, double max)
{
	const char *v = get(c, group, key);
	char *end;
	double d;

	if (!*v)
		return def;
	errno = 0;
	d = g_ascii_strtod(v, &end);
	/* Written so that NaN fails too. */
	if (errno || *end || end == v || !(d >= min && d <= max)) {
		fail(c, line_of(c, group, key), "%s = \"%s\": a number from %g to %g", key, v,
		     min, max);
		return def;
	}
	return d;
}

static double timer(struct ctx *c, const char *key, double def, double min, double max)
{
	return number_in(c, "timers", key, def, min, max);
}

/* A link key of [iut] (attach, source_link): "netns" (or empty, when
 * empty_ok), or one or more "tap:NAME" or "iface:NAME", all of one kind,
 * separated by spaces: an external IUT's links, one per case run at once
 * (-j N takes the first N).  names: NULL-terminated (NULL for netns).
 * False when it is none of them (said). */
static bool link_key(struct ctx *c, const char *key, bool empty_ok, enum hx_attach *attach,
		     char ***names, unsigned *n)
{
	const char *v = get(c, "iut", key);
	int line = line_of(c, "iut", key);
	gchar **words;

	*attach = HX_ATTACH_NETNS;
	*names = NULL;
	*n = 0;
	if ((!*v && empty_ok) || !strcmp(v, "netns"))
		return true;
	words = g_strsplit_set(v, " \t", -1);
	*names = g_new0(char *, g_strv_length(words) + 1);
	for (gchar **w = words; *w; w++) {
		enum hx_attach kind;
		const char *name;
		if (!**w)
			continue;
		if (!strncmp(*w, "tap:", 4) && (*w)[4]) {
			kind = HX_ATTACH_TAP;
			name = *w + 4;
		} else if (!strncmp(*w, "iface:", 6) && (*w)[6]) {
			kind = HX_ATTACH_IFACE;
			name = *w + 6;
		} else {
			fail(c, line, "%s = \"%s\": netns, or tap:NAME or iface:NAME (one or more, "
			     "space-separated)", key, v);
			break;
		}
		if (*n && kind != *attach) {
			fail(c, line, "%s = \"%s\": the links are all tap: or all iface:", key, v);
			break;
		}
		if (strlen(name) >= 16) {
			fail(c, line, "interface name \"%s\" is over 15 characters", name);
			break;
		}
		for (unsigned i = 0; i < *n; i++)
			if (!strcmp((*names)[i], name))
				fail(c, line, "%s names %s twice", key, name);
		*attach = kind;
		(*names)[(*n)++] = g_strdup(name);
	}
	g_strfreev(words);
	return !c->failed;
}

bool hx_profile_load(const char *path, struct hx_profile *p, char *err, size_t errlen)
{
	struct ctx c = { path, NULL, 0, err, errlen, false };
	GKeyFile *kf = g_key_file_new();
	GError *ge = NULL;
	gchar *text = NULL;

	memset(p, 0, sizeof(*p));
	if (!g_file_get_contents(path, &text, NULL, &ge)) {
		fail(&c, 0, "%s", ge->message);
		g_clear_error(&ge);
		goto out;
	}
	if (!scan(&c, text))
		goto out;
	/* The shape is right: GKeyFile must agree (its own syntax rules). */
	if (!g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &ge)) {
		fail(&c, 0, "%s", ge->message);
		g_clear_error(&ge);
		goto out;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].required && !*get(&c, keys[i].group, keys[i].key))
			fail(&c, 0, "[%s] %s is required", keys[i].group, keys[i].key);
	p->path = g_strdup(path);
	p->name = g_strdup(get(&c, "iut", "name"));
	p->role = g_strdup(get(&c, "iut", "role"));
	if (strcmp(p->role, "host") != 0 && strcmp(p->role, "router") != 0)
		fail(&c, line_of(&c, "iut", "role"), "role = \"%s\": host or router", p->role);
	gchar **vs = g_strsplit_set(get(&c, "iut", "versions"), ";, ", -1);
	for (gchar **v = vs; *v; v++) {
		if (!**v)
			continue;
		if (strlen(*v) != 1 || **v < '1' || **v > '3')
			fail(&c, line_of(&c, "iut", "versions"), "versions: \"%s\" is not 1, 2 or 3", *v);
		else
			p->versions |= 1u << (**v - '0');
	}
	g_strfreev(vs);
	const char *ssm = get(&c, "iut", "ssm_aware");
	p->ssm_aware = !*ssm || !strcmp(ssm, "yes");
	if (*ssm && strcmp(ssm, "yes") && strcmp(ssm, "no"))
		fail(&c, line_of(&c, "iut", "ssm_aware"), "ssm_aware = \"%s\": yes or no", ssm);
	link_key(&c, "attach", true, &p->attach, &p->attach_names, &p->nlinks);
	p->attach_name = p->nlinks ? p->attach_names[0] : NULL;
	p->has_source_link = *get(&c, "iut", "source_link") != 0;
	p->source_attach = p->attach;   /* not used without a source link */
	if (p->has_source_link &&
	    link_key(&c, "source_link", false, &p->source_attach, &p->source_names, &p->nsource)) {
		p->source_name = p->nsource ? p->source_names[0] : NULL;
		if (p->source_attach == HX_ATTACH_NETNS && p->attach != HX_ATTACH_NETNS)
			fail(&c, line_of(&c, "iut", "source_link"),
			     "source_link = netns needs attach = netns (the IUT's namespace)");
		else if (p->nsource && p->nsource != p->nlinks)
			fail(&c, line_of(&c, "iut", "source_link"),
			     "source_link names %u link%s for attach's %u: one per test link",
			     p->nsource, p->nsource == 1 ? "" : "s", p->nlinks);
		for (unsigned i = 0; i < p->nsource; i++)
			for (unsigned j = 0; j < p->nlinks; j++)
				if (!strcmp(p->source_names[i], p->attach_names[j]))
					fail(&c, line_of(&c, "iut", "source_link"),
					     "source_link is the test link's interface %s",
					     p->source_names[i]);
	}
	p->start = g_strdup(get(&c, "iut", "start"));
	p->stop = g_strdup(get(&c, "iut", "stop"));
	p->join = g_strdup(get(&c, "iut", "join"));
	p->join_sources = g_strdup(get(&c, "iut", "join_sources"));
	p->leave = g_strdup(get(&c, "iut", "leave"));
	p->set_version = g_strdup(get(&c, "iut", "set_version"));
	p->ready = g_strdup(get(&c, "iut", "ready"));
	p->state = g_strdup(get(&c, "iut", "state"));
	p->requires = g_strdup(get(&c, "iut", "requires"));
	p->boot = g_strdup(get(&c, "iut", "boot"));
	p->reset = g_strdup(get(&c, "iut", "reset"));
	p->ready_timeout = number_in(&c, "iut", "ready_timeout", 10, 1, 600);
	/* RFC 9776 §8 defaults; URI is the v3 one (§8.11). */
	p->robustness = timer(&c, "robustness", 2, 1, 7);
	p->query_interval = timer(&c, "query_interval", 125, 1, 31744);
	p->query_response_interval = timer(&c, "query_response_interval", 10, 0.1, 3174.4);
	p->lmqi = timer(&c, "last_member_query_interval", 1, 0.1, 3174.4);
	p->lmqc = timer(&c, "last_member_query_count", p->robustness, 1, 7);
	p->uri = timer(&c, "unsolicited_report_interval", 1, 0.1, 3600);
	p->tolerance_ms = (unsigned)timer(&c, "timer_tolerance_ms", 50, 0, 60000);
	p->sqi = timer(&c, "startup_query_interval", p->query_interval / 4, 0.1, 31744);
	p->sqc = timer(&c, "startup_query_count", p->robustness, 1, 7);
	/* RFC 9776 §8.4 made the GMI's QRI term 2 x QRI; an IGMPv2 router
	 * keeps RFC 2236 §8.4's one QRI. */
	double gmi_qri = p->versions & (1u << 3) ? 2 : 1;
	p->gmi = timer(&c, "group_membership_interval",
		       p->robustness * p->query_interval + gmi_qri * p->query_response_interval, 0.1,
		       300000);
	p->oqpi = timer(&c, "other_querier_present_interval",
			p->robustness * p->query_interval + p->query_response_interval / 2, 0.1, 300000);
	if (p->query_response_interval >= p->query_interval)
		fail(&c, line_of(&c, "timers", "query_response_interval"),
		     "query_response_interval (%g s) must be less than query_interval (%g s), "
		     "RFC 9776 §8.3", p->query_response_interval, p->query_interval);
	/* 0: not stated (cases that need a limit then SKIP). */
	p->max_memberships = (unsigned)number_in(&c, "limits", "max_memberships", 0, 1, 65535);
	p->max_sources = (unsigned)number_in(&c, "limits", "max_sources", 0, 1, 65535);
out:
	for (size_t i = 0; i < c.n; i++) {
		g_free(c.lines[i].group);
		g_free(c.lines[i].key);
		g_free(c.lines[i].value);
	}
	g_free(c.lines);
	g_free(text);
	g_key_file_free(kf);
	if (c.failed)
		hx_profile_free(p);
	return !c.failed;
}

void hx_profile_vars(const struct hx_profile *p, struct hx_vars *v)
{
	/* Before the harness sends a query, mrt, qqi and qrv are the
	 * profile's own. */
	*v = (struct hx_vars){ p->query_response_interval, p->query_interval, p->robustness,
			       p->robustness, p->query_interval, p->query_response_interval,
			       p->lmqi, p->lmqc, p->uri, p->tolerance_ms / 1000.0,
			       p->max_memberships, p->max_sources, p->gmi, p->oqpi,
			       p->lmqc * p->lmqi, p->sqi, p->sqc };
}

void hx_profile_check_requires(struct hx_profile *p)
{
	if (!*p->requires || p->unmet)
		return;
	char *abs = g_canonicalize_filename(p->path, NULL);
	char *dir = g_path_get_dirname(abs);
	char **env = g_environ_setenv(g_get_environ(), "IGMPX_PROFILE_DIR", dir, TRUE);
	char *argv[] = { "/bin/sh", "-c", p->requires, NULL };
	char *out = NULL;
	int st = 0;
	GError *e = NULL;

	if (!g_spawn_sync(NULL, argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
			  &st, &e)) {
		p->unmet = g_strdup_printf("requires = %s: %s", p->requires, e->message);
		g_error_free(e);
	} else if (!g_spawn_check_wait_status(st, NULL)) {
		char *nl = strchr(out, '\n');
		if (nl)
			*nl = 0;
		p->unmet = *out ? g_strdup(out) : g_strdup_printf("requires = %s failed", p->requires);
	}
	g_free(out);
	g_strfreev(env);
	g_free(dir);
	g_free(abs);
}

void hx_profile_free(struct hx_profile *p)
{
	g_free(p->path);
	g_free(p->name);
	g_free(p->role);
	g_strfreev(p->attach_names);
	g_strfreev(p->source_names);
	g_free(p->start);
	g_free(p->stop);
	g_free(p->join);
	g_free(p->join_sources);
	g_free(p->leave);
	g_free(p->set_version);
	g_free(p->ready);
	g_free(p->state);
	g_free(p->requires);
	g_free(p->boot);
	g_free(p->reset);
	g_free(p->unmet);
	memset(p, 0, sizeof(*p));
}
