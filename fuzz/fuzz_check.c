/* fuzz_check.c: core/check's content rules over one IPv4 packet.
 *
 * The input is the packet (IPv4 header, then whatever it carries).  The
 * last octet's low bits choose the options a caller may pass: a wire length
 * longer than the buffer (a capture's snaplen), or quoted in an ICMP error.
 * Every finding must stay within the packet and end its text. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igmpx_finding out[16];
	struct igmpx_check_opts o = { 0 };
	size_t n, reported;

	if (size && (data[size - 1] & 1))
		o.reported_len = size + data[size - 1];
	if (size && (data[size - 1] & 2))
		o.in_icmp_error = 1;
	n = igmpx_check_packet(data, size, &o, out, 16);
	reported = o.reported_len ? o.reported_len : size;
	for (size_t i = 0; i < n && i < 16; i++) {
		if (out[i].rule >= IGMPX_RULE_COUNT || !memchr(out[i].text, 0, sizeof(out[i].text)) ||
		    out[i].offset > reported || out[i].length > reported - out[i].offset)
			abort();
	}
	/* Room for fewer findings than there are: the count stays the same. */
	if (igmpx_check_packet(data, size, &o, out, 1) != n)
		abort();
	return 0;
}
