/* test_text.c: unit tests of core/text against glibc's own printf: the
 * same text and the same return value for every conversion the findings
 * use, at every buffer size; seconds as printf("%.2f") writes them except
 * at a tie it cannot hold exactly; dotted quads. */
#include "test.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

TEST_COUNTERS;

/* Both writers at every size from 0 to past the whole text: same octets
 * (the NUL included), same return. */
#define SAME(fmt, ...)                                                           \
	do {                                                                     \
		char a[96], b[96];                                               \
		int full = snprintf(NULL, 0, fmt, __VA_ARGS__);                  \
		for (size_t sz = 0; sz <= (size_t)full + 2 && sz <= sizeof(a); sz++) { \
			memset(a, 'x', sizeof(a));                               \
			memset(b, 'x', sizeof(b));                               \
			int na = igmpx_text_format(a, sz, fmt, __VA_ARGS__);              \
			int nb = snprintf(b, sz, fmt, __VA_ARGS__);              \
			CHECK(na == nb && memcmp(a, b, sizeof(a)) == 0,          \
			      "\"%s\" size %zu: ours %d \"%.*s\", glibc %d \"%.*s\"", fmt, sz, \
			      na, (int)(sz ? sz : 1), a, nb, (int)(sz ? sz : 1), b); \
		}                                                                \
	} while (0)

static void test_format(void)
{
	SAME("plain text, no conversion%s", "");
	SAME("%s queries beside %zu other router%s on this link", "192.0.2.1", (size_t)3, "s");
	SAME("%u of %u, %d and %d", 0u, 4294967295u, -2147483647 - 1, 2147483647);
	SAME("Flags 0x%x, %02x, %04x, %2x", 0xfu, 0x5u, 0xbeefu, 0x123u);
	SAME("%zu %zx %5u|%-s|%c%c", (size_t)-1, (size_t)0xabc, 42u, "left", 'o', 'k');
	SAME("%05d %5d %s%%", -42, -42, "100");
	SAME("%3s|%1s|%s", "a", "long", (const char *)"");
	/* Conversions outside the subset go to vsnprintf, whole. */
	SAME("%s %.2f s, %ld %-5d|", "gap", 31.25, 7L, 3);
}

static void test_append(void)
{
	char buf[12];
	size_t n;

	strcpy(buf, "abc");
	n = igmpx_text_append(buf, sizeof(buf), 3, " (RFC)");
	CHECK(n == 9 && strcmp(buf, "abc (RFC)") == 0, "%zu \"%s\"", n, buf);
	n = igmpx_text_append(buf, sizeof(buf), n, " 9776");
	CHECK(n == 14 && strcmp(buf, "abc (RFC) 9") == 0, "cut: %zu \"%s\"", n, buf);
	n = igmpx_text_append(buf, sizeof(buf), n, "x");
	CHECK(n == 15 && strcmp(buf, "abc (RFC) 9") == 0, "past the end: %zu \"%s\"", n, buf);
}

static void test_ip4(void)
{
	static const uint32_t addrs[] = { 0, 0xFFFFFFFFu, IP4(192, 0, 2, 1), IP4(10, 100, 9, 255),
					  IP4(224, 0, 0, 22), IP4(1, 20, 199, 0) };
	char ours[16], theirs[16];

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		uint32_t a = addrs[i];
		snprintf(theirs, sizeof(theirs), "%u.%u.%u.%u", a >> 24, a >> 16 & 0xFF,
			 a >> 8 & 0xFF, a & 0xFF);
		CHECK(strcmp(igmpx_text_ip4(ours, a), theirs) == 0, "%s vs %s", ours, theirs);
	}
}

/* Seconds: printf's text of us / 1e6 wherever that is not a tie (a tie it
 * holds inexactly, such as 1.015, rounds by its binary value there); ties
 * to the even digit. */
static void test_secs(void)
{
	char ours[IGMPX_TEXT_SECS], theirs[64];
	unsigned differ = 0;

	srand(9776);
	for (int i = 0; i < 200000; i++) {
		uint64_t us = i < 100000 ? (uint64_t)i * 37 : (uint64_t)rand() * 1000 + (uint64_t)(rand() % 1000);
		for (unsigned dec = 0; dec <= 5; dec++) {
			uint64_t step = 1;
			for (unsigned k = dec; k < 6; k++)
				step *= 10;
			if (us % step == step / 2)
				continue;
			snprintf(theirs, sizeof(theirs), "%.*f", (int)dec, (double)us / 1e6);
			if (strcmp(igmpx_text_secs(ours, us, dec), theirs) != 0 && differ++ < 5)
				CHECK(0, "%llu us, %u decimals: %s vs %s", (unsigned long long)us, dec,
				      ours, theirs);
		}
	}
	CHECK(differ == 0, "%u differences", differ);
	static const struct { uint64_t us; unsigned dec; const char *want; } ties[] = {
		{ 690625000, 2, "690.62" }, { 690635000, 2, "690.64" }, { 125000, 2, "0.12" },
		{ 375000, 2, "0.38" }, { 1015000, 2, "1.02" }, { 1025000, 2, "1.02" },
		{ 31250000, 1, "31.2" }, { 31350000, 1, "31.4" }, { 500000, 0, "0" },
		{ 1500000, 0, "2" }, { 5, 5, "0.00000" }, { 15, 5, "0.00002" },
		{ 18446744073709551615u, 2, "18446744073709.55" },
		{ 0, 2, "0.00" }, { 5000, 2, "0.00" }, { 999995000, 2, "1000.00" },
	};
	for (size_t i = 0; i < sizeof(ties) / sizeof(ties[0]); i++) {
		igmpx_text_secs(ours, ties[i].us, ties[i].dec);
		CHECK(strcmp(ours, ties[i].want) == 0, "%llu us, %u: %s, want %s",
		      (unsigned long long)ties[i].us, ties[i].dec, ours, ties[i].want);
	}
}

int main(void)
{
	test_format();
	test_append();
	test_ip4();
	test_secs();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
