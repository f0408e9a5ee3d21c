/* fuzz_frames.c: the harness's receive path and its frame match.
 *
 * Input: a match as a case writes one ("v3report group=239.1.1.1
 * record=IS_EX sources=A,B"), a newline, then an Ethernet frame as the
 * IUT might send it.  The frame goes through what the harness does with
 * each frame it receives (run_record: the IPv4 packet found, the message
 * parsed, the content rules, a router's query held to its profile, the
 * frame described for the verdict), then is matched as an expectation
 * would match it.  The first octet of the match chooses the profile's
 * role: odd, a router (the query checks run), even, a host. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	static struct hx_profile host = { .role = "host", .robustness = 2, .query_interval = 125,
					  .query_response_interval = 10, .lmqi = 1 };
	static struct hx_profile router = { .role = "router", .robustness = 2, .query_interval = 125,
					    .query_response_interval = 10, .lmqi = 1 };
	struct hx_case c = { .id = "FUZZ" };
	struct run r = { .c = &c, .p = size && data[0] & 1 ? &router : &host };
	struct hx_match m;
	struct frame *f;
	char *text, what[300];
	bool parsed;

	if (!nl)
		return 0;
	text = strndup((const char *)data, (size_t)(nl - data));
	if (!text)
		return 0;
	parsed = hx_match_parse(text, "fuzz", 1, &m);
	r.detail = g_string_new(NULL);
	r.frames = g_ptr_array_new_with_free_func(run_frame_free);
	r.lookouts = g_array_new(FALSE, FALSE, sizeof(struct lookout));
	size_t len = size - (size_t)(nl + 1 - data);
	f = run_record(&r, 1000, 1, nl + 1, len);
	hx_describe(f->bytes, f->len, what, sizeof(what));
	if (parsed && hx_match_values(&m, &hx_vars_ones, what, sizeof(what)) && f->igmp &&
	    f->m.status == IGMPX_OK)
		hx_match_frame(&m, &f->m, f->msg_at, f->src, f->dst);
	if (parsed)
		hx_match_free(&m);
	free(text);
	g_free(r.message);
	g_string_free(r.detail, TRUE);
	g_ptr_array_free(r.frames, TRUE);
	g_array_free(r.lookouts, TRUE);
	return 0;
}
