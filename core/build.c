/* build.c: write every message carried in IP protocol 2.  See codec.h.
 *
 * The builders write what they are told, including values no RFC allows
 * (non-zero reserved fields, counts that do not match the list): the
 * capture generator and the harness need malformed messages as much as
 * well-formed ones. */
#include "codec.h"

#include <string.h>

void igmpx_wbuf_init(struct igmpx_wbuf *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->overflow = false;
}

void igmpx_put_bytes(struct igmpx_wbuf *w, const void *src, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return;
	}
	if (src)
		memcpy(w->p + w->len, src, n);
	else
		memset(w->p + w->len, 0, n);
	w->len += n;
}

void igmpx_put8(struct igmpx_wbuf *w, uint8_t v)
{
	igmpx_put_bytes(w, &v, 1);
}

void igmpx_put16(struct igmpx_wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	igmpx_put_bytes(w, b, 2);
}

void igmpx_put32(struct igmpx_wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	igmpx_put_bytes(w, b, 4);
}

void igmpx_put16_at(struct igmpx_wbuf *w, size_t off, uint16_t v)
{
	if (off + 2 > w->len)
		return;
	w->p[off] = (uint8_t)(v >> 8);
	w->p[off + 1] = (uint8_t)v;
}

/* Type, second octet, zero checksum: the start of every message. */
static void head(struct igmpx_wbuf *w, uint8_t type, uint8_t code)
{
	igmpx_put8(w, type);
	igmpx_put8(w, code);
	igmpx_put16(w, 0);
}

static void put_list(struct igmpx_wbuf *w, const uint32_t *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		igmpx_put32(w, a[i]);
}

void igmpx_build_v12(struct igmpx_wbuf *w, uint8_t type, uint8_t code, uint32_t group)
{
	head(w, type, code);
	igmpx_put32(w, group);
}

void igmpx_build_v0(struct igmpx_wbuf *w, uint8_t type, uint8_t code, uint32_t identifier,
		    uint32_t group, uint64_t access_key)
{
	head(w, type, code);
	igmpx_put32(w, identifier);
	igmpx_put32(w, group);
	igmpx_put32(w, (uint32_t)(access_key >> 32));
	igmpx_put32(w, (uint32_t)access_key);
}

void igmpx_build_v3_query(struct igmpx_wbuf *w, uint8_t mrc, uint32_t group, uint8_t flags,
			  uint8_t s, uint8_t qrv, uint8_t qqic, uint16_t nsrc,
			  const uint32_t *sources, unsigned nsources)
{
	head(w, IGMPX_T_QUERY, mrc);
	igmpx_put32(w, group);
	igmpx_put8(w, (uint8_t)((flags & 0x0F) << 4 | (s & 1) << 3 | (qrv & 7)));
	igmpx_put8(w, qqic);
	igmpx_put16(w, nsrc);
	put_list(w, sources, nsources);
}

void igmpx_build_v3_report(struct igmpx_wbuf *w, uint8_t reserved, uint16_t flags, uint16_t nrec)
{
	head(w, IGMPX_T_V3_REPORT, reserved);
	igmpx_put16(w, flags);
	igmpx_put16(w, nrec);
}

void igmpx_build_v3_record(struct igmpx_wbuf *w, uint8_t type, uint8_t aux_len, uint16_t nsrc,
			   uint32_t group, const uint32_t *sources, unsigned nsources)
{
	igmpx_put8(w, type);
	igmpx_put8(w, aux_len);
	igmpx_put16(w, nsrc);
	igmpx_put32(w, group);
	put_list(w, sources, nsources);
}

void igmpx_build_mtrace(struct igmpx_wbuf *w, uint8_t type, uint8_t hops, uint32_t group,
			uint32_t source, uint32_t destination, uint32_t response_addr,
			uint8_t response_ttl, uint32_t query_id)
{
	head(w, type, hops);
	igmpx_put32(w, group);
	igmpx_put32(w, source);
	igmpx_put32(w, destination);
	igmpx_put32(w, response_addr);
	igmpx_put32(w, (uint32_t)response_ttl << 24 | (query_id & 0xFFFFFF));
}

void igmpx_build_mtrace_block(struct igmpx_wbuf *w, const struct igmpx_mtrace_block *b)
{
	igmpx_put32(w, b->query_arrival);
	igmpx_put32(w, b->in_if);
	igmpx_put32(w, b->out_if);
	igmpx_put32(w, b->prev_hop);
	igmpx_put32(w, b->in_pkts);
	igmpx_put32(w, b->out_pkts);
	igmpx_put32(w, b->sg_pkts);
	igmpx_put8(w, b->rtg_proto);
	igmpx_put8(w, b->fwd_ttl);
	igmpx_put8(w, (uint8_t)((b->mbz & 1) << 7 | (b->s & 1) << 6 | (b->src_mask & 0x3F)));
	igmpx_put8(w, b->fwd_code);
}

void igmpx_build_mrd_adv(struct igmpx_wbuf *w, uint8_t adv_interval, uint16_t query_interval,
			 uint16_t robustness)
{
	head(w, IGMPX_T_MRD_ADV, adv_interval);
	igmpx_put16(w, query_interval);
	igmpx_put16(w, robustness);
}

void igmpx_build_mrd_short(struct igmpx_wbuf *w, uint8_t type, uint8_t reserved)
{
	head(w, type, reserved);
}

void igmpx_build_igap(struct igmpx_wbuf *w, uint8_t type, uint8_t max_resp_time, uint32_t group,
		      uint8_t version, uint8_t subtype, uint8_t challenge_id,
		      const char *account, const uint8_t *message, uint8_t message_size)
{
	uint8_t acc[IGMPX_LEN_IGAP_ACCOUNT] = { 0 };
	uint8_t msg[IGMPX_LEN_IGAP_MESSAGE] = { 0 };
	size_t asize = account ? strnlen(account, sizeof(acc)) : 0;
	size_t msize = message_size < sizeof(msg) ? message_size : sizeof(msg);

	memcpy(acc, account ? account : "", asize);
	if (message)
		memcpy(msg, message, msize);
	head(w, type, max_resp_time);
	igmpx_put32(w, group);
	igmpx_put8(w, version);
	igmpx_put8(w, subtype);
	igmpx_put8(w, 0);                 /* reserved */
	igmpx_put8(w, challenge_id);
	igmpx_put8(w, (uint8_t)asize);
	igmpx_put8(w, message_size);      /* as given, even if above 64 */
	igmpx_put16(w, 0);                /* reserved */
	igmpx_put_bytes(w, acc, sizeof(acc));
	igmpx_put_bytes(w, msg, sizeof(msg));
}

void igmpx_build_msnip_gm(struct igmpx_wbuf *w, uint8_t count, uint32_t holdtime)
{
	head(w, IGMPX_T_MSNIP_GM, count);
	igmpx_put32(w, holdtime);
}

void igmpx_build_msnip_is(struct igmpx_wbuf *w, uint16_t holdtime, uint16_t generation_id)
{
	head(w, IGMPX_T_MSNIP_IS, 0);
	igmpx_put16(w, holdtime);
	igmpx_put16(w, generation_id);
}

void igmpx_build_msnip_rmr(struct igmpx_wbuf *w, uint8_t count)
{
	head(w, IGMPX_T_MSNIP_RMR, count);
}

void igmpx_build_msnip_entry(struct igmpx_wbuf *w, uint8_t msg_type, uint32_t group, uint8_t byte)
{
	if (msg_type == IGMPX_T_MSNIP_GM) {
		igmpx_put32(w, group);
		igmpx_put8(w, byte);
		igmpx_put_bytes(w, NULL, 3);
	} else {
		igmpx_put8(w, byte);
		igmpx_put_bytes(w, NULL, 3);
		igmpx_put32(w, group);
	}
}

void igmpx_finish(struct igmpx_wbuf *w)
{
	if (w->len < 4)
		return;
	igmpx_put16_at(w, IGMPX_OFF_CHECKSUM, 0);
	igmpx_put16_at(w, IGMPX_OFF_CHECKSUM, igmpx_cksum(w->p, w->len));
}
