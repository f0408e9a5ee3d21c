/* test.h: what the core unit tests share: a CHECK that counts and names
 * the failing line, and addresses written as four numbers.  Each test
 * program defines the counters once with TEST_COUNTERS and ends with
 * TEST_SUMMARY(name). */
#ifndef IGMPX_TEST_H
#define IGMPX_TEST_H

#include <stdint.h>
#include <stdio.h>

#define TEST_COUNTERS static int passed, failed

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (cond) {                                                  \
			passed++;                                            \
		} else {                                                     \
			failed++;                                            \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                 \
			printf("\n");                                        \
		}                                                            \
	} while (0)

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#endif
