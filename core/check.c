/* check.c: the content rules of rules.def over one packet.  See check.h.
 *
 * The packet is read once into a context (IP header, the IGMP message, its
 * length in the buffer and on the wire); then every check whose message
 * kinds include this one runs (the table checks[] below) and adds findings
 * to a sink that keeps them in the order of the octets at fault.  This file
 * has the IP header rules and the fixed fields of every message; the IGMPv3
 * lists are in check-v3.c.
 *
 * Every field is read from the buffer with a bounds check (ck_u8...): the
 * buffer may end anywhere (a truncated message, a snaplen cut, the 8
 * octets an ICMP error quotes). */
#include "check-int.h"
#include "text.h"

#include <stdarg.h>
#include <string.h>

#define G(off) (c->goff + (off))     /* IP offset of an IGMP field */
#define BIT(k) (1u << (k))

/* ---- The sink ---------------------------------------------------------------- */

void ck_emit(struct ck *c, enum igmpx_rule r, size_t ip_off, size_t len, const char *fmt, ...)
{
	c->total++;
	/* Keep the first max findings by offset; equal offsets in emission order. */
	size_t at = c->n;
	while (at > 0 && c->out[at - 1].offset > ip_off)
		at--;
	if (at >= c->max)
		return;
	size_t keep = c->n < c->max ? c->n : c->max - 1;
	memmove(&c->out[at + 1], &c->out[at], (keep - at) * sizeof(c->out[0]));
	if (c->n < c->max)
		c->n++;
	struct igmpx_finding *f = &c->out[at];
	/* Octets beyond the buffer (known from the wire length only) are cut off. */
	if (ip_off > c->len)
		ip_off = c->len;
	if (len > c->len - ip_off)
		len = c->len - ip_off;
	f->rule = r;
	f->offset = ip_off;
	f->length = len;
	va_list ap;
	va_start(ap, fmt);
	int n = igmpx_text_vformat(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	igmpx_rule_cite(f->text, sizeof(f->text), n, r);
}

/* ---- Readers and addresses -------------------------------------------------------- */

bool ck_u8(const struct ck *c, size_t off, uint8_t *v)
{
	if (off >= c->glen)
		return false;
	*v = c->g[off];
	return true;
}

bool ck_u16(const struct ck *c, size_t off, uint16_t *v)
{
	if (off > c->glen || c->glen - off < 2)
		return false;
	*v = (uint16_t)(c->g[off] << 8 | c->g[off + 1]);
	return true;
}

bool ck_u32(const struct ck *c, size_t off, uint32_t *v)
{
	if (off > c->glen || c->glen - off < 4)
		return false;
	const uint8_t *p = c->g + off;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return true;
}

const char *ck_addr(uint32_t a)
{
	static _Thread_local char bufs[4][16];
	static _Thread_local unsigned next;
	return igmpx_text_ip4(bufs[next++ % 4], a);
}

bool ck_multicast(uint32_t a)
{
	return (a >> 28) == 0xE;
}

/* RFC 9776 §4.1.9, §4.2.10 ask for unicast addresses: these are not. */
const char *ck_not_unicast(uint32_t a)
{
	if (ck_multicast(a))
		return "a multicast address";
	if (a == 0)
		return "the unspecified address";
	if (a == 0xFFFFFFFFu)
		return "the limited broadcast address";
	if ((a >> 24) == 127)
		return "a loopback address";
	if ((a >> 28) == 0xF)
		return "a reserved (class E) address";
	return NULL;
}

/* ---- What each kind of message is held to ------------------------------------------ */

#define R(id) (IGMPX_RULE_##id + 1)     /* 0: no such rule for this kind */

struct kind_info {
	const char *name;      /* in finding texts: "v3 report" */
	size_t fixed;          /* octets of fixed fields */
	int ttl, ra;           /* R(rule) */
};

static const struct kind_info kinds[IGMPX_K_COUNT] = {
	[IGMPX_K_UNKNOWN]     = { "IGMP message", 4, 0, 0 },
	[IGMPX_K_V0]          = { "v0 message", IGMPX_LEN_V0, 0, 0 },
	[IGMPX_K_V1_QUERY]    = { "v1 query", IGMPX_LEN_V12, R(v1_ttl), 0 },
	[IGMPX_K_V2_QUERY]    = { "v2 query", IGMPX_LEN_V12, R(v2_ttl), R(v2_router_alert) },
	[IGMPX_K_V3_QUERY]    = { "v3 query", IGMPX_LEN_V3_QUERY, R(v3_ttl), R(v3_router_alert) },
	[IGMPX_K_BAD_QUERY]   = { "Membership Query", IGMPX_LEN_V12, 0, 0 },
	[IGMPX_K_V1_REPORT]   = { "v1 report", IGMPX_LEN_V12, R(v1_ttl), 0 },
	[IGMPX_K_V2_REPORT]   = { "v2 report", IGMPX_LEN_V12, R(v2_ttl), R(v2_router_alert) },
	[IGMPX_K_V2_LEAVE]    = { "leave", IGMPX_LEN_V12, R(v2_ttl), R(v2_router_alert) },
	[IGMPX_K_V3_REPORT]   = { "v3 report", IGMPX_LEN_V3_REPORT, R(v3_ttl), R(v3_router_alert) },
	[IGMPX_K_DVMRP]       = { "DVMRP message", 4, 0, 0 },
	[IGMPX_K_PIMV1]       = { "PIMv1 message", 4, 0, 0 },
	[IGMPX_K_CISCO_TRACE] = { "Cisco trace message", 4, 0, 0 },
	[IGMPX_K_MTRACE]      = { "mtrace message", IGMPX_LEN_MTRACE, 0, 0 },
	[IGMPX_K_MSNIP_GM]    = { "MSNIP Group Map", IGMPX_LEN_MSNIP_GM, 0, 0 },
	[IGMPX_K_MSNIP_IS]    = { "MSNIP Interest Solicitation", IGMPX_LEN_MSNIP_IS, 0, 0 },
	[IGMPX_K_MSNIP_RMR]   = { "MSNIP Receiver Membership Report", IGMPX_LEN_MSNIP_RMR, 0, 0 },
	[IGMPX_K_MRD_ADV]     = { "MRD advertisement", IGMPX_LEN_MRD_ADV, R(mrd_ttl),
				  R(mrd_router_alert) },
	[IGMPX_K_MRD_SOL]     = { "MRD solicitation", IGMPX_LEN_MRD_SHORT, R(mrd_ttl),
				  R(mrd_router_alert) },
	[IGMPX_K_MRD_TERM]    = { "MRD termination", IGMPX_LEN_MRD_SHORT, R(mrd_ttl),
				  R(mrd_router_alert) },
	[IGMPX_K_IGAP]        = { "IGAP message", IGMPX_LEN_IGAP, 0, 0 },
	[IGMPX_K_RGMP]        = { "RGMP message", IGMPX_LEN_V12, 0, 0 },
};

static const char *name(const struct ck *c)
{
	return c->versionless ? "Membership Query" : kinds[c->kind].name;
}

/* ---- The IP header ---------------------------------------------------------------- */

/* RFC 1112 §6.2: a group address is never a source; nor is the limited
 * broadcast address.  0.0.0.0 is allowed (RFC 9776 §4.2.14 for reports;
 * RFC 4541 proxy queriers for queries). */
static void check_ip_src(struct ck *c)
{
	uint32_t s = c->h.src;
	if (ck_multicast(s) || s == 0xFFFFFFFFu)
		ck_emit(c, IGMPX_RULE_ip_src_unicast, 12, 4, "IP source %s is %s, must be unicast",
			ck_addr(s), ck_multicast(s) ? "a multicast address" : "the broadcast address");
}

static void check_ttl(struct ck *c)
{
	int r = kinds[c->kind].ttl;
	if (r && c->h.ttl != 1)
		ck_emit(c, (enum igmpx_rule)(r - 1), 8, 1, "%s sent with TTL %u, must be 1",
			name(c), c->h.ttl);
}

/* RFC 2113: option 0x94, length 4, value 0 ("router shall examine packet"). */
static void check_ra(struct ck *c)
{
	int r = kinds[c->kind].ra;
	if (!r)
		return;
	enum igmpx_rule rule = (enum igmpx_rule)(r - 1);
	size_t hlen = c->h.payload_off;
	if (c->h.router_alert && c->h.ra_value != 0)
		ck_emit(c, rule, c->h.ra_off, 4, "%s carries Router Alert value %u, must be 0",
			name(c), c->h.ra_value);
	else if (!c->h.router_alert && hlen > 20)
		ck_emit(c, rule, 20, hlen - 20, "%s has no Router Alert among its %zu octets of "
			"IP options, must carry it", name(c), hlen - 20);
	else if (!c->h.router_alert)
		ck_emit(c, rule, 0, 1, "%s has no IP options (IHL 5), must carry Router Alert",
			name(c));
}

/* RFC 9776 §4: precedence 6, Internetwork Control (the top 3 ToS bits). */
static void check_precedence(struct ck *c)
{
	if (c->h.tos >> 5 != 6)
		ck_emit(c, IGMPX_RULE_v3_precedence, 1, 1, "%s sent with ToS 0x%02x (precedence "
			"%u), must have precedence 6, Internetwork Control (ToS 0xC0)", name(c),
			c->h.tos, c->h.tos >> 5);
}

/* The destination each message is sent to, and the rule that says so. */
static bool dst_rule(const struct ck *c, uint32_t *want, enum igmpx_rule *r, const char **why)
{
	uint32_t group = 0;
	bool has_group = ck_u32(c, IGMPX_OFF_GROUP, &group);
	bool general = has_group && group == 0;
	*why = "";
	switch (c->kind) {
	case IGMPX_K_V1_QUERY:  *want = CK_ALL_SYSTEMS; *r = IGMPX_RULE_v1_query_dst; return true;
	case IGMPX_K_V2_LEAVE:  *want = CK_ALL_ROUTERS; *r = IGMPX_RULE_leave_dst; return true;
	case IGMPX_K_V3_REPORT: *want = CK_ALL_V3_RTRS; *r = IGMPX_RULE_v3_report_dst; return true;
	case IGMPX_K_MRD_ADV: case IGMPX_K_MRD_TERM:
		*want = CK_ALL_SNOOPERS; *r = IGMPX_RULE_mrd_dst; return true;
	case IGMPX_K_MRD_SOL:   *want = CK_ALL_ROUTERS; *r = IGMPX_RULE_mrd_dst; return true;
	case IGMPX_K_V1_REPORT: case IGMPX_K_V2_REPORT:
		*want = group;
		*r = c->kind == IGMPX_K_V1_REPORT ? IGMPX_RULE_v1_report_dst : IGMPX_RULE_v2_report_dst;
		*why = " (the group reported)";
		return has_group;
	case IGMPX_K_V2_QUERY: case IGMPX_K_V3_QUERY: {
		bool v3 = c->kind == IGMPX_K_V3_QUERY;
		*want = general ? CK_ALL_SYSTEMS : group;
		*r = general ? (v3 ? IGMPX_RULE_v3_gq_dst : IGMPX_RULE_v2_gq_dst)
			     : (v3 ? IGMPX_RULE_v3_gsq_dst : IGMPX_RULE_v2_gsq_dst);
		*why = general ? " (a General Query)" : " (the group queried)";
		return has_group;
	}
	default:
		return false;
	}
}

static void check_dst(struct ck *c)
{
	uint32_t want;
	enum igmpx_rule r;
	const char *why;
	if (dst_rule(c, &want, &r, &why) && c->h.dst != want)
		ck_emit(c, r, 16, 4, "%s sent to %s, must be %s%s", name(c), ck_addr(c->h.dst),
			ck_addr(want), why);
}

/* ---- Checksum and lengths ----------------------------------------------------------- */

/* The rule that states the checksum of each kind, in that kind's own
 * document; the kinds without one in the RFCs checked (DVMRP, PIMv1, the
 * traceroute drafts, MSNIP, unknown types) are held to none. */
static bool checksum_rule(enum igmpx_kind k, enum igmpx_rule *r)
{
	switch (k) {
	case IGMPX_K_V3_QUERY:
	case IGMPX_K_BAD_QUERY:  *r = IGMPX_RULE_checksum; return true;
	case IGMPX_K_V3_REPORT:  *r = IGMPX_RULE_v3_report_checksum; return true;
	case IGMPX_K_V2_QUERY:
	case IGMPX_K_V2_REPORT:
	case IGMPX_K_V2_LEAVE:   *r = IGMPX_RULE_v2_checksum; return true;
	case IGMPX_K_V1_QUERY:
	case IGMPX_K_V1_REPORT:  *r = IGMPX_RULE_v1_checksum; return true;
	case IGMPX_K_V0:         *r = IGMPX_RULE_v0_checksum; return true;
	case IGMPX_K_MRD_ADV:
	case IGMPX_K_MRD_SOL:
	case IGMPX_K_MRD_TERM:   *r = IGMPX_RULE_mrd_checksum; return true;
	case IGMPX_K_RGMP:       *r = IGMPX_RULE_rgmp_checksum; return true;
	default:                 return false;
	}
}

static void check_checksum(struct ck *c)
{
	enum igmpx_rule r;
	if (c->cut || c->glen < 4 || c->m.checksum_ok || !checksum_rule(c->kind, &r))
		return;
	ck_emit(c, r, G(IGMPX_OFF_CHECKSUM), 2,
		"checksum 0x%04x, should be 0x%04x", c->m.checksum,
		igmpx_cksum_expected(c->g, c->glen));
}

static void check_fixed(struct ck *c)
{
	size_t fixed = kinds[c->kind].fixed;
	if (c->cut || c->wlen >= fixed)
		return;
	ck_emit(c, IGMPX_RULE_truncated, c->goff, c->glen,
		"%s of %zu octet%s, shorter than its %zu octets of fixed fields", name(c), c->wlen,
		c->wlen == 1 ? "" : "s", fixed);
}

/* RFC 9776 §7.1: 8 octets is v1 or v2, 12 and more v3. */
static void check_query_length(struct ck *c)
{
	ck_emit(c, IGMPX_RULE_query_length, c->goff, c->wlen,
		"Membership Query of %zu octets, must be 8 (v1, v2) or at least 12 (v3)", c->wlen);
}

/* draft-ietf-idmr-traceroute-ipm: response blocks fill the rest. */
static void check_mtrace(struct ck *c)
{
	if (c->cut || c->wlen < IGMPX_LEN_MTRACE)
		return;
	size_t part = (c->wlen - IGMPX_LEN_MTRACE) % IGMPX_LEN_MTRACE_BLOCK;
	unsigned whole = (unsigned)((c->wlen - IGMPX_LEN_MTRACE) / IGMPX_LEN_MTRACE_BLOCK);
	if (part)
		ck_emit(c, IGMPX_RULE_truncated, G(igmpx_mtrace_block_off(whole)), part,
			"mtrace message ends %zu octets into response block %u, short of its %d "
			"octets", part, whole + 1, IGMPX_LEN_MTRACE_BLOCK);
}

/* MSNIP Group Map and Receiver Membership Report: Count entries of 8. */
static void check_msnip(struct ck *c)
{
	uint8_t count;
	size_t fixed = kinds[c->kind].fixed;
	if (c->cut || c->wlen < fixed || !ck_u8(c, IGMPX_OFF_CODE, &count))
		return;
	size_t room = (c->wlen - fixed) / IGMPX_LEN_MSNIP_ENTRY;
	if (count > room)
		ck_emit(c, IGMPX_RULE_truncated, G(IGMPX_OFF_CODE), 1,
			"%s Count says %u, only %zu entr%s in the message (%zu octets short)", name(c),
			count, room, room == 1 ? "y" : "ies",
			fixed + (size_t)IGMPX_LEN_MSNIP_ENTRY * count - c->wlen);
}

/* ---- IGMPv1 and v2 ----------------------------------------------------------------- */

/* RFC 2236 §2.4 (for reports of either version: "when no version is
 * specified, the statement applies equally to both versions"), §2.2;
 * RFC 1112 App. I; RFC 9776 §5 (224.0.0.1). */
static void check_v12_group(struct ck *c)
{
	uint32_t g;
	if (!ck_u32(c, IGMPX_OFF_GROUP, &g))
		return;
	bool query = c->kind == IGMPX_K_V1_QUERY || c->kind == IGMPX_K_V2_QUERY;
	if (c->kind == IGMPX_K_V2_LEAVE && g == 0)
		ck_emit(c, IGMPX_RULE_leave_group_zero, G(IGMPX_OFF_GROUP), 4,
			"leave for group 0.0.0.0, must name the group left");
	else if (c->kind != IGMPX_K_V1_QUERY && !ck_multicast(g) && !(query && g == 0))
		ck_emit(c, IGMPX_RULE_v2_group, G(IGMPX_OFF_GROUP), 4,
			"%s for group %s, must be %s", name(c), ck_addr(g),
			query ? "0 or a multicast address" : "a multicast address");
	if (g == CK_ALL_SYSTEMS)
		ck_emit(c, IGMPX_RULE_all_systems_reported, G(IGMPX_OFF_GROUP), 4,
			"%s for 224.0.0.1, the all-systems group, which is never reported or queried",
			name(c));
}

static void check_v12_code(struct ck *c)
{
	uint8_t code;
	if (!ck_u8(c, IGMPX_OFF_CODE, &code) || code == 0)
		return;
	if (c->kind == IGMPX_K_V1_REPORT)
		ck_emit(c, IGMPX_RULE_v1_unused, G(IGMPX_OFF_CODE), 1,
			"v1 report Unused field 0x%02x, must be 0", code);
	else
		ck_emit(c, IGMPX_RULE_v2_max_resp_unused, G(IGMPX_OFF_CODE), 1,
			"%s with Max Resp Time %u, must be 0", name(c), code);
}

/* RFC 2236 §2.5: octets past the first 8 are ignored. */
static void check_v12_extra(struct ck *c)
{
	if (!c->first_fragment && c->wlen > IGMPX_LEN_V12)
		ck_emit(c, IGMPX_RULE_v2_extra, G(IGMPX_LEN_V12), c->wlen - IGMPX_LEN_V12,
			"%s of %zu octets: %zu after the first 8, ignored (and checksummed)", name(c),
			c->wlen, c->wlen - IGMPX_LEN_V12);
}

/* RFC 9776 §4.1.8 and §4.2.17: a query's sources and a report's records
 * are limited to what one packet within the link's MTU holds.  Only the
 * sender fragments an IGMP datagram (TTL 1: no router forwards it), and a
 * sender that must fragments at its MTU: its first fragment is at most 7
 * octets short of it (the rest of a fragment's data is a multiple of 8).
 * Every IPv4 link carries 68 octets (RFC 791 §3.2), so a datagram of 68 or
 * fewer, or a first fragment under 61, was fragmented by choice (a test
 * tool's), not for an MTU: no finding.  Reassembled, only the datagram's
 * length is known.  Said at the count the limit is on; not in an ICMP
 * error's quote. */
#define IGMPX_IP_MIN_MTU 68u

static void check_fragmented(struct ck *c)
{
	if (!c->fragmented || c->quoted)
		return;
	if (c->first_fragment ? c->h.total_len + 7u < IGMPX_IP_MIN_MTU
			      : c->goff + c->wlen <= IGMPX_IP_MIN_MTU)
		return;
	bool query = c->kind == IGMPX_K_V3_QUERY;
	ck_emit(c, query ? IGMPX_RULE_v3_query_fragmented : IGMPX_RULE_v3_report_fragmented,
		G(query ? IGMPX_OFF_Q_NSRC : IGMPX_OFF_R_NREC), 2,
		"IGMPv3 %s sent in IP fragments, larger than the link's MTU allows (%s)",
		query ? "Query" : "Report",
		c->first_fragment ? "the first fragment" : "the datagram reassembled");
}

/* ---- Other messages ----------------------------------------------------------------- */

/* RFC 988 App. I: Create Group Request code 0 (public) or 1 (private); the
 * other requests (odd types) 0. */
static void check_v0(struct ck *c)
{
	uint8_t type, code;
	if (!ck_u8(c, 0, &type) || !ck_u8(c, IGMPX_OFF_CODE, &code) || !(type & 1))
		return;
	if (type == IGMPX_T_V0_CREATE_REQ && code > 1)
		ck_emit(c, IGMPX_RULE_v0_code, G(IGMPX_OFF_CODE), 1,
			"Create Group Request with Code %u, must be 0 (public) or 1 (private)", code);
	else if (type != IGMPX_T_V0_CREATE_REQ && code != 0)
		ck_emit(c, IGMPX_RULE_v0_code, G(IGMPX_OFF_CODE), 1,
			"%s with Code %u, must be 0", igmpx_type_name(type), code);
}

/* RFC 3488 §2.3. */
static void check_rgmp(struct ck *c)
{
	uint8_t type;
	uint32_t g;
	if (!ck_u8(c, 0, &type) || !ck_u32(c, IGMPX_OFF_GROUP, &g))
		return;
	bool hello_bye = type == IGMPX_T_RGMP_HELLO || type == IGMPX_T_RGMP_BYE;
	if (hello_bye ? g != 0 : !ck_multicast(g))
		ck_emit(c, IGMPX_RULE_rgmp_group, G(IGMPX_OFF_GROUP), 4, "RGMP %s for group %s, "
			"must be %s", igmpx_type_name(type), ck_addr(g),
			hello_bye ? "0" : "a multicast address");
}

/* RFC 4286 §4.1.2, §5.1.2. */
static void check_mrd_reserved(struct ck *c)
{
	uint8_t v;
	if (ck_u8(c, IGMPX_OFF_CODE, &v) && v != 0)
		ck_emit(c, IGMPX_RULE_mrd_reserved, G(IGMPX_OFF_CODE), 1,
			"%s Reserved field 0x%02x, must be 0", name(c), v);
}

/* ---- The table ------------------------------------------------------------------------- */

#define V12 (BIT(IGMPX_K_V1_QUERY) | BIT(IGMPX_K_V2_QUERY) | BIT(IGMPX_K_V1_REPORT) | \
	     BIT(IGMPX_K_V2_REPORT) | BIT(IGMPX_K_V2_LEAVE))
#define V3  (BIT(IGMPX_K_V3_QUERY) | BIT(IGMPX_K_V3_REPORT))
#define MRD (BIT(IGMPX_K_MRD_ADV) | BIT(IGMPX_K_MRD_SOL) | BIT(IGMPX_K_MRD_TERM))
#define ANY 0xFFFFFFFFu

static const struct {
	uint32_t kinds;                 /* BIT(kind) of the messages it applies to */
	void (*fn)(struct ck *c);
} checks[] = {
	{ ANY, check_ip_src },
	{ ANY, check_ttl },             /* kinds[].ttl says which rule */
	{ ANY, check_ra },              /* kinds[].ra likewise */
	{ V3, check_precedence },
	{ ANY, check_dst },
	{ ANY, check_checksum },
	{ ANY & ~BIT(IGMPX_K_BAD_QUERY), check_fixed },
	{ BIT(IGMPX_K_BAD_QUERY), check_query_length },
	{ BIT(IGMPX_K_MTRACE), check_mtrace },
	{ BIT(IGMPX_K_MSNIP_GM) | BIT(IGMPX_K_MSNIP_RMR), check_msnip },
	{ V12, check_v12_group },
	{ BIT(IGMPX_K_V1_REPORT) | BIT(IGMPX_K_V2_REPORT) | BIT(IGMPX_K_V2_LEAVE), check_v12_code },
	{ V12, check_v12_extra },
	{ BIT(IGMPX_K_V3_QUERY), ck_v3_query },
	{ BIT(IGMPX_K_V3_REPORT), ck_v3_report },
	{ BIT(IGMPX_K_V3_QUERY) | BIT(IGMPX_K_V3_REPORT), check_fragmented },
	{ BIT(IGMPX_K_V0), check_v0 },
	{ BIT(IGMPX_K_RGMP), check_rgmp },
	{ BIT(IGMPX_K_MRD_SOL) | BIT(IGMPX_K_MRD_TERM), check_mrd_reserved },
};

/* The kind of the message on the wire: a query's version is its length on
 * the wire (RFC 9776 §7.1), which a cut buffer does not show. */
static enum igmpx_kind wire_kind(const struct ck *c)
{
	if (c->glen < 1 || c->g[0] != IGMPX_T_QUERY || !c->cut)
		return c->m.kind;
	/* A first fragment holds 8 octets or more, and more follow: the query
	 * is longer than 8 octets, taken as v3 (9 to 11 octets would be no
	 * version's, §7.1, which a first fragment cannot show). */
	if (c->first_fragment)
		return IGMPX_K_V3_QUERY;
	if (c->wlen >= IGMPX_LEN_V3_QUERY)
		return IGMPX_K_V3_QUERY;
	if (c->wlen > IGMPX_LEN_V12)
		return IGMPX_K_BAD_QUERY;
	return c->glen >= 2 && c->g[1] == 0 ? IGMPX_K_V1_QUERY : IGMPX_K_V2_QUERY;
}

/* The packet's layout; c->h and c->m are already filled. */
static void setup(struct ck *c, const uint8_t *ip, size_t len, const struct igmpx_check_opts *o)
{
	c->ip = ip;
	c->len = len;
	c->goff = c->h.payload_off;
	c->g = ip + c->goff;
	c->glen = c->h.payload_len;
	c->wlen = c->h.total_len > c->goff ? c->h.total_len - c->goff : 0;
	if (c->wlen < c->glen)
		c->wlen = c->glen;
	c->cut = c->glen < c->wlen || (o && o->in_icmp_error) ||
		 (o && o->reported_len > len);
	/* RFC 791: a first fragment's Total Length is its own; the message
	 * goes on in the fragments after it. */
	c->first_fragment = (c->h.frag & IGMPX_IP_MF) != 0;
	if (c->first_fragment) {
		c->wlen = c->glen;
		c->cut = true;
	}
	c->fragmented = c->first_fragment || (o && o->reassembled);
	c->quoted = o && o->in_icmp_error;
	c->kind = wire_kind(c);
}

static size_t run(struct ck *c)
{
	/* A fragment other than the first holds no message's start. */
	if (c->h.frag & IGMPX_IP_OFFSET)
		return 0;
	/* A query too short for a version (under 8 octets on the wire) is held
	 * to no version's rules: only to its length and checksum. */
	c->versionless = c->glen >= 1 && c->g[0] == IGMPX_T_QUERY && c->wlen < IGMPX_LEN_V12;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (!(checks[i].kinds & BIT(c->kind)))
			continue;
		if (c->versionless && checks[i].fn != check_checksum && checks[i].fn != check_fixed &&
		    checks[i].fn != check_ip_src)
			continue;
		checks[i].fn(c);
	}
	return c->total;
}

size_t igmpx_check_packet(const uint8_t *ip, size_t len, const struct igmpx_check_opts *opts,
			  struct igmpx_finding *out, size_t max)
{
	struct ck c;
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.max = out ? max : 0;
	if (!ip || !igmpx_ipv4_parse(ip, len, &c.h) || c.h.proto != IGMPX_IPPROTO_IGMP)
		return 0;
	igmpx_parse_to(ip + c.h.payload_off, c.h.payload_len, c.h.dst, &c.m);
	setup(&c, ip, len, opts);
	return run(&c);
}

size_t igmpx_check_parsed(const uint8_t *ip, size_t len, const struct igmpx_ipv4 *h,
			  const struct igmpx_msg *m, const struct igmpx_check_opts *opts,
			  struct igmpx_finding *out, size_t max)
{
	struct ck c;
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.max = out ? max : 0;
	if (!ip || h->proto != IGMPX_IPPROTO_IGMP)
		return 0;
	c.h = *h;
	c.m = *m;
	setup(&c, ip, len, opts);
	return run(&c);
}
