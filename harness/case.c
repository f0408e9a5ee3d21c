/* case.c: a conformance case, a YAML file read with libyaml.
 *
 *   id: H3-GQ-RESPONSE                  title: ...
 *   rfc: RFC 9776 §5.2                  level: MUST | SHOULD | MAY | NEG
 *   role: host | router                 versions: [3]
 *   ssm_aware: true                     (a rule of SSM-aware systems, RFC 4604: SKIP
 *                                        when the profile says ssm_aware = no)
 *   deadline: 30                        (seconds, default 60, or an expression of
 *                                        the profile's timers: gmi + 20)
 *   lasting: IGMPv1 compatibility mode  (what the case leaves in the IUT past its
 *                                        end, for an IUT that outlives it: igmpx
 *                                        run orders such cases last when the
 *                                        profile has no reset; required of a host
 *                                        case that sends an IGMPv1 or v2 Query, or
 *                                        a v3 Query with a QRV other than 0 or 2,
 *                                        and of a router case that sends a General
 *                                        Query from below the IUT's address)
 *   steps:
 *     - join: 239.1.1.1                 (mode: include|exclude, sources: A,B,C+N;
 *                                        groups: N consecutive groups from it;
 *                                        may_fail: true, a refusal is no ERROR;
 *                                        N may be an expression: max_sources)
 *     - leave: 239.1.1.1                (groups:, may_fail: as for join)
 *     - set_version: 2
 *     - wait: 1.5                       (an expression)
 *     - send: v3query mrc=20            (a frame description, pcaps/README.md;
 *                                        continuation lines in a block scalar;
 *                                        repeat: N, every: SECONDS; fragment:
 *                                        N octets of IP payload per fragment;
 *       from: 192.0.2.7                 another host or router on the link: the
 *                                        IP source, and the MAC 02:00:<address>;
 *                                        192.0.2.10+200: frame i from host i mod 200)
 *       rate: 20000                     (frames per second, instead of every:, with
 *       for: 2                           repeat: or for: SECONDS; a flood: see
 *       groups: 500                      send_step; groups: N, each group of the
 *       source_lists: 4                  message + (i mod N); source_lists: L, each
 *                                        record's sources moved on by their number
 *                                        times (i / N) mod L; every count an
 *                                        expression, 200000 frames a step at most)
 *     - replay: ../../pcaps/x.pcap         (frames: 2-4; relative to the case file)
 *     - expect: v3report group=239.1.1.1 record=IS_EX
 *       within: [0, mrt]                (expressions, seconds after the last stimulus)
 *       count: 2 | [1, 3] | lmqc        (default: at least one; expressions)
 *       every: lmqi                     (the frames matched come that far apart)
 *       rule: query_response            (core/rules.def)
 *       need: true                      (a precondition: unmet is INCONCLUSIVE)
 *       cover: 239.2.0.1+N              (every group of the range is in some
 *                                        matching report of the window)
 *     - expect_none: report group=239.1.1.1
 *       within: [0, mrt + 1]
 *       rule: no_state_no_report
 *     - expect_state: 239.1.1.1 exclude running=198.51.100.1 stopped=198.51.100.2
 *       within: [0, 0.5]                (the router's state, its profile's state
 *       rule: rtr_table8                 command polled in the window; harness/state.c;
 *       groups: 500                      groups: N, each of N groups from it so)
 *     - expect_forward: 198.51.100.1 239.1.1.1   (SOURCE GROUP: the harness sends
 *       within: [0, 0.5]                 UDP from SOURCE to GROUP on the profile's
 *       rule: rtr_forward                source_link through the window; some must
 *                                        reach the test link; harness/forward.c)
 *     - expect_no_forward: 198.51.100.1 239.1.1.1   (none may; within:, rule:)
 *
 * Every error is printed as FILE:LINE: what, and all of them are found in
 * one reading. */
#include "hx.h"
#include "desc.h"
#include "ip.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct rd {
	const char *path;
	yaml_document_t *doc;
	unsigned errors;
};

static void err(struct rd *r, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void err(struct rd *r, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%zu: ", r->path, n ? n->start_mark.line + 1 : 1);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	r->errors++;
}

static int line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static const char *scalar(struct rd *r, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		err(r, n, "%s: a single value expected", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static char *dup_scalar(struct rd *r, const yaml_node_t *n, const char *what)
{
	const char *s = scalar(r, n, what);
	return s ? strdup(s) : NULL;
}

static bool number(struct rd *r, const yaml_node_t *n, const char *what, double min, double max,
		   double *out)
{
	const char *s = scalar(r, n, what);
	char *end;

	if (!s)
		return false;
	*out = strtod(s, &end);
	if (end == s || *end || *out < min || *out > max) {
		err(r, n, "%s: \"%s\" is not a number from %g to %g", what, s, min, max);
		return false;
	}
	return true;
}

/* The key of the pair pr of mapping map, or NULL (said) when it is not a
 * single value or an earlier pair of map has it: YAML wants the keys of a
 * mapping unique, and a reader that kept the last would drop the first
 * without a word. */
static const char *unique_key(struct rd *r, const yaml_node_t *map, const yaml_node_pair_t *pr,
			      const char *what)
{
	const yaml_node_t *k = yaml_document_get_node(r->doc, pr->key);
	const char *key = scalar(r, k, what);

	for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; key && p < pr; p++) {
		const yaml_node_t *pk = yaml_document_get_node(r->doc, p->key);
		if (pk->type == YAML_SCALAR_NODE && !strcmp((const char *)pk->data.scalar.value, key)) {
			err(r, k, "%s: given twice (first on line %d)", key, line(pk));
			return NULL;
		}
	}
	return key;
}

/* Walks a mapping: calls fn for each key/value pair. */
#define FOR_PAIRS(doc, map, k, v)                                                     \
	for (yaml_node_pair_t *pr_ = (map)->data.mapping.pairs.start;                 \
	     pr_ < (map)->data.mapping.pairs.top &&                                   \
	     ((k) = yaml_document_get_node(doc, pr_->key),                            \
	      (v) = yaml_document_get_node(doc, pr_->value), 1);                      \
	     pr_++)

static unsigned versions(struct rd *r, const yaml_node_t *n)
{
	unsigned set = 0;

	if (n->type == YAML_SCALAR_NODE) {
		double d;
		if (number(r, n, "versions", 1, 3, &d))
			set |= 1u << (unsigned)d;
		return set;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		err(r, n, "versions: a list such as [2, 3]");
		return 0;
	}
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		double d;
		if (number(r, yaml_document_get_node(r->doc, *i), "versions", 1, 3, &d))
			set |= 1u << (unsigned)d;
	}
	return set;
}

/* A window or a duration is checked at load with every name at 1 s, so
 * that a typo is found before anything runs. */
static char *expression(struct rd *r, const yaml_node_t *n, const char *what)
{
		char e[200];
	double d;
	const char *s = scalar(r, n, what);

	if (!s)
		return NULL;
	if (!hx_expr_eval(s, &hx_vars_ones, &d, e, sizeof(e)) && !strstr(e, "below 0")) {
		err(r, n, "%s: %s", what, e);
		return NULL;
	}
	return strdup(s);
}

static void window(struct rd *r, const yaml_node_t *n, struct hx_step *s)
{
	if (n->type != YAML_SEQUENCE_NODE ||
	    n->data.sequence.items.top - n->data.sequence.items.start != 2) {
		err(r, n, "within: [LOW, HIGH], two expressions in seconds");
		return;
	}
	s->lo = expression(r, yaml_document_get_node(r->doc, n->data.sequence.items.start[0]),
			   "within");
	s->hi = expression(r, yaml_document_get_node(r->doc, n->data.sequence.items.start[1]),
			   "within");
}

/* count: N, [MIN, MAX], each a number or an expression over the
 * profile's timers (lmqc, robustness), valued when the step runs. */
static void count(struct rd *r, const yaml_node_t *n, struct hx_step *s)
{
	const yaml_node_t *lo, *hi;

	if (n->type == YAML_SCALAR_NODE) {
		lo = hi = n;
	} else if (n->type == YAML_SEQUENCE_NODE &&
		   n->data.sequence.items.top - n->data.sequence.items.start == 2) {
		lo = yaml_document_get_node(r->doc, n->data.sequence.items.start[0]);
		hi = yaml_document_get_node(r->doc, n->data.sequence.items.start[1]);
	} else {
		err(r, n, "count: N or [MIN, MAX]");
		return;
	}
	s->count_lo = expression(r, lo, "count");
	s->count_hi = expression(r, hi, "count");
	if (!s->count_lo || !s->count_hi)
		return;
	double a, b;
	char e[200];
	/* Plain numbers are known now. */
	if (hx_expr_eval(s->count_lo, &(struct hx_vars){ 0 }, &a, e, sizeof(e)) &&
	    hx_expr_eval(s->count_hi, &(struct hx_vars){ 0 }, &b, e, sizeof(e)) &&
	    !strpbrk(s->count_lo, "abcdefghijklmnopqrstuvwxyz") &&
	    !strpbrk(s->count_hi, "abcdefghijklmnopqrstuvwxyz")) {
		if (a > 1000 || b > 1000 || b < a || a != (unsigned)a || b != (unsigned)b) {
			err(r, n, "count: whole numbers from 0 to 1000, MIN <= MAX");
			return;
		}
		s->count_min = (unsigned)a;
		s->count_max = (unsigned)b;
		free(s->count_lo);
		free(s->count_hi);
		s->count_lo = s->count_hi = NULL;
		if (s->count_max == 0 && s->kind == HX_STEP_EXPECT)
			err(r, n, "count: [0, 0] is expect_none");
	}
}

/* send: the description text, as pcapgen reads it: a frame line, then
 * continuation lines.  The source defaults to the harness's address. */
static void build_send(struct rd *r, const yaml_node_t *n, struct hx_step *s)
{
	struct desc_frame_lines *fd = calloc(1, sizeof(*fd));
	struct desc_capture cap = { 0 };
	unsigned before = desc_errors;
	char *text = strdup(s->text), *save = NULL, *from = NULL;
	int ln = line(n) + (n->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			    n->data.scalar.style == YAML_FOLDED_SCALAR_STYLE);
	bool head = true;

	if (!fd || !text)
		exit(2);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save), ln++) {
		if (head) {
			if (!desc_line_parse(l, r->path, ln, &fd->head))
				goto out;
			head = false;
		} else if (fd->nsubs < DESC_MAX_SUBS) {
			if (!desc_line_parse(l, r->path, ln, &fd->subs[fd->nsubs++]))
				goto out;
		} else {
			err(r, n, "send: over %d continuation lines", DESC_MAX_SUBS);
			goto out;
		}
	}
	if (head || !fd->head.word) {
		err(r, n, "send: a message keyword expected (v3query, v2query, ...)");
		goto out;
	}
	if (desc_has(&fd->head, "at"))
		desc_err(&fd->head, "send: at= has no meaning here (the step's place in steps is its time)");
	/* from: A+N gives the description its first host. */
	from = s->from ? strndup(s->from, strcspn(s->from, "+")) : NULL;
	if (s->from && !from)
		exit(2);
	if (s->from && desc_has(&fd->head, "src"))
		err(r, n, "send: from: and src= both say the source: one of them");
	if (!desc_has(&fd->head, "src") && fd->head.nkv < DESC_MAX_KV) {
		fd->head.kv[fd->head.nkv].key = (char *)"src";
		fd->head.kv[fd->head.nkv++].val = from ? from : (char *)"192.0.2.1";
	}
	if (desc_errors == before)
		desc_frame_build(fd, &cap);
	if (desc_errors == before && cap.nframes == 1) {
		s->frame = cap.frames[0].bytes;
		s->frame_len = cap.frames[0].len;
	}
out:
	r->errors += desc_errors - before;
	desc_line_free(&fd->head);
	for (int i = 0; i < fd->nsubs; i++)
		desc_line_free(&fd->subs[i]);
	free(cap.frames);
	free(fd);
	free(text);
	free(from);
}

static const char *const step_words[] = {
	[HX_STEP_JOIN] = "join", [HX_STEP_LEAVE] = "leave", [HX_STEP_SET_VERSION] = "set_version",
	[HX_STEP_WAIT] = "wait", [HX_STEP_SEND] = "send", [HX_STEP_REPLAY] = "replay",
	[HX_STEP_EXPECT] = "expect", [HX_STEP_EXPECT_NONE] = "expect_none",
	[HX_STEP_EXPECT_STATE] = "expect_state", [HX_STEP_EXPECT_FORWARD] = "expect_forward",
	[HX_STEP_EXPECT_NO_FORWARD] = "expect_no_forward",
};

/* Which keys each step takes besides its own word. */
static bool key_ok(enum hx_step_kind k, const char *key)
{
	switch (k) {
	case HX_STEP_JOIN:
		return !strcmp(key, "mode") || !strcmp(key, "sources") || !strcmp(key, "groups") ||
		       !strcmp(key, "may_fail");
	case HX_STEP_LEAVE:
		return !strcmp(key, "groups") || !strcmp(key, "may_fail");
	case HX_STEP_SEND:
		return !strcmp(key, "repeat") || !strcmp(key, "every") || !strcmp(key, "fragment") ||
		       !strcmp(key, "from") || !strcmp(key, "rate") || !strcmp(key, "for") ||
		       !strcmp(key, "groups") || !strcmp(key, "source_lists");
	case HX_STEP_REPLAY:
		return !strcmp(key, "frames");
	case HX_STEP_EXPECT:
		return !strcmp(key, "within") || !strcmp(key, "count") || !strcmp(key, "rule") ||
		       !strcmp(key, "need") || !strcmp(key, "cover") || !strcmp(key, "every");
	case HX_STEP_EXPECT_NONE:
		return !strcmp(key, "within") || !strcmp(key, "rule");
	case HX_STEP_EXPECT_STATE:
		return !strcmp(key, "within") || !strcmp(key, "rule") || !strcmp(key, "need") ||
		       !strcmp(key, "groups");
	case HX_STEP_EXPECT_FORWARD:
		return !strcmp(key, "within") || !strcmp(key, "rule") || !strcmp(key, "need");
	case HX_STEP_EXPECT_NO_FORWARD:
		return !strcmp(key, "within") || !strcmp(key, "rule");
	default:
		return false;
	}
}

static bool group_ok(const char *s)
{
	unsigned a, b, c, d;
	char extra;

	return sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a >= 224 && a <= 239 &&
	       b < 256 && c < 256 && d < 256;
}

/* A count as far as it is known at load: 0 if not given, its value if a
 * plain number, else 1 (an expression of the profile, checked at run). */
static unsigned known_count(const char *text)
{
	char e[200];
	double d;

	if (!text)
		return 0;
	if (!strpbrk(text, "abcdefghijklmnopqrstuvwxyz_") &&
	    hx_expr_eval(text, &(struct hx_vars){ 0 }, &d, e, sizeof(e)) && d >= 1 && d <= 65536)
		return (unsigned)d;
	return 1;
}

static void step(struct rd *r, const yaml_node_t *n, struct hx_case *c)
{
	yaml_node_t *k, *v, *word = NULL, *arg = NULL;
	struct hx_step s = { .line = line(n), .count_min = 1, .rule = IGMPX_RULE_COUNT };
	bool have = false;

	if (n->type != YAML_MAPPING_NODE) {
		err(r, n, "a step is a mapping such as \"- send: v3query\"");
		return;
	}
	FOR_PAIRS(r->doc, n, k, v) {
		const char *key = scalar(r, k, "step key");
		for (size_t i = 0; key && i < sizeof(step_words) / sizeof(step_words[0]); i++)
			if (!strcmp(key, step_words[i])) {
				if (have)
					err(r, k, "two actions in one step: %s and %s",
					    (const char *)word->data.scalar.value, key);
				have = true;
				word = k;
				arg = v;
				s.kind = (enum hx_step_kind)i;
			}
	}
	if (!have) {
		err(r, n, "a step needs one of: join leave set_version wait send replay expect "
			  "expect_none expect_state expect_forward expect_no_forward");
		return;
	}
	s.text = dup_scalar(r, arg, (const char *)word->data.scalar.value);
	FOR_PAIRS(r->doc, n, k, v) {
		const char *key = k == word ? NULL : unique_key(r, n, pr_, "step key");
		if (!key)
			continue;
		if (!key_ok(s.kind, key)) {
			err(r, k, "%s takes no \"%s\"", step_words[s.kind], key);
			continue;
		}
		if (!strcmp(key, "mode")) {
			s.mode = dup_scalar(r, v, "mode");
			if (s.mode && strcmp(s.mode, "include") && strcmp(s.mode, "exclude"))
				err(r, v, "mode: include or exclude, not \"%s\"", s.mode);
		} else if (!strcmp(key, "sources")) {
						char e[200], *list;
			s.sources = dup_scalar(r, v, "sources");
			if (s.sources && *s.sources && !(list = hx_addr_list(s.sources, &hx_vars_ones, e, sizeof(e))))
				err(r, v, "sources: %s", e);
			else if (s.sources && *s.sources)
				free(list);
		} else if (!strcmp(key, "groups")) {
			s.groups = expression(r, v, "groups");
		} else if (!strcmp(key, "may_fail") || !strcmp(key, "need")) {
			const char *b = scalar(r, v, key);
			if (b && strcmp(b, "true") && strcmp(b, "false"))
				err(r, v, "%s: true or false", key);
			if (!strcmp(key, "need"))
				s.need = b && !strcmp(b, "true");
			else
				s.may_fail = b && !strcmp(b, "true");
		} else if (!strcmp(key, "repeat")) {
			double d;
			if (number(r, v, "repeat", 1, HX_SEND_MAX, &d))
				s.repeat = (unsigned)d;
		} else if (!strcmp(key, "rate")) {
			s.rate = expression(r, v, "rate");
		} else if (!strcmp(key, "for")) {
			s.for_s = expression(r, v, "for");
		} else if (!strcmp(key, "source_lists")) {
			s.source_lists = expression(r, v, "source_lists");
		} else if (!strcmp(key, "every")) {
			*(s.kind == HX_STEP_EXPECT ? &s.spacing : &s.every) = expression(r, v, "every");
		} else if (!strcmp(key, "from")) {
			char e[200];
			uint32_t a;
			unsigned hn;
			s.from = dup_scalar(r, v, "from");
			if (s.from && !hx_addr_range(s.from, &hx_vars_ones, &a, &hn, e, sizeof(e)))
				err(r, v, "from: %s", e);
		} else if (!strcmp(key, "fragment")) {
			double d;
			if (number(r, v, "fragment", 8, 1480, &d)) {
				s.fragment = (unsigned)d;
				if (s.fragment % 8)
					err(r, v, "fragment: a multiple of 8 octets");
			}
		} else if (!strcmp(key, "cover")) {
						char e[200];
			uint32_t g;
			unsigned cn;
			s.cover = dup_scalar(r, v, "cover");
			if (s.cover && !hx_addr_range(s.cover, &hx_vars_ones, &g, &cn, e, sizeof(e)))
				err(r, v, "cover: %s", e);
		} else if (!strcmp(key, "frames")) {
			unsigned a, b;
			s.range = dup_scalar(r, v, "frames");
			if (s.range && (sscanf(s.range, "%u-%u", &a, &b) != 2 || !a || b < a))
				err(r, v, "frames: A-B, frame numbers from 1, A <= B");
		} else if (!strcmp(key, "within")) {
			window(r, v, &s);
		} else if (!strcmp(key, "count")) {
			count(r, v, &s);
		} else if (!strcmp(key, "rule")) {
			const char *id = scalar(r, v, "rule");
			if (id && (s.rule = igmpx_rule_by_id(id)) == IGMPX_RULE_COUNT)
				err(r, v, "rule: no rule \"%s\" in core/rules.def", id);
		}
	}
	if (!s.text)
		goto add;
	switch (s.kind) {
	case HX_STEP_JOIN:
	case HX_STEP_LEAVE:
		if (!group_ok(s.text))
			err(r, arg, "%s: \"%s\" is not a multicast group address", step_words[s.kind],
			    s.text);
		if (s.sources && !s.mode)
			err(r, arg, "join: sources: needs mode: include or exclude");
		break;
	case HX_STEP_SEND:
		build_send(r, arg, &s);
		if (s.every && s.repeat < 2)
			err(r, n, "send: every: needs repeat: 2 or more");
		if (s.every && s.rate)
			err(r, n, "send: every: and rate: both say the spacing: one of them");
		if (s.for_s && s.repeat)
			err(r, n, "send: for: and repeat: both say how many: one of them");
		if (s.for_s && !s.rate)
			err(r, n, "send: for: needs rate:");
		if (s.rate && !s.for_s && s.repeat < 2)
			err(r, n, "send: rate: needs for: SECONDS or repeat: 2 or more");
		if ((s.groups || s.source_lists || (s.from && strchr(s.from, '+'))) && s.fragment)
			err(r, n, "send: fragment: sends one frame as it is; no ranges with it");
		if (s.frame && (s.groups || s.source_lists || (s.from && strchr(s.from, '+')))) {
			char e[200];
			if (!hx_flood_ok(s.frame, s.frame_len, known_count(s.groups),
					 known_count(s.source_lists), e, sizeof(e)))
				err(r, n, "send: %s", e);
		}
		break;
	case HX_STEP_SET_VERSION:
		if (strcmp(s.text, "1") && strcmp(s.text, "2") && strcmp(s.text, "3"))
			err(r, arg, "set_version: 1, 2 or 3");
		break;
	case HX_STEP_WAIT:
		s.lo = expression(r, arg, "wait");
		break;
	case HX_STEP_REPLAY:
		/* A relative capture is the case file's neighbour, wherever
		 * the suite is (source tree, installed data folder). */
		if (!s.text)
			break;
		if (g_path_is_absolute(s.text)) {
			s.file = strdup(s.text);
		} else {
			char *dir = g_path_get_dirname(r->path);
			char *full = g_build_filename(dir, s.text, NULL);
			s.file = strdup(full);
			g_free(dir);
			g_free(full);
		}
		if (!g_file_test(s.file, G_FILE_TEST_IS_REGULAR))
			err(r, arg, "replay: no capture %s", s.file);
		break;
	case HX_STEP_EXPECT:
	case HX_STEP_EXPECT_NONE:
		if (!hx_match_parse(s.text, r->path, line(arg), &s.match))
			r->errors++;
		if (!s.lo)
			err(r, n, "%s needs within: [LOW, HIGH]", step_words[s.kind]);
		if (s.rule == IGMPX_RULE_COUNT)
			err(r, n, "%s needs rule: (the rule of core/rules.def it checks)",
			    step_words[s.kind]);
		if (s.kind == HX_STEP_EXPECT_NONE)
			s.count_min = s.count_max = 0;
		if (s.cover && s.match.kinds != (1u << IGMPX_K_V3_REPORT))
			err(r, n, "cover: works with v3report matches");
		if (s.spacing && s.kind == HX_STEP_EXPECT && s.count_max == 1 && !s.count_lo)
			err(r, n, "every: needs count: of 2 or more");
		break;
	case HX_STEP_EXPECT_STATE: {
		struct hx_gstate g;
		char e[300];
		if (!hx_gstate_parse(s.text, true, &hx_vars_ones, &g, e, sizeof(e)))
			err(r, arg, "expect_state: %s", e);
		else
			hx_gstate_free(&g);
		if (!s.lo)
			err(r, n, "expect_state needs within: [LOW, HIGH]");
		if (s.rule == IGMPX_RULE_COUNT)
			err(r, n, "expect_state needs rule: (the rule of core/rules.def it checks)");
		break;
	}
	case HX_STEP_EXPECT_FORWARD:
	case HX_STEP_EXPECT_NO_FORWARD: {
		char src[32], grp[32], extra;
		uint32_t a;
		if (sscanf(s.text, "%31s %31s %c", src, grp, &extra) != 2)
			err(r, arg, "%s: \"%s\" is not SOURCE GROUP (198.51.100.1 239.1.1.1)",
			    step_words[s.kind], s.text);
		else if (!hx_addr_parse(src, &a) || a == 0 || (a >> 28) >= 0xE || (a >> 24) == 127)
			err(r, arg, "%s: \"%s\" is not a unicast source address", step_words[s.kind],
			    src);
		else if (!group_ok(grp) || !hx_addr_parse(grp, &s.match.group) ||
			 (s.match.group & 0xFFFFFF00u) == 0xE0000000u)
			err(r, arg, "%s: \"%s\" is not a multicast group outside 224.0.0.0/24 "
			    "(link-local traffic is never routed)", step_words[s.kind], grp);
		else
			s.match.src = a, s.match.has_src = s.match.has_group = true;
		if (!s.lo)
			err(r, n, "%s needs within: [LOW, HIGH]", step_words[s.kind]);
		if (s.rule == IGMPX_RULE_COUNT)
			err(r, n, "%s needs rule: (the rule of core/rules.def it checks)",
			    step_words[s.kind]);
		break;
	}
	}
add:
	c->steps = realloc(c->steps, (c->nsteps + 1) * sizeof(*c->steps));
	if (!c->steps)
		exit(2);
	c->steps[c->nsteps++] = s;
}

static const char *const levels[] = { "MUST", "SHOULD", "MAY", "NEG" };

/* What a case's sent frame leaves in the IUT past the case's end, or NULL.
 * In a host: an IGMPv1 or v2 Query starts a compatibility mode (RFC 9776
 * §7.2.1, until the Older Version Querier Present Timeout of §8.12), and
 * a v3 Query's QRV other than 0 or the default 2 is a Robustness Variable
 * hosts may adopt (§4.1.6) and keep until the next query.  In a router: a
 * General Query from an address below the IUT's makes it a Non-Querier
 * for the Other Querier Present Interval (§6.6.2).  (What any report
 * teaches a router lasts its Group Membership Interval: a router profile
 * for a device wants a reset.) */
static const char *lasting_cause(const struct hx_step *s, bool router)
{
	struct igmpx_ipv4 h;
	struct igmpx_msg m;
	size_t iplen;
	const uint8_t *ip;

	if (s->kind != HX_STEP_SEND || !s->frame)
		return NULL;
	ip = hx_ip_of(1, s->frame, s->frame_len, &iplen);
	if (!ip || !igmpx_ipv4_parse(ip, iplen, &h) || h.proto != IGMPX_IPPROTO_IGMP)
		return NULL;
	igmpx_parse_to(ip + h.payload_off, h.payload_len, h.dst, &m);
	if (router) {
		bool general = (m.kind == IGMPX_K_V1_QUERY || m.kind == IGMPX_K_V2_QUERY)
				       ? m.u.v12.group == 0
				       : m.kind == IGMPX_K_V3_QUERY && m.u.v3q.group == 0;
		if (general && m.status == IGMPX_OK && m.checksum_ok && h.src < HX_IUT_ADDR)
			return "a General Query from an address below the IUT's (a Non-Querier "
			       "for the Other Querier Present Interval)";
		return NULL;
	}
	if (m.kind == IGMPX_K_V1_QUERY)
		return "an IGMPv1 Query (IGMPv1 compatibility mode)";
	if (m.kind == IGMPX_K_V2_QUERY)
		return "an IGMPv2 Query (IGMPv2 compatibility mode)";
	if (m.kind == IGMPX_K_V3_QUERY && m.status == IGMPX_OK && m.u.v3q.qrv != 0 &&
	    m.u.v3q.qrv != 2)
		return "a v3 Query with a QRV of its own (a Robustness Variable hosts may adopt)";
	return NULL;
}

bool hx_case_load(const char *path, struct hx_case *c)
{
	struct rd r = { path, NULL, 0 };
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *f = fopen(path, "rb");
	yaml_node_t *root, *k, *v;
	bool seen_steps = false;

	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	c->deadline_s = 60;
	if (!f) {
		fprintf(stderr, "%s: cannot open: %m\n", path);
		return false;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s:%zu:%zu: %s%s%s\n", path, parser.problem_mark.line + 1,
			parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error",
			parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		fclose(f);
		return false;
	}
	r.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		err(&r, root, "a case is a mapping (id:, title:, rfc:, level:, role:, versions:, steps:)");
		goto out;
	}
	FOR_PAIRS(&doc, root, k, v) {
		const char *key = unique_key(&r, root, pr_, "key");
		if (!key)
			continue;
		if (!strcmp(key, "id")) {
			c->id = dup_scalar(&r, v, "id");
		} else if (!strcmp(key, "title")) {
			c->title = dup_scalar(&r, v, "title");
		} else if (!strcmp(key, "rfc")) {
			c->rfc = dup_scalar(&r, v, "rfc");
		} else if (!strcmp(key, "level")) {
			c->level = dup_scalar(&r, v, "level");
			bool ok = false;
			for (size_t i = 0; c->level && i < 4; i++)
				ok = ok || !strcmp(c->level, levels[i]);
			if (c->level && !ok)
				err(&r, v, "level: MUST, SHOULD, MAY or NEG, not \"%s\"", c->level);
		} else if (!strcmp(key, "role")) {
			c->role = dup_scalar(&r, v, "role");
			if (c->role && strcmp(c->role, "host") && strcmp(c->role, "router"))
				err(&r, v, "role: host or router, not \"%s\"", c->role);
		} else if (!strcmp(key, "versions")) {
			c->versions = versions(&r, v);
		} else if (!strcmp(key, "ssm_aware")) {
			const char *b = scalar(&r, v, "ssm_aware");
			if (b && strcmp(b, "true") && strcmp(b, "false"))
				err(&r, v, "ssm_aware: true or false");
			c->ssm_aware = b && !strcmp(b, "true");
		} else if (!strcmp(key, "deadline")) {
			/* Seconds, or an expression of the profile's timers for
			 * a case whose length follows them. */
			const char *t = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
			char *end;
			(void)strtod(t, &end);
			if (*t && end != t && !*end)
				number(&r, v, "deadline", 1, 3600, &c->deadline_s);
			else if ((c->deadline = expression(&r, v, "deadline")))
				c->deadline_s = 0;
		} else if (!strcmp(key, "lasting")) {
			c->lasting = dup_scalar(&r, v, "lasting");
		} else if (!strcmp(key, "steps")) {
			seen_steps = true;
			if (v->type != YAML_SEQUENCE_NODE) {
				err(&r, v, "steps: a list of steps");
				continue;
			}
			for (yaml_node_item_t *i = v->data.sequence.items.start;
			     i < v->data.sequence.items.top; i++)
				step(&r, yaml_document_get_node(&doc, *i), c);
		} else {
			err(&r, k, "unknown key \"%s\" (known: id title rfc level role versions ssm_aware "
				    "deadline lasting steps)", key);
		}
	}
	static const char *const need[] = { "id", "title", "rfc", "level", "role" };
	const char *have[] = { c->id, c->title, c->rfc, c->level, c->role };
	for (size_t i = 0; i < 5; i++)
		if (!have[i])
			err(&r, root, "%s: missing", need[i]);
	if (!c->versions)
		err(&r, root, "versions: missing");
	for (size_t i = 0; c->role && !c->lasting && i < c->nsteps; i++) {
		bool router = !strcmp(c->role, "router");
		const char *why = lasting_cause(&c->steps[i], router);
		if (why) {
			fprintf(stderr, "%s:%d: the case sends %s, which outlasts it in a %s: say "
				"what it leaves behind with lasting:\n", path, c->steps[i].line, why,
				router ? "router" : "host");
			r.errors++;
			break;
		}
	}
	if (!seen_steps || !c->nsteps)
		err(&r, root, "steps: missing or empty");
	else if (c->steps[c->nsteps - 1].kind != HX_STEP_EXPECT &&
		 c->steps[c->nsteps - 1].kind != HX_STEP_EXPECT_NONE &&
		 c->steps[c->nsteps - 1].kind != HX_STEP_EXPECT_STATE &&
		 c->steps[c->nsteps - 1].kind != HX_STEP_EXPECT_FORWARD &&
		 c->steps[c->nsteps - 1].kind != HX_STEP_EXPECT_NO_FORWARD &&
		 c->steps[c->nsteps - 1].kind != HX_STEP_WAIT)
		err(&r, root, "the last step is not expect, expect_none, expect_state, expect_forward, "
			      "expect_no_forward or wait: nothing is judged after it");
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return r.errors == 0;
}

void hx_case_free(struct hx_case *c)
{
	for (size_t i = 0; i < c->nsteps; i++) {
		struct hx_step *s = &c->steps[i];
		free(s->text);
		free(s->file);
		free(s->mode);
		free(s->sources);
		free(s->groups);
		free(s->every);
		free(s->spacing);
		free(s->from);
		free(s->rate);
		free(s->for_s);
		free(s->source_lists);
		free(s->count_lo);
		free(s->count_hi);
		free(s->cover);
		hx_match_free(&s->match);
		free(s->lo);
		free(s->hi);
		free(s->frame);
		free(s->range);
	}
	free(c->steps);
	free(c->path);
	free(c->id);
	free(c->title);
	free(c->rfc);
	free(c->level);
	free(c->role);
	free(c->deadline);
	free(c->lasting);
	memset(c, 0, sizeof(*c));
}

double hx_case_deadline(const struct hx_case *c, const struct hx_profile *p)
{
	struct hx_vars v;
	char e[200];
	double d;

	if (!c->deadline)
		return c->deadline_s;
	hx_profile_vars(p, &v);
	/* Checked at load; a result past an hour is held to the hour. */
	if (!hx_expr_eval(c->deadline, &v, &d, e, sizeof(e)) || d < 1)
		d = 60;
	return d > 3600 ? 3600 : d;
}
