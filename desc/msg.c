/* msg.c: one entry per message keyword: its keys, its default
 * destination, and a builder over core/codec.
 *
 * Defaults follow the RFC each message comes from, so a frame line only
 * names what it varies.  Counts (nsrc=, nrec=, count=) default to the list
 * given and may be overridden to write a count that does not match. */
#include "desc.h"

#include <stdio.h>
#include <string.h>

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define ALL_SYSTEMS   A(224, 0, 0, 1)   /* RFC 1112 */
#define ALL_ROUTERS   A(224, 0, 0, 2)   /* RFC 2236 §9 */
#define ALL_V3_RTRS   A(224, 0, 0, 22)  /* RFC 9776 §4.2.15 */
#define ALL_RGMP_RTRS A(224, 0, 0, 25)  /* RFC 3488 §2.4 */
#define ALL_SNOOPERS  A(224, 0, 0, 106) /* RFC 4286 §8 (All-Snoopers) */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char desc_common_keys[] =
	"at src dst ttl tos ra ipopts ipid checksum trailer truncate snap icmp fragment expect";

static uint32_t sources[DESC_MAX_SOURCES];

static void set_dst(struct desc_build *b, uint32_t dst)
{
	b->dst = dst;
	b->has_dst = true;
}

/* ---- IGMPv0, v1, v2 ---------------------------------------------------------- */

static const char *const v0_types[] = {
	[1] = "create-req", "create-rpl", "join-req", "join-rpl",
	"leave-req", "leave-rpl", "confirm-req", "confirm-rpl",
};

/* RFC 988: requests and replies pass between a host and a multicast agent,
 * both unicast: no default destination. */
static void build_v0(struct desc_build *b)
{
	const struct desc_line *l = b->l;
	uint8_t type = (uint8_t)desc_enum(l, "type", v0_types, NELEM(v0_types), -1, 8);
	if (desc_has(l, "type") && type == 0)
		desc_err(l, "v0 type= must be 1..8");
	igmpx_build_v0(&b->w, type, (uint8_t)desc_num(l, "code", 0, 0xFF),
		       (uint32_t)desc_num(l, "id", 0, 0xFFFFFFFF), desc_addr(l, "group", 0),
		       desc_num(l, "key", 0, UINT64_MAX));
	b->kind = IGMPX_K_V0;
}

/* RFC 1112 App. I: the query's unused octet is 0 (code= writes another). */
static void build_v1query(struct desc_build *b)
{
	uint32_t group = desc_addr(b->l, "group", 0);
	igmpx_build_v12(&b->w, IGMPX_T_QUERY, (uint8_t)desc_num(b->l, "code", 0, 0xFF), group);
	set_dst(b, ALL_SYSTEMS);
	b->kind = IGMPX_K_V1_QUERY;
}

static void build_v1report(struct desc_build *b)
{
	uint32_t group = desc_addr_req(b->l, "group");
	igmpx_build_v12(&b->w, IGMPX_T_V1_REPORT, (uint8_t)desc_num(b->l, "code", 0, 0xFF), group);
	set_dst(b, group);
	b->kind = IGMPX_K_V1_REPORT;
}

/* RFC 2236 §2.2: Max Resp Time in tenths, linear; group 0 is general. */
static void build_v2query(struct desc_build *b)
{
	uint32_t group = desc_addr(b->l, "group", 0);
	igmpx_build_v12(&b->w, IGMPX_T_QUERY, (uint8_t)desc_num(b->l, "mrt", 100, 0xFF), group);
	set_dst(b, group ? group : ALL_SYSTEMS);
	b->kind = IGMPX_K_V2_QUERY;
}

static void build_v2report(struct desc_build *b)
{
	uint32_t group = desc_addr_req(b->l, "group");
	igmpx_build_v12(&b->w, IGMPX_T_V2_REPORT, (uint8_t)desc_num(b->l, "mrt", 0, 0xFF), group);
	set_dst(b, group);
	b->kind = IGMPX_K_V2_REPORT;
}

static void build_leave(struct desc_build *b)
{
	uint32_t group = desc_addr_req(b->l, "group");
	igmpx_build_v12(&b->w, IGMPX_T_V2_LEAVE, (uint8_t)desc_num(b->l, "mrt", 0, 0xFF), group);
	set_dst(b, ALL_ROUTERS);
	b->kind = IGMPX_K_V2_LEAVE;
}

/* ---- IGMPv3 ------------------------------------------------------------------- */

/* RFC 9776 §4.1: defaults are a querier's defaults (QRV 2, QQI 125 s,
 * Max Resp 10 s); general queries to 224.0.0.1, the others to the group. */
static void build_v3query(struct desc_build *b)
{
	const struct desc_line *l = b->l;
	uint32_t group = desc_addr(l, "group", 0);
	unsigned n = desc_addrs(l, "sources", sources, DESC_MAX_SOURCES);
	igmpx_build_v3_query(&b->w, (uint8_t)desc_num(l, "mrc", 100, 0xFF), group,
			     (uint8_t)desc_num(l, "flags", 0, 0xF), (uint8_t)desc_num(l, "s", 0, 1),
			     (uint8_t)desc_num(l, "qrv", 2, 7), (uint8_t)desc_num(l, "qqic", 125, 0xFF),
			     (uint16_t)desc_num(l, "nsrc", n, 0xFFFF), sources, n);
	set_dst(b, group ? group : ALL_SYSTEMS);
	b->kind = IGMPX_K_V3_QUERY;
}

static const char *const record_types[] = {
	[1] = "IS_IN", "IS_EX", "TO_IN", "TO_EX", "ALLOW", "BLOCK",
};

/* RFC 9776 §4.2.5: type, aux words, sources, then aux data.  aux= writes
 * the Aux Data Len (default: auxdata= octets / 4). */
static void build_record(struct desc_build *b, const struct desc_line *r)
{
	static uint8_t aux[4 * 255 + 3];
	unsigned type = desc_enum(r, "type", record_types, NELEM(record_types), -1, 0xFF);
	uint32_t group = desc_addr_req(r, "group");
	unsigned n = desc_addrs(r, "sources", sources, DESC_MAX_SOURCES);
	size_t naux = desc_hex(r, "auxdata", aux, sizeof(aux));
	if (!desc_has(r, "aux") && naux % 4)
		desc_err(r, "auxdata= is %zu octets, not whole words: give aux= too", naux);
	igmpx_build_v3_record(&b->w, (uint8_t)type, (uint8_t)desc_num(r, "aux", naux / 4, 0xFF),
			      (uint16_t)desc_num(r, "nsrc", n, 0xFFFF), group, sources, n);
	igmpx_put_bytes(&b->w, aux, naux);
}

static void build_v3report(struct desc_build *b)
{
	const struct desc_line *l = b->l;
	igmpx_build_v3_report(&b->w, (uint8_t)desc_num(l, "reserved", 0, 0xFF),
			      (uint16_t)desc_num(l, "flags", 0, 0xFFFF),
			      (uint16_t)desc_num(l, "nrec", (uint64_t)b->fd->nsubs, 0xFFFF));
	for (int i = 0; i < b->fd->nsubs; i++)
		build_record(b, &b->fd->subs[i]);
	set_dst(b, ALL_V3_RTRS);
	b->kind = IGMPX_K_V3_REPORT;
}

/* ---- mtrace (draft-ietf-idmr-traceroute-ipm) ---------------------------------- */

static uint8_t mtrace_type(const struct desc_line *l)
{
	const char *s = desc_get(l, "type");
	if (!s || strcmp(s, "query") == 0 || strcmp(s, "request") == 0)
		return IGMPX_T_MTRACE_QUERY;
	if (strcmp(s, "response") == 0)
		return IGMPX_T_MTRACE_RESP;
	return (uint8_t)desc_num(l, "type", IGMPX_T_MTRACE_QUERY, 0xFF);
}

/* §3.2 response data block; defaults: PIM (3), /24, no error. */
static void build_block(struct desc_build *b, const struct desc_line *r)
{
	struct igmpx_mtrace_block k = {
		.query_arrival = (uint32_t)desc_num(r, "arrival", 0, 0xFFFFFFFF),
		.in_if = desc_addr(r, "inif", 0),
		.out_if = desc_addr(r, "outif", 0),
		.prev_hop = desc_addr(r, "prevhop", 0),
		.in_pkts = (uint32_t)desc_num(r, "inpkts", 0, 0xFFFFFFFF),
		.out_pkts = (uint32_t)desc_num(r, "outpkts", 0, 0xFFFFFFFF),
		.sg_pkts = (uint32_t)desc_num(r, "sgpkts", 0, 0xFFFFFFFF),
		.rtg_proto = (uint8_t)desc_num(r, "proto", 3, 0xFF),
		.fwd_ttl = (uint8_t)desc_num(r, "fwdttl", 1, 0xFF),
		.mbz = (uint8_t)desc_num(r, "mbz", 0, 1),
		.s = (uint8_t)desc_num(r, "s", 0, 1),
		.src_mask = (uint8_t)desc_num(r, "mask", 24, 0x3F),
		.fwd_code = (uint8_t)desc_num(r, "fwdcode", 0, 0xFF),
	};
	igmpx_build_mtrace_block(&b->w, &k);
}

/* A query goes to 224.0.0.2 unless dst= names the last-hop router; a
 * response goes to the response address. */
static void build_mtrace(struct desc_build *b)
{
	const struct desc_line *l = b->l;
	uint8_t type = mtrace_type(l);
	uint32_t resp = desc_addr_req(l, "respaddr");
	igmpx_build_mtrace(&b->w, type, (uint8_t)desc_num(l, "hops", 32, 0xFF),
			   desc_addr_req(l, "group"), desc_addr_req(l, "source"),
			   desc_addr_req(l, "dest"), resp, (uint8_t)desc_num(l, "respttl", 64, 0xFF),
			   (uint32_t)desc_num(l, "qid", 1, 0xFFFFFF));
	for (int i = 0; i < b->fd->nsubs; i++)
		build_block(b, &b->fd->subs[i]);
	set_dst(b, type == IGMPX_T_MTRACE_RESP ? resp : ALL_ROUTERS);
	b->kind = IGMPX_K_MTRACE;
}

/* ---- MRD (RFC 4286), RGMP (RFC 3488) ------------------------------------------ */

/* RFC 4286 §3.2: advertisement interval 20 s, and the querier's QI and RV;
 * to All-Snoopers (§3.3.2). */
static void build_mrdadv(struct desc_build *b)
{
	igmpx_build_mrd_adv(&b->w, (uint8_t)desc_num(b->l, "interval", 20, 0xFF),
			    (uint16_t)desc_num(b->l, "qi", 125, 0xFFFF),
			    (uint16_t)desc_num(b->l, "rv", 2, 0xFFFF));
	set_dst(b, ALL_SNOOPERS);
	b->kind = IGMPX_K_MRD_ADV;
}

static void build_mrdsol(struct desc_build *b)
{
	igmpx_build_mrd_short(&b->w, IGMPX_T_MRD_SOL, (uint8_t)desc_num(b->l, "reserved", 0, 0xFF));
	set_dst(b, ALL_ROUTERS);       /* RFC 4286 §4.2.2 */
	b->kind = IGMPX_K_MRD_SOL;
}

static void build_mrdterm(struct desc_build *b)
{
	igmpx_build_mrd_short(&b->w, IGMPX_T_MRD_TERM, (uint8_t)desc_num(b->l, "reserved", 0, 0xFF));
	set_dst(b, ALL_SNOOPERS);      /* RFC 4286 §5.2.2 */
	b->kind = IGMPX_K_MRD_TERM;
}

static const char *const rgmp_types[] = { "leave", "join", "bye", "hello" }; /* 0xFC + i */

/* RFC 3488 §2.4: every RGMP message goes to 224.0.0.25; hello and bye carry
 * group 0 (§2.3). */
static void build_rgmp(struct desc_build *b)
{
	unsigned i = desc_enum(b->l, "type", rgmp_types, NELEM(rgmp_types), -1, 3);
	uint8_t type = (uint8_t)(IGMPX_T_RGMP_LEAVE + i);
	uint32_t group = type <= IGMPX_T_RGMP_JOIN ? desc_addr_req(b->l, "group")
						   : desc_addr(b->l, "group", 0);
	igmpx_build_v12(&b->w, type, (uint8_t)desc_num(b->l, "code", 0, 0xFF), group);
	set_dst(b, ALL_RGMP_RTRS);
	b->kind = IGMPX_K_RGMP;
}

/* ---- IGAP (draft-hayashi-igap) --------------------------------------------------- */

static const char *const igap_types[] = { "report", "query", "leave" }; /* 0x40 + i */

/* Version 0x10; default subtypes: basic join 0x01, basic query 0x21,
 * basic leave 0x41.  Reports go to the group, leaves to 224.0.0.2. */
static void build_igap(struct desc_build *b)
{
	static const uint8_t subtype[] = { 0x01, 0x21, 0x41 };
	const struct desc_line *l = b->l;
	unsigned i = desc_enum(l, "type", igap_types, NELEM(igap_types), -1, 2);
	uint8_t msg[IGMPX_LEN_IGAP_MESSAGE];
	size_t nmsg = desc_hex(l, "message", msg, sizeof(msg));
	uint32_t group = i == 1 ? desc_addr(l, "group", 0) : desc_addr_req(l, "group");
	const char *account = desc_get(l, "account");
	if (account && strlen(account) > IGMPX_LEN_IGAP_ACCOUNT)
		desc_err(l, "account= is longer than %d characters", IGMPX_LEN_IGAP_ACCOUNT);
	igmpx_build_igap(&b->w, (uint8_t)(IGMPX_T_IGAP_REPORT + i),
			 (uint8_t)desc_num(l, "mrt", i == 1 ? 100 : 0, 0xFF), group,
			 (uint8_t)desc_num(l, "version", 0x10, 0xFF),
			 (uint8_t)desc_num(l, "subtype", subtype[i], 0xFF),
			 (uint8_t)desc_num(l, "cid", 0, 0xFF), account, msg, (uint8_t)nmsg);
	set_dst(b, i == 0 ? group : i == 2 ? ALL_ROUTERS : group ? group : ALL_SYSTEMS);
	b->kind = IGMPX_K_IGAP;
}

/* ---- MSNIP (draft-ietf-magma-msnip) ------------------------------------------- */

static void build_msnip_entries(struct desc_build *b, uint8_t type)
{
	static const char *const rmr_types[] = { [1] = "transmit", "hold" };
	for (int i = 0; i < b->fd->nsubs; i++) {
		const struct desc_line *e = &b->fd->subs[i];
		uint8_t byte = type == IGMPX_T_MSNIP_GM
			? (uint8_t)desc_num(e, "mask", 32, 32)
			: (uint8_t)desc_enum(e, "type", rmr_types, NELEM(rmr_types), -1, 0xFF);
		igmpx_build_msnip_entry(&b->w, type, desc_addr_req(e, "group"), byte);
	}
}

/* AMBIGUOUS: the draft is not in the RFC set kept here.  Every MSNIP
 * message defaults to 224.0.0.22, the only destination for which
 * Wireshark's own MSNIP dissector takes types 0x23-0x25. */
static void build_msnip_gm(struct desc_build *b)
{
	igmpx_build_msnip_gm(&b->w, (uint8_t)desc_num(b->l, "count", (uint64_t)b->fd->nsubs, 0xFF),
			     (uint32_t)desc_num(b->l, "holdtime", 120, 0xFFFFFFFF));
	build_msnip_entries(b, IGMPX_T_MSNIP_GM);
	set_dst(b, ALL_V3_RTRS);
	b->kind = IGMPX_K_MSNIP_GM;
}

static void build_msnip_is(struct desc_build *b)
{
	igmpx_build_msnip_is(&b->w, (uint16_t)desc_num(b->l, "holdtime", 120, 0xFFFF),
			     (uint16_t)desc_num(b->l, "genid", 0, 0xFFFF));
	set_dst(b, ALL_V3_RTRS);
	b->kind = IGMPX_K_MSNIP_IS;
}

static void build_msnip_rmr(struct desc_build *b)
{
	igmpx_build_msnip_rmr(&b->w, (uint8_t)desc_num(b->l, "count", (uint64_t)b->fd->nsubs, 0xFF));
	build_msnip_entries(b, IGMPX_T_MSNIP_RMR);
	set_dst(b, ALL_V3_RTRS);
	b->kind = IGMPX_K_MSNIP_RMR;
}

/* ---- Anything else ------------------------------------------------------------- */

/* Type, code, checksum, then hex= as written (DVMRP, PIMv1, unknown types). */
void desc_build_raw(struct desc_build *b)
{
	static uint8_t data[DESC_MAX_MSG];
	if (!desc_has(b->l, "type"))
		desc_err(b->l, "raw needs type=");
	uint8_t type = (uint8_t)desc_num(b->l, "type", 0, 0xFF);
	size_t n = desc_hex(b->l, "hex", data, sizeof(data));
	igmpx_put8(&b->w, type);
	igmpx_put8(&b->w, (uint8_t)desc_num(b->l, "code", 0, 0xFF));
	igmpx_put16(&b->w, 0);
	igmpx_put_bytes(&b->w, data, n);
	set_dst(b, ALL_SYSTEMS);
	b->kind = igmpx_classify(b->w.p, b->w.len);   /* refined by destination later */
}

/* ---- The table --------------------------------------------------------------------- */

static const struct desc_msg msgs[] = {
	{ "v0", "type code id group key", .no_ra = true, .ttl = 1, .tos = 0, .build = build_v0 },
	{ "v1query", "group code", .no_ra = true, .ttl = 1, .tos = 0xC0,
	  .build = build_v1query },
	{ "v1report", "group code", .no_ra = true, .ttl = 1, .tos = 0xC0,
	  .build = build_v1report },
	{ "v2query", "group mrt", .ttl = 1, .tos = 0xC0, .build = build_v2query },
	{ "v2report", "group mrt", .ttl = 1, .tos = 0xC0, .build = build_v2report },
	{ "leave", "group mrt", .ttl = 1, .tos = 0xC0, .build = build_leave },
	{ "v3query", "mrc group flags s qrv qqic sources nsrc", .ttl = 1, .tos = 0xC0,
	  .build = build_v3query },
	{ "v3report", "reserved flags nrec", "record", "type group sources nsrc aux auxdata",
	  .ttl = 1, .tos = 0xC0, .build = build_v3report },
	{ "mtrace", "type hops group source dest respaddr respttl qid", "block",
	  "arrival inif outif prevhop inpkts outpkts sgpkts proto fwdttl mbz s mask fwdcode",
	  .ttl = 0, .tos = 0xC0, .build = build_mtrace },
	{ "mrdadv", "interval qi rv", .ttl = 1, .tos = 0xC0, .build = build_mrdadv },
	{ "mrdsol", "reserved", .ttl = 1, .tos = 0xC0, .build = build_mrdsol },
	{ "mrdterm", "reserved", .ttl = 1, .tos = 0xC0, .build = build_mrdterm },
	{ "rgmp", "type group code", .ttl = 1, .tos = 0xC0, .build = build_rgmp },
	{ "igap", "type mrt group version subtype cid account message", .ttl = 1, .tos = 0xC0,
	  .build = build_igap },
	{ "msnip-gm", "holdtime count", "entry", "group mask", .ttl = 1, .tos = 0xC0,
	  .build = build_msnip_gm },
	{ "msnip-is", "holdtime genid", .ttl = 1, .tos = 0xC0, .build = build_msnip_is },
	{ "msnip-rmr", "count", "entry", "type group", .ttl = 1, .tos = 0xC0,
	  .build = build_msnip_rmr },
	{ "raw", "type code hex", .ttl = 0, .tos = 0xC0, .build = desc_build_raw },
};

const struct desc_msg *desc_msg_find(const char *word)
{
	for (size_t i = 0; i < NELEM(msgs); i++)
		if (strcmp(msgs[i].word, word) == 0)
			return &msgs[i];
	return NULL;
}

void desc_msg_list(char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < NELEM(msgs) && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "", msgs[i].word);
}
