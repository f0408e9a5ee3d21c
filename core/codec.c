/* codec.c: parse every message carried in IP protocol 2.  See codec.h. */
#include "codec.h"

#include <string.h>

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get24(const uint8_t *p) { return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]; }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- Classification --------------------------------------------------------- */

enum igmpx_kind igmpx_classify(const uint8_t *buf, size_t len)
{
	if (len < 1)
		return IGMPX_K_UNKNOWN;
	switch (buf[0]) {
	case IGMPX_T_V0_CREATE_REQ: case IGMPX_T_V0_CREATE_RPL:
	case IGMPX_T_V0_JOIN_REQ: case IGMPX_T_V0_JOIN_RPL:
	case IGMPX_T_V0_LEAVE_REQ: case IGMPX_T_V0_LEAVE_RPL:
	case IGMPX_T_V0_CONFIRM_REQ: case IGMPX_T_V0_CONFIRM_RPL:
		return IGMPX_K_V0;
	case IGMPX_T_QUERY:
		/* RFC 9776 §7.1: the version of a query is its length. */
		if (len >= IGMPX_LEN_V3_QUERY)
			return IGMPX_K_V3_QUERY;
		if (len > IGMPX_LEN_V12)
			return IGMPX_K_BAD_QUERY;
		if (len >= 2 && buf[1] == 0)
			return IGMPX_K_V1_QUERY;
		return IGMPX_K_V2_QUERY;
	case IGMPX_T_V1_REPORT:   return IGMPX_K_V1_REPORT;
	case IGMPX_T_DVMRP:       return IGMPX_K_DVMRP;
	case IGMPX_T_PIMV1:       return IGMPX_K_PIMV1;
	case IGMPX_T_CISCO_TRACE: return IGMPX_K_CISCO_TRACE;
	case IGMPX_T_V2_REPORT:   return IGMPX_K_V2_REPORT;
	case IGMPX_T_V2_LEAVE:    return IGMPX_K_V2_LEAVE;
	case IGMPX_T_MTRACE_RESP:
	case IGMPX_T_MTRACE_QUERY: return IGMPX_K_MTRACE;
	case IGMPX_T_V3_REPORT:   return IGMPX_K_V3_REPORT;
	case IGMPX_T_MSNIP_GM:    return IGMPX_K_MSNIP_GM;
	case IGMPX_T_MSNIP_IS:    return IGMPX_K_MSNIP_IS;
	case IGMPX_T_MSNIP_RMR:   return IGMPX_K_MSNIP_RMR;
	case IGMPX_T_MRD_ADV:     return IGMPX_K_MRD_ADV;
	case IGMPX_T_MRD_SOL:     return IGMPX_K_MRD_SOL;
	case IGMPX_T_MRD_TERM:    return IGMPX_K_MRD_TERM;
	case IGMPX_T_IGAP_REPORT: case IGMPX_T_IGAP_QUERY: case IGMPX_T_IGAP_LEAVE:
		return IGMPX_K_IGAP;
	case IGMPX_T_RGMP_LEAVE: case IGMPX_T_RGMP_JOIN:
	case IGMPX_T_RGMP_BYE: case IGMPX_T_RGMP_HELLO:
		return IGMPX_K_RGMP;
	default:
		return IGMPX_K_UNKNOWN;
	}
}

static int kind_version(enum igmpx_kind k)
{
	switch (k) {
	case IGMPX_K_V0:                                   return 0;
	case IGMPX_K_V1_QUERY: case IGMPX_K_V1_REPORT:     return 1;
	case IGMPX_K_V2_QUERY: case IGMPX_K_V2_REPORT:
	case IGMPX_K_V2_LEAVE:                             return 2;
	case IGMPX_K_V3_QUERY: case IGMPX_K_V3_REPORT:     return 3;
	default:                                           return -1;
	}
}

/* ---- Parsing ---------------------------------------------------------------- */

/* The fixed part is there: mark it decoded.  Else mark as far as whole
 * 4-octet words go and report truncation. */
static bool need(struct igmpx_msg *m, size_t n)
{
	if (m->len >= n) {
		m->end = n;
		return true;
	}
	m->status = IGMPX_TRUNCATED;
	return false;
}

/* The message is whole up to end; the rest is the trailer. */
static void done(struct igmpx_msg *m, size_t end)
{
	m->end = end;
	m->trailer_len = m->len > end ? m->len - end : 0;
}

static void parse_v3_query(const uint8_t *b, struct igmpx_msg *m)
{
	if (!need(m, IGMPX_LEN_V3_QUERY))
		return;
	m->u.v3q.group = get32(b + IGMPX_OFF_GROUP);
	m->u.v3q.flags = b[IGMPX_OFF_Q_FLAGS] >> 4;
	m->u.v3q.s = (b[IGMPX_OFF_Q_FLAGS] >> 3) & 1;
	m->u.v3q.qrv = b[IGMPX_OFF_Q_FLAGS] & 7;
	m->u.v3q.qqic = b[IGMPX_OFF_Q_QQIC];
	m->u.v3q.nsrc = get16(b + IGMPX_OFF_Q_NSRC);
	size_t room = (m->len - IGMPX_OFF_Q_SRC) / 4;
	if (room >= m->u.v3q.nsrc) {
		m->u.v3q.nsrc_present = m->u.v3q.nsrc;
		done(m, IGMPX_OFF_Q_SRC + 4u * m->u.v3q.nsrc);
	} else {
		m->u.v3q.nsrc_present = (uint16_t)room;
		m->end = IGMPX_OFF_Q_SRC + 4u * room;
		m->status = IGMPX_TRUNCATED;
	}
}

bool igmpx_v3_record_at(const uint8_t *b, size_t len, size_t off, struct igmpx_v3_record *r)
{
	memset(r, 0, sizeof(*r));
	r->off = off;
	r->end = off;
	if (off > len || len - off < IGMPX_LEN_V3_RECORD)
		return false;
	r->type = b[off];
	r->aux_len = b[off + 1];
	r->nsrc = get16(b + off + 2);
	r->group = get32(b + off + 4);
	r->src_off = off + IGMPX_LEN_V3_RECORD;
	size_t room = (len - r->src_off) / 4;
	r->nsrc_present = (uint16_t)(room < r->nsrc ? room : r->nsrc);
	r->aux_off = r->src_off + 4u * r->nsrc;
	r->end = r->src_off + 4u * r->nsrc_present;
	if (r->nsrc_present < r->nsrc)
		return true;
	size_t aux = 4u * r->aux_len;
	r->aux_present = len - r->aux_off < aux ? len - r->aux_off : aux;
	r->end = r->aux_off + r->aux_present;
	r->complete = r->aux_present == aux;
	return true;
}

uint32_t igmpx_v3_record_source(const uint8_t *b, size_t len, const struct igmpx_v3_record *r,
				unsigned i)
{
	size_t o = r->src_off + 4u * i;
	return i < r->nsrc_present && o + 4 <= len ? get32(b + o) : 0;
}

uint32_t igmpx_v3_query_source(const uint8_t *b, size_t len, unsigned i)
{
	size_t o = IGMPX_OFF_Q_SRC + 4u * i;
	return o + 4 <= len ? get32(b + o) : 0;
}

static void parse_v3_report(const uint8_t *b, struct igmpx_msg *m)
{
	if (!need(m, IGMPX_LEN_V3_REPORT))
		return;
	m->u.v3r.reserved = b[IGMPX_OFF_CODE];
	m->u.v3r.flags = get16(b + IGMPX_OFF_R_FLAGS);
	m->u.v3r.nrec = get16(b + IGMPX_OFF_R_NREC);
	size_t off = IGMPX_OFF_R_RECORDS;
	for (unsigned i = 0; i < m->u.v3r.nrec; i++) {
		struct igmpx_v3_record r;
		bool header = igmpx_v3_record_at(b, m->len, off, &r);
		if (!header || !r.complete) {
			m->end = header ? r.end : off;
			m->status = IGMPX_TRUNCATED;
			return;
		}
		m->u.v3r.nrec_present++;
		off = r.end;
	}
	done(m, off);
}

bool igmpx_mtrace_block(const uint8_t *b, size_t len, unsigned i, struct igmpx_mtrace_block *k)
{
	size_t o = igmpx_mtrace_block_off(i);
	if (o > len || len - o < IGMPX_LEN_MTRACE_BLOCK)
		return false;
	k->query_arrival = get32(b + o);
	k->in_if = get32(b + o + 4);
	k->out_if = get32(b + o + 8);
	k->prev_hop = get32(b + o + 12);
	k->in_pkts = get32(b + o + 16);
	k->out_pkts = get32(b + o + 20);
	k->sg_pkts = get32(b + o + 24);
	k->rtg_proto = b[o + 28];
	k->fwd_ttl = b[o + 29];
	k->mbz = b[o + 30] >> 7;
	k->s = (b[o + 30] >> 6) & 1;
	k->src_mask = b[o + 30] & 0x3F;
	k->fwd_code = b[o + 31];
	return true;
}

size_t igmpx_mtrace_block_off(unsigned i)
{
	return IGMPX_LEN_MTRACE + (size_t)IGMPX_LEN_MTRACE_BLOCK * i;
}

static void parse_mtrace(const uint8_t *b, struct igmpx_msg *m)
{
	if (!need(m, IGMPX_LEN_MTRACE))
		return;
	m->u.mtrace.hops = b[1];
	m->u.mtrace.group = get32(b + 4);
	m->u.mtrace.source = get32(b + 8);
	m->u.mtrace.destination = get32(b + 12);
	m->u.mtrace.response_addr = get32(b + 16);
	m->u.mtrace.response_ttl = b[20];
	m->u.mtrace.query_id = get24(b + 21);
	/* Response blocks fill the rest of the message; a partial last block is
	 * a truncation, not a trailer, since nothing else may follow them. */
	size_t rest = m->len - IGMPX_LEN_MTRACE;
	m->u.mtrace.nblocks = (unsigned)(rest / IGMPX_LEN_MTRACE_BLOCK);
	m->end = igmpx_mtrace_block_off(m->u.mtrace.nblocks);
	if (rest % IGMPX_LEN_MTRACE_BLOCK)
		m->status = IGMPX_TRUNCATED;
}

size_t igmpx_msnip_entry_off(const struct igmpx_msg *m, unsigned i)
{
	size_t base = m->kind == IGMPX_K_MSNIP_GM ? IGMPX_LEN_MSNIP_GM : IGMPX_LEN_MSNIP_RMR;
	return base + (size_t)IGMPX_LEN_MSNIP_ENTRY * i;
}

bool igmpx_msnip_entry(const uint8_t *b, size_t len, const struct igmpx_msg *m, unsigned i,
		       uint32_t *group, uint8_t *byte)
{
	size_t o = igmpx_msnip_entry_off(m, i);
	if (o > len || len - o < IGMPX_LEN_MSNIP_ENTRY)
		return false;
	if (m->kind == IGMPX_K_MSNIP_GM) {          /* group, mask length, 3 reserved */
		*group = get32(b + o);
		*byte = b[o + 4];
	} else {                                     /* record type, 3 reserved, group */
		*byte = b[o];
		*group = get32(b + o + 4);
	}
	return true;
}

static void parse_msnip_list(const uint8_t *b, struct igmpx_msg *m, size_t fixed)
{
	(void)b;
	if (!need(m, fixed))
		return;
	m->u.msnip.count = m->code;
	size_t room = (m->len - fixed) / IGMPX_LEN_MSNIP_ENTRY;
	if (room >= m->u.msnip.count) {
		m->u.msnip.count_present = m->u.msnip.count;
		done(m, igmpx_msnip_entry_off(m, m->u.msnip.count));
	} else {
		m->u.msnip.count_present = (unsigned)room;
		m->end = igmpx_msnip_entry_off(m, (unsigned)room);
		m->status = IGMPX_TRUNCATED;
	}
}

static void parse_body(const uint8_t *b, struct igmpx_msg *m)
{
	switch (m->kind) {
	case IGMPX_K_V0:
		if (!need(m, IGMPX_LEN_V0))
			return;
		m->u.v0.identifier = get32(b + 4);
		m->u.v0.group = get32(b + 8);
		m->u.v0.access_key = (uint64_t)get32(b + 12) << 32 | get32(b + 16);
		done(m, IGMPX_LEN_V0);
		return;
	case IGMPX_K_V1_QUERY: case IGMPX_K_V2_QUERY:
	case IGMPX_K_V1_REPORT: case IGMPX_K_V2_REPORT: case IGMPX_K_V2_LEAVE:
	case IGMPX_K_RGMP:
		if (!need(m, IGMPX_LEN_V12))
			return;
		m->u.v12.group = get32(b + IGMPX_OFF_GROUP);
		done(m, IGMPX_LEN_V12);
		return;
	case IGMPX_K_BAD_QUERY:
		/* 9-11 octets: the v2 layout is safe to read, the rest is not a
		 * v3 query's fields. */
		m->u.v12.group = get32(b + IGMPX_OFF_GROUP);
		m->end = IGMPX_LEN_V12;
		m->trailer_len = m->len - IGMPX_LEN_V12;
		m->status = IGMPX_BAD_LENGTH;
		return;
	case IGMPX_K_V3_QUERY:
		parse_v3_query(b, m);
		return;
	case IGMPX_K_V3_REPORT:
		parse_v3_report(b, m);
		return;
	case IGMPX_K_MTRACE:
		parse_mtrace(b, m);
		return;
	case IGMPX_K_MRD_ADV:
		if (!need(m, IGMPX_LEN_MRD_ADV))
			return;
		m->u.mrd.adv_interval = b[1];
		m->u.mrd.query_interval = get16(b + 4);
		m->u.mrd.robustness = get16(b + 6);
		done(m, IGMPX_LEN_MRD_ADV);
		return;
	case IGMPX_K_MRD_SOL: case IGMPX_K_MRD_TERM:
		if (!need(m, IGMPX_LEN_MRD_SHORT))
			return;
		m->u.mrd.adv_interval = b[1];
		done(m, IGMPX_LEN_MRD_SHORT);
		return;
	case IGMPX_K_IGAP:
		if (!need(m, IGMPX_LEN_IGAP))
			return;
		m->u.igap.max_resp_time = b[1];
		m->u.igap.group = get32(b + 4);
		m->u.igap.version = b[8];
		m->u.igap.subtype = b[9];
		m->u.igap.reserved1 = b[10];
		m->u.igap.challenge_id = b[11];
		m->u.igap.account_size = b[12];
		m->u.igap.message_size = b[13];
		m->u.igap.reserved2 = get16(b + 14);
		done(m, IGMPX_LEN_IGAP);
		return;
	case IGMPX_K_MSNIP_GM:
		if (m->len >= IGMPX_LEN_MSNIP_GM)
			m->u.msnip.holdtime = get32(b + 4);
		parse_msnip_list(b, m, IGMPX_LEN_MSNIP_GM);
		return;
	case IGMPX_K_MSNIP_RMR:
		parse_msnip_list(b, m, IGMPX_LEN_MSNIP_RMR);
		return;
	case IGMPX_K_MSNIP_IS:
		if (!need(m, IGMPX_LEN_MSNIP_IS))
			return;
		m->u.msnip.holdtime = get16(b + 4);
		m->u.msnip.generation_id = get16(b + 6);
		done(m, IGMPX_LEN_MSNIP_IS);
		return;
	case IGMPX_K_DVMRP: case IGMPX_K_PIMV1: case IGMPX_K_CISCO_TRACE:
	case IGMPX_K_UNKNOWN: case IGMPX_K_COUNT:
		/* Only type, code and checksum are common to every message. */
		if (!need(m, 4))
			return;
		m->end = m->len;
		return;
	}
}

static enum igmpx_status parse_as(const uint8_t *buf, size_t len, enum igmpx_kind kind,
				  struct igmpx_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->len = len;
	m->kind = kind;
	m->version = kind_version(m->kind);
	/* RFC 9776 §7.1 gives a version to 8 octets and up; a shorter query
	 * is a truncated one of no known version. */
	if ((kind == IGMPX_K_V1_QUERY || kind == IGMPX_K_V2_QUERY) && len < IGMPX_LEN_V12)
		m->version = -1;
	if (len < 4) {
		/* Not even type, code and checksum. */
		if (len >= 1)
			m->type = buf[0];
		if (len >= 2)
			m->code = buf[1];
		m->end = len >= 2 ? 2 : len;
		m->status = IGMPX_TRUNCATED;
		return m->status;
	}
	m->type = buf[0];
	m->code = buf[1];
	m->checksum = get16(buf + IGMPX_OFF_CHECKSUM);
	m->checksum_ok = igmpx_cksum(buf, len) == 0;
	m->end = 4;
	parse_body(buf, m);
	return m->status;
}

enum igmpx_status igmpx_parse(const uint8_t *buf, size_t len, struct igmpx_msg *m)
{
	return parse_as(buf, len, igmpx_classify(buf, len), m);
}

enum igmpx_status igmpx_parse_to(const uint8_t *buf, size_t len, uint32_t ip_dst,
				 struct igmpx_msg *m)
{
	enum igmpx_kind kind = igmpx_classify(buf, len);

	switch (kind) {
	case IGMPX_K_RGMP:
		if (ip_dst != IGMPX_ADDR_ALL_RGMP_ROUTERS)
			kind = IGMPX_K_UNKNOWN;
		break;
	case IGMPX_K_MSNIP_GM: case IGMPX_K_MSNIP_IS: case IGMPX_K_MSNIP_RMR:
		if (ip_dst != IGMPX_ADDR_ALL_IGMPV3_ROUTERS)
			kind = IGMPX_K_UNKNOWN;
		break;
	default:
		break;
	}
	return parse_as(buf, len, kind, m);
}

unsigned igmpx_query_max_resp_ms(const struct igmpx_msg *m)
{
	switch (m->kind) {
	case IGMPX_K_V2_QUERY:
		return 100u * m->code;                  /* RFC 2236 §2.2: linear, 1/10 s */
	case IGMPX_K_V3_QUERY:
		return 100u * igmpx_code_decode(m->code); /* RFC 9776 §4.1.1 */
	default:
		return 0;
	}
}

/* ---- Codes ---------------------------------------------------------------------- */

unsigned igmpx_code_decode(uint8_t code)
{
	if (code < 128)
		return code;
	unsigned exp = (code >> 4) & 7, mant = code & 0x0F;
	return (mant | 0x10u) << (exp + 3);
}

uint8_t igmpx_code_encode(unsigned value, bool *exact)
{
	bool ok = true;
	uint8_t code;
	if (value < 128) {
		code = (uint8_t)value;
	} else if (value > IGMPX_CODE_MAX_VALUE) {
		ok = false;
		code = 0xFF;
	} else {
		/* value = (16..31) << (exp + 3): find exp so the mantissa fits. */
		unsigned exp = 0;
		while ((value >> (exp + 3)) > 31)
			exp++;
		unsigned mant = value >> (exp + 3);
		ok = (mant << (exp + 3)) == value;
		code = (uint8_t)(0x80 | exp << 4 | (mant & 0x0F));
	}
	if (exact)
		*exact = ok;
	return code;
}

/* ---- Checksum ------------------------------------------------------------------- */

uint16_t igmpx_cksum(const uint8_t *buf, size_t len)
{
	/* RFC 1071 §2 (B): the sum may be taken over wider words and folded at
	 * the end; 32-bit big-endian words add two 16-bit words at once. */
	uint64_t sum = 0;
	size_t i;
	for (i = 0; i + 3 < len; i += 4)
		sum += get32(buf + i);
	for (; i + 1 < len; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (i < len)
		sum += (uint32_t)buf[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t igmpx_cksum_expected(const uint8_t *buf, size_t len)
{
	if (len < 4)
		return 0;
	/* The sum of every 16-bit word but the checksum field itself. */
	uint32_t sum = (uint32_t)buf[0] << 8 | buf[1];
	size_t i;
	for (i = 4; i + 1 < len; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (i < len)
		sum += (uint32_t)buf[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}
