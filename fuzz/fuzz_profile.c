/* fuzz_profile.c: the harness's IUT profile reader (INI,
 * conformance/iut/) over a file: sections, keys, timers, limits. */
#define _GNU_SOURCE   /* memfd_create */
#include "hx.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load(const char *path)
{
	struct hx_profile p = { 0 };
	char err[512];

	if (hx_profile_load(path, &p, err, sizeof(err)))
		hx_profile_free(&p);   /* it frees itself on failure */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	with_memfile(data, size, load);
	return 0;
}
