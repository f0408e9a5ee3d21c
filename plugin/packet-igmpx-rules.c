/* packet-igmpx-rules.c: one expert item per rule of the catalogue
 * (core/rules.def), named igmpx.rule.<id>, and the content checks of
 * core/check hung on the fields at fault. */
#include "packet-igmpx.h"
#include "ws-compat.h"

#include "check.h"
#include "rules.h"

#include <epan/tap.h>
#include <epan/dissectors/packet-ip.h>

static expert_field ei_igmpx_rule[IGMPX_RULE_COUNT];

static int severity_of(enum igmpx_severity s)
{
	switch (s) {
	case IGMPX_SEV_ERROR: return PI_ERROR;
	case IGMPX_SEV_WARN:  return PI_WARN;
	case IGMPX_SEV_NOTE:  return PI_NOTE;
	case IGMPX_SEV_CHAT:  return PI_CHAT;
	}
	return PI_WARN;
}

static int group_of(enum igmpx_rule r)
{
	switch (r) {
	case IGMPX_RULE_checksum:
	case IGMPX_RULE_v3_report_checksum:
	case IGMPX_RULE_v2_checksum:
	case IGMPX_RULE_v1_checksum:
	case IGMPX_RULE_v0_checksum:
	case IGMPX_RULE_mrd_checksum:
	case IGMPX_RULE_rgmp_checksum:
		return PI_CHECKSUM;
	default:
		return igmpx_rules[r].severity == IGMPX_SEV_ERROR ? PI_MALFORMED : PI_PROTOCOL;
	}
}

/* The expert items are made from the catalogue at registration: their
 * names and summaries live as long as the program. */
void igmpx_register_rules(int proto)
{
	ei_register_info *ei = g_new0(ei_register_info, IGMPX_RULE_COUNT);

	for (int r = 0; r < IGMPX_RULE_COUNT; r++) {
		const struct igmpx_rule_info *ri = &igmpx_rules[r];
		ei[r].ids = &ei_igmpx_rule[r];
		ei[r].eiinfo.name = g_strdup_printf("igmpx.rule.%s", ri->id);
		ei[r].eiinfo.group = group_of((enum igmpx_rule)r);
		ei[r].eiinfo.severity = severity_of(ri->severity);
		ei[r].eiinfo.summary = g_strdup_printf("%s (%s %s, %s)", ri->text, ri->rfc,
						       ri->section, igmpx_level_name(ri->level));
		ei[r].eiinfo.id = -1;
		ei[r].eiinfo.hf_info.p_id = &ei[r].eiinfo.id;
		ei[r].eiinfo.hf_info.hfinfo.id = -1;
	}
	expert_register_field_array(expert_register_protocol(proto), ei, IGMPX_RULE_COUNT);
}

expert_field *igmpx_rule_ei(enum igmpx_rule r)
{
	return &ei_igmpx_rule[r];
}

/* The item of the octets off .. off+len of the message: the one covering
 * exactly them (the first added), else the smallest covering them, else
 * the protocol item.  len 0 means the message as a whole. */
static proto_item *item_at(const struct igmpx_ctx *c, size_t off, size_t len)
{
	const struct igmpx_span *best = NULL;

	if (len == 0)
		return c->it.proto;
	for (guint i = 0; i < c->nspans; i++) {
		const struct igmpx_span *s = &c->spans[i];
		if (s->off == off && s->len == len)
			return s->item;
		if (s->off <= off && off + len <= (size_t)s->off + s->len &&
		    (!best || s->len < best->len))
			best = s;
	}
	return best ? best->item : c->it.proto;
}

/* A finding in the IP header highlights the header's octets (in the data
 * source the IP dissector read); one in the message hangs on its field. */
static void attach_finding(struct igmpx_ctx *c, const struct igmpx_finding *f, size_t hlen)
{
	expert_field *ei = igmpx_rule_ei(f->rule);

	if (f->length && f->offset < hlen && c->tree) {
		tvbuff_t *ds = tvb_get_ds_tvb(c->tvb);
		gint ip_off = tvb_raw_offset(c->tvb) - (gint)hlen;
		size_t n = MIN(f->length, hlen - f->offset);
		proto_tree_add_expert_format(c->tree, c->pinfo, ei, ds, ip_off + (gint)f->offset,
					     (gint)n, "%s", f->text);
		return;
	}
	if (!c->tree || f->offset < hlen)
		expert_add_info_format(c->pinfo, c->it.proto, ei, "%s", f->text);
	else
		expert_add_info_format(c->pinfo, item_at(c, f->offset - hlen, f->length), ei,
				       "%s", f->text);
}

/* Checks are worth running when someone looks: a tree (display, filter,
 * fields), the expert tap (-z expert) or the igmpx tap (statistics). */
static gboolean igmpx_rules_wanted(const struct igmpx_ctx *c)
{
	static int expert_tap = -1;

	if (c->tree)
		return TRUE;
	if (expert_tap < 0)
		expert_tap = (int)find_tap_id("expert");
	return (expert_tap > 0 && have_tap_listener(expert_tap)) || igmpx_stats_wanted();
}

/* The datagram Wireshark put together from IP fragments (ip.defragment, on
 * by default): the message is then in a data source of its own, with no IP
 * header before it.  The header of the fragment that completed it is in the
 * frame, found there by its protocol, identification, flags and offset and
 * addresses (the IP dissector's ws_ip4); followed by the message, with the
 * datagram's Total Length and the flags and offset cleared, it is the
 * datagram as its sender meant it.  NULL for any other message. */
static const guint8 *reassembled_ip(struct igmpx_ctx *c, size_t *len, size_t *hlen)
{
	const ws_ip4 *iph = WS_IP4_PTR(c->ip_data);
	tvbuff_t *frame;
	const guint8 *b;
	guint n;

	if (!iph || !(iph->ip_off & IGMPX_IP_FRAGMENT) || !c->whole || !c->pinfo->data_src ||
	    iph->ip_src.type != AT_IPv4 || iph->ip_dst.type != AT_IPv4)
		return NULL;
	frame = get_data_source_tvb((const struct data_source *)c->pinfo->data_src->data);
	if (!frame || frame == tvb_get_ds_tvb(c->tvb))
		return NULL;
	n = tvb_captured_length(frame);
	b = tvb_get_ptr(frame, 0, n);
	for (guint at = 0; at + 20 <= n; at++) {
		const guint8 *h = b + at;
		size_t hl = (size_t)(h[0] & 0x0F) * 4;
		guint8 *p;

		if (h[0] >> 4 != 4 || hl < 20 || at + hl > n || h[9] != IGMPX_IPPROTO_IGMP ||
		    igmpx_read16(h + 4) != iph->ip_id || igmpx_read16(h + 6) != iph->ip_off ||
		    memcmp(h + 12, iph->ip_src.data, 4) != 0 || memcmp(h + 16, iph->ip_dst.data, 4) != 0)
			continue;
		if (hl + c->len > 0xFFFF)
			return NULL;
		p = (guint8 *)wmem_alloc(c->pinfo->pool, hl + c->len);
		memcpy(p, h, hl);
		memcpy(p + hl, c->buf, c->len);
		igmpx_set16(p + 2, (guint16)(hl + c->len));
		igmpx_set16(p + 6, (guint16)(igmpx_read16(h + 6) & ~IGMPX_IP_FRAGMENT));
		*len = hl + c->len;
		*hlen = hl;
		return p;
	}
	return NULL;
}

/* Before the decode: run core/check and keep its findings in the context. */
void igmpx_rules_check(struct igmpx_ctx *c)
{
	struct igmpx_finding f[IGMPX_FOUND_MAX];
	struct igmpx_check_opts opts = { 0 };
	const guint8 *ip;
	const struct igmpx_ipv4 *h;
	size_t len, hlen, n;

	c->nfound = 0;
	if (!igmpx_rules_wanted(c))
		return;
	ip = igmpx_ip_packet(c, &len, &hlen);
	if (!ip && (ip = reassembled_ip(c, &len, &hlen)) != NULL)
		opts.reassembled = 1;
	if (!ip)
		return;
	if (hlen + c->len > len)
		opts.reported_len = hlen + c->len;
	/* A first fragment says so in its own header (More Fragments), which
	 * core reads.  A message cut by the fragmentation of a layer below (a
	 * tunnel's) is, like an ICMP quote, the start of a message whose length
	 * and checksum cannot be judged. */
	opts.in_icmp_error = c->pinfo->flags.in_error_pkt ||
			     (c->pinfo->fragmented && !(igmpx_read16(ip + 6) & IGMPX_IP_MF));
	if ((h = igmpx_ip_parsed(c)) != NULL && !opts.in_icmp_error && !opts.reported_len)
		n = igmpx_check_parsed(ip, len, h, &c->m, &opts, f, G_N_ELEMENTS(f));
	else
		n = igmpx_check_packet(ip, len, &opts, f, G_N_ELEMENTS(f));
	n = MIN(n, G_N_ELEMENTS(f));
	if (!n)
		return;
	c->findings = (struct igmpx_finding *)wmem_memdup(c->pinfo->pool, f, n * sizeof(f[0]));
	c->ip_hlen = hlen;
	for (size_t i = 0; i < n; i++)
		c->found[c->nfound++] = (guint16)f[i].rule;
}

/* After the decode: hang each finding on the field at fault. */
void igmpx_rules_apply(struct igmpx_ctx *c)
{
	for (guint i = 0; i < c->nfound; i++)
		attach_finding(c, &c->findings[i], c->ip_hlen);
}
