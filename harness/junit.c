/* junit.c: the JUnit XML writer.  See junit.h. */
#include "junit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct out {
	FILE *f;
	int err;	/* first errno of a failed write, 0 if none */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->err || n == 0)
		return;
	errno = 0;
	if (fwrite(s, 1, n, o->f) != n)
		o->err = errno ? errno : EIO;
}

static void puts_(struct out *o, const char *s) { put(o, s, strlen(s)); }

static void printf_(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(struct out *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Length of the UTF-8 sequence at s and its code point, or 0 if s does not
 * start one (bad lead, missing continuation, overlong, surrogate, > U+10FFFF).
 * A NUL is never a continuation octet, so reads stop at the string's end. */
static size_t utf8_seq(const unsigned char *s, unsigned long *cp)
{
	size_t n;
	unsigned long c;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second octet */

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2, c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3, c = s[0] & 0x0F;
		if (s[0] == 0xE0)
			lo = 0xA0;
		else if (s[0] == 0xED)
			hi = 0x9F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4, c = s[0] & 0x07;
		if (s[0] == 0xF0)
			lo = 0x90;
		else if (s[0] == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	*cp = c;
	return n;
}

/* Text or attribute value.  In attributes, tab, newline and return are
 * written as references, else a parser would turn them into spaces. */
static void esc(struct out *o, const char *str, bool attr)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	while (*s) {
		unsigned long c;
		size_t n = utf8_seq(s, &c);
		const char *rep = NULL;

		if (n == 0) {
			put(o, "\xEF\xBF\xBD", 3); /* U+FFFD for an octet that is not UTF-8 */
			s++;
			continue;
		}
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		case '\t': rep = attr ? "&#9;" : "\t"; break;
		case '\n': rep = attr ? "&#10;" : "\n"; break;
		case '\r': rep = "&#13;"; break;
		default:
			/* C0, DEL, C1 controls; U+FFFE and U+FFFF are not XML characters. */
			if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF)
				rep = "";
		}
		if (rep)
			puts_(o, rep);
		else
			put(o, (const char *)s, n);
		s += n;
	}
}

/* Seconds with three decimals, by hand: printf's "%f" follows LC_NUMERIC
 * and would write a decimal comma in some locales. */
static void put_time(struct out *o, double s)
{
	long long ms = s > 0 ? (s < 1e12 ? (long long)(s * 1000 + 0.5) : 1000000000000000LL) : 0;

	printf_(o, "%lld.%03lld", ms / 1000, ms % 1000);
}

static bool is(const char *verdict, const char *v) { return verdict && strcmp(verdict, v) == 0; }

static void put_case(struct out *o, const struct hx_junit_case *c)
{
	static const char *const names[] = { "verdict", "rfc", "level" };
	const char *values[] = { c->verdict, c->rfc, c->level };

	puts_(o, "    <testcase name=\"");
	esc(o, c->id, true);
	puts_(o, "\" classname=\"");
	esc(o, c->classname, true);
	puts_(o, "\" time=\"");
	put_time(o, c->seconds);
	puts_(o, "\">\n      <properties>\n");
	for (size_t i = 0; i < 3; i++) {
		printf_(o, "        <property name=\"%s\" value=\"", names[i]);
		esc(o, values[i], true);
		puts_(o, "\"/>\n");
	}
	puts_(o, "      </properties>\n");

	const char *tag = is(c->verdict, "FAIL") ? "failure" : is(c->verdict, "ERROR") ? "error" :
			  is(c->verdict, "SKIP") ? "skipped" : NULL;

	if (tag) {
		printf_(o, "      <%s message=\"", tag);
		esc(o, c->message, true);
		if (c->detail && *c->detail && strcmp(tag, "skipped") != 0) {
			puts_(o, "\">");
			esc(o, c->detail, false);
			printf_(o, "</%s>\n", tag);
		} else {
			puts_(o, "\"/>\n");
		}
	} else if ((is(c->verdict, "WARN") || is(c->verdict, "INCONCLUSIVE")) &&
		   ((c->message && *c->message) || (c->detail && *c->detail))) {
		/* No JUnit element for these: the reason goes where a reader
		 * of the test's output will find it. */
		puts_(o, "      <system-out>");
		esc(o, c->message, false);
		if (c->message && *c->message && c->detail && *c->detail)
			puts_(o, "\n");
		esc(o, c->detail, false);
		puts_(o, "</system-out>\n");
	}
	puts_(o, "    </testcase>\n");
}

int hx_junit_write(const char *path, const char *suite, const struct hx_junit_case *cases, size_t n,
		   char *err, size_t errlen)
{
	struct out o = { 0 };
	size_t failures = 0, errors = 0, skipped = 0;
	double total = 0;

	if (!path || (!cases && n)) {
		o.err = EINVAL;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		failures += is(cases[i].verdict, "FAIL");
		errors += is(cases[i].verdict, "ERROR");
		skipped += is(cases[i].verdict, "SKIP");
		total += cases[i].seconds > 0 ? cases[i].seconds : 0;
	}
	o.f = fopen(path, "w");
	if (!o.f) {
		o.err = errno;
		goto fail;
	}
	puts_(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"");
	esc(&o, suite, true);
	printf_(&o, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"", n,
		failures, errors, skipped);
	put_time(&o, total);
	puts_(&o, "\">\n");
	for (size_t i = 0; i < n; i++)
		put_case(&o, &cases[i]);
	puts_(&o, "  </testsuite>\n</testsuites>\n");
	if (fclose(o.f) != 0 && !o.err)
		o.err = errno ? errno : EIO;
	if (!o.err)
		return 0;
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path ? path : "(null)", strerror(o.err));
	errno = o.err;
	return -1;
}
