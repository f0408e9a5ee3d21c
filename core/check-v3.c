/* check-v3.c: the content rules of IGMPv3 queries and reports (RFC 9776
 * §4.1, §4.2): counts against the message length, reserved fields, groups,
 * records and their source lists.  Part of check.c; see check-int.h. */
#include "check-int.h"

#include <stdio.h>
#include <stdlib.h>

#define G(off) (c->goff + (off))

struct src_ix {
	uint32_t addr;
	unsigned i;
};

static int src_cmp(const void *a, const void *b)
{
	const struct src_ix *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The n sources present from IGMP offset base: each one that is not a
 * unicast address breaks rule bad (§4.1.9, §4.2.10); each one listed again
 * is a source_duplicate (a source list is a set, §4.2.16), found by sorting
 * a copy so that 366 sources cost no 67,000 comparisons. */
/* A short list is searched pairwise, without a copy to sort: most lists
 * hold a source or two. */
#define CK_SHORT_LIST 16

static void duplicate(struct ck *c, size_t base, unsigned k, unsigned first, uint32_t a,
		      const char *where)
{
	ck_emit(c, IGMPX_RULE_source_duplicate, G(base + 4u * k), 4,
		"%s source %u is %s again (as source %u): listed twice", where, k + 1,
		ck_addr(a), first + 1);
}

static void check_sources(struct ck *c, size_t base, unsigned n, enum igmpx_rule bad,
			  const char *where)
{
	uint32_t shortv[CK_SHORT_LIST];
	struct src_ix *v = n > CK_SHORT_LIST ? malloc(n * sizeof(*v)) : NULL;
	for (unsigned i = 0; i < n; i++) {
		uint32_t a = 0;
		ck_u32(c, base + 4u * i, &a);
		const char *why = ck_not_unicast(a);
		if (why)
			ck_emit(c, bad, G(base + 4u * i), 4, "%s source %u is %s, %s, must be unicast",
				where, i + 1, ck_addr(a), why);
		if (v)
			v[i] = (struct src_ix){ a, i };
		else if (n <= CK_SHORT_LIST)
			shortv[i] = a;
	}
	if (!v) {
		for (unsigned k = 1; k < n && n <= CK_SHORT_LIST; k++)
			for (unsigned j = 0; j < k; j++)
				if (shortv[j] == shortv[k]) {
					duplicate(c, base, k, j, shortv[k], where);
					break;
				}
		return;
	}
	qsort(v, n, sizeof(*v), src_cmp);
	for (unsigned k = 1, first = 0; k < n; k++) {
		if (v[k].addr != v[first].addr) {
			first = k;
			continue;
		}
		duplicate(c, base, v[k].i, v[first].i, v[k].addr, where);
	}
	free(v);
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
			"query Flags 0x%x set, no flag is registered", flags >> 4);
	if (!ck_u16(c, IGMPX_OFF_Q_NSRC, &nsrc))
		return;
	if (has_group && g == 0 && nsrc > 0)
		ck_emit(c, IGMPX_RULE_gq_sources, G(IGMPX_OFF_Q_NSRC), 2,
			"General Query (group 0) with Number of Sources %u, must be 0", nsrc);
	check_query_count(c, nsrc);
	size_t room = (c->glen - IGMPX_OFF_Q_SRC) / 4;
	check_sources(c, IGMPX_OFF_Q_SRC, (unsigned)(room < nsrc ? room : nsrc),
		      IGMPX_RULE_v3_query_source, "query");
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
	char where[40];
	snprintf(where, sizeof(where), "record %u", idx);
	if (r->type < 1 || r->type > 6)
		ck_emit(c, IGMPX_RULE_record_type, G(r->off), 1,
			"record %u of type %u, must be 1 to 6 (receivers ignore it)", idx, r->type);
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
	check_sources(c, r->src_off, r->nsrc_present, IGMPX_RULE_v3_record_source, where);
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
	if (off < c->wlen)       /* §4.2.12 */
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
			"report Flags 0x%04x set, no flag is registered", flags);
	if (ck_u16(c, IGMPX_OFF_R_NREC, &nrec))
		check_records(c, nrec);
}
