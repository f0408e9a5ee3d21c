/* engine.c: one case against one IUT.
 *
 * The case's steps run in order on a link of their own.  Every frame the
 * IUT sends is read as it arrives, timestamped, parsed by core (bounded:
 * it is untrusted), held to every content rule of core/check, and kept
 * with the frames the harness sent, so that the whole exchange can be
 * written as pcapng with a comment on each frame an expectation matched
 * or missed.  An expectation is judged over the frames that arrived in
 * its window, counted from the last stimulus:
 *
 *   inside [LOW, HIGH]                          PASS
 *   only inside the window widened by the tolerance   WARN
 *   otherwise                                    the rule's level: FAIL for
 *                                                MUST, WARN for SHOULD,
 *                                                INCONCLUSIVE if need: true
 */
#include "hx.h"
#include "check.h"
#include "ip.h"
#include "pcapng.h"

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS 1000000000.0
#define MAX_FRAME 9216

const char *hx_verdict_name(enum hx_verdict v)
{
	static const char *const n[] = { "PASS", "WARN", "INCONCLUSIVE", "SKIP", "FAIL", "ERROR" };
	return v < HX_VERDICTS ? n[v] : "?";
}

struct frame {
	uint64_t t;                 /* monotonic ns */
	int dir;                    /* 1: from the IUT, 2: sent by the harness */
	uint8_t *bytes;
	size_t len;
	GPtrArray *comments;
	bool igmp;                  /* an IGMP message parsed */
	uint32_t src, dst;
	const uint8_t *msg_at;      /* into bytes */
	struct igmpx_msg m;
};

struct run {
	const struct hx_case *c;
	const struct hx_profile *p;
	const struct hx_run_opts *o;
	volatile int *stop;
	struct hx_link *link;
	GPtrArray *frames;          /* struct frame *, in time order */
	uint64_t t0, t0_wall;
	uint64_t anchor;            /* time of the last stimulus */
	int anchor_frame;           /* its frame (index), -1 if a command */
	struct hx_vars vars;
	pid_t iut;                  /* the start command, 0 if none */
	char workdir[PATH_MAX], log[PATH_MAX + 16];
	char **env;
	enum hx_verdict verdict;
	GString *detail;
	char *message;
	bool aborted;               /* ERROR or INCONCLUSIVE: no further steps */
	uint8_t iut_mac[6];         /* learnt from the IUT's frames */
	bool iut_mac_known;
};

static void verdict(struct run *r, enum hx_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void verdict(struct run *r, enum hx_verdict v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_string_append_printf(r->detail, "%s: %s\n", hx_verdict_name(v), s);
	/* The message is the first reason for the worst verdict. */
	if (v > r->verdict || !r->message) {
		g_free(r->message);
		r->message = g_strdup(s);
	}
	if (v > r->verdict)
		r->verdict = v;
	if (v == HX_ERROR || v == HX_INCONCLUSIVE || v == HX_SKIP)
		r->aborted = true;
	g_free(s);
}

static double rel(const struct run *r, uint64_t t)
{
	return (double)(int64_t)(t - r->t0) / NS;
}

static void comment(struct frame *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void comment(struct frame *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(f->comments, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

static struct frame *frame_at(const struct run *r, int i)
{
	return i >= 0 && (guint)i < r->frames->len ? g_ptr_array_index(r->frames, i) : NULL;
}

static void frame_free(gpointer p)
{
	struct frame *f = p;

	g_ptr_array_free(f->comments, TRUE);
	g_free(f->bytes);
	g_free(f);
}

/* Records a frame and, from the IUT, holds it to the content rules. */
static struct frame *record(struct run *r, uint64_t t, int dir, const uint8_t *b, size_t len)
{
	struct frame *f = g_new0(struct frame, 1);
	struct igmpx_ipv4 h;
	size_t iplen;
	const uint8_t *ip;

	f->t = t;
	f->dir = dir;
	f->bytes = g_memdup2(b, len);
	f->len = len;
	f->comments = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(r->frames, f);
	ip = hx_ip_of(1, f->bytes, len, &iplen);
	if (!ip || !igmpx_ipv4_parse(ip, iplen, &h) || h.proto != IGMPX_IPPROTO_IGMP)
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
		comment(f, "igmpx: %s %s: %s", igmpx_severity_name(ri->severity), ri->id, fd[i].text);
		if (ri->severity == IGMPX_SEV_CHAT)
			continue;
		verdict(r, ri->severity == IGMPX_SEV_NOTE ? HX_WARN : HX_FAIL,
			"frame %u at +%.3f s breaks %s (%s %s, %s): %s; frame: %s", r->frames->len,
			rel(r, t), ri->id, ri->rfc, ri->section, igmpx_level_name(ri->level),
			fd[i].text, what);
	}
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
	verdict(r, HX_ERROR, "the IUT process (start = %s) %s %d at +%.3f s",
		r->p->start, WIFEXITED(st) ? "exited with status" : "was killed by signal",
		WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), rel(r, hx_now_ns()));
}

/* Receives until the time until (monotonic ns), or until cond holds. */
static void pump(struct run *r, uint64_t until, bool (*cond)(struct run *, void *), void *arg)
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
			verdict(r, HX_ERROR, "receiving: %s", err);
			return;
		}
		if (n > 0)
			record(r, t, 1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));
		watch_iut(r);
	}
	if (*r->stop)
		verdict(r, HX_ERROR, "interrupted");
}

/* Reads the frames already waiting, without waiting for more. */
static void drain(struct run *r)
{
	uint8_t buf[MAX_FRAME];
	char err[256];
	uint64_t t;
	ssize_t n;

	while (!r->aborted &&
	       (n = hx_link_recv(r->link, buf, sizeof(buf), 0, &t, err, sizeof(err))) != 0) {
		if (n < 0) {
			verdict(r, HX_ERROR, "receiving: %s", err);
			return;
		}
		record(r, t, 1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));
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

static bool send_frame(struct run *r, uint64_t at, uint8_t *b, size_t len)
{
	char err[256];
	uint64_t sent;

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
	 * fast flood (no time to wait) at least those already there are. */
	if (at > hx_now_ns() + 2000000u)
		pump(r, at - 1000000u, NULL, NULL);
	else
		drain(r);
	if (r->aborted)
		return false;
	if (hx_link_send_at(r->link, at, b, len, &sent, err, sizeof(err)) < 0) {
		verdict(r, HX_ERROR, "sending: %s", err);
		return false;
	}
	struct frame *f = record(r, sent, 2, b, len);
	r->anchor = sent;
	r->anchor_frame = (int)r->frames->len - 1;
	learn_query(r, f);
	return true;
}

/* ---- Commands ---------------------------------------------------------------- */

/* cmd with {group} {mode} {sources} {version} put in: group and src as
 * given (a join of several groups, sources expanded), the rest the step's. */
static char *expand(const char *cmd, const struct hx_step *s, const char *group, const char *src)
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

/* Runs a profile command to its end (10 s at most), receiving meanwhile;
 * false if it failed.  A failure is an ERROR unless may_fail. */
static bool command(struct run *r, const char *what, const char *cmd, bool may_fail)
{
	char err[256];
	uint64_t start = hx_now_ns();
	pid_t pid = hx_link_spawn(r->link, cmd, r->env, r->log, err, sizeof(err));
	int st = 0;

	r->anchor = start;
	r->anchor_frame = -1;
	if (pid < 0) {
		verdict(r, HX_ERROR, "%s: %s", what, err);
		return false;
	}
	pid_t left = pid;
	while (left && !r->aborted && !*r->stop && hx_now_ns() - start < 10 * (uint64_t)NS) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			left = 0;
			break;
		}
		pump(r, hx_now_ns() + 5000000u, command_done, &left);
	}
	if (left) {
		hx_kill_group(pid, 200);
		if (!r->aborted)
			verdict(r, HX_ERROR, "%s command did not end within 10 s: %s", what, cmd);
		return false;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return true;
	if (may_fail)
		g_string_append_printf(r->detail, "note: %s refused (%s %d), as the case allows: %s\n",
				       what, WIFEXITED(st) ? "exit status" : "signal",
				       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), cmd);
	else
		verdict(r, HX_ERROR, "%s command failed (%s %d): %s", what,
			WIFEXITED(st) ? "exit status" : "signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), cmd);
	return false;
}

/* ---- Replay ------------------------------------------------------------------ */

static void put_mac(uint8_t *p, uint32_t dst)
{
	if ((dst >> 28) == 0xE) {
		igmpx_ether_mcast(dst, p);
	} else {
		memset(p, 0xFF, 6);     /* the IUT's MAC is not known: broadcast */
	}
}

/* The IGMP frames of a capture (frames A-B of it), addresses rewritten to
 * the test link's: the source is the harness, a unicast destination the
 * IUT; the IPv4 header checksum is made again. */
static void replay(struct run *r, const struct hx_step *s, const char *path)
{
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, perr);
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned first = 1, last = UINT_MAX, no = 0, sent = 0;
	uint64_t cap0 = 0, start = hx_now_ns() + 20000000u;
	int rc;

	if (!pc) {
		verdict(r, HX_ERROR, "%s:%d: replay: %s", r->c->path, s->line, perr);
		return;
	}
	if (s->range)
		sscanf(s->range, "%u-%u", &first, &last);
	int dlt = pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1 && !r->aborted) {
		size_t iplen;
		const uint8_t *ip;
		struct igmpx_ipv4 hd;
		uint8_t out[MAX_FRAME];

		if (++no < first || no > last)
			continue;
		ip = hx_ip_of(dlt, d, h->caplen, &iplen);
		if (!ip || iplen + 14 > sizeof(out) || !igmpx_ipv4_parse(ip, iplen, &hd) ||
		    hd.proto != IGMPX_IPPROTO_IGMP)
			continue;
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
		if (!sent)
			cap0 = ts;
		memcpy(out + 14, ip, iplen);
		uint8_t *o = out + 14;
		uint32_t dst = hd.dst;
		if ((dst >> 28) != 0xE && dst != 0xFFFFFFFFu)
			dst = HX_IUT_ADDR;
		o[12] = HX_TESTER_ADDR >> 24, o[13] = HX_TESTER_ADDR >> 16 & 255;
		o[14] = HX_TESTER_ADDR >> 8 & 255, o[15] = HX_TESTER_ADDR & 255;
		o[16] = (uint8_t)(dst >> 24), o[17] = (uint8_t)(dst >> 16), o[18] = (uint8_t)(dst >> 8);
		o[19] = (uint8_t)dst;
		o[10] = o[11] = 0;
		uint16_t ck = igmpx_cksum(o, hd.payload_off);
		o[10] = (uint8_t)(ck >> 8), o[11] = (uint8_t)ck;
		put_mac(out, dst);
		out[12] = 0x08, out[13] = 0x00;
		double gap = (double)(ts - cap0) / (r->o->speed > 0 ? r->o->speed : 1);
		if (!send_frame(r, start + (uint64_t)gap, out, 14 + iplen))
			break;
		comment(frame_at(r, (int)r->frames->len - 1), "replayed: frame %u of %s", no, path);
		sent++;
	}
	if (rc == -1)
		verdict(r, HX_ERROR, "%s:%d: replay: reading %s: %s", r->c->path, s->line, path,
			pcap_geterr(pc));
	else if (!sent && !r->aborted)
		verdict(r, HX_ERROR, "%s:%d: replay: no IGMP frame in %s%s%s", r->c->path, s->line,
			path, s->range ? " frames " : "", s->range ? s->range : "");
	pcap_close(pc);
}

/* ---- Expectations ------------------------------------------------------------- */

struct window {
	const struct hx_step *s;
	uint64_t lo, hi, tol;       /* absolute */
};

static bool matches(const struct run *r, const struct frame *f, const struct hx_step *s)
{
	(void)r;
	return f->dir == 1 && f->igmp && f->m.status == IGMPX_OK &&
	       hx_match_frame(&s->match, &f->m, f->msg_at, f->dst);
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

/* The step with its run-time values (nsources=EXPR) filled in. */
static void expect(struct run *r, const struct hx_step *s)
{
	struct hx_step t = *s;
	char err[256];
	double d;

	t.match.nsrc = -1;
	if (s->match.nsrc_expr) {
		if (!hx_expr_eval(s->match.nsrc_expr, &r->vars, &d, err, sizeof(err))) {
			verdict(r, HX_ERROR, "%s:%d: nsources=: %s", r->c->path, s->line, err);
			return;
		}
		t.match.nsrc = (int)d;
	}
	expect_step(r, &t);
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
		verdict(r, HX_ERROR, "%s:%d: within: %s", r->c->path, s->line, err);
		return;
	}
	w.lo = r->anchor + (uint64_t)(lo_s * NS);
	w.hi = r->anchor + (uint64_t)(hi_s * NS);
	w.tol = (uint64_t)r->p->tolerance_ms * 1000000u;
	/* An open-ended count is met by the first arrivals; anything else is
	 * known at the end of the window. */
	pump(r, w.hi + (none ? 0 : w.tol), none || s->count_max || s->cover ? NULL : enough, &w);
	if (r->aborted)
		return;
	uint64_t lo_tol = w.lo > r->anchor + w.tol ? w.lo - w.tol : r->anchor;
	unsigned strict = count_in(r, &w, w.lo, w.hi);
	unsigned wide = count_in(r, &w, lo_tol, w.hi + w.tol);
	snprintf(range, sizeof(range), "[%.3f, %.3f] s", lo_s, hi_s);
	struct frame *a = frame_at(r, r->anchor_frame);
	if (a)
		hx_describe(a->bytes, a->len, stim, sizeof(stim));

	/* Comments on the frames it saw. */
	for (guint i = 0; i < r->frames->len; i++) {
		struct frame *f = g_ptr_array_index(r->frames, i);
		if (f->t < lo_tol || f->t > w.hi + w.tol || !matches(r, f, s))
			continue;
		bool in = f->t >= w.lo && f->t <= w.hi;
		comment(f, "%s %s:%d (%s): %s at +%.3f s after the stimulus, window %s%s",
			none ? "expect_none" : "expect", r->c->path, s->line, ri->id,
			none ? (in ? "arrived, must not" : "arrived inside the tolerance only")
			     : (in ? "matched" : "matched inside the tolerance only"),
			(double)(f->t - r->anchor) / NS, range, in ? "" : " widened by the tolerance");
	}
	if (s->cover && count_ok(s, strict)) {
		uint32_t first, miss = 0, miss_w = 0;
		unsigned n;
		if (!hx_addr_range(s->cover, &r->vars, &first, &n, err, sizeof(err))) {
			verdict(r, HX_ERROR, "%s:%d: cover: %s", r->c->path, s->line, err);
			return;
		}
		unsigned left = uncovered(r, s, w.lo, w.hi, first, n, &miss);
		if (!left)
			return;
		unsigned left_w = uncovered(r, s, lo_tol, w.hi + w.tol, first, n, &miss_w);
		enum hx_verdict v = !left_w ? HX_WARN : s->need ? HX_INCONCLUSIVE
				  : ri->level <= IGMPX_LEVEL_MUST_PLAIN ? HX_FAIL
				  : ri->level <= IGMPX_LEVEL_SHOULD_PLAIN ? HX_WARN : HX_PASS;
		verdict(r, v,
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
	if (ok)
		return;
	bool tol_ok = !none && count_ok(s, wide);
	enum hx_verdict v;
	if (tol_ok)
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
	char gotd[300] = "", gott[40] = "";
	if (got) {
		hx_describe(got->bytes, got->len, gotd, sizeof(gotd));
		snprintf(gott, sizeof(gott), "%.3f s", (double)(got->t - r->anchor) / NS);
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
	verdict(r, v,
		"%s:%d: %s (%s %s, %s): %s: %s \"%s\" within %s after %s (tolerance %u ms), got %u "
		"(%u with the tolerance)%s%s%s%s%s%s",
		r->c->path, s->line, ri->id, ri->rfc, ri->section, igmpx_level_name(ri->level),
		tol_ok ? "inside the tolerance only" : s->need ? "precondition unmet" : ri->text,
		none ? "expected no" : "expected", s->text, range,
		a ? "the stimulus" : "the command", r->p->tolerance_ms, strict, wide,
		got ? "; first at +" : "", gott,
		got ? ": " : "", gotd, *stim ? "; stimulus: " : "", stim);
	if (a && !none && !strict)
		comment(a, "expect %s:%d (%s): %s \"%s\" within %s: got %u", r->c->path, s->line,
			ri->id, want, s->text, range, strict);
}

/* ---- The case ------------------------------------------------------------------ */

static const char *skip_reason(const struct hx_case *c, const struct hx_profile *p, char *buf,
			       size_t cap)
{
	if (strcmp(c->role, p->role) != 0) {
		snprintf(buf, cap, "a %s case; the IUT is a %s", c->role, p->role);
		return buf;
	}
	if (!(c->versions & p->versions)) {
		snprintf(buf, cap, "IGMP versions the IUT does not support");
		return buf;
	}
	if (c->ssm_aware && !p->ssm_aware) {
		snprintf(buf, cap, "a rule of SSM-aware hosts; the profile says the IUT is not one");
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
		if (need) {
			snprintf(buf, cap, "the profile has no %s for line %d", need, s->line);
			return buf;
		}
		/* A case sized by the IUT's limits needs them stated. */
		const char *texts[] = { s->groups, s->sources, s->match.nsrc_expr, s->cover, s->lo,
					s->hi, s->every };
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
		verdict(r, HX_ERROR, "writing the capture: %s", err);
		return;
	}
	for (guint i = 0; i < r->frames->len; i++) {
		struct frame *f = g_ptr_array_index(r->frames, i);
		if (hx_pcapng_write(pc, r->t0_wall + (f->t - r->t0), f->bytes, f->len, f->dir,
				    (const char *const *)f->comments->pdata, f->comments->len) < 0)
			break;
	}
	if (hx_pcapng_close(pc) < 0)
		verdict(r, HX_ERROR, "writing %s: %s", path, strerror(errno));
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
		verdict(r, HX_ERROR, "%s:%d: groups: %s", r->c->path, s->line, err);
		g_free(range);
		return;
	}
	g_free(range);
	if (s->sources && *s->sources && !(src = hx_addr_list(s->sources, &r->vars, err, sizeof(err)))) {
		verdict(r, HX_ERROR, "%s:%d: sources: %s", r->c->path, s->line, err);
		return;
	}
	for (unsigned i = 0; i < n && !r->aborted && !*r->stop; i++, g++) {
		char gs[16];
		snprintf(gs, sizeof(gs), "%u.%u.%u.%u", g >> 24, g >> 16 & 255, g >> 8 & 255, g & 255);
		char *cmd = expand(tmpl, s, gs, src);
		command(r, join ? "join" : "leave", cmd, s->may_fail);
		g_free(cmd);
	}
	free(src);
}

/* The IPv4 packet of frame b (Ethernet, 14 octets of header) cut into
 * fragments of size octets of payload each, sent back to back.  Every
 * fragment repeats the whole header, options included: right for options
 * whose copy flag is set, as Router Alert's is (RFC 791); an option without
 * it (a timestamp) would, by RFC 791, be in the first fragment only. */
static void send_fragments(struct run *r, uint64_t at, const uint8_t *b, size_t len, unsigned size)
{
	const uint8_t *ip = b + 14;
	size_t hl = (size_t)(ip[0] & 15) * 4, total = (size_t)ip[2] << 8 | ip[3];

	if (len < 14 + hl || total > len - 14 || total <= hl) {
		verdict(r, HX_ERROR, "fragment: the frame is no whole IPv4 packet");
		return;
	}
	for (size_t off = 0; off < total - hl && !r->aborted; off += size) {
		uint8_t out[MAX_FRAME];
		size_t part = MIN(size, total - hl - off);
		bool more = off + part < total - hl;
		memcpy(out, b, 14 + hl);
		memcpy(out + 14 + hl, ip + hl + off, part);
		uint8_t *o = out + 14;
		o[2] = (uint8_t)((hl + part) >> 8), o[3] = (uint8_t)(hl + part);
		uint16_t fo = (uint16_t)((off / 8) | (more ? 0x2000 : 0));
		o[6] = (uint8_t)(fo >> 8), o[7] = (uint8_t)fo;
		o[10] = o[11] = 0;
		uint16_t ck = igmpx_cksum(o, hl);
		o[10] = (uint8_t)(ck >> 8), o[11] = (uint8_t)ck;
		if (!send_frame(r, at, out, 14 + hl + part))
			return;
	}
}

/* send: the frame, repeat: times every: seconds apart, fragmented if asked. */
static void send_step(struct run *r, const struct hx_step *s)
{
	double every = 0;
	char err[256];
	uint64_t start = hx_now_ns();
	unsigned n = s->repeat ? s->repeat : 1;

	if (s->every && !hx_expr_eval(s->every, &r->vars, &every, err, sizeof(err))) {
		verdict(r, HX_ERROR, "%s:%d: every: %s", r->c->path, s->line, err);
		return;
	}
	for (unsigned i = 0; i < n && !r->aborted && !*r->stop; i++) {
		uint64_t at = start + (uint64_t)(every * i * NS);
		uint8_t *b = g_memdup2(s->frame, s->frame_len);
		if (s->fragment)
			send_fragments(r, at, b, s->frame_len, s->fragment);
		else
			send_frame(r, at, b, s->frame_len);
		g_free(b);
	}
}

/* The profile's ready command, again every 20 ms until it succeeds (the
 * IUT started by start can take the case's first step), 10 s at most. */
static void wait_ready(struct run *r)
{
	char err[256];
	uint64_t until = hx_now_ns() + 10 * (uint64_t)NS;

	while (!r->aborted && !*r->stop) {
		pid_t pid = hx_link_spawn(r->link, r->p->ready, r->env, r->log, err, sizeof(err));
		int st = 0;
		if (pid < 0) {
			verdict(r, HX_ERROR, "ready: %s", err);
			return;
		}
		while (waitpid(pid, &st, WNOHANG) == 0 && !r->aborted && !*r->stop) {
			if (hx_now_ns() > until) {
				hx_kill_group(pid, 200);
				verdict(r, HX_ERROR, "ready command did not end within 10 s: %s", r->p->ready);
				return;
			}
			pump(r, hx_now_ns() + 5000000u, NULL, NULL);
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return;
		if (hx_now_ns() > until) {
			verdict(r, HX_ERROR, "the IUT was not ready within 10 s (ready = %s)", r->p->ready);
			return;
		}
		pump(r, hx_now_ns() + 20000000u, NULL, NULL);
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
			cmd = expand(r->p->set_version, s, NULL, NULL);
			command(r, "set_version", cmd, false);
			g_free(cmd);
			break;
		case HX_STEP_WAIT:
			if (!hx_expr_eval(s->lo, &r->vars, &d, err, sizeof(err)))
				verdict(r, HX_ERROR, "%s:%d: wait: %s", r->c->path, s->line, err);
			else
				pump(r, hx_now_ns() + (uint64_t)(d * NS), NULL, NULL);
			break;
		case HX_STEP_SEND:
			send_step(r, s);
			break;
		case HX_STEP_REPLAY:
			replay(r, s, s->text);
			break;
		case HX_STEP_EXPECT:
		case HX_STEP_EXPECT_NONE:
			expect(r, s);
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
	struct hx_link_spec spec = { p->attach, p->attach_name, o->tag, HX_IUT_ADDR,
				     HX_TESTER_ADDR };

	r.detail = g_string_new(NULL);
	r.frames = g_ptr_array_new_with_free_func(frame_free);
	r.anchor_frame = -1;
	r.t0 = hx_now_ns();
	r.t0_wall = hx_wall_ns();
	r.anchor = r.t0;
	r.vars = (struct hx_vars){ p->query_response_interval, p->query_interval, p->robustness,
				   p->robustness, p->query_interval, p->query_response_interval,
				   p->lmqi, p->lmqc, p->uri, p->tolerance_ms / 1000.0,
				   p->max_memberships, p->max_sources };
	if (skip_reason(c, p, why, sizeof(why))) {
		verdict(&r, HX_SKIP, "%s", why);
		goto done;
	}
	snprintf(r.workdir, sizeof(r.workdir), "%s/igmpx-case-XXXXXX", g_get_tmp_dir());
	if (!mkdtemp(r.workdir)) {
		verdict(&r, HX_ERROR, "mkdtemp %s: %s", r.workdir, strerror(errno));
		goto done;
	}
	chmod(r.workdir, 0755);
	snprintf(r.log, sizeof(r.log), "%s/iut.log", r.workdir);
	r.link = hx_link_open(&spec, err, sizeof(err));
	if (!r.link) {
		verdict(&r, HX_ERROR, "the link to the IUT: %s", err);
		goto done;
	}
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
		NULL,
	};
	r.t0 = hx_now_ns();
	r.anchor = r.t0;
	if (*p->start) {
		r.iut = hx_link_spawn(r.link, p->start, r.env, r.log, err, sizeof(err));
		if (r.iut < 0) {
			r.iut = 0;
			verdict(&r, HX_ERROR, "start: %s", err);
		}
	}
	if (!r.aborted && *p->ready)
		wait_ready(&r);
	if (!r.aborted)
		run_steps(&r);
	watch_iut(&r);
	if (*p->stop) {
		pid_t pid = hx_link_spawn(r.link, p->stop, r.env, r.log, err, sizeof(err));
		int st;
		uint64_t until = hx_now_ns() + 5 * (uint64_t)NS;
		while (pid > 0 && waitpid(pid, &st, WNOHANG) == 0 && hx_now_ns() < until)
			usleep(10000);
		if (pid > 0)
			hx_kill_group(pid, 100);
	}
	if (r.iut > 0)
		hx_kill_group(r.iut, 500);
	g_ptr_array_sort(r.frames, by_time);
	if (o->out_dir)
		write_pcapng(&r);
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
	res->verdict = r.verdict;
	res->seconds = (double)(hx_now_ns() - begin) / NS;
	snprintf(res->message, sizeof(res->message), "%s", r.message ? r.message : "");
	res->detail = g_string_free(r.detail, FALSE);
	g_free(r.message);
	g_ptr_array_free(r.frames, TRUE);
}
