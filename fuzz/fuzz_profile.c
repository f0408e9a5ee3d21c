/* fuzz_profile.c: the harness's IUT profile reader (INI,
 * conformance/iut/) over a file: sections, keys, timers, limits. */
#define _GNU_SOURCE   /* memfd_create */
#include "hx.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_profile p = { 0 };
	char path[64], err[512];
	int fd = memfile(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	if (hx_profile_load(path, &p, err, sizeof(err)))
		hx_profile_free(&p);
	close(fd);
	return 0;
}
