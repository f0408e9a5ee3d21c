/* expect.c: the expect and expect_none steps of a case (run.h).
 *
 * An expectation is judged over the frames that arrived in its window,
 * counted from the last stimulus:
 *
 *   inside [LOW, HIGH]                          PASS
 *   only inside the window widened by the tolerance   WARN
 *   otherwise                                    the rule's level: FAIL for
 *                                                MUST, WARN for SHOULD,
 *                                                INCONCLUSIVE if need: true
 *
 * and each frame it saw gets a comment saying so.
 *
 * An expectation that wanted frames and got too few in its window says what
 * came instead.  "late: first after the window at +T s, D ms past its end"
 * when all it wanted came, some of them after the window: known when it is
 * judged (the frames are there already), or else from the frames that come
 * before the next stimulus, added to its reason then (run_settle_misses);
 * after the last step, for up to 1 s past the window and its tolerance
 * (run_watch_misses).
 * "early: first at ..., before the window" when they came inside the
 * tolerance before it.  Time alone decided such a verdict, and a report
 * can explain it as the IUT's timing (conformance/reports/report.sh, the
 * note "late").
 */
#include "run.h"
#include "timing.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool matches(const struct run *r, const struct frame *f, const struct hx_step *s)
{
	(void)r;
	return f->dir == 1 && f->igmp && f->m.status == IGMPX_OK &&
	       hx_match_frame(&s->match, &f->m, f->msg_at, f->src, f->dst);
}

/* cover: the groups of first .. first+n-1 that no matching report of the
 * window [lo, hi] holds: how many, the first of them in *missing. */
static unsigned uncovered(const struct run *r, const struct hx_step *s, uint64_t lo, uint64_t hi,
			  uint32_t first, unsigned n, uint32_t *missing)
{
	uint8_t *seen = g_malloc0(n);
	unsigned left = n;

	for (guint i = 0; i < r->frames->len; i++) {
		const struct frame *f = g_ptr_array_index(r->frames, i);
		if (f->t < lo || f->t > hi || !matches(r, f, s) || f->m.kind != IGMPX_K_V3_REPORT)
			continue;
		size_t off = IGMPX_OFF_R_RECORDS;
		for (unsigned k = 0; k < f->m.u.v3r.nrec_present; k++) {
			struct igmpx_v3_record rec;
			if (!igmpx_v3_record_at(f->msg_at, f->m.len, off, &rec))
				break;
			off = rec.end;
			if (rec.group - first < n && !seen[rec.group - first]) {
				seen[rec.group - first] = 1;
				left--;
			}
		}
	}
	for (unsigned k = 0; k < n; k++)
		if (!seen[k]) {
			*missing = first + k;
			break;
		}
	g_free(seen);
	return left;
}

static unsigned count_in(const struct run *r, const struct window *w, uint64_t lo, uint64_t hi)
{
	unsigned n = 0;

	for (guint i = 0; i < r->frames->len; i++) {
		const struct frame *f = g_ptr_array_index(r->frames, i);
		if (f->t >= lo && f->t <= hi && matches(r, f, w->s))
			n++;
	}
	return n;
}

static bool enough(struct run *r, void *arg)
{
	const struct window *w = arg;
	uint64_t lo = w->lo > r->anchor + w->tol ? w->lo - w->tol : r->anchor;

	return count_in(r, w, lo, w->hi + w->tol) >= w->s->count_min;
}

static bool count_ok(const struct hx_step *s, unsigned n)
{
	return n >= s->count_min && (!s->count_max || n <= s->count_max);
}

static void expect_step(struct run *r, const struct hx_step *s);

/* The first frame matching w after its window, up to until, or NULL. */
static struct frame *first_after(const struct run *r, const struct window *w, uint64_t until)
{
	for (guint i = 0; i < r->frames->len; i++) {
		struct frame *f = g_ptr_array_index(r->frames, i);
		if (f->t > w->hi && f->t <= until && matches(r, f, w->s))
			return f;
	}
	return NULL;
}

/* "; late: ..." for frame f, which came after window w of the stimulus at
 * anchor; f gets a comment. */
static void late_text(const struct run *r, const struct window *w, uint64_t anchor,
		      struct frame *f, char *out, size_t cap)
{
	const struct igmpx_rule_info *ri = &igmpx_rules[w->s->rule];
	char d[300];

	hx_describe(f->bytes, f->len, d, sizeof(d));
	snprintf(out, cap, "; late: first after the window at +%.3f s, %.0f ms past its end: %s",
		 (double)(f->t - anchor) / NS, (double)(f->t - w->hi) / 1e6, d);
	run_comment(f, "expect %s:%d (%s): came late, at +%.3f s after the stimulus, %.0f ms "
		    "after the window", r->c->path, w->s->line, ri->id,
		    (double)(f->t - anchor) / NS, (double)(f->t - w->hi) / 1e6);
}

/* Miss i on the lookout, its window pointing at its own copy of the step
 * (the array may have moved since it was added). */
static struct lookout *lookout_at(const struct run *r, guint i)
{
	struct lookout *k = &g_array_index(r->lookouts, struct lookout, i);

	k->w.s = &k->s;
	return k;
}

/* Every miss on the lookout has all its frames now. */
static bool all_came(struct run *r, void *arg)
{
	(void)arg;
	for (guint i = 0; i < r->lookouts->len; i++) {
		const struct lookout *k = lookout_at(r, i);
		if (count_in(r, &k->w, k->w.lo, UINT64_MAX) < k->s.count_min)
			return false;
	}
	return true;
}

void run_watch_misses(struct run *r)
{
	uint64_t until = 0;

	for (guint i = 0; i < r->lookouts->len; i++) {
		const struct lookout *k = lookout_at(r, i);
		until = MAX(until, k->w.hi + k->w.tol + (uint64_t)NS);
	}
	if (until)
		run_pump(r, until, all_came, NULL);
	run_settle_misses(r, hx_now_ns());
}

void run_settle_misses(struct run *r, uint64_t until)
{
	/* Last first: text inserted into the detail moves what follows only. */
	for (guint i = r->lookouts->len; i-- > 0;) {
		const struct lookout *k = lookout_at(r, i);
		char tail[400];
		struct frame *f;

		if (count_in(r, &k->w, k->w.lo, until) < k->s.count_min ||
		    !(f = first_after(r, &k->w, until)))
			continue;
		late_text(r, &k->w, k->anchor, f, tail, sizeof(tail));
		g_string_insert(r->detail, (gssize)k->at, tail);
		if (k->message && k->message == r->message_no) {
			/* The message is the reason without "VERDICT: " and
			 * the newline: the text goes in at the same place. */
			size_t cut = strlen(r->message) - k->after;
			char *m = g_strdup_printf("%.*s%s%s", (int)cut, r->message, tail,
						  r->message + cut);
			g_free(r->message);
			r->message = m;
		}
	}
	g_array_set_size(r->lookouts, 0);
}

/* The step with its run-time values (the match's expressions, count:)
 * filled in. */
void run_expect(struct run *r, const struct hx_step *s)
{
	struct hx_step t = *s;
	char err[256];
	double lo, hi;

	if (!hx_match_values(&t.match, &r->vars, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: %s", r->c->path, s->line, err);
		return;
	}
	if (s->count_lo) {
		if (!hx_expr_eval(s->count_lo, &r->vars, &lo, err, sizeof(err)) ||
		    !hx_expr_eval(s->count_hi, &r->vars, &hi, err, sizeof(err))) {
			run_verdict(r, HX_ERROR, "%s:%d: count: %s", r->c->path, s->line, err);
			return;
		}
		if (lo > 100000 || hi > 100000) {
			run_verdict(r, HX_ERROR, "%s:%d: count: %g to %g, over 100000", r->c->path,
				    s->line, lo, hi);
			return;
		}
		t.count_min = (unsigned)(lo + 0.5);
		t.count_max = (unsigned)(hi + 0.5);
		if (!t.count_max) {
			run_verdict(r, HX_ERROR, "%s:%d: count: %s is 0 with this profile",
				    r->c->path, s->line, s->count_hi);
			return;
		}
	}
	expect_step(r, &t);
}

/* every: the frames matched in the window come that far apart, each gap
 * read by igmpx_timer_slack (core/timing.h), as the dissector reads a
 * querier's: on time within the tolerance, timer granularity when late by
 * up to an eighth of the interval more, else off.  The worst gap and its
 * reading. */
static enum igmpx_slack spacing(const struct run *r, const struct window *w, double every,
				double *worst, double *worst_gap)
{
	enum igmpx_slack res = IGMPX_ON_TIME;
	uint64_t prev = 0, want = (uint64_t)(every * 1e6 + 0.5);

	*worst = 0;
	*worst_gap = every;
	for (guint i = 0; i < r->frames->len; i++) {
		const struct frame *f = g_ptr_array_index(r->frames, i);
		if (f->t < w->lo || f->t > w->hi || !matches(r, f, w->s))
			continue;
		if (prev) {
			double gap = (double)(f->t - prev) / NS, off = fabs(gap - every);
			enum igmpx_slack k = igmpx_timer_slack((f->t - prev) / 1000, want,
							       w->tol / 1000);
			if (k > res || (k == res && off > *worst)) {
				*worst = off;
				*worst_gap = gap;
				res = k;
			}
		}
		prev = f->t;
	}
	return res;
}

static void expect_step(struct run *r, const struct hx_step *s)
{
	const struct igmpx_rule_info *ri = &igmpx_rules[s->rule];
	char err[256], range[64], stim[300] = "";
	double lo_s, hi_s;
	struct window w = { s };
	bool none = s->kind == HX_STEP_EXPECT_NONE;

	if (!hx_expr_eval(s->lo, &r->vars, &lo_s, err, sizeof(err)) ||
	    !hx_expr_eval(s->hi, &r->vars, &hi_s, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: within: %s", r->c->path, s->line, err);
		return;
	}
	w.lo = r->anchor + (uint64_t)(lo_s * NS);
	w.hi = r->anchor + (uint64_t)(hi_s * NS);
	w.tol = (uint64_t)r->p->tolerance_ms * 1000000u;
	/* An open-ended count is met by the first arrivals; anything else is
	 * known at the end of the window. */
	run_pump(r, w.hi + (none ? 0 : w.tol), none || s->count_max || s->cover ? NULL : enough, &w);
	if (r->aborted)
		return;
	uint64_t lo_tol = w.lo > r->anchor + w.tol ? w.lo - w.tol : r->anchor;
	unsigned strict = count_in(r, &w, w.lo, w.hi);
	unsigned wide = count_in(r, &w, lo_tol, w.hi + w.tol);
	snprintf(range, sizeof(range), "[%.3f, %.3f] s", lo_s, hi_s);
	struct frame *a = run_frame_at(r, r->anchor_frame);
	if (a)
		hx_describe(a->bytes, a->len, stim, sizeof(stim));

	/* Comments on the frames it saw. */
	for (guint i = 0; i < r->frames->len; i++) {
		struct frame *f = g_ptr_array_index(r->frames, i);
		if (f->t < lo_tol || f->t > w.hi + w.tol || !matches(r, f, s))
			continue;
		bool in = f->t >= w.lo && f->t <= w.hi;
		run_comment(f, "%s %s:%d (%s): %s at +%.3f s after the stimulus, window %s%s",
			none ? "expect_none" : "expect", r->c->path, s->line, ri->id,
			none ? (in ? "arrived, must not" : "arrived inside the tolerance only")
			     : (in ? "matched" : "matched inside the tolerance only"),
			(double)(f->t - r->anchor) / NS, range, in ? "" : " widened by the tolerance");
	}
	if (s->cover && count_ok(s, strict)) {
		uint32_t first, miss = 0, miss_w = 0;
		unsigned n;
		if (!hx_addr_range(s->cover, &r->vars, &first, &n, err, sizeof(err))) {
			run_verdict(r, HX_ERROR, "%s:%d: cover: %s", r->c->path, s->line, err);
			return;
		}
		unsigned left = uncovered(r, s, w.lo, w.hi, first, n, &miss);
		if (!left)
			return;
		unsigned left_w = uncovered(r, s, lo_tol, w.hi + w.tol, first, n, &miss_w);
		enum hx_verdict v = !left_w ? HX_WARN : s->need ? HX_INCONCLUSIVE
				  : ri->level <= IGMPX_LEVEL_MUST_PLAIN ? HX_FAIL
				  : ri->level <= IGMPX_LEVEL_SHOULD_PLAIN ? HX_WARN : HX_PASS;
		run_verdict(r, v,
			"%s:%d: %s (%s %s, %s): %s: %u of the %u groups from %u.%u.%u.%u in no \"%s\" "
			"within %s after %s (tolerance %u ms; first missing %u.%u.%u.%u)%s%s",
			r->c->path, s->line, ri->id, ri->rfc, ri->section, igmpx_level_name(ri->level),
			!left_w ? "inside the tolerance only" : ri->text, left, n, first >> 24,
			first >> 16 & 255, first >> 8 & 255, first & 255, s->text, range,
			a ? "the stimulus" : "the command", r->p->tolerance_ms, miss >> 24,
			miss >> 16 & 255, miss >> 8 & 255, miss & 255, *stim ? "; stimulus: " : "", stim);
		return;
	}
	bool ok = none ? strict == 0 : count_ok(s, strict);
	if (ok && s->spacing) {
		double every, worst, gap;
		if (!hx_expr_eval(s->spacing, &r->vars, &every, err, sizeof(err))) {
			run_verdict(r, HX_ERROR, "%s:%d: every: %s", r->c->path, s->line, err);
			return;
		}
		enum igmpx_slack k = spacing(r, &w, every, &worst, &gap);
		if (k == IGMPX_GRANULAR)
			run_verdict(r, HX_WARN,
				    "%s:%d: %s (%s %s, %s): \"%s\" every %.3f s within %s after %s: "
				    "one gap %.3f s, %.0f ms late: beyond the tolerance %u ms but not "
				    "by an eighth of the interval, timer granularity rather than a "
				    "deviation (core/timing.h)%s%s",
				    r->c->path, s->line, ri->id, ri->rfc, ri->section,
				    igmpx_level_name(ri->level), s->text, every, range,
				    a ? "the stimulus" : "the command", gap, worst * 1000,
				    r->p->tolerance_ms, *stim ? "; stimulus: " : "", stim);
		else if (k == IGMPX_OFF)
			run_verdict(r, s->need ? HX_INCONCLUSIVE
				    : ri->level <= IGMPX_LEVEL_MUST_PLAIN ? HX_FAIL
				    : ri->level <= IGMPX_LEVEL_SHOULD_PLAIN ? HX_WARN : HX_PASS,
				    "%s:%d: %s (%s %s, %s): %s: \"%s\" every %.3f s within %s after "
				    "%s: %u came, one gap %.3f s (%.0f ms off; tolerance %u ms, and an "
				    "eighth of the interval more when late)%s%s",
				    r->c->path, s->line, ri->id, ri->rfc, ri->section,
				    igmpx_level_name(ri->level), ri->text, s->text, every, range,
				    a ? "the stimulus" : "the command", strict, gap, worst * 1000,
				    r->p->tolerance_ms, *stim ? "; stimulus: " : "", stim);
		return;
	}
	if (ok)
		return;
	bool tol_ok = !none && count_ok(s, wide);
	/* Too few frames in the window: late if the rest came after it (of
	 * those here already), early if inside the tolerance before it. */
	bool few = !none && strict < s->count_min;
	struct frame *late = few && count_in(r, &w, w.lo, UINT64_MAX) >= s->count_min
		? first_after(r, &w, UINT64_MAX) : NULL;
	bool early = few && tol_ok && !late;
	enum hx_verdict v;
	if (ri->level == IGMPX_LEVEL_FACT)
		v = HX_PASS;    /* a fact is told, never a deviation, inside the tolerance too */
	else if (tol_ok)
		v = HX_WARN;
	else if (s->need)
		v = HX_INCONCLUSIVE;
	else if (ri->level == IGMPX_LEVEL_MUST || ri->level == IGMPX_LEVEL_MUST_PLAIN)
		v = HX_FAIL;
	else if (ri->level == IGMPX_LEVEL_SHOULD || ri->level == IGMPX_LEVEL_SHOULD_PLAIN)
		v = HX_WARN;
	else
		v = HX_PASS;
	/* The first frame that matched at all after the stimulus, for the text. */
	const struct frame *got = NULL;
	for (guint i = 0; i < r->frames->len && !got; i++) {
		const struct frame *f = g_ptr_array_index(r->frames, i);
		if (f->t >= r->anchor && matches(r, f, s) && (!none || (f->t >= w.lo && f->t <= w.hi)))
			got = f;
	}
	char tail[400] = "";
	if (late) {
		late_text(r, &w, r->anchor, late, tail, sizeof(tail));
	} else if (got) {
		char d[300];
		hx_describe(got->bytes, got->len, d, sizeof(d));
		snprintf(tail, sizeof(tail), "; %sfirst at +%.3f s%s: %s", early ? "early: " : "",
			 (double)(got->t - r->anchor) / NS, early ? ", before the window" : "", d);
	}
	char want[80];
	if (none)
		snprintf(want, sizeof(want), "none");
	else if (s->count_max == s->count_min)
		snprintf(want, sizeof(want), "%u", s->count_min);
	else if (!s->count_max)
		snprintf(want, sizeof(want), "at least %u", s->count_min);
	else
		snprintf(want, sizeof(want), "%u to %u", s->count_min, s->count_max);
	bool message = run_verdict(r, v,
		"%s:%d: %s (%s %s, %s): %s: %s \"%s\" within %s after %s (tolerance %u ms), got %u "
		"(%u with the tolerance)%s%s%s",
		r->c->path, s->line, ri->id, ri->rfc, ri->section, igmpx_level_name(ri->level),
		tol_ok ? "inside the tolerance only" : s->need ? "precondition unmet" : ri->text,
		none ? "expected no" : "expected", s->text, range,
		a ? "the stimulus" : "the command", r->p->tolerance_ms, strict, wide,
		tail, *stim ? "; stimulus: " : "", stim);
	/* Too few and none after the window yet: the frames that come before
	 * the next stimulus may show the miss late.  The text would go in
	 * before the stimulus's description. */
	if (few && !late && !tol_ok && (v == HX_FAIL || v == HX_WARN)) {
		size_t after = *stim ? strlen("; stimulus: ") + strlen(stim) : 0;
		struct lookout k = { .s = *s, .w = w, .anchor = r->anchor,
				     .at = r->detail->len - 1 - after, .after = after,
				     .message = message ? r->message_no : 0 };
		g_array_append_val(r->lookouts, k);
	}
	if (a && !none && !strict)
		run_comment(a, "expect %s:%d (%s): %s \"%s\" within %s: got %u", r->c->path, s->line,
			ri->id, want, s->text, range, strict);
}

/* ---- expect_state ------------------------------------------------------------ */

/* Runs the profile's state command (10 s at most, receiving meanwhile)
 * and reads its output; NULL with err when it failed. */
static gchar *state_output(struct run *r, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	gchar *out = NULL, *cmd;
	uint64_t start = hx_now_ns();
	pid_t pid;
	int st = 0;

	snprintf(path, sizeof(path), "%s/state.out", r->workdir);
	unlink(path);
	/* stdout alone is the table; stderr goes to the IUT's log. */
	cmd = g_strdup_printf("exec 2>>\"$IGMPX_WORKDIR/iut.log\"; %s", r->p->state);
	pid = hx_link_spawn(r->link, cmd, r->env, path, err, errlen);
	g_free(cmd);
	if (pid < 0)
		return NULL;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (r->aborted || *r->stop || hx_now_ns() - start > 10 * (uint64_t)NS) {
			hx_kill_group(pid, 200);
			snprintf(err, errlen, "did not end within 10 s");
			return NULL;
		}
		run_pump(r, hx_now_ns() + 2000000u, NULL, NULL);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(err, errlen, "failed (%s %d)", WIFEXITED(st) ? "exit status" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return NULL;
	}
	if (!g_file_get_contents(path, &out, NULL, NULL))
		out = g_strdup("");
	return out;
}

/* The router's table: every line of out parsed, by group (the first line
 * of a group counts); NULL with err on a line that is not the state
 * format.  Values: struct state_row. */
struct state_row {
	struct hx_gstate g;
	char *line;
};

static void state_row_free(gpointer p)
{
	struct state_row *w = p;

	hx_gstate_free(&w->g);
	g_free(w->line);
	g_free(w);
}

static GHashTable *state_table(const char *out, char *err, size_t errlen)
{
	gchar **lines = g_strsplit(out, "\n", -1);
	GHashTable *t = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, state_row_free);

	for (int i = 0; lines[i]; i++) {
		struct state_row *w = g_new0(struct state_row, 1);
		gchar *l = g_strstrip(lines[i]);
		if (!*l || *l == '#') {
			g_free(w);
			continue;
		}
		if (!hx_gstate_parse(l, false, NULL, &w->g, err, errlen)) {
			char e[300];
			snprintf(e, sizeof(e), "%s", err);
			snprintf(err, errlen, "output line %d: %s", i + 1, e);
			g_free(w);
			g_hash_table_destroy(t);
			t = NULL;
			break;
		}
		w->line = g_strdup(l);
		if (g_hash_table_contains(t, GUINT_TO_POINTER(w->g.group)))
			state_row_free(w);
		else
			g_hash_table_insert(t, GUINT_TO_POINTER(w->g.group), w);
	}
	g_strfreev(lines);
	return t;
}

/* Each of n groups from want's against the table: SAME if every one is,
 * DIFFERS if any is (the first in seen, how many in *ndiff), else UNKNOWN
 * (why). */
static enum hx_state_cmp state_compare_range(const struct run *r, struct hx_gstate *want,
					     unsigned n, GHashTable *t, unsigned *ndiff,
					     char *seen, size_t seencap, char *why, size_t whycap)
{
	uint32_t first = want->group;
	enum hx_state_cmp all = HX_STATE_SAME;
	char w[200];

	*ndiff = 0;
	*seen = 0;
	for (unsigned k = 0; k < n; k++) {
		uint32_t g = first + k;
		struct state_row *row = g_hash_table_lookup(t, GUINT_TO_POINTER(g));
		want->group = g;
		enum hx_state_cmp c = hx_gstate_compare(want, row ? &row->g : NULL, &r->vars, w,
							sizeof(w));
		if (c == HX_STATE_DIFFERS && !(*ndiff)++) {
			if (row)
				snprintf(seen, seencap, "%s", row->line);
			else if (n > 1)
				snprintf(seen, seencap, "no line for %u.%u.%u.%u", g >> 24,
					 g >> 16 & 255, g >> 8 & 255, g & 255);
			if (*w)
				snprintf(why, whycap, "%s", w);
		} else if (c == HX_STATE_UNKNOWN && all == HX_STATE_SAME) {
			snprintf(why, whycap, "%s", w);
		}
		if (c == HX_STATE_DIFFERS)
			all = HX_STATE_DIFFERS;
		else if (c == HX_STATE_UNKNOWN && all == HX_STATE_SAME)
			all = HX_STATE_UNKNOWN;
	}
	want->group = first;
	return all;
}

void run_expect_state(struct run *r, const struct hx_step *s)
{
	const struct igmpx_rule_info *ri = &igmpx_rules[s->rule];
	struct hx_gstate want;
	char err[400] = "", why[200] = "", seen[400] = "";
	double lo_s, hi_s;
	uint64_t lo, hi, seen_at = 0;
	enum hx_state_cmp cmp = HX_STATE_DIFFERS;

	if (!hx_expr_eval(s->lo, &r->vars, &lo_s, err, sizeof(err)) ||
	    !hx_expr_eval(s->hi, &r->vars, &hi_s, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: within: %s", r->c->path, s->line, err);
		return;
	}
	if (!hx_gstate_parse(s->text, true, &r->vars, &want, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: expect_state: %s", r->c->path, s->line, err);
		return;
	}
	/* groups: N, each of N groups from the step's. */
	unsigned ngroups = 1, ndiff = 0;
	if (s->groups) {
		double d;
		if (!hx_expr_eval(s->groups, &r->vars, &d, err, sizeof(err)) || d < 1 || d > 65536 ||
		    d != (double)(unsigned)d || (uint64_t)want.group + (unsigned)d - 1 > 0xEFFFFFFFu) {
			run_verdict(r, HX_ERROR, "%s:%d: groups: %s", r->c->path, s->line,
				    *err ? err : "a count from 1 to 65536 that stays in 224.0.0.0/4");
			hx_gstate_free(&want);
			return;
		}
		ngroups = (unsigned)d;
	}
	char range[64] = "";
	if (ngroups > 1)
		snprintf(range, sizeof(range), ", each of %u groups from the first", ngroups);
	lo = r->anchor + (uint64_t)(lo_s * NS);
	hi = r->anchor + (uint64_t)(hi_s * NS);
	run_pump(r, lo, NULL, NULL);
	/* Polled through the window: the first look that agrees decides.  A
	 * look begun in the window that ends after it (a slow state command
	 * on a loaded machine) leaves the window's end unseen: one more look
	 * is taken then, and if it agrees the state came late, at the latest
	 * when that look began (said as "late:", as a frame after its window
	 * is). */
	bool late_look = false;
	unsigned looks = 0;
	while (!r->aborted && !*r->stop) {
		uint64_t at = hx_now_ns();
		gchar *out = state_output(r, err, sizeof(err));
		if (!out) {
			run_verdict(r, HX_ERROR, "%s:%d: state = %s %s", r->c->path, s->line,
				    r->p->state, err);
			break;
		}
		GHashTable *t = state_table(out, err, sizeof(err));
		g_free(out);
		if (!t) {
			run_verdict(r, HX_ERROR, "%s:%d: the state command's %s", r->c->path,
				    s->line, err);
			break;
		}
		seen_at = at;
		looks++;
		*why = 0;
		cmp = state_compare_range(r, &want, ngroups, t, &ndiff, seen, sizeof(seen), why,
					  sizeof(why));
		g_hash_table_destroy(t);
		if (cmp != HX_STATE_DIFFERS || at > hi)
			break;
		if (hx_now_ns() > hi) {
			late_look = true;       /* this look began in the window, ended after it */
			continue;
		}
		run_pump(r, MIN(hx_now_ns() + 50000000u, hi), NULL, NULL);
	}
	hx_gstate_free(&want);
	/* A window already over when the step begins (the steps before it
	 * took longer) is judged by its first look, the earliest there is. */
	if (r->aborted || *r->stop || (cmp == HX_STATE_SAME && (seen_at <= hi || looks == 1)))
		return;
	if (cmp == HX_STATE_SAME && late_look) {
		enum hx_verdict lv = seen_at <= hi + (uint64_t)r->p->tolerance_ms * 1000000u
				     ? HX_WARN
				     : ri->level <= IGMPX_LEVEL_MUST_PLAIN ? HX_FAIL
				     : ri->level <= IGMPX_LEVEL_SHOULD_PLAIN ? HX_WARN : HX_PASS;
		run_verdict(r, s->need && lv != HX_WARN ? HX_INCONCLUSIVE : lv,
			    "%s:%d: %s (%s %s, %s): %s: expected state \"%s\"%s within [%.3f, %.3f] s; "
			    "late: first after the window at +%.3f s, %.0f ms past its end (the look "
			    "before, begun in the window, ended after it)", r->c->path, s->line, ri->id,
			    ri->rfc, ri->section, igmpx_level_name(ri->level), ri->text, s->text, range,
			    lo_s, hi_s, (double)(seen_at - r->anchor) / NS, (double)(seen_at - hi) / 1e6);
		return;
	}
	if (cmp == HX_STATE_UNKNOWN) {
		run_verdict(r, HX_INCONCLUSIVE, "%s:%d: %s: %s (wanted \"%s\"%s)", r->c->path,
			    s->line, ri->id, why, s->text, range);
		return;
	}
	enum hx_verdict v = s->need ? HX_INCONCLUSIVE
			  : ri->level <= IGMPX_LEVEL_MUST_PLAIN ? HX_FAIL
			  : ri->level <= IGMPX_LEVEL_SHOULD_PLAIN ? HX_WARN : HX_PASS;
	char many[80] = "";
	if (ngroups > 1)
		snprintf(many, sizeof(many), "%u of the %u groups are not so; the first: ", ndiff,
			 ngroups);
	run_verdict(r, v, "%s:%d: %s (%s %s, %s): %s: expected state \"%s\"%s within [%.3f, %.3f] s "
		    "after %s; the router's last line at +%.3f s: %s%s", r->c->path, s->line, ri->id,
		    ri->rfc, ri->section, igmpx_level_name(ri->level),
		    s->need ? "precondition unmet" : ri->text, s->text, range, lo_s, hi_s,
		    r->anchor_frame >= 0 ? "the stimulus" : "the command",
		    (double)(seen_at - r->anchor) / NS, many,
		    *seen ? seen : *why ? why : "(no line)");
}
