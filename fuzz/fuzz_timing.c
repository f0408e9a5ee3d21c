/* fuzz_timing.c: core/timing's link model fed a sequence of packets.
 *
 * Input: two octets of configuration (robustness = first % 8, 0 for the
 * default; tolerance = second * 4 ms), then records of
 *   length (2 octets, big-endian), time step (2 octets, big-endian, in
 *   10 ms units), that many octets of IPv4 packet
 * until the input ends (a last record cut short takes what is left).  The
 * model keeps state across the packets: queriers, groups, hosts, the
 * windows it waits on; igmpx_link_finish closes them at the end.  Every
 * finding must name a frame already fed and end its text. */
#include "timing.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FINDINGS 32

static void check(const struct igmpx_tfinding *f, size_t n, uint32_t frames)
{
	for (size_t i = 0; i < n && i < MAX_FINDINGS; i++)
		if (f[i].rule >= IGMPX_RULE_COUNT || f[i].frame > frames ||
		    !memchr(f[i].text, 0, sizeof(f[i].text)))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igmpx_link_config cfg;
	struct igmpx_tfinding out[MAX_FINDINGS];
	struct igmpx_link_event ev;
	struct igmpx_link *link;
	uint64_t t = 1000000;
	uint32_t frame = 0;
	size_t off = 2, n;

	if (size < 2)
		return 0;
	igmpx_link_config_defaults(&cfg);
	if (data[0] % 8)
		cfg.robustness = data[0] % 8;
	cfg.tolerance_ms = 4u * data[1];
	link = igmpx_link_new(&cfg);
	if (!link)
		return 0;
	while (off + 4 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		t += 10000u * ((uint64_t)data[off + 2] << 8 | data[off + 3]);
		off += 4;
		if (len > size - off)
			len = size - off;
		/* An exact-size copy: a read past the packet is caught. */
		uint8_t *p = malloc(len ? len : 1);
		if (!p)
			break;
		memcpy(p, data + off, len);
		n = igmpx_link_feed(link, ++frame, t, p, len, &ev, out, MAX_FINDINGS);
		free(p);
		check(out, n, frame);
		off += len;
	}
	n = igmpx_link_finish(link, t + 3600u * 1000000u, out, MAX_FINDINGS);
	check(out, n, frame);
	igmpx_link_free(link);
	return 0;
}
