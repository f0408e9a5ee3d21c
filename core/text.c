/* text.c: the findings' texts without stdio.  See text.h. */
#include "text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A text being written: what does not fit in size - 1 octets is counted,
 * not written, as vsnprintf counts it. */
struct sink {
	char *buf;
	size_t size, n;
};

static void put(struct sink *s, char ch)
{
	if (s->n + 1 < s->size)
		s->buf[s->n] = ch;
	s->n++;
}

static void put_str(struct sink *s, const char *p, size_t len)
{
	if (s->n + 1 < s->size) {
		size_t room = s->size - 1 - s->n;
		memcpy(s->buf + s->n, p, len < room ? len : room);
	}
	s->n += len;
}

static void pad(struct sink *s, char ch, size_t k)
{
	while (k--)
		put(s, ch);
}

static void end(struct sink *s)
{
	if (s->size)
		s->buf[s->n < s->size ? s->n : s->size - 1] = '\0';
}

/* v in base 10 or 16 with a minus sign if neg, in width octets at least:
 * zeros after the sign (the 0 flag) or spaces before it. */
static void put_num(struct sink *s, uint64_t v, unsigned base, bool neg, size_t width, bool zero)
{
	char d[24];
	size_t k = 0, len;

	do {
		d[k++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	len = k + neg;
	if (!zero && width > len)
		pad(s, ' ', width - len);
	if (neg)
		put(s, '-');
	if (zero && width > len)
		pad(s, '0', width - len);
	while (k)
		put(s, d[--k]);
}

int igmpx_text_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size, 0 };
	va_list whole;

	va_copy(whole, ap);
	for (const char *p = fmt; *p; p++) {
		const char *lit = p;
		while (*p && *p != '%')
			p++;
		put_str(&s, lit, (size_t)(p - lit));
		if (!*p)
			break;
		p++;
		bool zero = *p == '0', z = false;
		size_t width = 0;
		if (zero)
			p++;
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (size_t)(*p++ - '0');
		if (*p == 'z')
			z = true, p++;
		switch (*p) {
		case '%':
			put(&s, '%');
			continue;
		case 's':
			if (!z && !zero) {
				const char *str = va_arg(ap, const char *);
				size_t len;
				if (!str)
					str = "(null)";
				len = strlen(str);
				if (width > len)
					pad(&s, ' ', width - len);
				put_str(&s, str, len);
				continue;
			}
			break;
		case 'c':
			if (!z && !zero) {
				if (width > 1)
					pad(&s, ' ', width - 1);
				put(&s, (char)va_arg(ap, int));
				continue;
			}
			break;
		case 'd':
			if (!z) {
				int v = va_arg(ap, int);
				put_num(&s, v < 0 ? 0u - (uint64_t)(int64_t)v : (uint64_t)v, 10, v < 0,
					width, zero);
				continue;
			}
			break;
		case 'u': case 'x':
			put_num(&s, z ? (uint64_t)va_arg(ap, size_t) : va_arg(ap, unsigned),
				*p == 'x' ? 16 : 10, false, width, zero);
			continue;
		}
		/* Any other conversion: stdio writes the whole text. */
		int n = vsnprintf(buf, size, fmt, whole);
		va_end(whole);
		return n;
	}
	va_end(whole);
	end(&s);
	return (int)s.n;
}

int igmpx_text_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = igmpx_text_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

size_t igmpx_text_append(char *buf, size_t size, size_t n, const char *s)
{
	struct sink k = { buf, size, n };

	put_str(&k, s, strlen(s));
	end(&k);
	return k.n;
}

char *igmpx_text_ip4(char buf[16], uint32_t a)
{
	char *p = buf;

	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned o = (a >> shift) & 0xFF;
		if (o >= 100)
			*p++ = (char)('0' + o / 100);
		if (o >= 10)
			*p++ = (char)('0' + o / 10 % 10);
		*p++ = (char)('0' + o % 10);
		*p++ = shift ? '.' : '\0';
	}
	return buf;
}

char *igmpx_text_secs(char buf[IGMPX_TEXT_SECS], uint64_t us, unsigned decimals)
{
	uint64_t step = 1000000, q, r;
	char d[24], *p = buf;
	unsigned k = 0;

	if (decimals > 5)
		decimals = 5;
	for (unsigned i = 0; i < decimals; i++)
		step /= 10;                  /* microseconds per last digit */
	q = us / step;
	r = us % step;
	if (r > step / 2 || (r == step / 2 && (q & 1)))
		q++;
	do {
		d[k++] = (char)('0' + q % 10);
		q /= 10;
	} while (q || k <= decimals);
	while (k) {
		*p++ = d[--k];
		if (k == decimals && k)
			*p++ = '.';
	}
	*p = '\0';
	return buf;
}
