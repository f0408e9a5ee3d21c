/* fuzz_case.c: the harness's case reader (YAML, conformance/host/ and the rest) over a
 * file: every key, step, window, match, expression and send: frame a case
 * can hold.  Errors go to stderr (./dev fuzz hides them). */
#define _GNU_SOURCE   /* memfd_create */
#include "hx.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_case c = { 0 };
	char path[64];
	int fd = memfile(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	hx_case_load(path, &c);
	hx_case_free(&c);          /* as igmpx does, loaded or not */
	close(fd);
	return 0;
}
