/* send.c: a send: step, one frame or a series of them (repeat:, rate:), the
 * frames of a flood made from the step's one description (hx_flood_frame),
 * fragmented if asked; what a series really was is said on its first frame
 * and in the case's reasons. */
#include "run.h"
#include "codec.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		run_verdict(r, HX_ERROR, "fragment: the frame is no whole IPv4 packet");
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
		if (!run_send_frame(r, at, out, 14 + hl + part))
			return;
	}
}

/* A count of a send: step (groups:, source_lists:, the hosts of from:),
 * 1 when not asked; false after an ERROR verdict. */
static bool send_count(struct run *r, const struct hx_step *s, const char *what,
		       const char *text, unsigned *out)
{
	char err[256];
	double d = 1;

	if (text && !hx_expr_eval(text, &r->vars, &d, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: %s: %s", r->c->path, s->line, what, err);
		return false;
	}
	if (d < 1 || d > 65536 || d != (double)(unsigned)d) {
		run_verdict(r, HX_ERROR, "%s:%d: %s: %g is not a count from 1 to 65536",
			    r->c->path, s->line, what, d);
		return false;
	}
	*out = (unsigned)d;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* send: the frame, repeat: times every: seconds apart (or rate: per second
 * for: seconds), fragmented if asked.  A flood (more than one frame, or
 * ranges) says in the log and on its first frame what was asked and what
 * was done: the frames sent, in how long, and how late each went out after
 * its time (median, 99th percentile, worst), so that a verdict after it is
 * read knowing the load the IUT really had. */
void run_send_step(struct run *r, const struct hx_step *s)
{
	double every = 0, rate = 0, for_s = 0;
	char err[256];
	unsigned long n = s->repeat ? s->repeat : 1;
	struct hx_flood fl = { 0, 1, 1, 1 };

	if ((s->every && !hx_expr_eval(s->every, &r->vars, &every, err, sizeof(err))) ||
	    (s->rate && !hx_expr_eval(s->rate, &r->vars, &rate, err, sizeof(err))) ||
	    (s->for_s && !hx_expr_eval(s->for_s, &r->vars, &for_s, err, sizeof(err)))) {
		run_verdict(r, HX_ERROR, "%s:%d: send: %s", r->c->path, s->line, err);
		return;
	}
	if (s->rate) {
		if (!(rate > 0)) {
			run_verdict(r, HX_ERROR, "%s:%d: rate: %g frames per second", r->c->path,
				    s->line, rate);
			return;
		}
		every = 1 / rate;
		if (s->for_s)
			n = (unsigned long)llround(rate * for_s);
	}
	if (n < 1 || n > HX_SEND_MAX) {
		run_verdict(r, HX_ERROR, "%s:%d: send: %lu frames (rate: x for:); 1 to %u", r->c->path,
			    s->line, n, HX_SEND_MAX);
		return;
	}
	if (s->from && strchr(s->from, '+') &&
	    !hx_addr_range(s->from, &r->vars, &fl.host0, &fl.hosts, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: from: %s", r->c->path, s->line, err);
		return;
	}
	if (!send_count(r, s, "groups", s->groups, &fl.groups) ||
	    !send_count(r, s, "source_lists", s->source_lists, &fl.lists))
		return;
	bool vary = fl.hosts > 1 || fl.groups > 1 || fl.lists > 1;
	if (vary && !hx_flood_ok(s->frame, s->frame_len, s->groups ? fl.groups : 0,
				 s->source_lists ? fl.lists : 0, err, sizeof(err))) {
		run_verdict(r, HX_ERROR, "%s:%d: send: %s", r->c->path, s->line, err);
		return;
	}
	uint64_t *late = n > 1 ? g_new(uint64_t, n) : NULL;
	int first = (int)r->frames->len;
	uint64_t start = hx_now_ns() + (n > 1 ? 1000000u : 0), last = start;
	unsigned long i;
	uint8_t *b = g_malloc(s->frame_len);
	for (i = 0; i < n && !r->aborted && !*r->stop; i++) {
		uint64_t at = start + (uint64_t)llround(every * (double)i * NS);
		if (vary)
			hx_flood_frame(s->frame, s->frame_len, &fl, i, b);
		else
			memcpy(b, s->frame, s->frame_len);
		if (s->fragment)
			send_fragments(r, at, b, s->frame_len, s->fragment);
		else if (!run_send_frame(r, at, b, s->frame_len))
			break;
		last = r->anchor;
		if (late)
			late[i] = r->anchor > at ? r->anchor - at : 0;
	}
	g_free(b);
	if (late && i > 1) {
		double took = (double)(last - start) / NS;
		qsort(late, i, sizeof(*late), cmp_u64);
		char what[400];
		double got = took > 0 ? (double)(i - 1) / took : 0, asked = every > 0 ? 1 / every : 0;
		snprintf(what, sizeof(what), "send (line %d): %lu frames in %.3f s, %.*f/s (asked: %lu "
			 "frames, %.*f/s%s); from %u host%s, over %u group%s and %u source list%s; "
			 "sent late by median %.1f us, 99th percentile %.1f us, at worst %.1f us",
			 s->line, i, took, got < 10 ? 2 : 0, got, n, asked < 10 ? 2 : 0, asked,
			 every > 0 ? "" : " (no spacing: at once)",
			 fl.hosts, fl.hosts == 1 ? "" : "s", fl.groups, fl.groups == 1 ? "" : "s",
			 fl.lists, fl.lists == 1 ? "" : "s", late[i / 2] / 1e3,
			 late[(i * 99) / 100] / 1e3, late[i - 1] / 1e3);
		struct frame *f = run_frame_at(r, first);
		if (f)
			run_comment(f, "%s", what);
		run_verdict(r, HX_PASS, "%s", what);
	}
	g_free(late);
}
