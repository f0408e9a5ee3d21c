/* check-v3.c: the content rules of IGMPv3 queries and reports (RFC 9776
 * §4.1, §4.2): counts against the message length, reserved fields, groups,
 * records and their source lists.  Part of check.c; see check-int.h. */
#include "check-int.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define G(off) (c->goff + (off))

/* Where a source list is, for texts: "query" (rec 0) or "record N". */
static const char *where(char buf[24], unsigned rec)
{
	if (!rec)
		return "query";
	igmpx_text_format(buf, 24, "record %u", rec);
	return buf;
}

/* The n sources present from IGMP offset base: each one that is not a
 * unicast address breaks rule bad (§4.1.9, §4.2.10); each one listed again
 * is a source_duplicate (a source list is a set, §4.2.16).  Repeats are
 * found with an open-addressing set of the addresses seen, so that 366
 * sources cost 366 probes, not 67,000 comparisons or a sort; a list in
 * strictly ascending order (as lists are often built) needs none.  rec is the
 * record's number, 0 for a query. */
struct src_slot {
	uint32_t addr;
	uint32_t i1;      /* the index of its first listing + 1; 0: empty */
};
#define CK_SET_STACK 512  /* slots on the stack: lists of up to 256 sources */

static void check_sources(struct ck *c, size_t base, unsigned n, enum igmpx_rule bad,
			  unsigned rec)
{
	struct src_slot stack[CK_SET_STACK], *set = stack;
	size_t size = 16;
	char buf[24];
	unsigned present = 0;
	uint32_t prev = 0;
	bool ascending = true;

	/* First every source's kind, and whether the list ascends strictly:
	 * then no source can be listed twice and no set is needed. */
	for (unsigned i = 0; i < n; i++) {
		size_t at = base + 4u * i;
		if (at + 4 > c->glen)
			break;
		const uint8_t *b = c->g + at;
		uint32_t a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		/* Unicast is the common case: one test before the full one. */
		if ((a >> 28) >= 0xE || (a >> 24) == 0 || (a >> 24) == 127) {
			const char *why = ck_not_unicast(a);
			if (why)
				ck_emit(c, bad, G(at), 4, "%s source %u is %s, %s, must be unicast",
					where(buf, rec), i + 1, ck_addr(a), why);
		}
		if (i && a <= prev)
			ascending = false;
		prev = a;
		present++;
	}
	if (ascending)
		return;
	while (size < 2u * (size_t)present)
		size *= 2;
	if (size > CK_SET_STACK)
		set = malloc(size * sizeof(*set));
	if (!set)           /* without memory the repeats go unchecked, nothing else */
		return;
	memset(set, 0, size * sizeof(*set));
	for (unsigned i = 0; i < present; i++) {
		size_t at = base + 4u * i;
		const uint8_t *b = c->g + at;
		uint32_t a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		size_t h = (a * 2654435761u) & (size - 1);
		while (set[h].i1 && set[h].addr != a)
			h = (h + 1) & (size - 1);
		if (set[h].i1)
			ck_emit(c, IGMPX_RULE_source_duplicate, G(at), 4,
				"%s source %u is %s again (as source %u): listed twice",
				where(buf, rec), i + 1, ck_addr(a), set[h].i1);
		else
			set[h] = (struct src_slot){ a, i + 1 };
	}
	if (set != stack)
		free(set);
}

/* ---- Queries (§4.1) ------------------------------------------------------------ */

static void check_query_group(struct ck *c, uint32_t g)
{
	if (g != 0 && !ck_multicast(g))
		ck_emit(c, IGMPX_RULE_v3_query_group, G(IGMPX_OFF_GROUP), 4,
			"v3 query for group %s, must be 0 or a multicast address", ck_addr(g));
	if (g == CK_ALL_SYSTEMS)
		ck_emit(c, IGMPX_RULE_all_systems_reported, G(IGMPX_OFF_GROUP), 4,
			"v3 query for 224.0.0.1, the all-systems group, which is never queried");
}

/* §4.1.8: Number of Sources against the length on the wire (known even
 * when the buffer is cut); §4.1.10: nothing after the last source. */
static void check_query_count(struct ck *c, uint16_t nsrc)
{
	size_t need = IGMPX_OFF_Q_SRC + 4u * nsrc;
	if (need > c->wlen)
		ck_emit(c, IGMPX_RULE_v3_query_nsrc, G(IGMPX_OFF_Q_NSRC), 2,
			"Number of Sources says %u, only %zu in the message (%zu octets short)", nsrc,
			(c->wlen - IGMPX_OFF_Q_SRC) / 4, need - c->wlen);
	else if (need < c->wlen)
		ck_emit(c, IGMPX_RULE_v3_query_extra, G(need), c->wlen - need,
			"v3 query of %zu octets: %zu after its last field (%u source%s), must be none",
			c->wlen, c->wlen - need, nsrc, nsrc == 1 ? "" : "s");
}

void ck_v3_query(struct ck *c)
{
	uint32_t g;
	uint8_t flags;
	uint16_t nsrc;
	bool has_group = ck_u32(c, IGMPX_OFF_GROUP, &g);
	if (has_group)
		check_query_group(c, g);
	if (ck_u8(c, IGMPX_OFF_Q_FLAGS, &flags) && flags >> 4)
		ck_emit(c, IGMPX_RULE_v3_query_flags, G(IGMPX_OFF_Q_FLAGS), 1,
			"query Flags 0x%x set (bit 0 is E, Extension, RFC 9279; the others are "
			"unassigned, RFC 9778)", flags >> 4);
	/* §8.1: the Robustness Variable SHOULD NOT be one; QRV 0 says it is
	 * above 7 (§4.1.6). */
	if (ck_u8(c, IGMPX_OFF_Q_FLAGS, &flags) && (flags & 7) == 1)
		ck_emit(c, IGMPX_RULE_query_qrv_one, G(IGMPX_OFF_Q_FLAGS), 1,
			"QRV 1: the querier's Robustness Variable is 1, should not be");
	/* §8.14.2: the Query Interval MUST be at least the Max Response Time of
	 * General Queries; a QQIC of 0 gives no Query Interval (§4.1.7). */
	uint8_t mrc, qqic;
	if (has_group && g == 0 && ck_u8(c, IGMPX_OFF_CODE, &mrc) &&
	    ck_u8(c, IGMPX_OFF_Q_QQIC, &qqic) && qqic &&
	    igmpx_code_decode(mrc) > 10u * igmpx_code_decode(qqic))
		ck_emit(c, IGMPX_RULE_query_mrt_qqi, G(IGMPX_OFF_CODE), 1,
			"General Query with Max Response Time %u.%u s, longer than the Query "
			"Interval of %u s its QQIC 0x%02x gives", igmpx_code_decode(mrc) / 10,
			igmpx_code_decode(mrc) % 10, igmpx_code_decode(qqic), qqic);
	if (!ck_u16(c, IGMPX_OFF_Q_NSRC, &nsrc))
		return;
	if (has_group && g == 0 && nsrc > 0)
		ck_emit(c, IGMPX_RULE_gq_sources, G(IGMPX_OFF_Q_NSRC), 2,
			"General Query (group 0) with Number of Sources %u, must be 0", nsrc);
	if (!c->first_fragment)        /* its length on the wire is not known */
		check_query_count(c, nsrc);
	size_t room = (c->glen - IGMPX_OFF_Q_SRC) / 4;
	check_sources(c, IGMPX_OFF_Q_SRC, (unsigned)(room < nsrc ? room : nsrc),
		      IGMPX_RULE_v3_query_source, 0);
}

/* ---- Reports (§4.2) ----------------------------------------------------------- */

static const char *rec_name(uint8_t type)
{
	const char *n = igmpx_record_type_abbrev(type);
	return n ? n : "record";
}

/* One group record (§4.2.5-§4.2.13, §5, §5.1), whole or not. */
static void check_record(struct ck *c, const struct igmpx_v3_record *r, unsigned idx)
{
	if (r->type < 1 || r->type > 6)
		ck_emit(c, IGMPX_RULE_record_type, G(r->off), 1,
			"record %u of type %u, not one IGMPv3 defines (1 to 6): receivers ignore it",
			idx, r->type);
	if (r->aux_len)
		ck_emit(c, IGMPX_RULE_aux_data, G(r->off + 1), 1,
			"record %u Aux Data Len %u, must be 0", idx, r->aux_len);
	if ((r->type == 5 || r->type == 6) && r->nsrc == 0)
		ck_emit(c, IGMPX_RULE_allow_block_empty, G(r->off + 2), 2,
			"record %u %s %s with no sources, must be left out", idx, rec_name(r->type),
			ck_addr(r->group));
	if (!ck_multicast(r->group))
		ck_emit(c, IGMPX_RULE_v3_record_group, G(r->off + 4), 4,
			"record %u for %s, must be a multicast address", idx, ck_addr(r->group));
	if (r->group == CK_ALL_SYSTEMS)
		ck_emit(c, IGMPX_RULE_all_systems_reported, G(r->off + 4), 4,
			"record %u for 224.0.0.1, the all-systems group, which is never reported", idx);
	if ((r->type == 2 || r->type == 4) && r->group >> 24 == 232)
		ck_emit(c, IGMPX_RULE_ssm_exclude, G(r->off), 1,
			"record %u %s %s in the SSM range 232/8, SSM-aware hosts send none", idx,
			rec_name(r->type), ck_addr(r->group));
	check_sources(c, r->src_off, r->nsrc_present, IGMPX_RULE_v3_record_source, idx);
}

/* A record the message ends inside (§4.2.8, §4.2.7). */
static void record_short(struct ck *c, const struct igmpx_v3_record *r, unsigned idx)
{
	if (r->nsrc_present < r->nsrc)
		ck_emit(c, IGMPX_RULE_v3_record_nsrc, G(r->off + 2), 2,
			"record %u Number of Sources says %u, only %u in the message (%zu octets "
			"short)", idx, r->nsrc, r->nsrc_present, r->aux_off - c->glen);
	else
		ck_emit(c, IGMPX_RULE_v3_record_aux_fit, G(r->off + 1), 1,
			"record %u Aux Data Len says %u word%s (%u octets), only %zu in the message",
			idx, r->aux_len, r->aux_len == 1 ? "" : "s", 4u * r->aux_len, r->aux_present);
}

/* §4.2.4: the records, walked as far as the buffer holds them; counts are
 * blamed only when the buffer is the whole message. */
static void check_records(struct ck *c, uint16_t nrec)
{
	size_t off = IGMPX_OFF_R_RECORDS;
	for (unsigned i = 0; i < nrec; i++) {
		struct igmpx_v3_record r;
		if (!igmpx_v3_record_at(c->g, c->glen, off, &r)) {
			if (!c->cut)
				ck_emit(c, IGMPX_RULE_v3_report_nrec, G(IGMPX_OFF_R_NREC), 2,
					"Number of Group Records says %u, only %u in the message%s",
					nrec, i, off < c->glen ? " (and part of a record header)" : "");
			return;
		}
		check_record(c, &r, i + 1);
		if (!r.complete) {
			if (!c->cut)
				record_short(c, &r, i + 1);
			return;
		}
		off = r.end;
	}
	if (off < c->wlen && !c->first_fragment)       /* §4.2.12 */
		ck_emit(c, IGMPX_RULE_v3_report_extra, G(off), c->wlen - off,
			"v3 report of %zu octets: %zu after its last group record, must be none",
			c->wlen, c->wlen - off);
}

void ck_v3_report(struct ck *c)
{
	uint8_t reserved;
	uint16_t flags, nrec;
	if (ck_u8(c, IGMPX_OFF_CODE, &reserved) && reserved)
		ck_emit(c, IGMPX_RULE_v3_report_reserved, G(IGMPX_OFF_CODE), 1,
			"v3 report Reserved 0x%02x, must be 0", reserved);
	if (ck_u16(c, IGMPX_OFF_R_FLAGS, &flags) && flags)
		ck_emit(c, IGMPX_RULE_v3_report_flags, G(IGMPX_OFF_R_FLAGS), 2,
			"report Flags 0x%04x set (bit 0 is E, Extension, RFC 9279; the others are "
			"unassigned, RFC 9778)", flags);
	if (ck_u16(c, IGMPX_OFF_R_NREC, &nrec))
		check_records(c, nrec);
}
