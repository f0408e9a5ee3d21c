/* frames.c: what the harness says about frames: matches ("v3report
 * group=239.1.1.1 record=IS_EX"), one-line decodes for verdict texts, and
 * the IPv4 packet inside a captured frame.  Frames are untrusted: every
 * read goes through core's bounded parsers. */
#include "hx.h"
#include "ip.h"
#include "desc.h"

#include <arpa/inet.h>
#include <math.h>
#include <glib.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define BIT(k) (1u << (k))

static const struct {
	const char *word;
	uint32_t kinds;
} match_words[] = {
	{ "any", 0 },
	{ "query", BIT(IGMPX_K_V1_QUERY) | BIT(IGMPX_K_V2_QUERY) | BIT(IGMPX_K_V3_QUERY) },
	{ "v1query", BIT(IGMPX_K_V1_QUERY) },
	{ "v2query", BIT(IGMPX_K_V2_QUERY) },
	{ "v3query", BIT(IGMPX_K_V3_QUERY) },
	{ "report", BIT(IGMPX_K_V1_REPORT) | BIT(IGMPX_K_V2_REPORT) | BIT(IGMPX_K_V3_REPORT) },
	{ "v1report", BIT(IGMPX_K_V1_REPORT) },
	{ "v2report", BIT(IGMPX_K_V2_REPORT) },
	{ "v3report", BIT(IGMPX_K_V3_REPORT) },
	{ "v2leave", BIT(IGMPX_K_V2_LEAVE) },
};

bool hx_addr_parse(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return false;
	*a = ntohl(in.s_addr);
	return true;
}

bool hx_addr_range(const char *text, const struct hx_vars *v, uint32_t *first, unsigned *n,
		   char *err, size_t errlen)
{
	char a[64];
	const char *plus = strchr(text, '+');
	size_t alen = plus ? (size_t)(plus - text) : strlen(text);
	double d = 1;

	if (alen >= sizeof(a)) {
		snprintf(err, errlen, "\"%s\" is not an IPv4 address", text);
		return false;
	}
	memcpy(a, text, alen);
	a[alen] = 0;
	if (!hx_addr_parse(a, first)) {
		snprintf(err, errlen, "\"%s\" is not an IPv4 address", a);
		return false;
	}
	if (plus) {
		char e[200];
		if (!v) {
			char *end;
			d = strtod(plus + 1, &end);
			if (*end || end == plus + 1) {
				snprintf(err, errlen, "%s: +N takes a number here", text);
				return false;
			}
		} else if (!hx_expr_eval(plus + 1, v, &d, e, sizeof(e))) {
			snprintf(err, errlen, "%s: %s", text, e);
			return false;
		}
	}
	if (d < 1 || d > 65536 || d != (double)(unsigned)d) {
		snprintf(err, errlen, "%s: a count from 1 to 65536 expected, not %g", text, d);
		return false;
	}
	*n = (unsigned)d;
	return true;
}

char *hx_addr_list(const char *text, const struct hx_vars *v, char *err, size_t errlen)
{
	GString *o = g_string_new(NULL);
	gchar **items = g_strsplit(text, ",", -1);
	bool ok = true;

	for (gchar **it = items; *it && ok; it++) {
		uint32_t a;
		unsigned n;
		gchar *t = g_strstrip(*it);
		if (!(ok = hx_addr_range(t, v, &a, &n, err, errlen)))
			break;
		for (unsigned i = 0; i < n; i++, a++)
			g_string_append_printf(o, "%s%u.%u.%u.%u", o->len ? "," : "", a >> 24,
					       a >> 16 & 255, a >> 8 & 255, a & 255);
	}
	g_strfreev(items);
	if (!ok) {
		g_string_free(o, TRUE);
		return NULL;
	}
	return g_string_free(o, FALSE);
}

void hx_match_free(struct hx_match *m)
{
	free(m->nsrc_expr);
	free(m->mrt_expr);
	free(m->qqi_expr);
	free(m->qrv_expr);
	m->nsrc_expr = m->mrt_expr = m->qqi_expr = m->qrv_expr = NULL;
}

bool hx_match_values(struct hx_match *m, const struct hx_vars *v, char *err, size_t errlen)
{
	struct {
		const char *key, *expr;
		double *out;
	} e[] = { { "mrt", m->mrt_expr, &m->mrt }, { "qqi", m->qqi_expr, &m->qqi },
		  { "qrv", m->qrv_expr, &m->qrv } };
	char why[200];
	double d;

	m->nsrc = -1;
	if (m->nsrc_expr) {
		if (!hx_expr_eval(m->nsrc_expr, v, &d, why, sizeof(why))) {
			snprintf(err, errlen, "nsources=: %s", why);
			return false;
		}
		if (d > 65535) {
			snprintf(err, errlen, "nsources=%s is %g, over 65535", m->nsrc_expr, d);
			return false;
		}
		m->nsrc = (int)d;
	}
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		*e[i].out = NAN;
		if (!e[i].expr)
			continue;
		if (!hx_expr_eval(e[i].expr, v, e[i].out, why, sizeof(why))) {
			snprintf(err, errlen, "%s=: %s", e[i].key, why);
			return false;
		}
		/* Past what a code can say (QQIC 31744 s, Max Resp 3174.4 s, QRV 7,
		 * sent as 0 above): no frame can match, and the conversions to
		 * codes stay defined. */
		if (*e[i].out > 1e6) {
			snprintf(err, errlen, "%s=%s is %g, over 1000000", e[i].key, e[i].expr, *e[i].out);
			return false;
		}
	}
	return true;
}

bool hx_match_parse(const char *text, const char *file, int line, struct hx_match *m)
{
	struct desc_line l;
	bool ok = true;

	memset(m, 0, sizeof(*m));
	m->nsrc = -1;
	m->sflag = -1;
	m->mrt = m->qqi = m->qrv = NAN;
	if (!desc_line_parse(text, file, line, &l))
		return false;
	if (!l.word) {
		desc_err(&l, "a match starts with what arrives: any, query, report, v1query, v2query, "
			   "v3query, v1report, v2report, v3report or v2leave");
		ok = false;
	}
	size_t i = 0;
	for (; l.word && i < sizeof(match_words) / sizeof(match_words[0]); i++)
		if (!strcmp(l.word, match_words[i].word))
			break;
	if (l.word && i == sizeof(match_words) / sizeof(match_words[0])) {
		desc_err(&l, "\"%s\" is not any, query, report, v1query, v2query, v3query, v1report, "
			   "v2report, v3report or v2leave", l.word);
		ok = false;
	} else if (l.word) {
		m->kinds = match_words[i].kinds;
	}
	for (int k = 0; k < l.nkv; k++) {
		const char *key = l.kv[k].key, *val = l.kv[k].val;
		if (!strcmp(key, "group") || !strcmp(key, "dst") || !strcmp(key, "src")) {
			uint32_t *a = !strcmp(key, "group") ? &m->group : !strcmp(key, "dst") ? &m->dst
				    : &m->src;
			if (!hx_addr_parse(val, a)) {
				desc_err(&l, "%s=%s is not an IPv4 address", key, val);
				ok = false;
			}
			*(!strcmp(key, "group") ? &m->has_group : !strcmp(key, "dst") ? &m->has_dst
			  : &m->has_src) = true;
		} else if (!strcmp(key, "s")) {
			if (strcmp(val, "0") && strcmp(val, "1")) {
				desc_err(&l, "s=%s: 0 or 1", val);
				ok = false;
			}
			m->sflag = val[0] == '1';
		} else if (!strcmp(key, "mrt") || !strcmp(key, "qqi") || !strcmp(key, "qrv")) {
			char e[200], **slot = !strcmp(key, "mrt") ? &m->mrt_expr
					    : !strcmp(key, "qqi") ? &m->qqi_expr : &m->qrv_expr;
			double d;
			if (!hx_expr_eval(val, &hx_vars_ones, &d, e, sizeof(e))) {
				desc_err(&l, "%s=%s: %s", key, val, e);
				ok = false;
			} else {
				free(*slot);
				*slot = strdup(val);
			}
		} else if (!strcmp(key, "record")) {
			for (uint8_t t = 1; t <= 6; t++)
				if (!strcmp(val, igmpx_record_type_abbrev(t)))
					m->record = t;
			if (!m->record) {
				desc_err(&l, "record=%s: IS_IN, IS_EX, TO_IN, TO_EX, ALLOW or BLOCK", val);
				ok = false;
			}
		} else if (!strcmp(key, "sources")) {
			char e[200];
			char *list = *val ? hx_addr_list(val, NULL, e, sizeof(e)) : strdup("");
			m->has_sources = true;
			if (!list) {
				desc_err(&l, "sources=: %s", e);
				ok = false;
				continue;
			}
			for (char *save = NULL, *t = strtok_r(list, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				if (m->nsources == sizeof(m->sources) / sizeof(m->sources[0]) ||
				    !hx_addr_parse(t, &m->sources[m->nsources])) {
					desc_err(&l, "sources=: \"%s\" is not an IPv4 address (at most %zu)",
					       t, sizeof(m->sources) / sizeof(m->sources[0]));
					ok = false;
					break;
				}
				m->nsources++;
			}
			free(list);
		} else if (!strcmp(key, "nsources")) {
						char e[200];
			double d;
			if (!hx_expr_eval(val, &hx_vars_ones, &d, e, sizeof(e))) {
				desc_err(&l, "nsources=%s: %s", val, e);
				ok = false;
			} else {
				free(m->nsrc_expr);
				m->nsrc_expr = strdup(val);
			}
		} else {
			desc_err(&l, "a match takes group= src= dst= record= sources= nsources= s= mrt= "
				   "qqi= qrv=, not %s=", key);
			ok = false;
		}
	}
	bool v3r = m->kinds == BIT(IGMPX_K_V3_REPORT), v3q = m->kinds == BIT(IGMPX_K_V3_QUERY);
	if (m->record && !v3r) {
		desc_err(&l, "record= matches v3report records only");
		ok = false;
	}
	if ((m->has_sources || m->nsrc_expr) && !v3r && !v3q) {
		desc_err(&l, "sources= and nsources= match v3report records and v3query sources only");
		ok = false;
	}
	if ((m->sflag >= 0 || m->qqi_expr || m->qrv_expr) && !v3q) {
		desc_err(&l, "s=, qqi= and qrv= match v3query fields only");
		ok = false;
	}
	if (m->mrt_expr && (!m->kinds || (m->kinds & ~(BIT(IGMPX_K_V2_QUERY) | BIT(IGMPX_K_V3_QUERY))))) {
		desc_err(&l, "mrt= matches v2query and v3query Max Resp only");
		ok = false;
	}
	desc_line_free(&l);
	if (!ok)
		hx_match_free(m);
	return ok;
}

/* The n sources that src(i) gives are the match's, as sets. */
static bool same_set(const struct hx_match *m, unsigned n,
		     uint32_t (*src)(const void *ctx, unsigned i), const void *ctx)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t s = src(ctx, i);
		bool in = false;
		for (unsigned j = 0; j < m->nsources && !in; j++)
			in = m->sources[j] == s;
		if (!in)
			return false;
	}
	for (unsigned j = 0; j < m->nsources; j++) {
		bool in = false;
		for (unsigned i = 0; i < n && !in; i++)
			in = src(ctx, i) == m->sources[j];
		if (!in)
			return false;
	}
	return true;
}

struct rec_ctx {
	const uint8_t *igmp;
	size_t len;
	const struct igmpx_v3_record *r;
};

static uint32_t rec_source(const void *ctx, unsigned i)
{
	const struct rec_ctx *c = ctx;
	return igmpx_v3_record_source(c->igmp, c->len, c->r, i);
}

static uint32_t query_source(const void *ctx, unsigned i)
{
	const struct rec_ctx *c = ctx;
	return igmpx_v3_query_source(c->igmp, c->len, i);
}

/* The record's sources are the match's, as sets. */
static bool same_sources(const struct hx_match *m, const uint8_t *igmp, size_t len,
			 const struct igmpx_v3_record *r)
{
	struct rec_ctx c = { igmp, len, r };

	return r->nsrc_present == r->nsrc && same_set(m, r->nsrc, rec_source, &c);
}

/* A time field (seconds, from a code of tenths) is the expected one: the
 * same code, as the sender encodes it (RFC 9776 §4.1.1, §4.1.7), or within
 * half a unit of the value when no code is exact. */
static bool same_time(double want, unsigned tenths_got, bool tenths)
{
	double got = tenths ? tenths_got / 10.0 : tenths_got;
	double unit = tenths ? 0.1 : 1;
	unsigned w = (unsigned)(want / unit + 0.5);
	bool exact;
	unsigned coded = igmpx_code_decode(igmpx_code_encode(w, &exact));

	return fabs(got - want) < unit / 2 || (w >= 128 && coded == tenths_got);
}

/* The v3 query's fields are the match's. */
static bool query_fields(const struct hx_match *m, const struct igmpx_msg *msg, const uint8_t *igmp)
{
	const unsigned nsrc = msg->u.v3q.nsrc;

	if (m->sflag >= 0 && msg->u.v3q.s != m->sflag)
		return false;
	if (!isnan(m->qrv) && msg->u.v3q.qrv != (m->qrv > 7 ? 0 : (unsigned)m->qrv))
		return false;
	if (!isnan(m->qqi) && !same_time(m->qqi, igmpx_code_decode(msg->u.v3q.qqic), false))
		return false;
	if (m->nsrc >= 0 && (nsrc != (unsigned)m->nsrc || msg->u.v3q.nsrc_present != nsrc))
		return false;
	if (m->has_sources) {
		struct rec_ctx c = { igmp, msg->len, NULL };
		if (msg->u.v3q.nsrc_present != nsrc || !same_set(m, nsrc, query_source, &c))
			return false;
	}
	return true;
}

bool hx_match_frame(const struct hx_match *m, const struct igmpx_msg *msg, const uint8_t *igmp,
		    uint32_t src, uint32_t dst)
{
	if (m->kinds && !(m->kinds & BIT(msg->kind)))
		return false;
	if (m->has_dst && m->dst != dst)
		return false;
	if (m->has_src && m->src != src)
		return false;
	if (!isnan(m->mrt) && (msg->kind == IGMPX_K_V2_QUERY || msg->kind == IGMPX_K_V3_QUERY) &&
	    !same_time(m->mrt, igmpx_query_max_resp_ms(msg) / 100, true))
		return false;
	switch (msg->kind) {
	case IGMPX_K_V3_REPORT: {
		if (!m->has_group && !m->record && !m->has_sources && m->nsrc < 0)
			return true;
		size_t off = IGMPX_OFF_R_RECORDS;
		for (unsigned i = 0; i < msg->u.v3r.nrec_present; i++) {
			struct igmpx_v3_record r;
			if (!igmpx_v3_record_at(igmp, msg->len, off, &r))
				return false;
			if ((!m->has_group || r.group == m->group) && (!m->record || r.type == m->record) &&
			    (!m->has_sources || same_sources(m, igmp, msg->len, &r)) &&
			    (m->nsrc < 0 || (r.nsrc == (unsigned)m->nsrc && r.nsrc_present == r.nsrc)))
				return true;
			off = r.end;
		}
		return false;
	}
	case IGMPX_K_V3_QUERY:
		return (!m->has_group || msg->u.v3q.group == m->group) && query_fields(m, msg, igmp);
	case IGMPX_K_V1_QUERY:
	case IGMPX_K_V2_QUERY:
	case IGMPX_K_V1_REPORT:
	case IGMPX_K_V2_REPORT:
	case IGMPX_K_V2_LEAVE:
		return !m->has_group || msg->u.v12.group == m->group;
	default:
		return !m->has_group;
	}
}

const uint8_t *hx_ip_of(int dlt, const uint8_t *f, size_t len, size_t *iplen)
{
	size_t off;
	uint16_t type;

	switch (dlt) {
	case 1:                                 /* Ethernet, maybe 802.1Q tagged */
		if (len < 14)
			return NULL;
		off = 12;
		type = (uint16_t)(f[off] << 8 | f[off + 1]);
		while ((type == 0x8100 || type == 0x88A8) && len >= off + 6) {
			off += 4;
			type = (uint16_t)(f[off] << 8 | f[off + 1]);
		}
		off += 2;
		break;
	case 113:                               /* Linux cooked (SLL) */
		if (len < 16)
			return NULL;
		type = (uint16_t)(f[14] << 8 | f[15]);
		off = 16;
		break;
	case 12:                                /* raw IP */
	case 101:
	case 228:                               /* raw IPv4 */
		type = 0x0800;
		off = 0;
		break;
	default:
		return NULL;
	}
	if (type != 0x0800 || off >= len)
		return NULL;
	*iplen = len - off;
	return f + off;
}

static const char *a4(uint32_t a, char *b)
{
	snprintf(b, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
	return b;
}

void hx_describe(const uint8_t *frame, size_t len, char *out, size_t cap)
{
	size_t iplen, n;
	const uint8_t *ip = hx_ip_of(1, frame, len, &iplen);
	struct igmpx_ipv4 h;
	struct igmpx_msg m;
	char s[16], d[16], g[16];

	if (!ip || !igmpx_ipv4_parse(ip, iplen, &h)) {
		snprintf(out, cap, "non-IPv4 frame of %zu octets", len);
		return;
	}
	if (h.proto != IGMPX_IPPROTO_IGMP) {
		snprintf(out, cap, "IPv4 %s > %s protocol %u", a4(h.src, s), a4(h.dst, d), h.proto);
		return;
	}
	const uint8_t *igmp = ip + h.payload_off;
	igmpx_parse_to(igmp, h.payload_len, h.dst, &m);
	const char *name = igmpx_msg_name(&m);
	n = (size_t)snprintf(out, cap, "%s %s > %s TTL %u%s%s:", name ? name : "IGMP message",
			     a4(h.src, s), a4(h.dst, d), h.ttl,
			     h.router_alert ? " RA" : "", m.checksum_ok ? "" : " BAD CHECKSUM");
	if (n >= cap)
		return;
	switch (m.kind) {
	case IGMPX_K_V3_QUERY:
		snprintf(out + n, cap - n, " group %s, Max Resp %.1f s, QRV %u, QQIC %u, %u source%s",
			 a4(m.u.v3q.group, g), igmpx_query_max_resp_ms(&m) / 1000.0, m.u.v3q.qrv,
			 m.u.v3q.qqic, m.u.v3q.nsrc, m.u.v3q.nsrc == 1 ? "" : "s");
		break;
	case IGMPX_K_V1_QUERY:
	case IGMPX_K_V2_QUERY:
		snprintf(out + n, cap - n, " group %s, Max Resp %.1f s", a4(m.u.v12.group, g),
			 igmpx_query_max_resp_ms(&m) / 1000.0);
		break;
	case IGMPX_K_V1_REPORT:
	case IGMPX_K_V2_REPORT:
	case IGMPX_K_V2_LEAVE:
		snprintf(out + n, cap - n, " group %s", a4(m.u.v12.group, g));
		break;
	case IGMPX_K_V3_REPORT: {
		size_t off = IGMPX_OFF_R_RECORDS;
		for (unsigned i = 0; i < m.u.v3r.nrec_present && n < cap; i++) {
			struct igmpx_v3_record r;
			if (!igmpx_v3_record_at(igmp, m.len, off, &r))
				break;
			const char *t = igmpx_record_type_abbrev(r.type);
			n += (size_t)snprintf(out + n, cap - n, "%s %s %s {", i ? "," : "",
					      t ? t : "type?", a4(r.group, g));
			for (unsigned k = 0; k < r.nsrc_present && n < cap; k++)
				n += (size_t)snprintf(out + n, cap - n, "%s%s", k ? "," : "",
						      a4(igmpx_v3_record_source(igmp, m.len, &r, k), g));
			if (n < cap)
				n += (size_t)snprintf(out + n, cap - n, "}");
			off = r.end;
		}
		break;
	}
	default:
		snprintf(out + n, cap - n, " %zu octets", m.len);
		break;
	}
}

/* ---- A flood -------------------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Where the IP header and the IGMP message are in a frame; false if it is
 * no whole, unfragmented IPv4 packet carrying IGMP. */
static bool flood_parts(const uint8_t *frame, size_t len, size_t *ip_off, size_t *hl,
			size_t *igmp_len)
{
	size_t iplen;
	const uint8_t *ip = hx_ip_of(1, frame, len, &iplen);

	if (!ip || iplen < 20 || ip[0] >> 4 != 4)
		return false;
	*hl = (size_t)(ip[0] & 15) * 4;
	size_t total = (size_t)ip[2] << 8 | ip[3];
	if (*hl < 20 || total > iplen || total < *hl + 8 || ip[9] != 2 || (ip[6] & 0x3F) || ip[7])
		return false;
	*ip_off = (size_t)(ip - frame);
	*igmp_len = total - *hl;
	return true;
}

/* Calls f for every group field of the message (and, with its record's
 * sources, for a v3 report's): how many there are, or -1 if the message
 * has none that can be varied or is cut short. */
static int flood_fields(uint8_t *m, size_t n,
			void (*f)(uint8_t *group, uint8_t *src, unsigned nsrc, void *arg), void *arg)
{
	switch (m[0]) {
	case 0x12: case 0x16: case 0x17:        /* v1, v2 report; leave */
		if (f)
			f(m + 4, NULL, 0, arg);
		return 1;
	case 0x22: {                            /* v3 report */
		unsigned nrec = (unsigned)m[6] << 8 | m[7];
		size_t off = 8;
		for (unsigned k = 0; k < nrec; k++) {
			if (off + 8 > n)
				return -1;
			unsigned nsrc = (unsigned)m[off + 2] << 8 | m[off + 3];
			size_t rlen = 8 + 4 * (size_t)nsrc + 4 * (size_t)m[off + 1];
			if (off + rlen > n)
				return -1;
			if (f)
				f(m + off + 4, m + off + 8, nsrc, arg);
			off += rlen;
		}
		return nrec ? (int)nrec : -1;
	}
	default:
		return -1;
	}
}

struct flood_check {
	unsigned groups, lists, with_sources;
	bool range_ok;
};

static void flood_check_one(uint8_t *group, uint8_t *src, unsigned nsrc, void *arg)
{
	struct flood_check *c = arg;
	uint32_t g = get32(group);

	(void)src;
	if (nsrc)
		c->with_sources++;
	if (c->groups && (g >> 28 != 0xE || (uint64_t)g + c->groups - 1 > 0xEFFFFFFFu))
		c->range_ok = false;
}

bool hx_flood_ok(const uint8_t *frame, size_t len, unsigned groups, unsigned lists,
		 char *err, size_t errlen)
{
	size_t ip_off, hl, n;
	uint8_t m[9216];

	if (!flood_parts(frame, len, &ip_off, &hl, &n) || n > sizeof(m)) {
		snprintf(err, errlen, "a flood varies an unfragmented IPv4 packet carrying IGMP");
		return false;
	}
	if (igmpx_cksum(frame + ip_off, hl) || igmpx_cksum(frame + ip_off + hl, n)) {
		snprintf(err, errlen, "a flood makes the checksums again: the frame's own must "
			 "be right (no cksum= in it)");
		return false;
	}
	memcpy(m, frame + ip_off + hl, n);
	struct flood_check c = { groups, lists, 0, true };
	if ((groups || lists) && flood_fields(m, n, flood_check_one, &c) < 0) {
		snprintf(err, errlen, "groups: and source_lists: vary a report or a leave "
			 "(v1, v2 or v3, its records whole)");
		return false;
	}
	if (!c.range_ok) {
		snprintf(err, errlen, "groups: %u from each group of the message leaves 224.0.0.0/4",
			 groups);
		return false;
	}
	if (lists && !c.with_sources) {
		snprintf(err, errlen, "source_lists: needs a v3 record with sources");
		return false;
	}
	return true;
}

struct flood_vary {
	uint32_t gadd;
	unsigned long block;
};

static void flood_vary_one(uint8_t *group, uint8_t *src, unsigned nsrc, void *arg)
{
	const struct flood_vary *v = arg;

	put32(group, get32(group) + v->gadd);
	for (unsigned k = 0; k < nsrc && v->block; k++)
		put32(src + 4 * k, get32(src + 4 * k) + (uint32_t)(nsrc * v->block));
}

void hx_flood_frame(const uint8_t *frame, size_t len, const struct hx_flood *f,
		    unsigned long i, uint8_t *out)
{
	size_t ip_off, hl, n;

	memcpy(out, frame, len);
	if (!flood_parts(out, len, &ip_off, &hl, &n))
		return;
	uint8_t *ip = out + ip_off, *m = ip + hl;
	uint32_t host = f->host0 + (uint32_t)(i % (f->hosts ? f->hosts : 1));
	if (f->hosts > 1) {
		put32(ip + 12, host);
		out[6] = 0x02, out[7] = 0x00;
		put32(out + 8, host);
	}
	unsigned groups = f->groups ? f->groups : 1, lists = f->lists ? f->lists : 1;
	struct flood_vary v = { (uint32_t)(i % groups), (i / groups) % lists };
	bool ip_changed = f->hosts > 1;
	if (v.gadd || v.block) {
		uint32_t g0 = get32(m + 4);
		flood_fields(m, n, flood_vary_one, &v);
		m[2] = m[3] = 0;
		uint16_t ck = igmpx_cksum(m, n);
		m[2] = (uint8_t)(ck >> 8), m[3] = (uint8_t)ck;
		/* A v1/v2 report goes to its group: the destination follows. */
		if (m[0] != 0x22 && get32(ip + 16) == g0 && v.gadd) {
			uint32_t g = get32(m + 4);
			put32(ip + 16, g);
			out[0] = 0x01, out[1] = 0x00, out[2] = 0x5E;
			out[3] = (uint8_t)(g >> 16 & 0x7F), out[4] = (uint8_t)(g >> 8), out[5] = (uint8_t)g;
			ip_changed = true;
		}
	}
	if (ip_changed) {
		ip[10] = ip[11] = 0;
		uint16_t ck = igmpx_cksum(ip, hl);
		ip[10] = (uint8_t)(ck >> 8), ip[11] = (uint8_t)ck;
	}
}
