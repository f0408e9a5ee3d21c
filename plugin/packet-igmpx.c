/* packet-igmpx.c: IGMP (IP protocol 2) decoded over core/codec.
 *
 * Registration, preferences, dispatch and IGMP proper: RFC 988 (v0),
 * RFC 1112 (v1), RFC 2236 (v2), RFC 9776 (v3).  The Info column is
 * packet-igmpx-info.c's; the other messages of IP protocol 2 live in
 * packet-igmpx-ext.c; DVMRP and PIMv1 go to Wireshark's
 * own dissectors through the built-in's "igmp.type" table.
 *
 * Every message is parsed once by igmpx_parse() on the same octets the tvb
 * holds; the parse decides which fields are whole, the tvb supplies the
 * items.  A message shorter than its fields shows what it has (and
 * core/check's rule truncated says so) rather than raising an exception.
 */
#include "packet-igmpx.h"
#include "ws-compat.h"

#include <epan/ipproto.h>
#include <epan/prefs.h>
#include <epan/unit_strings.h>

static int proto_igmpx = -1;

static int hf_igmpx_type = -1;
static int hf_igmpx_version = -1;
static int hf_igmpx_code = -1;
static int hf_igmpx_unused = -1;
static int hf_igmpx_max_resp_code = -1;
static int hf_igmpx_max_resp_time = -1;
static int hf_igmpx_checksum = -1;
static int hf_igmpx_checksum_status = -1;
static int hf_igmpx_group = -1;
static int hf_igmpx_v0_code = -1;
static int hf_igmpx_v0_identifier = -1;
static int hf_igmpx_v0_access_key = -1;
static int hf_igmpx_flags = -1;
static int hf_igmpx_s = -1;
static int hf_igmpx_qrv = -1;
static int hf_igmpx_qqic = -1;
static int hf_igmpx_qqi = -1;
static int hf_igmpx_num_sources = -1;
static int hf_igmpx_source = -1;
static int hf_igmpx_reserved = -1;
static int hf_igmpx_report_flags = -1;
static int hf_igmpx_num_records = -1;
static int hf_igmpx_record = -1;
static int hf_igmpx_record_type = -1;
static int hf_igmpx_record_aux_len = -1;
static int hf_igmpx_record_num_sources = -1;
static int hf_igmpx_record_group = -1;
static int hf_igmpx_record_source = -1;
static int hf_igmpx_record_aux_data = -1;
static int hf_igmpx_data = -1;
static int hf_igmpx_trailer = -1;
static int hf_igmpx_partial = -1;

static gint ett_igmpx = -1;
static gint ett_igmpx_record = -1;

/* Preferences */
static igmpx_pref_bool igmpx_take_over = TRUE;

static dissector_handle_t igmpx_handle;
static dissector_handle_t igmpx_builtin_handle;   /* the built-in "igmp" */
static dissector_table_t igmpx_igmp_type_table;   /* the built-in's "igmp.type" */

/* RFC 9776 §4.2.13 */
static const value_string igmpx_record_type_vals[] = {
	{ 1, "MODE_IS_INCLUDE" },
	{ 2, "MODE_IS_EXCLUDE" },
	{ 3, "CHANGE_TO_INCLUDE_MODE" },
	{ 4, "CHANGE_TO_EXCLUDE_MODE" },
	{ 5, "ALLOW_NEW_SOURCES" },
	{ 6, "BLOCK_OLD_SOURCES" },
	{ 0, NULL }
};

/* ---- Helpers shared with packet-igmpx-ext.c ------------------------------- */

void igmpx_note_span(struct igmpx_ctx *c, proto_item *item, size_t off, size_t len)
{
	struct igmpx_span *grown;

	if (!item || !c->nfound)
		return;         /* nothing to hang: no need to know where items are */
	if (c->nspans == c->spans_cap) {
		/* Past the inline ones (long source lists): twice as many, per packet. */
		c->spans_cap = c->spans_cap ? 2 * c->spans_cap : IGMPX_SPANS_INLINE;
		grown = wmem_alloc_array(c->pinfo->pool, struct igmpx_span, c->spans_cap);
		if (c->nspans)
			memcpy(grown, c->spans, c->nspans * sizeof(*grown));
		c->spans = grown;
	}
	c->spans[c->nspans].off = (guint32)off;
	c->spans[c->nspans].len = (guint32)len;
	c->spans[c->nspans].item = item;
	c->nspans++;
}

proto_item *igmpx_add(struct igmpx_ctx *c, proto_tree *tree, int hf, size_t off, size_t len,
		      guint encoding)
{
	proto_item *ti;

	if (off > c->len || len > c->len - off)
		return NULL;
	if (off + len > c->fit_end)
		c->fit_end = off + len;
	ti = proto_tree_add_item(tree, hf, c->tvb, (gint)off, (gint)len, encoding);
	if (c->tree)
		igmpx_note_span(c, ti, off, len);
	return ti;
}

void igmpx_add_checksum(struct igmpx_ctx *c, proto_tree *tree)
{
	guint flags = PROTO_CHECKSUM_NO_FLAGS;
	guint32 computed = 0;

	if (c->len < IGMPX_OFF_CHECKSUM + 2)
		return;
	/* RFC 9776 §4.1.2, §4.2.2, RFC 2236 §2.3: over the whole IP payload.
	 * Octets not captured, a fragment, or a message quoted in an ICMP
	 * error (cut to 8 octets) leave it unverified.  With IN_CKSUM,
	 * Wireshark takes the sum in network order, as in_cksum() gives it. */
	if (c->whole && !c->pinfo->fragmented && !c->pinfo->flags.in_error_pkt) {
		flags = PROTO_CHECKSUM_VERIFY | PROTO_CHECKSUM_IN_CKSUM;
		/* The parse has summed it already: sum again only to say what a
		 * bad one should be. */
		computed = c->m.checksum_ok ? 0 : g_htons(igmpx_cksum(c->buf, c->len));
	}
	/* No expert item here: core/check's rule checksum is the one finding
	 * (igmpx.rule.checksum), hung on this item. */
	c->it.checksum = proto_tree_add_checksum(tree, c->tvb, IGMPX_OFF_CHECKSUM, hf_igmpx_checksum,
						 hf_igmpx_checksum_status, NULL,
						 c->pinfo, computed, ENC_BIG_ENDIAN, flags);
	if (c->tree)
		igmpx_note_span(c, c->it.checksum, IGMPX_OFF_CHECKSUM, 2);
	if (c->fit_end < IGMPX_OFF_CHECKSUM + 2)
		c->fit_end = IGMPX_OFF_CHECKSUM + 2;
}

proto_item *igmpx_add_group(struct igmpx_ctx *c, proto_tree *tree, size_t off)
{
	c->it.group = igmpx_add(c, tree, hf_igmpx_group, off, 4, ENC_BIG_ENDIAN);
	return c->it.group;
}

proto_item *igmpx_add_partial(struct igmpx_ctx *c, size_t off)
{
	proto_item *ti;

	if (off >= c->len)
		return NULL;
	ti = proto_tree_add_item(c->tree, hf_igmpx_partial, c->tvb, (gint)off, (gint)(c->len - off),
				 ENC_NA);
	proto_item_append_text(ti, " (%zu octet%s)", c->len - off, plurality(c->len - off, "", "s"));
	c->it.partial = ti;
	if (c->tree)
		igmpx_note_span(c, ti, off, c->len - off);
	c->fit_end = c->len;
	return ti;
}

/* RFC 791: version 4, IHL in words, Total Length, Protocol at octet 9.
 * A header quoted in an ICMP error keeps the Total Length of the
 * original, longer than what is quoted.  h: hlen octets of a candidate. */
static gboolean igmpx_is_ip_header_of(const struct igmpx_ctx *c, const guint8 *h, size_t hlen)
{
	if ((h[0] >> 4) != 4 || (size_t)(h[0] & 0x0F) * 4 != hlen || h[9] != 2)
		return FALSE;
	return c->pinfo->flags.in_error_pkt || igmpx_read16(h + 2) >= hlen + c->len;
}

static const guint8 *igmpx_find_ip(struct igmpx_ctx *c, size_t *len, size_t *hlen)
{
	tvbuff_t *ds = tvb_get_ds_tvb(c->tvb);
	gint at = tvb_raw_offset(c->tvb);
	guint captured = tvb_captured_length(c->tvb);
	gint lo;
	const guint8 *all;

	if (!ds || at < 20)
		return NULL;
	/* Up to 60 octets before the message and the message, read at once.
	 * The message's octets must be the data source's octets at that
	 * offset (not a reassembled or decrypted copy of them). */
	lo = at > 60 ? at - 60 : 0;
	if (!tvb_bytes_exist(ds, lo, at - lo + (gint)captured))
		return NULL;
	all = tvb_get_ptr(ds, lo, at - lo + (gint)captured);
	if (captured && all + (at - lo) != tvb_get_ptr(c->tvb, 0, 1))
		return NULL;
	for (gint h = 20; h <= 60 && h <= at; h += 4) {
		if (!igmpx_is_ip_header_of(c, all + (at - lo) - h, (size_t)h))
			continue;
		*hlen = (size_t)h;
		*len = (size_t)h + captured;
		return all + (at - lo) - h;
	}
	return NULL;
}

const guint8 *igmpx_ip_packet(struct igmpx_ctx *c, size_t *len, size_t *hlen)
{
	if (!c->ip_looked) {
		c->ip_looked = TRUE;
		c->ip = igmpx_find_ip(c, &c->ip_len, &c->ip_hdr);
	}
	*len = c->ip_len;
	*hlen = c->ip_hdr;
	return c->ip;
}

const struct igmpx_ipv4 *igmpx_ip_parsed(struct igmpx_ctx *c)
{
	size_t len, hlen;
	const guint8 *ip;

	if (c->iph_looked)
		return c->iph_ok ? &c->iph : NULL;
	c->iph_looked = TRUE;
	ip = igmpx_ip_packet(c, &len, &hlen);
	/* c->m is core's parse of exactly the payload, on this destination. */
	c->iph_ok = ip && c->whole && !c->pinfo->flags.in_error_pkt && len == hlen + c->len &&
		    igmpx_ipv4_parse(ip, len, &c->iph) && c->iph.proto == IGMPX_IPPROTO_IGMP &&
		    c->iph.payload_off == hlen && c->iph.payload_len == c->len &&
		    c->pinfo->dst.type == AT_IPv4 && c->iph.dst == igmpx_read32(c->pinfo->dst.data);
	return c->iph_ok ? &c->iph : NULL;
}

/* ---- IGMP proper ---------------------------------------------------------- */

static void add_max_resp_time(struct igmpx_ctx *c, proto_tree *tree)
{
	unsigned ms = igmpx_query_max_resp_ms(&c->m);
	nstime_t t = { .secs = ms / 1000, .nsecs = (int)(ms % 1000) * 1000000 };
	proto_item *ti;

	if (c->len < 2)
		return;
	ti = proto_tree_add_time(tree, hf_igmpx_max_resp_time, c->tvb, IGMPX_OFF_CODE, 1, &t);
	proto_item_set_generated(ti);
}

/* RFC 988 Appendix I: Type, Code, Checksum, Identifier, Group
 * Address, Access Key (20 octets). */
static void dissect_v0(struct igmpx_ctx *c)
{
	proto_tree *t = c->tree;
	const struct igmpx_msg *m = &c->m;
	const char *meaning = igmpx_v0_code_name(m->type, m->code);

	c->it.code = igmpx_add(c, t, hf_igmpx_v0_code, IGMPX_OFF_CODE, 1, ENC_NA);
	if (c->it.code && meaning) {
		if (!(m->type & 1) && m->code >= 5)   /* RFC 988: retry in this many seconds */
			proto_item_append_text(c->it.code, " (%s, retry in %u s)", meaning, m->code);
		else
			proto_item_append_text(c->it.code, " (%s)", meaning);
	}
	igmpx_add_checksum(c, t);
	igmpx_add(c, t, hf_igmpx_v0_identifier, 4, 4, ENC_BIG_ENDIAN);
	igmpx_add_group(c, t, 8);
	igmpx_add(c, t, hf_igmpx_v0_access_key, 12, 8, ENC_BIG_ENDIAN);
}

/* v1 and v2 messages, and the 9-11 octet query read with the v2 layout. */
static void dissect_v12(struct igmpx_ctx *c)
{
	proto_tree *t = c->tree;

	switch (c->m.kind) {
	case IGMPX_K_V1_QUERY: case IGMPX_K_V1_REPORT:
		/* RFC 1112 Appendix I: Version 1, Type 1 or 2, then an Unused octet. */
		c->it.code = igmpx_add(c, t, hf_igmpx_unused, IGMPX_OFF_CODE, 1, ENC_NA);
		break;
	case IGMPX_K_V2_QUERY:
		/* RFC 2236 §2.2: Max Response Time, linear, in tenths of a second. */
		c->it.code = igmpx_add(c, t, hf_igmpx_max_resp_code, IGMPX_OFF_CODE, 1, ENC_NA);
		add_max_resp_time(c, t);
		break;
	case IGMPX_K_BAD_QUERY:
		c->it.code = igmpx_add(c, t, hf_igmpx_max_resp_code, IGMPX_OFF_CODE, 1, ENC_NA);
		break;
	default:
		/* RFC 2236 §2.2: in reports and leaves, zero and ignored. */
		c->it.code = igmpx_add(c, t, hf_igmpx_max_resp_code, IGMPX_OFF_CODE, 1, ENC_NA);
		if (c->it.code)
			proto_item_append_text(c->it.code, " (unused in this message)");
		break;
	}
	igmpx_add_checksum(c, t);
	igmpx_add_group(c, t, IGMPX_OFF_GROUP);
}

/* RFC 9776 §4.1 */
static void dissect_v3_query(struct igmpx_ctx *c)
{
	proto_tree *t = c->tree;
	const struct igmpx_msg *m = &c->m;
	proto_item *ti;

	c->it.code = igmpx_add(c, t, hf_igmpx_max_resp_code, IGMPX_OFF_CODE, 1, ENC_NA);
	if (c->it.code && m->code >= 128)   /* §4.1.1: 1|exp|mant */
		proto_item_append_text(c->it.code, " (exp %u, mant %u)", (m->code >> 4) & 7,
				       m->code & 0x0F);
	add_max_resp_time(c, t);
	igmpx_add_checksum(c, t);
	igmpx_add_group(c, t, IGMPX_OFF_GROUP);
	c->it.flags = igmpx_add(c, t, hf_igmpx_flags, IGMPX_OFF_Q_FLAGS, 1, ENC_NA);
	c->it.s = igmpx_add(c, t, hf_igmpx_s, IGMPX_OFF_Q_FLAGS, 1, ENC_NA);
	c->it.qrv = igmpx_add(c, t, hf_igmpx_qrv, IGMPX_OFF_Q_FLAGS, 1, ENC_NA);
	c->it.qqic = igmpx_add(c, t, hf_igmpx_qqic, IGMPX_OFF_Q_QQIC, 1, ENC_NA);
	if (c->len > IGMPX_OFF_Q_QQIC) {
		/* §4.1.7: the same code as Max Resp Code, in seconds. */
		ti = proto_tree_add_uint(t, hf_igmpx_qqi, c->tvb, IGMPX_OFF_Q_QQIC, 1,
					 igmpx_code_decode(m->u.v3q.qqic));
		proto_item_set_generated(ti);
	}
	c->it.count = igmpx_add(c, t, hf_igmpx_num_sources, IGMPX_OFF_Q_NSRC, 2, ENC_BIG_ENDIAN);
	/* A query is v3 by being 12 octets or more (§7.1): the fixed part is
	 * whole.  Fewer sources than counted: core/check's v3_query_nsrc. */
	for (unsigned i = 0; i < m->u.v3q.nsrc_present; i++)
		igmpx_add(c, t, hf_igmpx_source, IGMPX_OFF_Q_SRC + 4u * i, 4, ENC_BIG_ENDIAN);
}

/* RFC 9776 §4.2.5: one group record; false when the message ends inside it. */
static gboolean dissect_v3_record(struct igmpx_ctx *c, const struct igmpx_v3_record *r,
				  unsigned index)
{
	proto_item *ri;
	proto_tree *rt;
	const char *abbrev = igmpx_record_type_abbrev(r->type);

	ri = proto_tree_add_item(c->tree, hf_igmpx_record, c->tvb, (gint)r->off,
				 (gint)(r->end - r->off), ENC_NA);
	if (c->tree)
		igmpx_note_span(c, ri, r->off, r->end - r->off);
	rt = proto_item_add_subtree(ri, ett_igmpx_record);
	igmpx_add(c, rt, hf_igmpx_record_type, r->off, 1, ENC_NA);
	igmpx_add(c, rt, hf_igmpx_record_aux_len, r->off + 1, 1, ENC_NA);
	igmpx_add(c, rt, hf_igmpx_record_num_sources, r->off + 2, 2, ENC_BIG_ENDIAN);
	igmpx_add(c, rt, hf_igmpx_record_group, r->off + 4, 4, ENC_BIG_ENDIAN);
	/* Labelled once its header was read from the tvb (not past a capture cut). */
	if (abbrev)
		proto_item_set_text(ri, "Group Record %u: %s " IGMPX_IP4_FMT ", %u source%s",
				    index + 1, abbrev, IGMPX_IP4_ARGS(r->group), r->nsrc,
				    plurality(r->nsrc, "", "s"));
	else
		proto_item_set_text(ri, "Group Record %u: type %u " IGMPX_IP4_FMT ", %u source%s",
				    index + 1, r->type, IGMPX_IP4_ARGS(r->group), r->nsrc,
				    plurality(r->nsrc, "", "s"));
	for (unsigned i = 0; i < r->nsrc_present; i++)
		igmpx_add(c, rt, hf_igmpx_record_source, r->src_off + 4u * i, 4, ENC_BIG_ENDIAN);
	/* A record cut short: core/check's v3_record_nsrc, v3_record_aux_fit. */
	if (r->nsrc_present < r->nsrc)
		return FALSE;
	if (r->aux_present)
		igmpx_add(c, rt, hf_igmpx_record_aux_data, r->aux_off, r->aux_present, ENC_NA);
	return r->complete;
}

/* RFC 9776 §4.2 */
static void dissect_v3_report(struct igmpx_ctx *c)
{
	proto_tree *t = c->tree;
	const struct igmpx_msg *m = &c->m;
	struct igmpx_v3_record r;
	size_t off = IGMPX_OFF_R_RECORDS;

	c->it.code = igmpx_add(c, t, hf_igmpx_reserved, IGMPX_OFF_CODE, 1, ENC_NA);
	igmpx_add_checksum(c, t);
	c->it.flags = igmpx_add(c, t, hf_igmpx_report_flags, IGMPX_OFF_R_FLAGS, 2, ENC_BIG_ENDIAN);
	c->it.count = igmpx_add(c, t, hf_igmpx_num_records, IGMPX_OFF_R_NREC, 2, ENC_BIG_ENDIAN);
	if (m->len < IGMPX_LEN_V3_REPORT)
		return;
	for (unsigned i = 0; i < m->u.v3r.nrec; i++) {
		/* Fewer records than counted: core/check's v3_report_nrec. */
		if (!igmpx_v3_record_at(c->buf, c->len, off, &r) || !dissect_v3_record(c, &r, i))
			return;
		off = r.end;
	}
}

/* Types the codec knows no layout for (and DVMRP/PIMv1 when no dissector
 * takes them): type, second octet, checksum, the rest as data. */
static void dissect_unknown(struct igmpx_ctx *c)
{
	c->it.code = igmpx_add(c, c->tree, hf_igmpx_code, IGMPX_OFF_CODE, 1, ENC_NA);
	igmpx_add_checksum(c, c->tree);
	if (c->len > 4)
		igmpx_add(c, c->tree, hf_igmpx_data, 4, c->len - 4, ENC_NA);
}

typedef void (*igmpx_dissect_fn)(struct igmpx_ctx *c);

static const igmpx_dissect_fn igmpx_dissectors[IGMPX_K_COUNT] = {
	[IGMPX_K_UNKNOWN]     = dissect_unknown,
	[IGMPX_K_V0]          = dissect_v0,
	[IGMPX_K_V1_QUERY]    = dissect_v12,
	[IGMPX_K_V2_QUERY]    = dissect_v12,
	[IGMPX_K_V3_QUERY]    = dissect_v3_query,
	[IGMPX_K_BAD_QUERY]   = dissect_v12,
	[IGMPX_K_V1_REPORT]   = dissect_v12,
	[IGMPX_K_V2_REPORT]   = dissect_v12,
	[IGMPX_K_V2_LEAVE]    = dissect_v12,
	[IGMPX_K_V3_REPORT]   = dissect_v3_report,
	[IGMPX_K_DVMRP]       = dissect_unknown,
	[IGMPX_K_PIMV1]       = dissect_unknown,
	[IGMPX_K_CISCO_TRACE] = dissect_unknown,
	[IGMPX_K_MTRACE]      = igmpx_dissect_mtrace,
	[IGMPX_K_MSNIP_GM]    = igmpx_dissect_msnip,
	[IGMPX_K_MSNIP_IS]    = igmpx_dissect_msnip,
	[IGMPX_K_MSNIP_RMR]   = igmpx_dissect_msnip,
	[IGMPX_K_MRD_ADV]     = igmpx_dissect_mrd,
	[IGMPX_K_MRD_SOL]     = igmpx_dissect_mrd,
	[IGMPX_K_MRD_TERM]    = igmpx_dissect_mrd,
	[IGMPX_K_IGAP]        = igmpx_dissect_igap,
	[IGMPX_K_RGMP]        = igmpx_dissect_rgmp,
};

/* The fixed part of each kind, for a message that ends inside it. */
size_t igmpx_fixed_len(enum igmpx_kind k)
{
	switch (k) {
	case IGMPX_K_V0:        return IGMPX_LEN_V0;
	case IGMPX_K_V1_QUERY: case IGMPX_K_V2_QUERY: case IGMPX_K_BAD_QUERY:
	case IGMPX_K_V1_REPORT: case IGMPX_K_V2_REPORT: case IGMPX_K_V2_LEAVE:
	case IGMPX_K_RGMP:      return IGMPX_LEN_V12;
	case IGMPX_K_V3_QUERY:  return IGMPX_LEN_V3_QUERY;
	case IGMPX_K_V3_REPORT: return IGMPX_LEN_V3_REPORT;
	case IGMPX_K_MTRACE:    return IGMPX_LEN_MTRACE;
	case IGMPX_K_MRD_ADV:   return IGMPX_LEN_MRD_ADV;
	case IGMPX_K_MRD_SOL: case IGMPX_K_MRD_TERM: return IGMPX_LEN_MRD_SHORT;
	case IGMPX_K_IGAP:      return IGMPX_LEN_IGAP;
	case IGMPX_K_MSNIP_GM:  return IGMPX_LEN_MSNIP_GM;
	case IGMPX_K_MSNIP_IS:  return IGMPX_LEN_MSNIP_IS;
	case IGMPX_K_MSNIP_RMR: return IGMPX_LEN_MSNIP_RMR;
	case IGMPX_K_UNKNOWN: case IGMPX_K_DVMRP: case IGMPX_K_PIMV1:
	case IGMPX_K_CISCO_TRACE: case IGMPX_K_COUNT:
		return 4;
	}
	return 4;
}

/* After the fields: the octets of a cut-off field or entry, or the trailer.
 * What is wrong with them (truncated, query_length, v3_query_extra,
 * v3_report_extra, v2_extra) core/check says, on these items. */
static void dissect_rest(struct igmpx_ctx *c)
{
	const struct igmpx_msg *m = &c->m;
	proto_item *ti;

	if (m->status == IGMPX_TRUNCATED) {
		igmpx_add_partial(c, MAX(m->end, c->fit_end));
		return;
	}
	if (m->trailer_len == 0)
		return;
	ti = proto_tree_add_item(c->tree, hf_igmpx_trailer, c->tvb, (gint)m->end,
				 (gint)m->trailer_len, ENC_NA);
	proto_item_append_text(ti, " (%zu octet%s)", m->trailer_len, plurality(m->trailer_len, "", "s"));
	c->it.trailer = ti;
	if (c->tree)
		igmpx_note_span(c, ti, m->end, m->trailer_len);
}

/* DVMRP and PIMv1: Wireshark's own dissectors, through the built-in's table. */
static gboolean dissect_handed_off(struct igmpx_ctx *c, proto_tree *tree)
{
	if (!igmpx_igmp_type_table || c->len < 4)
		return FALSE;
	return igmpx_dissector_try_uint(igmpx_igmp_type_table, c->m.type, c->tvb, c->pinfo, tree,
				      FALSE, NULL) != 0;
}

/* Parses the message core-side: the captured octets, zero-padded up to the
 * reported length when the capture cut it (fields past the capture then
 * raise the usual "packet size limited" exception when added). */
static void igmpx_ctx_init(struct igmpx_ctx *c, tvbuff_t *tvb, packet_info *pinfo)
{
	guint captured = tvb_captured_length(tvb);
	guint reported = tvb_reported_length(tvb);

	memset(c, 0, offsetof(struct igmpx_ctx, span_buf));
	c->spans = c->span_buf;
	c->spans_cap = IGMPX_SPANS_INLINE;
	c->tvb = tvb;
	c->pinfo = pinfo;
	c->len = reported;
	c->whole = captured >= reported;
	if (c->whole) {
		c->buf = tvb_get_ptr(tvb, 0, reported);
	} else {
		guint8 *copy = (guint8 *)wmem_alloc0(pinfo->pool, reported ? reported : 1);
		tvb_memcpy(tvb, copy, 0, captured);
		c->buf = copy;
	}
	/* RGMP and MSNIP type numbers mean that only to their destination. */
	if (pinfo->dst.type == AT_IPv4)
		igmpx_parse_to(c->buf, c->len, igmpx_read32(pinfo->dst.data), &c->m);
	else
		igmpx_parse(c->buf, c->len, &c->m);
	/* A quoted query is cut to 8 octets, and the first fragment of one can
	 * hold 8 to 11: their length no longer tells the version (RFC 9776
	 * §7.1; a first fragment of 12 or more is v3's). */
	if (c->m.type == IGMPX_T_QUERY &&
	    (pinfo->flags.in_error_pkt || (pinfo->fragmented && c->len < IGMPX_LEN_V3_QUERY)))
		c->m.version = -1;
}

static int dissect_igmpx(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	struct igmpx_ctx c;
	proto_item *ti;
	const char *name;
	gboolean fields;

	igmpx_ctx_init(&c, tvb, pinfo);
	c.ip_data = data;
	name = igmpx_display_name(&c);
	col_set_str(pinfo->cinfo, COL_PROTOCOL, igmpx_msg_protocol(&c.m));
	col_clear(pinfo->cinfo, COL_INFO);

	/* When nothing can show or filter on igmpx's fields (tshark -q -z
	 * expert; a filter on other protocols), they are not added: the case
	 * proto_field_is_referenced() is for.  The checks, their expert items,
	 * the stateful analysis and the taps run all the same, and the
	 * protocol item stays, for Wireshark to hang the expert items on.  A
	 * message cut by the capture is decoded anyway: adding its missing
	 * fields is what raises the "packet size limited" exception. */
	fields = !c.whole || proto_field_is_referenced(tree, proto_igmpx);
	ti = proto_tree_add_item(tree, proto_igmpx, tvb, 0, -1, ENC_NA);
	c.it.proto = ti;
	c.tree = proto_item_add_subtree(ti, ett_igmpx);
	igmpx_rules_check(&c);          /* before the fields: they note their octets if needed */
	if (fields) {
		if (c.tree)
			igmpx_note_span(&c, ti, 0, c.len);
		if (name)
			proto_item_append_text(ti, ", %s", name);
		else
			proto_item_append_text(ti, ", type 0x%02x (unknown)", c.m.type);
		c.it.type = igmpx_add(&c, c.tree, hf_igmpx_type, IGMPX_OFF_TYPE, 1, ENC_NA);
		if (c.m.version >= 0 && c.len >= 1) {
			proto_item *vi = proto_tree_add_uint(c.tree, hf_igmpx_version, tvb, 0, 0,
							     (guint32)c.m.version);
			proto_item_set_generated(vi);
		}
	}
	if ((c.m.kind == IGMPX_K_DVMRP || c.m.kind == IGMPX_K_PIMV1) &&
	    dissect_handed_off(&c, tree)) {
		proto_item_append_text(ti, " (decoded by Wireshark's %s dissector)",
				       igmpx_kind_protocol(c.m.kind));
		return tvb_captured_length(tvb);
	}
	if (pinfo->cinfo)       /* no columns (tshark -q): no Info text to build */
		col_add_str(pinfo->cinfo, COL_INFO, igmpx_info(&c));
	if (fields) {
		igmpx_dissectors[c.m.kind](&c);
		dissect_rest(&c);
	}
	igmpx_rules_apply(&c);
	igmpx_state_apply(&c);
	igmpx_stats_queue(&c);
	return tvb_captured_length(tvb);
}

/* ---- Registration --------------------------------------------------------- */

/* Type names come from core (one list for every face of the project): the
 * value_string is filled from igmpx_type_name() before the fields register. */
static value_string igmpx_type_vals[256 + 1];

static void igmpx_fill_type_vals(void)
{
	unsigned n = 0;

	for (unsigned t = 0; t < 256; t++) {
		const char *name = igmpx_type_name((guint8)t);
		if (name) {
			igmpx_type_vals[n].value = t;
			igmpx_type_vals[n].strptr = name;
			n++;
		}
	}
	igmpx_type_vals[n].value = 0;
	igmpx_type_vals[n].strptr = NULL;
}

static void igmpx_register_fields(void)
{
	static hf_register_info hf[] = {
		{ &hf_igmpx_type, { "Type", "igmpx.type", FT_UINT8, BASE_HEX,
		  VALS(igmpx_type_vals), 0, NULL, HFILL } },
		{ &hf_igmpx_version, { "IGMP Version", "igmpx.version", FT_UINT8, BASE_DEC,
		  NULL, 0, "Version from type and length (RFC 9776 7.1)", HFILL } },
		{ &hf_igmpx_code, { "Code", "igmpx.code", FT_UINT8, BASE_HEX,
		  NULL, 0, "Second octet of a message of unknown layout", HFILL } },
		{ &hf_igmpx_unused, { "Unused", "igmpx.unused", FT_UINT8, BASE_HEX,
		  NULL, 0, "IGMPv1 unused octet (RFC 1112 Appendix I)", HFILL } },
		{ &hf_igmpx_max_resp_code, { "Max Resp Code", "igmpx.max_resp_code", FT_UINT8,
		  BASE_HEX, NULL, 0, "Second octet as written", HFILL } },
		{ &hf_igmpx_max_resp_time, { "Max Resp Time", "igmpx.max_resp_time",
		  FT_RELATIVE_TIME, BASE_NONE, NULL, 0, "Max Resp Code decoded, seconds", HFILL } },
		{ &hf_igmpx_checksum, { "Checksum", "igmpx.checksum", FT_UINT16, BASE_HEX,
		  NULL, 0, "Over the whole message", HFILL } },
		{ &hf_igmpx_checksum_status, { "Checksum Status", "igmpx.checksum.status",
		  FT_UINT8, BASE_NONE, VALS(proto_checksum_vals), 0, NULL, HFILL } },
		{ &hf_igmpx_group, { "Group Address", "igmpx.group", FT_IPv4, BASE_NONE,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_v0_code, { "Code", "igmpx.v0.code", FT_UINT8, BASE_DEC,
		  NULL, 0, "RFC 988 Code", HFILL } },
		{ &hf_igmpx_v0_identifier, { "Identifier", "igmpx.v0.identifier", FT_UINT32,
		  BASE_HEX, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_v0_access_key, { "Access Key", "igmpx.v0.access_key", FT_UINT64,
		  BASE_HEX, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_flags, { "Flags", "igmpx.flags", FT_UINT8, BASE_HEX,
		  NULL, 0xF0, "Query Flags (RFC 9776 4.1.4)", HFILL } },
		{ &hf_igmpx_s, { "S (Suppress Router-Side Processing)", "igmpx.s", FT_BOOLEAN, 8,
		  NULL, 0x08, NULL, HFILL } },
		{ &hf_igmpx_qrv, { "QRV", "igmpx.qrv", FT_UINT8, BASE_DEC,
		  NULL, 0x07, "Querier's Robustness Variable", HFILL } },
		{ &hf_igmpx_qqic, { "QQIC", "igmpx.qqic", FT_UINT8, BASE_HEX,
		  NULL, 0, "Querier's Query Interval Code", HFILL } },
		{ &hf_igmpx_qqi, { "QQI", "igmpx.qqi", FT_UINT32, BASE_DEC | BASE_UNIT_STRING,
		  &units_seconds, 0, "Querier's Query Interval, seconds", HFILL } },
		{ &hf_igmpx_num_sources, { "Number of Sources", "igmpx.num_sources", FT_UINT16,
		  BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_source, { "Source Address", "igmpx.source", FT_IPv4, BASE_NONE,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_reserved, { "Reserved", "igmpx.reserved", FT_UINT8, BASE_HEX,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_report_flags, { "Flags", "igmpx.report_flags", FT_UINT16, BASE_HEX,
		  NULL, 0, "Report Flags (RFC 9776 4.2.3)", HFILL } },
		{ &hf_igmpx_num_records, { "Number of Group Records", "igmpx.num_records",
		  FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_record, { "Group Record", "igmpx.record", FT_NONE, BASE_NONE,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_record_type, { "Record Type", "igmpx.record.type", FT_UINT8, BASE_DEC,
		  VALS(igmpx_record_type_vals), 0, NULL, HFILL } },
		{ &hf_igmpx_record_aux_len, { "Aux Data Len", "igmpx.record.aux_len", FT_UINT8,
		  BASE_DEC | BASE_UNIT_STRING, &units_word_words, 0, NULL, HFILL } },
		{ &hf_igmpx_record_num_sources, { "Number of Sources", "igmpx.record.num_sources",
		  FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_record_group, { "Multicast Address", "igmpx.record.group", FT_IPv4,
		  BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_record_source, { "Source Address", "igmpx.record.source", FT_IPv4,
		  BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_record_aux_data, { "Auxiliary Data", "igmpx.record.aux_data", FT_BYTES,
		  BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_data, { "Data", "igmpx.data", FT_BYTES, BASE_NONE,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_trailer, { "Trailer", "igmpx.trailer", FT_BYTES, BASE_NONE,
		  NULL, 0, "Octets after the last field", HFILL } },
		{ &hf_igmpx_partial, { "Truncated data", "igmpx.partial", FT_BYTES, BASE_NONE,
		  NULL, 0, "Octets of a field or entry the message ends inside", HFILL } },
	};
	static gint *ett[] = {
		&ett_igmpx,
		&ett_igmpx_record,
	};
	igmpx_fill_type_vals();
	proto_register_field_array(proto_igmpx, hf, array_length(hf));
	proto_register_subtree_array(ett, array_length(ett));
}

void proto_register_igmpx(void)
{
	module_t *igmpx_module;

	proto_igmpx = proto_register_protocol("Internet Group Management Protocol (igmpx)",
					      "IGMPX", "igmpx");
	igmpx_register_fields();
	igmpx_register_ext(proto_igmpx);
	igmpx_register_rules(proto_igmpx);
	igmpx_register_stats(proto_igmpx);
	igmpx_handle = register_dissector("igmpx", dissect_igmpx, proto_igmpx);

	igmpx_module = prefs_register_protocol(proto_igmpx, proto_reg_handoff_igmpx);
	prefs_register_bool_preference(igmpx_module, "take_over",
		"Take IP protocol 2 from the built-in IGMP dissector",
		"Decode IP protocol 2 with igmpx instead of Wireshark's IGMP dissector. "
		"Off puts the built-in dissector back.", &igmpx_take_over);
	igmpx_register_state(proto_igmpx, igmpx_module);
}

/* Runs once after every built-in handoff (so the built-in's ip.proto 2 entry
 * is there to save), and again whenever the preferences change.  The
 * ip.proto 2 entry is only touched when take_over changes, so that a Decode
 * As choice survives a change of another preference. */
void proto_reg_handoff_igmpx(void)
{
	static gboolean initialized = FALSE;
	static gboolean taken_over;

	if (!initialized) {
		dissector_table_t ip_proto = find_dissector_table("ip.proto");
		igmpx_builtin_handle = dissector_get_uint_handle(ip_proto, IP_PROTO_IGMP);
		if (!igmpx_builtin_handle)
			igmpx_builtin_handle = find_dissector("igmp");
		igmpx_igmp_type_table = find_dissector_table("igmp.type");
		dissector_add_for_decode_as("ip.proto", igmpx_handle);
	} else if (taken_over == igmpx_take_over) {
		return;
	}
	if (igmpx_take_over)
		dissector_add_uint("ip.proto", IP_PROTO_IGMP, igmpx_handle);
	else if (igmpx_builtin_handle)
		dissector_add_uint("ip.proto", IP_PROTO_IGMP, igmpx_builtin_handle);
	else
		dissector_delete_uint("ip.proto", IP_PROTO_IGMP, igmpx_handle);
	taken_over = igmpx_take_over;
	initialized = TRUE;
}
