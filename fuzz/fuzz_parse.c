/* fuzz_parse.c: core/codec's parser and its accessors over one message.
 *
 * The input is a raw IPv4 packet carrying IP protocol 2 (its payload is
 * parsed on its destination, as the dissector does), or anything else,
 * parsed whole as an IGMP message.  Every list the parse announces is then
 * walked with the accessors, every name looked up and the checksum summed:
 * none may read outside the input (ASan) or overflow (UBSan). */
#include "codec.h"
#include "ip.h"

#include <stdint.h>
#include <stdio.h>

static volatile uint32_t sink;   /* keeps the reads from being optimised out */

static void walk(const uint8_t *b, size_t n, const struct igmpx_msg *m)
{
	struct igmpx_v3_record r;
	struct igmpx_mtrace_block blk;
	uint32_t g;
	uint8_t byte;
	size_t off;

	sink ^= (uint32_t)(uintptr_t)igmpx_msg_name(m) ^ (uint32_t)(uintptr_t)igmpx_msg_protocol(m);
	sink ^= (uint32_t)(uintptr_t)igmpx_type_name(m->type) ^ igmpx_cksum(b, n) ^
		igmpx_cksum_expected(b, n) ^ (uint32_t)igmpx_classify(b, n);
	sink ^= (uint32_t)(uintptr_t)igmpx_status_name(m->status);
	switch (m->kind) {
	case IGMPX_K_V0:
		sink ^= (uint32_t)(uintptr_t)igmpx_v0_code_name(m->type, m->code);
		break;
	case IGMPX_K_V1_QUERY: case IGMPX_K_V2_QUERY:
		sink ^= igmpx_query_max_resp_ms(m);
		break;
	case IGMPX_K_V3_QUERY:
		sink ^= igmpx_query_max_resp_ms(m) ^ igmpx_code_decode(m->u.v3q.qqic);
		for (unsigned i = 0; i < m->u.v3q.nsrc_present; i++)
			sink ^= igmpx_v3_query_source(b, n, i);
		break;
	case IGMPX_K_V3_REPORT:
		off = IGMPX_OFF_R_RECORDS;
		for (unsigned i = 0; i < m->u.v3r.nrec && igmpx_v3_record_at(b, n, off, &r); i++) {
			sink ^= r.group ^ (uint32_t)(uintptr_t)igmpx_record_type_name(r.type) ^
				(uint32_t)(uintptr_t)igmpx_record_type_abbrev(r.type);
			for (unsigned j = 0; j < r.nsrc_present; j++)
				sink ^= igmpx_v3_record_source(b, n, &r, j);
			if (!r.complete || r.end <= off)
				break;
			off = r.end;
		}
		break;
	case IGMPX_K_MTRACE:
		for (unsigned i = 0; i <= m->u.mtrace.nblocks && igmpx_mtrace_block(b, n, i, &blk); i++)
			sink ^= blk.prev_hop ^ (uint32_t)igmpx_mtrace_block_off(i);
		break;
	case IGMPX_K_MSNIP_GM: case IGMPX_K_MSNIP_RMR:
		for (unsigned i = 0; i <= m->u.msnip.count_present &&
		     igmpx_msnip_entry(b, n, m, i, &g, &byte); i++)
			sink ^= g ^ byte ^ (uint32_t)igmpx_msnip_entry_off(m, i);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igmpx_ipv4 ip;
	struct igmpx_msg m;

	if (igmpx_ipv4_parse(data, size, &ip) && ip.proto == 2 && ip.payload_off <= size &&
	    ip.payload_len <= size - ip.payload_off) {
		const uint8_t *p = data + ip.payload_off;

		igmpx_parse_to(p, ip.payload_len, ip.dst, &m);
		walk(p, ip.payload_len, &m);
	}
	igmpx_parse(data, size, &m);
	walk(data, size, &m);
	/* The code space of Max Resp Code and QQIC, both ways. */
	if (size >= 2) {
		bool exact;
		unsigned v = igmpx_code_decode(data[0]);
		sink ^= igmpx_code_encode(v, &exact) ^ igmpx_code_encode((unsigned)data[1] << 8 | data[0], &exact);
	}
	return 0;
}
