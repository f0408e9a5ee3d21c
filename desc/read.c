/* read.c: read capture descriptions (format: pcaps/README.md).
 *
 * A file is a list of captures; a capture is a name, a note and frames; a
 * frame is one line (common keys, one message keyword, message keys) plus
 * indented continuation lines (record, block, entry).  Values are read by
 * the typed getters below, each of which names file:line on a bad value. */
#define _GNU_SOURCE   /* program_invocation_short_name */
#include "desc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned desc_errors;

void desc_err(const struct desc_line *l, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: ", l->file, l->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	desc_errors++;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q) {
		perror(program_invocation_short_name);   /* igmpx-pcapgen, igmpx */
		exit(2);
	}
	return q;
}

/* ---- Value getters ---------------------------------------------------------- */

const char *desc_get(const struct desc_line *l, const char *key)
{
	for (int i = 0; i < l->nkv; i++)
		if (strcmp(l->kv[i].key, key) == 0)
			return l->kv[i].val;
	return NULL;
}

bool desc_has(const struct desc_line *l, const char *key)
{
	return desc_get(l, key) != NULL;
}

static bool in_list(const char *list, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = list; p && *p;) {
		while (*p == ' ')
			p++;
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, key, n) == 0)
			return true;
		p += len;
	}
	return false;
}

void desc_check_keys(const struct desc_line *l, const char *keys1, const char *keys2)
{
	for (int i = 0; i < l->nkv; i++) {
		const char *k = l->kv[i].key;
		if (in_list(keys1, k) || in_list(keys2, k))
			continue;
		desc_err(l, "unknown key \"%s\" for %s (expected one of: %s%s%s)", k, l->word,
		       keys2 ? keys2 : "", keys1 && keys2 ? " " : "", keys1 ? keys1 : "");
	}
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

uint64_t desc_num(const struct desc_line *l, const char *key, uint64_t def, uint64_t max)
{
	const char *s = desc_get(l, key);
	uint64_t v;
	if (!s)
		return def;
	if (!parse_u64(s, &v) || v > max) {
		desc_err(l, "%s=\"%s\": expected a number from 0 to %llu (decimal or 0x hex)",
		       key, s, (unsigned long long)max);
		return def;
	}
	return v;
}

static bool parse_addr(const char *s, uint32_t *a)
{
	struct in_addr in;
	if (inet_pton(AF_INET, s, &in) != 1)
		return false;
	*a = ntohl(in.s_addr);
	return true;
}

uint32_t desc_addr(const struct desc_line *l, const char *key, uint32_t def)
{
	const char *s = desc_get(l, key);
	uint32_t a;
	if (!s)
		return def;
	if (!parse_addr(s, &a)) {
		desc_err(l, "%s=\"%s\": not an IPv4 address", key, s);
		return def;
	}
	return a;
}

uint32_t desc_addr_req(const struct desc_line *l, const char *key)
{
	if (!desc_has(l, key))
		desc_err(l, "%s needs %s=", l->word, key);
	return desc_addr(l, key, 0);
}

bool desc_bool(const struct desc_line *l, const char *key, bool def)
{
	const char *s = desc_get(l, key);
	if (!s)
		return def;
	if (strcmp(s, "yes") == 0)
		return true;
	if (strcmp(s, "no") == 0)
		return false;
	desc_err(l, "%s=\"%s\": expected yes or no", key, s);
	return def;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

size_t desc_hex(const struct desc_line *l, const char *key, uint8_t *out, size_t cap)
{
	const char *s = desc_get(l, key);
	size_t n = 0;
	if (!s)
		return 0;
	for (const char *p = s; *p;) {
		if (*p == '_' || *p == ':' || *p == '.') {
			p++;
			continue;
		}
		int hi = hexval(p[0]), lo = p[1] ? hexval(p[1]) : -1;
		if (hi < 0 || lo < 0) {
			desc_err(l, "%s=\"%s\": expected hex octets (pairs of digits, '_' ':' '.' between)",
			       key, s);
			return 0;
		}
		if (n == cap) {
			desc_err(l, "%s: more than %zu octets", key, cap);
			return 0;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	return n;
}

/* One list item: A or A+N. */
static bool addr_item(const char *item, uint32_t *first, uint64_t *count)
{
	char buf[64];
	const char *plus = strchr(item, '+');
	size_t alen = plus ? (size_t)(plus - item) : strlen(item);
	if (alen >= sizeof(buf))
		return false;
	memcpy(buf, item, alen);
	buf[alen] = '\0';
	*count = 1;
	if (plus && (!parse_u64(plus + 1, count) || *count == 0))
		return false;
	return parse_addr(buf, first);
}

unsigned desc_addrs(const struct desc_line *l, const char *key, uint32_t *out, unsigned cap)
{
	const char *s = desc_get(l, key);
	unsigned n = 0;
	if (!s || !*s)
		return 0;
	char *copy = strdup(s), *save = NULL;
	for (char *it = strtok_r(copy, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
		uint32_t a;
		uint64_t count;
		if (!addr_item(it, &a, &count)) {
			desc_err(l, "%s: \"%s\" is not an address or ADDRESS+COUNT", key, it);
			break;
		}
		if (count > cap - n) {
			desc_err(l, "%s: more than %u addresses", key, cap);
			break;
		}
		for (uint64_t i = 0; i < count; i++)
			out[n++] = a + (uint32_t)i;
	}
	free(copy);
	return n;
}

unsigned desc_enum(const struct desc_line *l, const char *key, const char *const *names,
		 unsigned nnames, int def, unsigned max)
{
	const char *s = desc_get(l, key);
	uint64_t v;
	if (!s) {
		if (def < 0)
			desc_err(l, "%s needs %s=", l->word, key);
		return def < 0 ? 0 : (unsigned)def;
	}
	for (unsigned i = 0; i < nnames; i++)
		if (names[i] && strcasecmp(names[i], s) == 0)
			return i;
	if (parse_u64(s, &v) && v <= max)
		return (unsigned)v;
	char list[256] = "";
	for (unsigned i = 0; i < nnames; i++)
		if (names[i]) {
			strncat(list, " ", sizeof(list) - strlen(list) - 1);
			strncat(list, names[i], sizeof(list) - strlen(list) - 1);
		}
	desc_err(l, "%s=\"%s\": expected one of:%s, or a number up to %u", key, s, list, max);
	return def < 0 ? 0 : (unsigned)def;
}

/* Seconds with up to 6 decimals, read exactly (no floating point). */
uint64_t desc_time_us(const struct desc_line *l, const char *key, uint64_t def)
{
	const char *s = desc_get(l, key);
	if (!s)
		return def;
	uint64_t sec = 0, frac = 0;
	const char *p = s;
	int digits = 0, fdigits = 0;
	for (; isdigit((unsigned char)*p) && digits < 10; p++, digits++)
		sec = sec * 10 + (uint64_t)(*p - '0');
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) && fdigits < 6; p++, fdigits++)
			frac = frac * 10 + (uint64_t)(*p - '0');
	if (*p || digits == 0) {
		desc_err(l, "%s=\"%s\": expected seconds (e.g. 1.25, at most 6 decimals)", key, s);
		return def;
	}
	for (; fdigits < 6; fdigits++)
		frac *= 10;
	return sec * 1000000u + frac;
}

/* ---- Lines -------------------------------------------------------------------- */

/* Splits text into l: words before the first key are allowed only as the
 * line's word; a frame line may hold its word after keys.  On an error l
 * keeps its file and line but no text (nothing to free). */
bool desc_line_parse(const char *text, const char *file, int lineno, struct desc_line *l)
{
	memset(l, 0, sizeof(*l));
	l->buf = xrealloc(NULL, strlen(text) + 1);
	strcpy(l->buf, text);
	l->file = file;
	l->lineno = lineno;
	char *save = NULL;
	for (char *t = strtok_r(l->buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(t, '=');
		if (!eq) {
			if (l->word) {
				desc_err(l, "two message words: \"%s\" and \"%s\"", l->word, t);
				goto fail;
			}
			l->word = t;
			continue;
		}
		*eq = '\0';
		if (eq == t || desc_has(l, t) || l->nkv == DESC_MAX_KV) {
			desc_err(l, eq == t ? "empty key before \"=%s\"" : "key \"%s\" given twice or too many keys",
			       eq == t ? eq + 1 : t);
			goto fail;
		}
		l->kv[l->nkv].key = t;
		l->kv[l->nkv++].val = eq + 1;
	}
	return true;
fail:
	desc_line_free(l);
	l->word = NULL;
	l->nkv = 0;
	return false;
}

void desc_line_free(struct desc_line *l)
{
	free(l->buf);
	l->buf = NULL;
}

/* ---- Files -------------------------------------------------------------------- */

struct reader {
	const char *file;
	struct desc_set *set;
	struct desc_capture *cap;       /* current capture, NULL before the first */
	struct desc_frame_lines *fd;     /* frame being read, or NULL */
	unsigned cap_errors;          /* desc_errors when the capture started */
};

static void flush_frame(struct reader *r)
{
	if (!r->fd)
		return;
	desc_frame_build(r->fd, r->cap);
	desc_line_free(&r->fd->head);
	for (int i = 0; i < r->fd->nsubs; i++)
		desc_line_free(&r->fd->subs[i]);
	free(r->fd);
	r->fd = NULL;
}

static void end_capture(struct reader *r)
{
	flush_frame(r);
	if (!r->cap)
		return;
	struct desc_line at = { .file = r->cap->file, .lineno = r->cap->lineno };
	if (!r->cap->note)
		desc_err(&at, "capture %s has no note (say what it must show)", r->cap->name);
	if (!r->cap->nframes && desc_errors == r->cap_errors)
		desc_err(&at, "capture %s has no frames", r->cap->name);
	r->cap = NULL;
}

static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

static void start_capture(struct reader *r, const struct desc_line *l, const char *name)
{
	end_capture(r);
	if (!name_ok(name)) {
		desc_err(l, "capture name \"%s\": use lower-case letters, digits and '-'", name);
		return;
	}
	struct desc_set *s = r->set;
	for (size_t i = 0; i < s->ncaps; i++)
		if (strcmp(s->caps[i].name, name) == 0) {
			desc_err(l, "capture %s already defined at %s:%d", name, s->caps[i].file,
			       s->caps[i].lineno);
			return;
		}
	if (s->ncaps == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->caps = xrealloc(s->caps, s->cap * sizeof(*s->caps));
	}
	r->cap = &s->caps[s->ncaps++];
	memset(r->cap, 0, sizeof(*r->cap));
	r->cap->name = strdup(name);
	r->cap->file = r->file;
	r->cap->lineno = l->lineno;
	r->cap_errors = desc_errors;
}

static void add_note(struct reader *r, const struct desc_line *l, const char *text)
{
	if (!r->cap) {
		desc_err(l, "note before any capture");
		return;
	}
	size_t old = r->cap->note ? strlen(r->cap->note) + 1 : 0;
	r->cap->note = xrealloc(r->cap->note, old + strlen(text) + 1);
	if (old)
		r->cap->note[old - 1] = ' ';
	strcpy(r->cap->note + old, text);
}

static void start_frame(struct reader *r, char *rest, int lineno)
{
	flush_frame(r);
	struct desc_frame_lines *fd = calloc(1, sizeof(*fd));
	if (!fd)
		exit(2);
	if (!desc_line_parse(rest, r->file, lineno, &fd->head) || !r->cap) {
		if (!r->cap)
			desc_err(&fd->head, "frame before any capture");
		desc_line_free(&fd->head);
		free(fd);
		return;
	}
	if (!fd->head.word) {
		desc_err(&fd->head, "frame without a message keyword");
		desc_line_free(&fd->head);
		free(fd);
		return;
	}
	r->fd = fd;
}

static void add_sub(struct reader *r, char *text, int lineno)
{
	struct desc_line tmp = { .file = r->file, .lineno = lineno };
	if (!r->fd) {
		desc_err(&tmp, "indented line outside a frame (or its frame had an error)");
		return;
	}
	if (r->fd->nsubs == DESC_MAX_SUBS) {
		desc_err(&tmp, "more than %d continuation lines in one frame", DESC_MAX_SUBS);
		return;
	}
	struct desc_line *l = &r->fd->subs[r->fd->nsubs];
	if (!desc_line_parse(text, r->file, lineno, l)) {
		desc_line_free(l);
		return;
	}
	if (!l->word) {
		desc_err(l, "continuation line without a word (record, block, entry)");
		desc_line_free(l);
		return;
	}
	r->fd->nsubs++;
}

/* Strips a comment: '#' at the start or after blank space. */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

static void read_line(struct reader *r, char *line, int lineno)
{
	bool indented = line[0] == ' ' || line[0] == '\t';
	strip_comment(line);
	char *p = line + strspn(line, " \t");
	if (!*p)
		return;
	if (indented) {
		add_sub(r, p, lineno);
		return;
	}
	struct desc_line l = { .file = r->file, .lineno = lineno, .word = p };
	size_t wlen = strcspn(p, " \t");
	char *rest = p + wlen;
	if (*rest) {
		*rest++ = '\0';
		rest += strspn(rest, " \t");
	}
	if (strcmp(p, "capture") == 0)
		start_capture(r, &l, rest);
	else if (strcmp(p, "note") == 0)
		add_note(r, &l, rest);
	else if (strcmp(p, "frame") == 0)
		start_frame(r, rest, lineno);
	else
		desc_err(&l, "unknown line \"%s\" (expected capture, note, frame, or an indented "
		       "continuation)", p);
}

bool desc_read_file(const char *path, struct desc_set *set)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		desc_errors++;
		return false;
	}
	set->files = xrealloc(set->files, (set->nfiles + 1) * sizeof(*set->files));
	set->files[set->nfiles] = strdup(path);
	struct reader r = { .file = set->files[set->nfiles++], .set = set };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;
	unsigned before = desc_errors;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		read_line(&r, line, lineno);
	}
	end_capture(&r);
	free(line);
	fclose(f);
	return desc_errors == before;
}

void desc_set_free(struct desc_set *set)
{
	for (size_t i = 0; i < set->ncaps; i++) {
		struct desc_capture *c = &set->caps[i];
		for (size_t j = 0; j < c->nframes; j++)
			free(c->frames[j].bytes);
		free(c->frames);
		free(c->name);
		free(c->note);
	}
	free(set->caps);
	for (size_t i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->files);
	memset(set, 0, sizeof(*set));
}
