/* state.c: a router's group table, as the profile's state command prints
 * it, and what an expect_state step wants of it.
 *
 * The state command prints one line per group the router holds on the test
 * link (lines starting with # and empty lines are skipped):
 *
 *   GROUP include|exclude|unshown [v1|v2|v3] [timer=S] [running=A,B] [stopped=C]
 *
 * (unshown: the router holds the group but does not show its filter mode;
 * a step that asks for a mode then cannot be judged.)
 * running: the sources whose timers run (INCLUDE: the sources kept; EXCLUDE:
 * the forwarded list, RFC 9776 §6.2.1), stopped: the sources with no timer
 * (EXCLUDE's blocked list); vN the group's compatibility mode (§7.3.2) and
 * timer= the group timer, when the router shows them.
 *
 * An expect_state step says
 *
 *   GROUP absent | GROUP present |
 *   GROUP include|exclude [vN] [running=LIST] [stopped=LIST] [timer<=EXPR] [timer>=EXPR]
 *
 * LIST as join's sources (A,B,C+N); what it does not say is not compared.
 * An expression holds no spaces ("timer<=lmqt+0.2"). */
#include "hx.h"

#include <arpa/inet.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hx_gstate_free(struct hx_gstate *g)
{
	free(g->running);
	free(g->stopped);
	free(g->timer_le);
	free(g->timer_ge);
	memset(g, 0, sizeof(*g));
}

/* "A,B,C" (expanded) into a list; false on a bad address. */
static bool list(const char *text, uint32_t **out, unsigned *n)
{
	gchar **items = g_strsplit(text, ",", -1);
	bool ok = true;

	*n = 0;
	*out = malloc((g_strv_length(items) + 1) * sizeof(uint32_t));
	if (!*out)
		exit(2);
	for (gchar **it = items; *it && ok; it++) {
		if (!**it)
			continue;
		ok = hx_addr_parse(*it, &(*out)[*n]);
		(*n)++;
	}
	g_strfreev(items);
	return ok;
}

/* Parses one line: of the state command (want false) or of a step (want
 * true, lists may use +N, expressions checked over v).  false with err. */
bool hx_gstate_parse(const char *text, bool want, const struct hx_vars *v, struct hx_gstate *g,
		     char *err, size_t errlen)
{
	gchar **tok = g_strsplit_set(text, " \t", -1);
	int i = 0;
	bool ok = true;

	memset(g, 0, sizeof(*g));
	g->timer = NAN;
	while (tok[i] && !*tok[i])
		i++;
	if (!tok[i] || !hx_addr_parse(tok[i], &g->group) || (g->group >> 28) != 0xE) {
		snprintf(err, errlen, "\"%s\": a line starts with a multicast group", text);
		ok = false;
		goto out;
	}
	for (i++; tok[i] && !*tok[i]; i++)
		;
	const char *m = tok[i] ? tok[i] : "";
	if (!strcmp(m, "include")) {
		g->mode = HX_MODE_INCLUDE;
	} else if (!strcmp(m, "exclude")) {
		g->mode = HX_MODE_EXCLUDE;
	} else if (!want && !strcmp(m, "unshown")) {
		g->mode = HX_MODE_UNSHOWN;
	} else if (want && !strcmp(m, "absent")) {
		g->mode = HX_MODE_ABSENT;
	} else if (want && !strcmp(m, "present")) {
		g->mode = HX_MODE_PRESENT;
	} else {
		snprintf(err, errlen, "\"%s\": the group's filter mode (include or exclude%s) "
			 "after the group", text, want ? ", or absent, present" : ", or unshown");
		ok = false;
		goto out;
	}
	for (i++; tok[i] && ok; i++) {
		const char *t = tok[i];
		if (!*t)
			continue;
		if (g->mode == HX_MODE_ABSENT || g->mode == HX_MODE_PRESENT) {
			snprintf(err, errlen, "\"%s\": nothing follows %s", text, m);
			ok = false;
		} else if (t[0] == 'v' && t[1] >= '1' && t[1] <= '3' && !t[2]) {
			g->compat = t[1] - '0';
		} else if (!strncmp(t, "running=", 8) || !strncmp(t, "stopped=", 8)) {
			bool run = t[0] == 'r';
			char e[200], *l = want ? hx_addr_list(t + 8, v, e, sizeof(e)) : strdup(t + 8);
			if (!l) {
				snprintf(err, errlen, "\"%s\": %s", t, e);
				ok = false;
				break;
			}
			*(run ? &g->has_running : &g->has_stopped) = true;
			free(run ? g->running : g->stopped);
			if (!list(l, run ? &g->running : &g->stopped, run ? &g->nrunning : &g->nstopped)) {
				snprintf(err, errlen, "\"%s\": a list of IPv4 addresses", t);
				ok = false;
			}
			free(l);
		} else if (!want && !strncmp(t, "timer=", 6)) {
			char *end;
			g->timer = strtod(t + 6, &end);
			if (end == t + 6 || *end || !(g->timer >= 0)) {
				snprintf(err, errlen, "\"%s\": timer=SECONDS", t);
				ok = false;
			}
		} else if (want && (!strncmp(t, "timer<=", 7) || !strncmp(t, "timer>=", 7))) {
			char e[200];
			double d;
			if (!hx_expr_eval(t + 7, v, &d, e, sizeof(e))) {
				snprintf(err, errlen, "\"%s\": %s", t, e);
				ok = false;
			} else {
				char **slot = t[5] == '<' ? &g->timer_le : &g->timer_ge;
				free(*slot);
				*slot = strdup(t + 7);
			}
		} else {
			snprintf(err, errlen, "\"%s\": \"%s\" is none of v1 v2 v3 running= stopped= %s",
				 text, t, want ? "timer<= timer>=" : "timer=");
			ok = false;
		}
	}
out:
	g_strfreev(tok);
	if (!ok)
		hx_gstate_free(g);
	return ok;
}

static bool same(const uint32_t *a, unsigned na, const uint32_t *b, unsigned nb)
{
	for (unsigned i = 0; i < na; i++) {
		bool in = false;
		for (unsigned j = 0; j < nb && !in; j++)
			in = a[i] == b[j];
		if (!in)
			return false;
	}
	for (unsigned j = 0; j < nb; j++) {
		bool in = false;
		for (unsigned i = 0; i < na && !in; i++)
			in = a[i] == b[j];
		if (!in)
			return false;
	}
	return true;
}

enum hx_state_cmp hx_gstate_compare(const struct hx_gstate *want, const struct hx_gstate *got,
				    const struct hx_vars *v, char *why, size_t cap)
{
	char e[200];
	double d;

	*why = 0;
	/* INCLUDE {} is no reception state (RFC 9776 §6.2.1: the INCLUDE
	 * list is all that is to be forwarded; Table 6, §6.5: a group whose
	 * timers have all run out is deleted): a router that shows such a
	 * record holds nothing for the group. */
	bool none = !got || (got->mode == HX_MODE_INCLUDE && !got->nrunning && !got->nstopped);
	if (want->mode == HX_MODE_ABSENT)
		return none ? HX_STATE_SAME : HX_STATE_DIFFERS;
	if (none && want->mode == HX_MODE_INCLUDE && want->has_running && !want->nrunning &&
	    (!want->has_stopped || !want->nstopped))
		return HX_STATE_SAME;   /* INCLUDE {} asked, and shown */
	if (none) {
		snprintf(why, cap, got ? "the router shows INCLUDE {}, no reception state"
				       : "the router holds no state for the group");
		return HX_STATE_DIFFERS;
	}
	if (want->mode == HX_MODE_PRESENT)
		return HX_STATE_SAME;
	if (got->mode == HX_MODE_UNSHOWN) {
		snprintf(why, cap, "the state command does not show the group's filter mode");
		return HX_STATE_UNKNOWN;
	}
	if (want->mode != got->mode)
		return HX_STATE_DIFFERS;
	if (want->has_running && !same(want->running, want->nrunning, got->running, got->nrunning))
		return HX_STATE_DIFFERS;
	if (want->has_stopped && !same(want->stopped, want->nstopped, got->stopped, got->nstopped))
		return HX_STATE_DIFFERS;
	if (want->compat && !got->compat) {
		snprintf(why, cap, "the state command does not show the compatibility mode");
		return HX_STATE_UNKNOWN;
	}
	if (want->compat && want->compat != got->compat)
		return HX_STATE_DIFFERS;
	if ((want->timer_le || want->timer_ge) && isnan(got->timer)) {
		snprintf(why, cap, "the state command does not show the group timer");
		return HX_STATE_UNKNOWN;
	}
	if (want->timer_le && hx_expr_eval(want->timer_le, v, &d, e, sizeof(e)) && got->timer > d)
		return HX_STATE_DIFFERS;
	if (want->timer_ge && hx_expr_eval(want->timer_ge, v, &d, e, sizeof(e)) && got->timer < d)
		return HX_STATE_DIFFERS;
	return HX_STATE_SAME;
}
