/* fuzz_case.c: the harness's case reader (YAML, conformance/host/) over a
 * file: every key, step, window, match, expression and send: frame a case
 * can hold.  Errors go to stderr (./dev fuzz hides them). */
#define _GNU_SOURCE   /* memfd_create */
#include "hx.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load(const char *path)
{
	struct hx_case c = { 0 };

	hx_case_load(path, &c);
	hx_case_free(&c);          /* as igmpx does, loaded or not */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	with_memfile(data, size, load);
	return 0;
}
