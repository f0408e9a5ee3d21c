/* packet-igmpx-ext.c: the messages of IP protocol 2 beyond IGMP proper.
 *
 * mtrace (draft-ietf-idmr-traceroute-ipm: 0x1F query/request, 0x1E
 * response), MRD (RFC 4286: 0x30-0x32), RGMP (RFC 3488: 0xFC-0xFF), IGAP
 * (draft-hayashi-igap: 0x40-0x42) and MSNIP (draft-ietf-idmr-msnip:
 * 0x23-0x25).  Layouts come from core/codec; see packet-igmpx.h for the
 * context every function here works on.
 */
#include "packet-igmpx.h"

#include <epan/unit_strings.h>

static int hf_igmpx_mtrace_hops = -1;
static int hf_igmpx_mtrace_source = -1;
static int hf_igmpx_mtrace_destination = -1;
static int hf_igmpx_mtrace_response_addr = -1;
static int hf_igmpx_mtrace_response_ttl = -1;
static int hf_igmpx_mtrace_query_id = -1;
static int hf_igmpx_mtrace_block = -1;
static int hf_igmpx_mtrace_query_arrival = -1;
static int hf_igmpx_mtrace_in_if = -1;
static int hf_igmpx_mtrace_out_if = -1;
static int hf_igmpx_mtrace_prev_hop = -1;
static int hf_igmpx_mtrace_in_pkts = -1;
static int hf_igmpx_mtrace_out_pkts = -1;
static int hf_igmpx_mtrace_sg_pkts = -1;
static int hf_igmpx_mtrace_rtg_proto = -1;
static int hf_igmpx_mtrace_fwd_ttl = -1;
static int hf_igmpx_mtrace_mbz = -1;
static int hf_igmpx_mtrace_s = -1;
static int hf_igmpx_mtrace_src_mask = -1;
static int hf_igmpx_mtrace_fwd_code = -1;
static int hf_igmpx_mrd_adv_interval = -1;
static int hf_igmpx_mrd_reserved = -1;
static int hf_igmpx_mrd_query_interval = -1;
static int hf_igmpx_mrd_robustness = -1;
static int hf_igmpx_rgmp_reserved = -1;
static int hf_igmpx_igap_max_resp_time = -1;
static int hf_igmpx_igap_version = -1;
static int hf_igmpx_igap_subtype = -1;
static int hf_igmpx_igap_reserved1 = -1;
static int hf_igmpx_igap_challenge_id = -1;
static int hf_igmpx_igap_account_size = -1;
static int hf_igmpx_igap_message_size = -1;
static int hf_igmpx_igap_reserved2 = -1;
static int hf_igmpx_igap_account = -1;
static int hf_igmpx_igap_message = -1;
static int hf_igmpx_msnip_count = -1;
static int hf_igmpx_msnip_reserved = -1;
static int hf_igmpx_msnip_holdtime = -1;
static int hf_igmpx_msnip_holdtime16 = -1;
static int hf_igmpx_msnip_generation_id = -1;
static int hf_igmpx_msnip_entry = -1;
static int hf_igmpx_msnip_group = -1;
static int hf_igmpx_msnip_mask_len = -1;
static int hf_igmpx_msnip_record_type = -1;
static int hf_igmpx_msnip_entry_reserved = -1;

static gint ett_igmpx_mtrace_block = -1;
static gint ett_igmpx_msnip_entry = -1;

/* draft-ietf-idmr-traceroute-ipm: Rtg Protocol */
static const value_string igmpx_mtrace_rtg_proto_vals[] = {
	{ 1,  "DVMRP" },
	{ 2,  "MOSPF" },
	{ 3,  "PIM" },
	{ 4,  "CBT" },
	{ 5,  "PIM using special routing table" },
	{ 6,  "PIM using a static route" },
	{ 7,  "DVMRP using a static route" },
	{ 8,  "PIM using MBGP route" },
	{ 9,  "CBT using special routing table" },
	{ 10, "CBT using a static route" },
	{ 11, "PIM using state created by Assert processing" },
	{ 0, NULL }
};

/* draft-ietf-idmr-traceroute-ipm: Forwarding Code */
static const value_string igmpx_mtrace_fwd_code_vals[] = {
	{ 0x00, "No error" },
	{ 0x01, "Wrong interface" },
	{ 0x02, "Prune sent" },
	{ 0x03, "Prune rcvd" },
	{ 0x04, "Scoped" },
	{ 0x05, "No route" },
	{ 0x06, "Wrong last hop" },
	{ 0x07, "Not forwarding" },
	{ 0x08, "Reached RP" },
	{ 0x09, "RPF interface" },
	{ 0x0A, "No multicast" },
	{ 0x0B, "Info hidden" },
	{ 0x81, "No space" },
	{ 0x82, "Old router" },
	{ 0x83, "Admin prohibited" },
	{ 0, NULL }
};

/* draft-hayashi-igap: Subtype */
static const value_string igmpx_igap_subtype_vals[] = {
	{ 0x01, "Basic Join" },
	{ 0x02, "Password Join" },
	{ 0x03, "Challenge-Request Join" },
	{ 0x04, "Challenge-Response Join" },
	{ 0x21, "Basic Query" },
	{ 0x22, "User-Specific Query" },
	{ 0x23, "Challenge" },
	{ 0x24, "Authentication Message" },
	{ 0x25, "Accounting Message" },
	{ 0x41, "Basic Leave" },
	{ 0x42, "Password Leave" },
	{ 0x43, "Challenge-Request Leave" },
	{ 0x44, "Challenge-Response Leave" },
	{ 0, NULL }
};

/* draft-ietf-idmr-msnip: Record Type of a Receiver Membership Report entry */
static const value_string igmpx_msnip_record_type_vals[] = {
	{ 1, "Transmit" },
	{ 2, "Hold" },
	{ 0, NULL }
};

/* ---- mtrace --------------------------------------------------------------- */

/* The 32 middle bits of an NTP timestamp: 16 bits seconds, 16 fraction. */
static void append_ntp_short(proto_item *ti, guint32 v)
{
	if (ti)
		proto_item_append_text(ti, " (%u.%04u s)", v >> 16,
				       (unsigned)(((guint64)(v & 0xFFFF) * 10000) >> 16));
}

static void dissect_mtrace_block(struct igmpx_ctx *c, unsigned i)
{
	struct igmpx_mtrace_block b;
	size_t o = igmpx_mtrace_block_off(i);
	proto_item *bi;
	proto_tree *bt;

	if (!igmpx_mtrace_block(c->buf, c->len, i, &b))
		return;
	bi = proto_tree_add_item(c->tree, hf_igmpx_mtrace_block, c->tvb, (gint)o,
				 IGMPX_LEN_MTRACE_BLOCK, ENC_NA);
	igmpx_note_span(c, bi, o, IGMPX_LEN_MTRACE_BLOCK);
	bt = proto_item_add_subtree(bi, ett_igmpx_mtrace_block);
	append_ntp_short(igmpx_add(c, bt, hf_igmpx_mtrace_query_arrival, o, 4, ENC_BIG_ENDIAN),
			 b.query_arrival);
	igmpx_add(c, bt, hf_igmpx_mtrace_in_if, o + 4, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, bt, hf_igmpx_mtrace_out_if, o + 8, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, bt, hf_igmpx_mtrace_prev_hop, o + 12, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, bt, hf_igmpx_mtrace_in_pkts, o + 16, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, bt, hf_igmpx_mtrace_out_pkts, o + 20, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, bt, hf_igmpx_mtrace_sg_pkts, o + 24, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, bt, hf_igmpx_mtrace_rtg_proto, o + 28, 1, ENC_NA);
	igmpx_add(c, bt, hf_igmpx_mtrace_fwd_ttl, o + 29, 1, ENC_NA);
	igmpx_add(c, bt, hf_igmpx_mtrace_mbz, o + 30, 1, ENC_NA);
	igmpx_add(c, bt, hf_igmpx_mtrace_s, o + 30, 1, ENC_NA);
	igmpx_add(c, bt, hf_igmpx_mtrace_src_mask, o + 30, 1, ENC_NA);
	igmpx_add(c, bt, hf_igmpx_mtrace_fwd_code, o + 31, 1, ENC_NA);
	/* Labelled once read from the tvb (not past a capture cut). */
	proto_item_set_text(bi, "Response Block %u: out " IGMPX_IP4_FMT ", previous hop " IGMPX_IP4_FMT
			    ", %s", i + 1, IGMPX_IP4_ARGS(b.out_if), IGMPX_IP4_ARGS(b.prev_hop),
			    val_to_str_const(b.fwd_code, igmpx_mtrace_fwd_code_vals, "Unknown code"));
}

void igmpx_dissect_mtrace(struct igmpx_ctx *c)
{
	proto_tree *t = c->tree;
	const struct igmpx_msg *m = &c->m;
	size_t end;

	c->it.count = igmpx_add(c, t, hf_igmpx_mtrace_hops, IGMPX_OFF_CODE, 1, ENC_NA);
	igmpx_add_checksum(c, t);
	igmpx_add_group(c, t, 4);
	igmpx_add(c, t, hf_igmpx_mtrace_source, 8, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, t, hf_igmpx_mtrace_destination, 12, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, t, hf_igmpx_mtrace_response_addr, 16, 4, ENC_BIG_ENDIAN);
	igmpx_add(c, t, hf_igmpx_mtrace_response_ttl, 20, 1, ENC_NA);
	igmpx_add(c, t, hf_igmpx_mtrace_query_id, 21, 3, ENC_BIG_ENDIAN);
	if (c->len < IGMPX_LEN_MTRACE)
		return;
	for (unsigned i = 0; i < m->u.mtrace.nblocks; i++)
		dissect_mtrace_block(c, i);
	end = igmpx_mtrace_block_off(m->u.mtrace.nblocks);
	if (end < c->len) {
		/* Blocks fill the rest of the message: a part of one is a cut
		 * block (core/check's rule truncated says so). */
		igmpx_add_partial(c, end);
	}
}

/* ---- MRD (RFC 4286) --------------------------------------------------------- */

void igmpx_dissect_mrd(struct igmpx_ctx *c)
{
	proto_tree *t = c->tree;

	if (c->m.kind == IGMPX_K_MRD_ADV) {
		/* §3.2: Advertisement Interval, Checksum, Query Interval, Robustness */
		c->it.code = igmpx_add(c, t, hf_igmpx_mrd_adv_interval, IGMPX_OFF_CODE, 1, ENC_NA);
		igmpx_add_checksum(c, t);
		igmpx_add(c, t, hf_igmpx_mrd_query_interval, 4, 2, ENC_BIG_ENDIAN);
		igmpx_add(c, t, hf_igmpx_mrd_robustness, 6, 2, ENC_BIG_ENDIAN);
		return;
	}
	/* §4.1, §5.1: Solicitation and Termination: Reserved, Checksum. */
	c->it.code = igmpx_add(c, t, hf_igmpx_mrd_reserved, IGMPX_OFF_CODE, 1, ENC_NA);
	igmpx_add_checksum(c, t);
}

/* ---- RGMP (RFC 3488 §2) ----------------------------------------------------- */

void igmpx_dissect_rgmp(struct igmpx_ctx *c)
{
	c->it.code = igmpx_add(c, c->tree, hf_igmpx_rgmp_reserved, IGMPX_OFF_CODE, 1, ENC_NA);
	igmpx_add_checksum(c, c->tree);
	igmpx_add_group(c, c->tree, IGMPX_OFF_GROUP);
}

/* ---- IGAP (draft-hayashi-igap) ----------------------------------------------- */

void igmpx_dissect_igap(struct igmpx_ctx *c)
{
	proto_tree *t = c->tree;
	const struct igmpx_msg *m = &c->m;
	proto_item *ti;
	guint asize, msize;

	ti = igmpx_add(c, t, hf_igmpx_igap_max_resp_time, IGMPX_OFF_CODE, 1, ENC_NA);
	if (ti)
		proto_item_append_text(ti, " (%u.%u s)", m->code / 10, m->code % 10);
	c->it.code = ti;
	igmpx_add_checksum(c, t);
	igmpx_add_group(c, t, 4);
	igmpx_add(c, t, hf_igmpx_igap_version, 8, 1, ENC_NA);
	igmpx_add(c, t, hf_igmpx_igap_subtype, 9, 1, ENC_NA);
	igmpx_add(c, t, hf_igmpx_igap_reserved1, 10, 1, ENC_NA);
	igmpx_add(c, t, hf_igmpx_igap_challenge_id, 11, 1, ENC_NA);
	igmpx_add(c, t, hf_igmpx_igap_account_size, 12, 1, ENC_NA);
	igmpx_add(c, t, hf_igmpx_igap_message_size, 13, 1, ENC_NA);
	igmpx_add(c, t, hf_igmpx_igap_reserved2, 14, 2, ENC_BIG_ENDIAN);
	if (c->len < IGMPX_LEN_IGAP)
		return;
	/* User Account (16 octets) holds Account Size of text; Message (64
	 * octets) holds Message Size of data. */
	asize = MIN(m->u.igap.account_size, IGMPX_LEN_IGAP_ACCOUNT);
	msize = MIN(m->u.igap.message_size, IGMPX_LEN_IGAP_MESSAGE);
	igmpx_add(c, t, hf_igmpx_igap_account, 16, asize, ENC_ASCII);
	if (msize)
		igmpx_add(c, t, hf_igmpx_igap_message, 32, msize, ENC_NA);
	c->fit_end = IGMPX_LEN_IGAP;
}

/* ---- MSNIP (draft-ietf-idmr-msnip) ------------------------------------------- */

static void dissect_msnip_entry(struct igmpx_ctx *c, unsigned i)
{
	size_t o = igmpx_msnip_entry_off(&c->m, i);
	guint32 group;
	guint8 byte;
	proto_item *ei;
	proto_tree *et;

	if (!igmpx_msnip_entry(c->buf, c->len, &c->m, i, &group, &byte))
		return;
	ei = proto_tree_add_item(c->tree, hf_igmpx_msnip_entry, c->tvb, (gint)o,
				 IGMPX_LEN_MSNIP_ENTRY, ENC_NA);
	igmpx_note_span(c, ei, o, IGMPX_LEN_MSNIP_ENTRY);
	et = proto_item_add_subtree(ei, ett_igmpx_msnip_entry);
	if (c->m.kind == IGMPX_K_MSNIP_GM) {      /* group, mask length, 3 reserved */
		igmpx_add(c, et, hf_igmpx_msnip_group, o, 4, ENC_BIG_ENDIAN);
		igmpx_add(c, et, hf_igmpx_msnip_mask_len, o + 4, 1, ENC_NA);
		igmpx_add(c, et, hf_igmpx_msnip_entry_reserved, o + 5, 3, ENC_BIG_ENDIAN);
		proto_item_set_text(ei, "Entry %u: " IGMPX_IP4_FMT "/%u", i + 1,
				    IGMPX_IP4_ARGS(group), byte);
	} else {                                 /* record type, 3 reserved, group */
		igmpx_add(c, et, hf_igmpx_msnip_record_type, o, 1, ENC_NA);
		igmpx_add(c, et, hf_igmpx_msnip_entry_reserved, o + 1, 3, ENC_BIG_ENDIAN);
		igmpx_add(c, et, hf_igmpx_msnip_group, o + 4, 4, ENC_BIG_ENDIAN);
		proto_item_set_text(ei, "Entry %u: %s " IGMPX_IP4_FMT, i + 1,
				    val_to_str_const(byte, igmpx_msnip_record_type_vals, "Unknown"),
				    IGMPX_IP4_ARGS(group));
	}
}

void igmpx_dissect_msnip(struct igmpx_ctx *c)
{
	proto_tree *t = c->tree;
	const struct igmpx_msg *m = &c->m;

	if (m->kind == IGMPX_K_MSNIP_IS) {   /* reserved, checksum, holdtime, generation id */
		c->it.code = igmpx_add(c, t, hf_igmpx_msnip_reserved, IGMPX_OFF_CODE, 1, ENC_NA);
		igmpx_add_checksum(c, t);
		igmpx_add(c, t, hf_igmpx_msnip_holdtime16, 4, 2, ENC_BIG_ENDIAN);
		igmpx_add(c, t, hf_igmpx_msnip_generation_id, 6, 2, ENC_BIG_ENDIAN);
		return;
	}
	c->it.count = igmpx_add(c, t, hf_igmpx_msnip_count, IGMPX_OFF_CODE, 1, ENC_NA);
	igmpx_add_checksum(c, t);
	if (m->kind == IGMPX_K_MSNIP_GM)
		igmpx_add(c, t, hf_igmpx_msnip_holdtime, 4, 4, ENC_BIG_ENDIAN);
	if (c->len < igmpx_msnip_entry_off(m, 0))
		return;
	/* A Count beyond the entries present: core/check's rule truncated. */
	for (unsigned i = 0; i < m->u.msnip.count_present; i++)
		dissect_msnip_entry(c, i);
}

/* ---- Info column ------------------------------------------------------------ */

void igmpx_info_ext(const struct igmpx_ctx *c, wmem_strbuf_t *s)
{
	const struct igmpx_msg *m = &c->m;

	switch (m->kind) {
	case IGMPX_K_MTRACE:
		wmem_strbuf_append_printf(s, ", group " IGMPX_IP4_FMT ", " IGMPX_IP4_FMT " to "
					  IGMPX_IP4_FMT ", query id %u",
					  IGMPX_IP4_ARGS(m->u.mtrace.group),
					  IGMPX_IP4_ARGS(m->u.mtrace.source),
					  IGMPX_IP4_ARGS(m->u.mtrace.destination), m->u.mtrace.query_id);
		if (m->u.mtrace.nblocks)
			wmem_strbuf_append_printf(s, ", %u block%s", m->u.mtrace.nblocks,
						  plurality(m->u.mtrace.nblocks, "", "s"));
		break;
	case IGMPX_K_MRD_ADV:
		wmem_strbuf_append_printf(s, ", interval %u s, query interval %u s, robustness %u",
					  m->u.mrd.adv_interval, m->u.mrd.query_interval,
					  m->u.mrd.robustness);
		break;
	case IGMPX_K_RGMP:
		if (m->u.v12.group || m->type == IGMPX_T_RGMP_JOIN || m->type == IGMPX_T_RGMP_LEAVE)
			wmem_strbuf_append_printf(s, " " IGMPX_IP4_FMT, IGMPX_IP4_ARGS(m->u.v12.group));
		break;
	case IGMPX_K_IGAP:
		wmem_strbuf_append_printf(s, " " IGMPX_IP4_FMT ", %s", IGMPX_IP4_ARGS(m->u.igap.group),
					  val_to_str_const(m->u.igap.subtype, igmpx_igap_subtype_vals,
							   "unknown subtype"));
		break;
	case IGMPX_K_MSNIP_GM:
		wmem_strbuf_append_printf(s, ", %u entr%s, holdtime %u s", m->u.msnip.count,
					  plurality(m->u.msnip.count, "y", "ies"), m->u.msnip.holdtime);
		break;
	case IGMPX_K_MSNIP_IS:
		wmem_strbuf_append_printf(s, ", holdtime %u s, generation id %u", m->u.msnip.holdtime,
					  m->u.msnip.generation_id);
		break;
	case IGMPX_K_MSNIP_RMR:
		wmem_strbuf_append_printf(s, ", %u entr%s", m->u.msnip.count,
					  plurality(m->u.msnip.count, "y", "ies"));
		break;
	default:
		break;
	}
}

/* ---- Registration ------------------------------------------------------------ */

void igmpx_register_ext(int proto)
{
	static hf_register_info hf[] = {
		{ &hf_igmpx_mtrace_hops, { "# Hops", "igmpx.mtrace.hops", FT_UINT8, BASE_DEC,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_source, { "Source Address", "igmpx.mtrace.source", FT_IPv4,
		  BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_destination, { "Destination Address", "igmpx.mtrace.destination",
		  FT_IPv4, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_response_addr, { "Response Address",
		  "igmpx.mtrace.response_addr", FT_IPv4, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_response_ttl, { "Response TTL", "igmpx.mtrace.response_ttl",
		  FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_query_id, { "Query ID", "igmpx.mtrace.query_id", FT_UINT24,
		  BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_block, { "Response Block", "igmpx.mtrace.block", FT_NONE,
		  BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_query_arrival, { "Query Arrival Time",
		  "igmpx.mtrace.query_arrival", FT_UINT32, BASE_HEX, NULL, 0,
		  "Middle 32 bits of an NTP timestamp", HFILL } },
		{ &hf_igmpx_mtrace_in_if, { "Incoming Interface Address", "igmpx.mtrace.in_if",
		  FT_IPv4, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_out_if, { "Outgoing Interface Address", "igmpx.mtrace.out_if",
		  FT_IPv4, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_prev_hop, { "Previous-Hop Router Address",
		  "igmpx.mtrace.prev_hop", FT_IPv4, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_in_pkts, { "Input Packet Count", "igmpx.mtrace.in_pkts",
		  FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_out_pkts, { "Output Packet Count", "igmpx.mtrace.out_pkts",
		  FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_sg_pkts, { "Total Packets for S,G", "igmpx.mtrace.sg_pkts",
		  FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_rtg_proto, { "Rtg Protocol", "igmpx.mtrace.rtg_proto", FT_UINT8,
		  BASE_DEC, VALS(igmpx_mtrace_rtg_proto_vals), 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_fwd_ttl, { "Fwd TTL", "igmpx.mtrace.fwd_ttl", FT_UINT8, BASE_DEC,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mtrace_mbz, { "MBZ", "igmpx.mtrace.mbz", FT_UINT8, BASE_DEC,
		  NULL, 0x80, NULL, HFILL } },
		{ &hf_igmpx_mtrace_s, { "S", "igmpx.mtrace.s", FT_BOOLEAN, 8,
		  NULL, 0x40, "Counts are for S,G, not the whole group", HFILL } },
		{ &hf_igmpx_mtrace_src_mask, { "Src Mask", "igmpx.mtrace.src_mask", FT_UINT8,
		  BASE_DEC, NULL, 0x3F, NULL, HFILL } },
		{ &hf_igmpx_mtrace_fwd_code, { "Forwarding Code", "igmpx.mtrace.fwd_code", FT_UINT8,
		  BASE_HEX, VALS(igmpx_mtrace_fwd_code_vals), 0, NULL, HFILL } },
		{ &hf_igmpx_mrd_adv_interval, { "Advertisement Interval",
		  "igmpx.mrd.adv_interval", FT_UINT8, BASE_DEC | BASE_UNIT_STRING,
		  &units_seconds, 0, NULL, HFILL } },
		{ &hf_igmpx_mrd_reserved, { "Reserved", "igmpx.mrd.reserved", FT_UINT8, BASE_HEX,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_mrd_query_interval, { "Query Interval", "igmpx.mrd.query_interval",
		  FT_UINT16, BASE_DEC | BASE_UNIT_STRING, &units_seconds, 0, NULL, HFILL } },
		{ &hf_igmpx_mrd_robustness, { "Robustness Variable", "igmpx.mrd.robustness",
		  FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_rgmp_reserved, { "Reserved", "igmpx.rgmp.reserved", FT_UINT8, BASE_HEX,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_igap_max_resp_time, { "Max Resp Time", "igmpx.igap.max_resp_time",
		  FT_UINT8, BASE_DEC, NULL, 0, "Tenths of a second", HFILL } },
		{ &hf_igmpx_igap_version, { "Version", "igmpx.igap.version", FT_UINT8, BASE_HEX,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_igap_subtype, { "Subtype", "igmpx.igap.subtype", FT_UINT8, BASE_HEX,
		  VALS(igmpx_igap_subtype_vals), 0, NULL, HFILL } },
		{ &hf_igmpx_igap_reserved1, { "Reserved", "igmpx.igap.reserved1", FT_UINT8,
		  BASE_HEX, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_igap_challenge_id, { "Challenge ID", "igmpx.igap.challenge_id",
		  FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_igap_account_size, { "Account Size", "igmpx.igap.account_size",
		  FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_igap_message_size, { "Message Size", "igmpx.igap.message_size",
		  FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_igap_reserved2, { "Reserved", "igmpx.igap.reserved2", FT_UINT16,
		  BASE_HEX, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_igap_account, { "User Account", "igmpx.igap.account", FT_STRING,
		  BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_igap_message, { "Message", "igmpx.igap.message", FT_BYTES, BASE_NONE,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_count, { "Count", "igmpx.msnip.count", FT_UINT8, BASE_DEC,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_reserved, { "Reserved", "igmpx.msnip.reserved", FT_UINT8,
		  BASE_HEX, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_holdtime, { "Holdtime", "igmpx.msnip.holdtime", FT_UINT32,
		  BASE_DEC | BASE_UNIT_STRING, &units_seconds, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_holdtime16, { "Holdtime", "igmpx.msnip.holdtime16", FT_UINT16,
		  BASE_DEC | BASE_UNIT_STRING, &units_seconds, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_generation_id, { "Generation ID", "igmpx.msnip.generation_id",
		  FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_entry, { "Entry", "igmpx.msnip.entry", FT_NONE, BASE_NONE,
		  NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_group, { "Multicast Group", "igmpx.msnip.group", FT_IPv4,
		  BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_mask_len, { "Mask Length", "igmpx.msnip.mask_len", FT_UINT8,
		  BASE_DEC, NULL, 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_record_type, { "Record Type", "igmpx.msnip.record_type",
		  FT_UINT8, BASE_DEC, VALS(igmpx_msnip_record_type_vals), 0, NULL, HFILL } },
		{ &hf_igmpx_msnip_entry_reserved, { "Reserved", "igmpx.msnip.entry_reserved",
		  FT_UINT24, BASE_HEX, NULL, 0, NULL, HFILL } },
	};
	static gint *ett[] = {
		&ett_igmpx_mtrace_block,
		&ett_igmpx_msnip_entry,
	};
	proto_register_field_array(proto, hf, array_length(hf));
	proto_register_subtree_array(ett, array_length(ett));
}
