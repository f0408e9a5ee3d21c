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
