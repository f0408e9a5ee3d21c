/* text.h: writing the findings' texts without stdio.
 *
 * A capture full of findings makes a text for each, tens of thousands a
 * second, and glibc's vsnprintf (its stream machinery, and the exact
 * conversion of doubles) was a fifth of what the plugin added to tshark's
 * CPU time in bench/run.sh.  These do the same for the few conversions the
 * texts use, in plain integer arithmetic. */
#ifndef IGMPX_TEXT_H
#define IGMPX_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* vsnprintf(buf, size, fmt, ap) for %s %c %d %u %x (z for %u and %x), a
 * width and a 0 flag (%02x), and %%: the same text and the same
 * return value (the length of the whole text, written or not).  A format
 * with any other conversion is handed to vsnprintf whole. */
int igmpx_text_vformat(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* The same, with the arguments given directly. */
int igmpx_text_format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends the string s to the text of length n in buf (of size octets),
 * cutting it where buf ends; returns the new length (as vsnprintf would,
 * so a cut text has a length >= size). */
size_t igmpx_text_append(char *buf, size_t size, size_t n, const char *s);

/* "a.b.c.d" of a (host order) into buf; returns buf. */
char *igmpx_text_ip4(char buf[16], uint32_t a);

/* us microseconds as seconds with decimals (0-5) decimals, rounded to the
 * nearest, a tie to the even last digit (as printf("%.*f") rounds a value
 * it holds exactly); returns buf.  24 octets hold any uint64_t. */
#define IGMPX_TEXT_SECS 24
char *igmpx_text_secs(char buf[IGMPX_TEXT_SECS], uint64_t us, unsigned decimals);

#endif
