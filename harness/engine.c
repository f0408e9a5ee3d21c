/* engine.c: one case against one IUT.
 *
 * The case's steps run in order on a link of their own.  Every frame the
 * IUT sends is read as it arrives, timestamped, parsed by core (bounded:
 * it is untrusted), held to every content rule of core/check, and kept
 * with the frames the harness sent, so that the whole exchange can be
 * written as pcapng with a comment on each frame an expectation matched
 * or missed.  The expectations are judged in expect.c, the data plane in
 * forward.c; replay.c plays captures; router-check.c holds a router IUT's
 * queries to its configuration and the timing rules.
 */
#include "run.h"
#include "check.h"
#include "ip.h"
#include "pcapng.h"
#include "timing.h"

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *hx_verdict_name(enum hx_verdict v)
{
	static const char *const n[] = { "PASS", "WARN", "INCONCLUSIVE", "SKIP", "FAIL", "ERROR" };
	return v < HX_VERDICTS ? n[v] : "?";
}


bool run_verdict(struct run *r, enum hx_verdict v, const char *fmt, ...)
{
	va_list ap;
	char *s;
	bool message = false;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (r->reasons < MAX_REASONS || v == HX_ERROR) {
		g_string_append_printf(r->detail, "%s: %s\n", hx_verdict_name(v), s);
		r->reasons++;
	} else {
		r->reasons_left_out++;
	}
	/* The message is the first reason for the worst verdict. */
	if (v > r->verdict || !r->message) {
		g_free(r->message);
		r->message = g_strdup(s);
		r->message_no++;
		message = true;
	}
	if (v > r->verdict)
		r->verdict = v;
	if (v == HX_ERROR || v == HX_INCONCLUSIVE || v == HX_SKIP)
		r->aborted = true;
	g_free(s);
	return message;
}

double run_rel(const struct run *r, uint64_t t)
{
	return (double)(int64_t)(t - r->t0) / NS;
}

void run_comment(struct frame *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(f->comments, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

struct frame *run_frame_at(const struct run *r, int i)
{
	return i >= 0 && (guint)i < r->frames->len ? g_ptr_array_index(r->frames, i) : NULL;
}

void run_frame_free(gpointer p)
{
	struct frame *f = p;

	g_ptr_array_free(f->comments, TRUE);
	g_free(f->bytes);
	g_free(f);
}

/* Records a frame and, from the IUT, holds it to the content rules. */
struct frame *run_record(struct run *r, uint64_t t, int dir, const uint8_t *b, size_t len)
{
	struct frame *f;
	struct igmpx_ipv4 h;
	size_t iplen;
	const uint8_t *ip;

	if (dir == 1 && (r->frames->len >= MAX_KEPT_FRAMES ||
			 r->kept_octets + len > MAX_KEPT_OCTETS)) {
		if (!r->frames_left_out++)
			run_verdict(r, HX_ERROR, "the IUT sent more than %u frames or %u MiB in this "
				    "case (a flood?): later frames are counted, not kept or judged",
				    MAX_KEPT_FRAMES, MAX_KEPT_OCTETS >> 20);
		return NULL;
	}
	if (dir == 1)
		r->kept_octets += len;
	f = g_new0(struct frame, 1);
	f->t = t;
	f->dir = dir;
	f->bytes = g_memdup2(b, len);
	f->len = len;
	f->comments = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(r->frames, f);
	ip = hx_ip_of(1, f->bytes, len, &iplen);
	/* A fragment after the first holds no message's start (RFC 791). */
	if (!ip || !igmpx_ipv4_parse(ip, iplen, &h) || h.proto != IGMPX_IPPROTO_IGMP ||
	    (h.frag & IGMPX_IP_OFFSET))
		return f;
	if (dir == 1 && h.src == HX_IUT_ADDR && !(b[6] & 1)) {
		memcpy(r->iut_mac, b + 6, 6);
		r->iut_mac_known = true;
	}
	f->igmp = true;
	f->src = h.src;
	f->dst = h.dst;
	f->msg_at = ip + h.payload_off;
	igmpx_parse_to(f->msg_at, h.payload_len, h.dst, &f->m);
	if (dir != 1)
		return f;
	struct igmpx_finding fd[16];
	size_t n = igmpx_check_packet(ip, iplen, NULL, fd, 16);
	char what[300];
	hx_describe(f->bytes, len, what, sizeof(what));
	for (size_t i = 0; i < n && i < 16; i++) {
		const struct igmpx_rule_info *ri = &igmpx_rules[fd[i].rule];
		run_comment(f, "igmpx: %s %s: %s", igmpx_severity_name(ri->severity), ri->id, fd[i].text);
		if (ri->severity == IGMPX_SEV_CHAT)
			continue;
		run_verdict(r, ri->severity == IGMPX_SEV_NOTE ? HX_WARN : HX_FAIL,
			"frame %u at +%.3f s breaks %s (%s %s, %s): %s; frame: %s", r->frames->len,
			run_rel(r, t), ri->id, ri->rfc, ri->section, igmpx_level_name(ri->level),
			fd[i].text, what);
	}
	if (r->p && !strcmp(r->p->role, "router") && f->m.status == IGMPX_OK)
		run_router_query_check(r, f, what);
	return f;
}

/* The IUT's start command has not died. */
static void watch_iut(struct run *r)
{
	int st;

	if (r->iut <= 0 || waitpid(r->iut, &st, WNOHANG) != r->iut)
		return;
	r->iut = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;             /* a start command that only configures */
	run_verdict(r, HX_ERROR, "the IUT process (start = %s) %s %d at +%.3f s%s",
		r->p->start, WIFEXITED(st) ? "exited with status" : "was killed by signal",
		WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), run_rel(r, hx_now_ns()),
		WIFEXITED(st) && (WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127)
			? " (the shell could not run it: not found, or not executable)" : "");
}

/* Receives until the time until (monotonic ns), or until cond holds. */
void run_pump(struct run *r, uint64_t until, bool (*cond)(struct run *, void *), void *arg)
{
	uint8_t buf[MAX_FRAME];
	char err[256];

	while (!*r->stop && !r->aborted) {
		uint64_t now = hx_now_ns(), t;
		if (cond && cond(r, arg))
			return;
		if (now >= until)
			break;
		/* Wake at least every 50 ms to watch the IUT. */
		uint64_t dl = until - now > 50000000u ? now + 50000000u : until;
		ssize_t n = hx_link_recv(r->link, buf, sizeof(buf), dl, &t, err, sizeof(err));
		if (n < 0) {
			run_verdict(r, HX_ERROR, "receiving: %s", err);
			return;
		}
		if (n > 0)
			run_record(r, t, 1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));
		watch_iut(r);
	}
	if (*r->stop)
		run_verdict(r, HX_ERROR, "interrupted");
}

/* Reads the frames already waiting, without waiting for more. */
void run_drain(struct run *r)
{
	uint8_t buf[MAX_FRAME];
	char err[256];
	uint64_t t;
	ssize_t n;

	while (!r->aborted &&
	       (n = hx_link_recv(r->link, buf, sizeof(buf), 0, &t, err, sizeof(err))) != 0) {
		if (n < 0) {
			run_verdict(r, HX_ERROR, "receiving: %s", err);
			return;
		}
		run_record(r, t, 1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));
	}
}

/* The query just sent sets mrt, qrv and qqi. */
static void learn_query(struct run *r, const struct frame *f)
{
	if (!f->igmp)
		return;
	switch (f->m.kind) {
	case IGMPX_K_V3_QUERY:
		r->vars.mrt = igmpx_query_max_resp_ms(&f->m) / 1000.0;
		r->vars.qrv = f->m.u.v3q.qrv ? f->m.u.v3q.qrv : r->p->robustness;
		r->vars.qqi = f->m.u.v3q.qqic ? igmpx_code_decode(f->m.u.v3q.qqic) : r->p->query_interval;
		/* Routers adopt the QRV of the last query they hear, 0 meaning
		 * their own (§4.1.6); a router that is not the querier the QQI
		 * (§4.1.7): a General Query from a lower address makes it so. */
		r->heard_qrv = f->m.u.v3q.qrv;
		if (!f->m.u.v3q.group && f->src < HX_IUT_ADDR)
			r->heard_qqi = f->m.u.v3q.qqic ? igmpx_code_decode(f->m.u.v3q.qqic) : 0;
		break;
	case IGMPX_K_V1_QUERY:
		r->vars.mrt = 10;       /* RFC 1112: hosts wait up to 10 s */
		break;
	case IGMPX_K_V2_QUERY:
		r->vars.mrt = igmpx_query_max_resp_ms(&f->m) / 1000.0;
		break;
	default:
		break;
	}
}

bool run_send_frame(struct run *r, uint64_t at, uint8_t *b, size_t len)
{
	char err[256];
	uint64_t sent;

	size_t iplen;
	const uint8_t *ip = hx_ip_of(1, b, len, &iplen);
	/* The harness's own address sends with the link's MAC; another host or
	 * router it plays (from:) keeps the MAC derived from its address. */
	if (!ip || iplen < 20 || ((uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 |
				  (uint32_t)ip[14] << 8 | ip[15]) == HX_TESTER_ADDR)
		memcpy(b + 6, hx_link_mac(r->link), 6);
	/* A unicast stimulus goes to the IUT's MAC, learnt from its frames
	 * (broadcast until one came). */
	if (!(b[0] & 1)) {
		if (r->iut_mac_known)
			memcpy(b, r->iut_mac, 6);
		else
			memset(b, 0xFF, 6);
	}
	/* Frames that come while we wait are read with their own times; in a
	 * fast flood (no time to wait) at least those already there are.  The
	 * last stimulus's misses are settled with them. */
	if (at > hx_now_ns() + 2000000u)
		run_pump(r, at - 1000000u, NULL, NULL);
	else
		run_drain(r);
	if (r->aborted)
		return false;
	run_settle_misses(r, hx_now_ns());
	if (hx_link_send_at(r->link, at, b, len, &sent, err, sizeof(err)) < 0) {
		run_verdict(r, HX_ERROR, "sending: %s", err);
		return false;
	}
	struct frame *f = run_record(r, sent, 2, b, len);
	r->anchor = sent;
	r->anchor_frame = (int)r->frames->len - 1;
	learn_query(r, f);
	return true;
}

/* ---- Commands ---------------------------------------------------------------- */

/* cmd with {group} {mode} {sources} {version} put in: group and src as
 * given (a join of several groups, sources expanded), the rest the step's. */
char *run_expand(const char *cmd, const struct hx_step *s, const char *group, const char *src)
{
	GString *o = g_string_new(NULL);
	const char *mode = s->mode ? s->mode : "exclude";

	if (!group)
		group = s->text;
	if (!src)
		src = "";
	for (const char *p = cmd; *p; p++) {
		if (!strncmp(p, "{group}", 7)) {
			g_string_append(o, group), p += 6;
		} else if (!strncmp(p, "{mode}", 6)) {
			g_string_append(o, mode), p += 5;
		} else if (!strncmp(p, "{sources}", 9)) {
			g_string_append(o, src), p += 8;
		} else if (!strncmp(p, "{version}", 9)) {
			g_string_append(o, s->text), p += 8;
		} else {
			g_string_append_c(o, *p);
		}
	}
	return g_string_free(o, FALSE);
}

static bool command_done(struct run *r, void *arg)
{
	(void)r;
	return *(pid_t *)arg == 0;
}

/* Runs a profile command to its end (limit_s at most), receiving
 * meanwhile; false if it failed.  A failure is an ERROR unless may_fail. */
static bool command(struct run *r, const char *what, const char *cmd, double limit_s, bool may_fail)
{
	char err[256];
	uint64_t start;
	pid_t pid;
	int st = 0;

	/* The last stimulus's misses are settled with the frames that came
	 * before this command. */
	run_drain(r);
	run_settle_misses(r, hx_now_ns());
	start = hx_now_ns();
	pid = hx_link_spawn(r->link, cmd, r->env, r->log, err, sizeof(err));
	r->anchor = start;
	r->anchor_frame = -1;
	if (pid < 0) {
		run_verdict(r, HX_ERROR, "%s: %s", what, err);
		return false;
	}
	pid_t left = pid;
	while (left && !r->aborted && !*r->stop && hx_now_ns() - start < (uint64_t)(limit_s * NS)) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			left = 0;
			break;
		}
		run_pump(r, hx_now_ns() + 5000000u, command_done, &left);
	}
	if (left) {
		hx_kill_group(pid, 200);
		if (!r->aborted)
			run_verdict(r, HX_ERROR, "%s command did not end within %g s: %s", what, limit_s,
				    cmd);
		return false;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return true;
	if (may_fail)
		g_string_append_printf(r->detail, "note: %s refused (%s %d), as the case allows: %s\n",
				       what, WIFEXITED(st) ? "exit status" : "signal",
				       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), cmd);
	else
		run_verdict(r, HX_ERROR, "%s command failed (%s %d): %s", what,
			WIFEXITED(st) ? "exit status" : "signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), cmd);
	return false;
}

/* ---- The case ------------------------------------------------------------------ */

static const char *skip_reason(const struct hx_case *c, const struct hx_profile *p, char *buf,
			       size_t cap)
{
	if (strcmp(c->role, p->role) != 0) {
		snprintf(buf, cap, "a %s case; the IUT is a %s", c->role, p->role);
		return buf;
	}
	if (p->unmet) {
		snprintf(buf, cap, "the IUT cannot run here: %s", p->unmet);
		return buf;
	}
	if (!(c->versions & p->versions)) {
		snprintf(buf, cap, "IGMP versions the IUT does not support");
		return buf;
	}
	if (c->ssm_aware && !p->ssm_aware) {
		snprintf(buf, cap, "a rule of SSM-aware %ss (RFC 4604); the profile says the IUT is not one",
			 c->role);
		return buf;
	}
	for (size_t i = 0; i < c->nsteps; i++) {
		const struct hx_step *s = &c->steps[i];
		const char *need = NULL;
		if (s->kind == HX_STEP_JOIN && !s->mode && !*p->join)
			need = "join";
		if (s->kind == HX_STEP_JOIN && s->mode && !*p->join_sources)
			need = "join_sources";
		if (s->kind == HX_STEP_LEAVE && !*p->leave)
			need = "leave";
		if (s->kind == HX_STEP_SET_VERSION && !*p->set_version)
			need = "set_version";
		if (s->kind == HX_STEP_SET_VERSION && !(p->versions & (1u << (s->text[0] - '0'))))
			need = "versions";
		if (s->kind == HX_STEP_EXPECT_STATE && !*p->state)
			need = "state";
		if ((s->kind == HX_STEP_EXPECT_FORWARD || s->kind == HX_STEP_EXPECT_NO_FORWARD) &&
		    !p->has_source_link)
			need = "source_link";
		if (need) {
			snprintf(buf, cap, "the profile has no %s for line %d", need, s->line);
			return buf;
		}
		/* A case sized by the IUT's limits needs them stated. */
		const char *texts[] = { s->groups, s->sources, s->match.nsrc_expr, s->cover, s->lo,
					s->hi, s->every, s->count_lo, s->count_hi, s->rate, s->for_s,
					s->source_lists, s->from,
					s->kind == HX_STEP_EXPECT_STATE ? s->text : NULL };
		for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
			if (texts[k] && strstr(texts[k], "max_memberships") && !p->max_memberships)
				need = "max_memberships";
			if (texts[k] && strstr(texts[k], "max_sources") && !p->max_sources)
				need = "max_sources";
		}
		if (need) {
			snprintf(buf, cap, "the profile states no [limits] %s (line %d)", need, s->line);
			return buf;
		}
	}
	return NULL;
}

static void write_pcapng(struct run *r)
{
	char path[PATH_MAX], err[256];
	struct hx_pcapng *pc;

	snprintf(path, sizeof(path), "%s/%s.pcapng", r->o->out_dir, r->c->id);
	pc = hx_pcapng_open(path, hx_link_ifname(r->link), err, sizeof(err));
	if (!pc) {
		run_verdict(r, HX_ERROR, "writing the capture: %s", err);
		return;
	}
	/* The source link is the capture's interface 1. */
	if (r->source && hx_pcapng_add_interface(pc, hx_link_ifname(r->source)) != 1) {
		hx_pcapng_close(pc);
		run_verdict(r, HX_ERROR, "writing %s: %s", path, strerror(errno));
		return;
	}
	for (guint i = 0; i < r->frames->len; i++) {
		struct frame *f = g_ptr_array_index(r->frames, i);
		if (hx_pcapng_write_on(pc, r->source ? (unsigned)f->iface : 0,
				       r->t0_wall + (f->t - r->t0), f->bytes, f->len, f->dir,
				       (const char *const *)f->comments->pdata, f->comments->len) < 0)
			break;
	}
	if (hx_pcapng_close(pc) < 0)
		run_verdict(r, HX_ERROR, "writing %s: %s", path, strerror(errno));
}

static gint by_time(gconstpointer a, gconstpointer b)
{
	const struct frame *x = *(struct frame *const *)a, *y = *(struct frame *const *)b;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* join / leave: one command per group (groups: N of them from the step's
 * group), sources expanded (A+N, A+max_sources). */
static void membership(struct run *r, const struct hx_step *s)
{
	bool join = s->kind == HX_STEP_JOIN;
	const char *tmpl = join ? (s->mode ? r->p->join_sources : r->p->join) : r->p->leave;
	char err[256], *src = NULL, *range;
	uint32_t g;
	unsigned n;

	range = s->groups ? g_strdup_printf("%s+%s", s->text, s->groups) : g_strdup(s->text);
	if (!hx_addr_range(range, &r->vars, &g, &n, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: groups: %s", r->c->path, s->line, err);
		g_free(range);
		return;
	}
	g_free(range);
	if (s->sources && *s->sources && !(src = hx_addr_list(s->sources, &r->vars, err, sizeof(err)))) {
		run_verdict(r, HX_ERROR, "%s:%d: sources: %s", r->c->path, s->line, err);
		return;
	}
	for (unsigned i = 0; i < n && !r->aborted && !*r->stop; i++, g++) {
		char gs[16];
		snprintf(gs, sizeof(gs), "%u.%u.%u.%u", g >> 24, g >> 16 & 255, g >> 8 & 255, g & 255);
		char *cmd = run_expand(tmpl, s, gs, src);
		if (command(r, join ? "join" : "leave", cmd, 10, s->may_fail) || !join) {
			if (join)
				g_hash_table_add(r->joined, GUINT_TO_POINTER(g));
			else
				g_hash_table_remove(r->joined, GUINT_TO_POINTER(g));
		}
		g_free(cmd);
	}
	free(src);
}

/* The profile's ready command, again every 20 ms until it succeeds (the
 * IUT started by start can take the case's first step), ready_timeout at
 * most. */
static void wait_ready(struct run *r)
{
	char err[256];
	double limit = r->p->ready_timeout;
	uint64_t until = hx_now_ns() + (uint64_t)(limit * NS);

	while (!r->aborted && !*r->stop) {
		pid_t pid = hx_link_spawn(r->link, r->p->ready, r->env, r->log, err, sizeof(err));
		int st = 0;
		if (pid < 0) {
			run_verdict(r, HX_ERROR, "ready: %s", err);
			return;
		}
		while (waitpid(pid, &st, WNOHANG) == 0 && !r->aborted && !*r->stop) {
			if (hx_now_ns() > until) {
				hx_kill_group(pid, 200);
				run_verdict(r, HX_ERROR, "ready command did not end within %g s: %s", limit,
					    r->p->ready);
				return;
			}
			run_pump(r, hx_now_ns() + 5000000u, NULL, NULL);
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return;
		if (hx_now_ns() > until) {
			run_verdict(r, HX_ERROR, "the IUT was not ready within %g s (ready = %s)", limit,
				    r->p->ready);
			return;
		}
		run_pump(r, hx_now_ns() + 20000000u, NULL, NULL);
	}
}

static void run_steps(struct run *r)
{
	for (size_t i = 0; i < r->c->nsteps && !r->aborted && !*r->stop; i++) {
		const struct hx_step *s = &r->c->steps[i];
		char *cmd;
		double d;
		char err[256];

		switch (s->kind) {
		case HX_STEP_JOIN:
		case HX_STEP_LEAVE:
			membership(r, s);
			break;
		case HX_STEP_SET_VERSION:
			cmd = run_expand(r->p->set_version, s, NULL, NULL);
			r->version_set = true;
			command(r, "set_version", cmd, 10, false);
			g_free(cmd);
			break;
		case HX_STEP_WAIT:
			if (!hx_expr_eval(s->lo, &r->vars, &d, err, sizeof(err)))
				run_verdict(r, HX_ERROR, "%s:%d: wait: %s", r->c->path, s->line, err);
			else
				run_pump(r, hx_now_ns() + (uint64_t)(d * NS), NULL, NULL);
			break;
		case HX_STEP_SEND:
			run_send_step(r, s);
			break;
		case HX_STEP_REPLAY:
			run_replay(r, s);
			break;
		case HX_STEP_EXPECT:
		case HX_STEP_EXPECT_NONE:
			run_expect(r, s);
			break;
		case HX_STEP_EXPECT_STATE:
			run_expect_state(r, s);
			break;
		case HX_STEP_EXPECT_FORWARD:
		case HX_STEP_EXPECT_NO_FORWARD:
			run_expect_forward(r, s);
			break;
		}
	}
}

void hx_run_case(const struct hx_case *c, const struct hx_profile *p,
		 const struct hx_run_opts *o, volatile int *stop, struct hx_result *res)
{
	struct run r = { c, p, o, stop };
	uint64_t begin = hx_now_ns();
	char err[512], why[200];
	/* An external IUT's link o->link (the run gives each case at once its
	 * own); a namespace of the case's own otherwise. */
	unsigned li = p->nlinks && o->link < p->nlinks ? o->link : 0;
	struct hx_link_spec spec = { p->attach, p->nlinks ? p->attach_names[li] : NULL, o->tag,
				     HX_IUT_ADDR, HX_TESTER_ADDR };

	r.detail = g_string_new(NULL);
	r.frames = g_ptr_array_new_with_free_func(run_frame_free);
	r.lookouts = g_array_new(FALSE, FALSE, sizeof(struct lookout));
	r.joined = g_hash_table_new(g_direct_hash, g_direct_equal);
	r.anchor_frame = -1;
	r.t0 = hx_now_ns();
	r.t0_wall = hx_wall_ns();
	r.anchor = r.t0;
	hx_profile_vars(p, &r.vars);
	if (skip_reason(c, p, why, sizeof(why))) {
		run_verdict(&r, HX_SKIP, "%s", why);
		goto done;
	}
	snprintf(r.workdir, sizeof(r.workdir), "%s/igmpx-case-XXXXXX", g_get_tmp_dir());
	if (!mkdtemp(r.workdir)) {
		run_verdict(&r, HX_ERROR, "mkdtemp %s: %s", r.workdir, strerror(errno));
		goto done;
	}
	chmod(r.workdir, 0755);
	snprintf(r.log, sizeof(r.log), "%s/iut.log", r.workdir);
	r.link = hx_link_open(&spec, err, sizeof(err));
	if (!r.link) {
		run_verdict(&r, HX_ERROR, "the link to the IUT: %s", err);
		goto done;
	}
	if (p->has_source_link) {
		/* A router's second link: in the IUT's namespace, or the
		 * profile's TAP or interface; its own subnet, 198.51.100.0/24. */
		struct hx_link_spec ss = { p->source_attach,
					   p->nsource ? p->source_names[li] : NULL, o->tag,
					   HX_SRC_IUT_ADDR,
					   HX_SRC_TESTER_ADDR,
					   p->source_attach == HX_ATTACH_NETNS ? hx_link_netns(r.link)
									       : NULL };
		r.source = hx_link_open(&ss, err, sizeof(err));
		if (!r.source) {
			run_verdict(&r, HX_ERROR, "the source link to the IUT: %s", err);
			hx_link_close(r.link);
			goto done;
		}
	}
	char *profile_abs = g_canonicalize_filename(p->path, NULL);
	char *profile_dir = g_path_get_dirname(profile_abs);
	g_free(profile_abs);
	char *path_env = g_strdup_printf("PATH=%s:%s", o->bindir ? o->bindir : "",
					 g_getenv("PATH") ? g_getenv("PATH") : "/usr/bin:/bin");
	r.env = (char *[]){
		g_strdup_printf("IGMPX_IFNAME=%s", hx_link_ifname(r.link)),
		g_strdup_printf("IGMPX_IUT_ADDR=192.0.2.2"),
		g_strdup_printf("IGMPX_TESTER_ADDR=192.0.2.1"),
		g_strdup_printf("IGMPX_NETNS=%s", hx_link_netns(r.link) ? hx_link_netns(r.link) : ""),
		g_strdup_printf("IGMPX_WORKDIR=%s", r.workdir),
		g_strdup_printf("IGMPX_MAX_MEMBERSHIPS=%u", p->max_memberships),
		g_strdup_printf("IGMPX_MAX_SOURCES=%u", p->max_sources),
		path_env,
		g_strdup_printf("IGMPX_PROFILE_DIR=%s", profile_dir),
		/* Which of an external IUT's links (attach), from 0. */
		g_strdup_printf("IGMPX_LINK=%u", li),
		/* The profile's [timers], for a router's configuration. */
		g_strdup_printf("IGMPX_ROBUSTNESS=%.0f", p->robustness),
		g_strdup_printf("IGMPX_QI_MS=%.0f", p->query_interval * 1000),
		g_strdup_printf("IGMPX_QRI_MS=%.0f", p->query_response_interval * 1000),
		g_strdup_printf("IGMPX_LMQI_MS=%.0f", p->lmqi * 1000),
		g_strdup_printf("IGMPX_LMQC=%.0f", p->lmqc),
		g_strdup_printf("IGMPX_SQI_MS=%.0f", p->sqi * 1000),
		g_strdup_printf("IGMPX_SQC=%.0f", p->sqc),
		g_strdup_printf("IGMPX_GMI_MS=%.0f", p->gmi * 1000),
		g_strdup_printf("IGMPX_OQPI_MS=%.0f", p->oqpi * 1000),
		/* The source link, empty without one. */
		g_strdup_printf("IGMPX_SRC_IFNAME=%s", r.source ? hx_link_ifname(r.source) : ""),
		g_strdup_printf("IGMPX_SRC_IUT_ADDR=%s", r.source ? "198.51.100.2" : ""),
		g_strdup_printf("IGMPX_SRC_TESTER_ADDR=%s", r.source ? "198.51.100.1" : ""),
		NULL,
	};
	g_free(profile_dir);
	/* What the IUT stands on (a VM) comes up before the case's clock
	 * starts; what it sent meanwhile is no part of the case. */
	if (*p->boot && command(&r, "boot", p->boot, p->ready_timeout, false)) {
		g_ptr_array_set_size(r.frames, 0);
		r.kept_octets = 0;
	}
	/* An external IUT is brought back to its known state, before the
	 * case's clock too. */
	if (!r.aborted && *p->reset)
		run_reset(&r);
	r.t0 = hx_now_ns();
	r.anchor = r.t0;
	r.anchor_frame = -1;
	if (!r.aborted && *p->start) {
		r.iut = hx_link_spawn(r.link, p->start, r.env, r.log, err, sizeof(err));
		if (r.iut < 0) {
			r.iut = 0;
			run_verdict(&r, HX_ERROR, "start: %s", err);
		}
	}
	if (!r.aborted && *p->ready)
		wait_ready(&r);
	if (!r.aborted)
		run_steps(&r);
	watch_iut(&r);
	if (!*stop && !r.aborted)
		run_watch_misses(&r);
	else
		run_settle_misses(&r, hx_now_ns());
	run_undo(&r);
	if (*p->stop) {
		pid_t pid = hx_link_spawn(r.link, p->stop, r.env, r.log, err, sizeof(err));
		int st;
		uint64_t until = hx_now_ns() + 5 * (uint64_t)NS;
		bool ended = false;
		while (pid > 0 && !(ended = waitpid(pid, &st, WNOHANG) == pid) && hx_now_ns() < until)
			usleep(10000);
		if (pid > 0)
			hx_kill_group(pid, 100);     /* what it left running too */
		if (pid > 0 && !ended)
			run_verdict(&r, HX_ERROR, "stop = %s did not end within 5 s: killed", p->stop);
	}
	/* An IUT that stays on SIGTERM would outlive the case, and a test
	 * lab's next case with it. */
	if (r.iut > 0 && !hx_kill_group(r.iut, 2000))
		run_verdict(&r, HX_ERROR, "the IUT (start = %s) was still there 2 s after SIGTERM: "
			    "killed", p->start);
	g_ptr_array_sort(r.frames, by_time);
	if (!strcmp(p->role, "router") && !r.aborted && !*stop)
		run_timing_judge(&r);
	if (o->out_dir)
		write_pcapng(&r);
	/* The source link first: its TAP may be in the test link's namespace. */
	hx_link_close(r.source);
	hx_link_close(r.link);
	for (int i = 0; r.env[i]; i++)
		g_free(r.env[i]);
done:
	if (r.workdir[0]) {
		/* The IUT's log goes into the detail before its folder goes. */
		gchar *log = NULL;
		if (r.verdict >= HX_FAIL && g_file_get_contents(r.log, &log, NULL, NULL) && *log)
			g_string_append_printf(r.detail, "IUT output (start and commands):\n%s", log);
		g_free(log);
		char *rm = g_strdup_printf("rm -rf '%s'", r.workdir);
		if (system(rm) != 0)
			fprintf(stderr, "igmpx: could not remove %s\n", r.workdir);
		g_free(rm);
	}
	if (r.frames_left_out)
		g_string_append_printf(r.detail, "%lu frames of the IUT not kept (over %u or %u MiB)\n",
				       r.frames_left_out, MAX_KEPT_FRAMES, MAX_KEPT_OCTETS >> 20);
	if (r.reasons_left_out)
		g_string_append_printf(r.detail, "%lu more reasons not listed\n", r.reasons_left_out);
	res->verdict = r.verdict;
	res->seconds = (double)(hx_now_ns() - begin) / NS;
	snprintf(res->message, sizeof(res->message), "%s", r.message ? r.message : "");
	res->detail = g_string_free(r.detail, FALSE);
	g_free(r.message);
	g_ptr_array_free(r.frames, TRUE);
	g_array_free(r.lookouts, TRUE);
	g_hash_table_destroy(r.joined);
}
