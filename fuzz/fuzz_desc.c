/* fuzz_desc.c: the frame description language (desc/) over a file.
 *
 * The input is a description file (pcaps/README.md), read as
 * igmpx-pcapgen reads one: captures, notes, frame lines and their
 * continuation lines, every value through the typed getters, each frame
 * built.  A frame built must be one pcapgen can write: at most
 * DESC_MAX_FRAME octets on the wire, and no more captured than that.
 * Error messages go to stderr (./dev fuzz hides them). */
#define _GNU_SOURCE   /* memfd_create */
#include "desc.h"
#include "memfile.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load(const char *path)
{
	struct desc_set set = { 0 };

	desc_read_file(path, &set);
	for (size_t i = 0; i < set.ncaps; i++)
		for (size_t j = 0; j < set.caps[i].nframes; j++) {
			const struct desc_frame *f = &set.caps[i].frames[j];
			if (f->len > DESC_MAX_FRAME || f->caplen > f->len || !f->bytes)
				abort();
		}
	desc_set_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	with_memfile(data, size, load);
	return 0;
}
